// What makes the HTTP API easy for a ticket system to adopt: request ids, the per-client rate limiter,
// article URLs, the article list's cursors and points in time in ISO 8601. No cpp-httplib here: the
// adapter (server.cpp) calls these.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "error.hpp"

namespace solusi::service {

// ------------------------------------------------------------------------------------------------
// Request ids

/// The longest X-Request-Id taken from a client; a longer one is replaced by a generated id.
inline constexpr size_t max_request_id_bytes = 128;

/// True for 1 to max_request_id_bytes visible ASCII characters (0x21-0x7E: no spaces, no control
/// characters), the ids a client may choose.
bool valid_request_id(std::string_view id);

/// A new id: 32 lowercase hex digits (128 random bits).
std::string new_request_id();

/// The client's id when valid_request_id(), else a new one.
std::string request_id_for(std::string_view client_value);

// ------------------------------------------------------------------------------------------------
// Rate limits

/// Clients (tokens, or addresses without tokens) the rate limiter tracks at most; past it the buckets
/// that have refilled completely are dropped (they are the same as new ones), else the least recently
/// used one.
inline constexpr size_t max_rate_limit_keys = 10000;

struct RateLimitOptions {
  double per_second = 50;  ///< tokens added per second; 0 disables the limiter
  double burst = 200;      ///< bucket size: requests that may come at once
  size_t max_keys = max_rate_limit_keys;
};

/// One token bucket per key. Thread-safe.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimitOptions options) : o_(options) {}

  bool enabled() const { return o_.per_second > 0; }

  /// Takes one token of @p key's bucket: 0 when the request may go on, else the whole seconds (at
  /// least 1) until the bucket holds a token again (the Retry-After of the 429).
  std::int64_t take(const std::string& key, Clock::time_point now = Clock::now());

  size_t tracked() const;
  std::uint64_t evicted() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
  };
  void evict(Clock::time_point now);  ///< mu_ held

  RateLimitOptions o_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::uint64_t evicted_ = 0;
};

// ------------------------------------------------------------------------------------------------
// Article URLs, list cursors, times

/// @p base followed by @p slug, each byte of a path segment that is not unreserved (RFC 3986)
/// percent-encoded, the '/' between segments kept: "/?a=" + "akun/otp" → "/?a=akun/otp".
std::string article_url(std::string_view base, std::string_view slug);

/// The opaque cursor of GET /v1/articles that continues after @p slug (the list is sorted by slug).
std::string encode_list_cursor(std::string_view slug);
/// The slug a cursor continues after; 400 for anything encode_list_cursor() did not make.
Result<std::string> decode_list_cursor(std::string_view cursor);

/// A point in time as Unix seconds: digits (Unix seconds, at most 12 of them), an ISO 8601 date (its
/// first second, or with @p end_of_day its last) or date and time ("2026-12-07T10:00:00Z", an offset
/// "+07:00", fractions of a second ignored). nullopt when it is none of these.
std::optional<std::int64_t> parse_time_text(std::string_view text, bool end_of_day);

}  // namespace solusi::service
