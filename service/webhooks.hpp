// Outgoing webhooks: article published / changed / archived / restored / deleted and gap created,
// POSTed as signed JSON to the configured subscriptions (config.hpp: WebhookSubscription).
//
// Durable: an event is queued in events.db (tables webhook_queue and webhook_attempts) in the same
// transaction that records the revision or the suggestion (EventHooks), so an acknowledged publish
// always has its webhook, and a kill -9 loses no pending delivery: the delivery thread picks them up at
// the next start. Each delivery is tried on the retry schedule (webhook_retry_steps × the configured
// first delay) and marked failed after the last try; every attempt is in the delivery log.
//
// Signed like Stripe's: X-Solusi-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…], one v1 per
// configured secret, each HMAC-SHA256(secret, "<t>.<body>"). Receivers check one of them and refuse a
// t older than webhook_signature_tolerance_seconds (replays).
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api.hpp"
#include "config.hpp"
#include "error.hpp"
#include "events.hpp"
#include "openapi.hpp"

namespace solusi::service {

// ------------------------------------------------------------------------------------------------
// Limits

/// The waits before the 2nd … 7th attempt, as multiples of the configured first wait
/// (webhook_retry_first_ms, 10 s by default: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h). After the 7th
/// failed attempt the delivery is marked failed.
inline constexpr std::array<std::int64_t, 6> webhook_retry_steps{1, 6, 30, 180, 720, 2160};
/// Attempts of one delivery at most (the first and one per retry step).
inline constexpr int max_webhook_attempts = static_cast<int>(webhook_retry_steps.size()) + 1;
/// Connecting to a receiver, and sending to or reading from it, each give up after this long.
inline constexpr std::chrono::seconds webhook_connect_timeout{5};
inline constexpr std::chrono::seconds webhook_io_timeout{10};
/// Bytes of a receiver's answer read at most (its body is not kept); a longer answer is a failed
/// attempt.
inline constexpr size_t max_webhook_response_bytes = 64 * 1024;
/// Pending deliveries at most; an event that would queue more is not queued (reported on stderr and
/// counted: webhook_events_dropped()).
inline constexpr std::int64_t max_pending_webhook_deliveries = 10'000;
/// Largest body sent: a longer note or gap text is cut to fit ("truncated": true in the event).
inline constexpr size_t max_webhook_body_bytes = 64 * 1024;
/// Finished (delivered or failed) deliveries kept, and attempts kept in the delivery log; the oldest
/// beyond are deleted as new ones are written.
inline constexpr std::int64_t max_finished_webhook_deliveries = 50'000;
inline constexpr std::int64_t max_webhook_attempt_rows = 200'000;
/// What a receiver should accept between the signature's t and its own clock (seconds), both ways.
inline constexpr std::int64_t webhook_signature_tolerance_seconds = 300;
/// Deliveries per page of GET /v1/webhooks/deliveries at most, and attempts listed per delivery.
inline constexpr size_t max_webhook_deliveries_page = 200;
inline constexpr size_t max_attempts_listed = 20;
/// Due deliveries taken per round of the delivery thread.
inline constexpr int webhook_batch = 20;

// ------------------------------------------------------------------------------------------------
// Signing (pure functions, unit-tested)

/// Lowercase hex HMAC-SHA256 of @p data under @p key (OpenSSL).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
/// The X-Solusi-Signature value: "t=<t>,v1=<hex>" with one v1 per secret, in the configured order.
std::string webhook_signature(std::int64_t t, std::string_view body, const std::vector<std::string>& secrets);
/// What a receiver does: true when @p header has a t within @p tolerance seconds of @p now and a v1
/// that is the HMAC of "<t>.<body>" under one of @p secrets (compared in constant time).
bool verify_webhook_signature(std::string_view header, std::string_view body,
                              const std::vector<std::string>& secrets, std::int64_t now,
                              std::int64_t tolerance = webhook_signature_tolerance_seconds);

/// The wait before attempt @p next_attempt (2 … max_webhook_attempts) after a failed one; nullopt when
/// @p next_attempt is past the last: the delivery has failed.
std::optional<std::chrono::milliseconds> webhook_retry_delay(int next_attempt,
                                                             std::chrono::milliseconds first);

/// The event a new revision makes, from the article's live state before it (@p previous_status:
/// the status of its latest earlier revision that was published or archived, empty: none;
/// @p previous_hash its content hash; @p had_revision: any earlier revision at all, a deletion
/// included; @p previous_deleted: the latest earlier revision was a deletion). Empty: none (drafts, a
/// baseline record of a file already there, an unchanged text).
std::string article_event_type(const RevisionInfo& added, const std::string& previous_status,
                               const std::string& previous_hash, bool had_revision, bool previous_deleted);

/// Events dropped because the queue was full, since the process started.
std::uint64_t webhook_events_dropped() noexcept;

// ------------------------------------------------------------------------------------------------
// The service part: queueing hooks, the delivery thread, the routes

class Webhooks {
 public:
  /// Installs the queueing hooks on @p events (before it is shared between threads).
  Webhooks(const Config& config, EventStore& events);
  ~Webhooks();
  Webhooks(const Webhooks&) = delete;
  Webhooks& operator=(const Webhooks&) = delete;

  /// Starts the delivery thread (pending deliveries of an earlier run go first).
  void start();
  /// Stops it, letting an attempt in flight finish (bounded by the timeouts). Idempotent.
  void stop();

  /// GET /v1/webhooks/deliveries: the delivery log, newest first.
  Result<ApiResponse> deliveries(const ApiRequest& r);
  /// POST /v1/webhooks/{id}/test: a ping sent at once, logged, not retried.
  Result<ApiResponse> test(const ApiRequest& r);
  /// POST /v1/webhooks/deliveries/{id}/redeliver: queues a delivery again, from its first attempt.
  Result<ApiResponse> redeliver(const ApiRequest& r);

  /// Prometheus text for /metrics: deliveries by state (solusi_webhook_deliveries{state=…}) and the
  /// events dropped on a full queue (solusi_webhook_events_dropped_total). Empty when unreadable.
  std::string metrics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The routes, for the server's route table; @p hooks is the server's (set when it starts).
std::vector<Route> webhook_routes(const std::unique_ptr<Webhooks>& hooks);
/// Their OpenAPI descriptions (openapi.cpp adds them to route_docs()), and the schemas they use.
std::vector<RouteDoc> webhook_route_docs();
void add_webhook_schemas(nlohmann::json& schemas);

}  // namespace solusi::service
