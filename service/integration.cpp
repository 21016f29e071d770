#include "integration.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "date.hpp"

namespace solusi::service {

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > max_request_id_bytes) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

std::string new_request_id() {
  thread_local std::mt19937_64 random{[] {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = random();
    for (int i = 0; i < 16; ++i, v >>= 4) out += hex[v & 15];
  }
  return out;
}

std::string request_id_for(std::string_view client_value) {
  return valid_request_id(client_value) ? std::string(client_value) : new_request_id();
}

// ------------------------------------------------------------------------------------------------

std::int64_t RateLimiter::take(const std::string& key, Clock::time_point now) {
  if (!enabled()) return 0;
  std::lock_guard lk(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= o_.max_keys) evict(now);
    it = buckets_.emplace(key, Bucket{o_.burst, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) b.tokens = std::min(o_.burst, b.tokens + elapsed * o_.per_second);
  if (now > b.last) b.last = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1 - b.tokens) / o_.per_second)));
}

void RateLimiter::evict(Clock::time_point now) {
  // A bucket that has refilled completely is the same as a new one: dropping it forgets nothing.
  const size_t before = buckets_.size();
  std::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& b = entry.second;
    return b.tokens + std::chrono::duration<double>(now - b.last).count() * o_.per_second >= o_.burst;
  });
  evicted_ += before - buckets_.size();
  if (buckets_.size() < o_.max_keys) return;
  // Every client is busy: the one idle longest loses its bucket (it starts full again).
  auto oldest = std::min_element(buckets_.begin(), buckets_.end(),
                                 [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
  buckets_.erase(oldest);
  ++evicted_;
}

size_t RateLimiter::tracked() const {
  std::lock_guard lk(mu_);
  return buckets_.size();
}

std::uint64_t RateLimiter::evicted() const {
  std::lock_guard lk(mu_);
  return evicted_;
}

// ------------------------------------------------------------------------------------------------

namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

/// The cursor format's version: a cursor of another format is refused rather than misread.
constexpr std::string_view cursor_prefix = "c1";

}  // namespace

std::string article_url(std::string_view base, std::string_view slug) {
  std::string out(base);
  for (const char ch : slug) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += hex_digits[c >> 4];
      out += hex_digits[c & 15];
    }
  }
  return out;
}

std::string encode_list_cursor(std::string_view slug) {
  std::string out(cursor_prefix);
  for (const char ch : slug) {
    const auto c = static_cast<unsigned char>(ch);
    out += static_cast<char>(std::tolower(hex_digits[c >> 4]));
    out += static_cast<char>(std::tolower(hex_digits[c & 15]));
  }
  return out;
}

Result<std::string> decode_list_cursor(std::string_view cursor) {
  auto bad = [&] {
    return fail(ErrorCode::invalid_argument,
                "parameter 'cursor' is not a cursor of this list (use the next_cursor of the previous page)");
  };
  if (!cursor.starts_with(cursor_prefix) || cursor.size() == cursor_prefix.size() || cursor.size() % 2 != 0)
    return bad();
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string slug;
  for (size_t i = cursor_prefix.size(); i < cursor.size(); i += 2) {
    const int hi = nibble(cursor[i]), lo = nibble(cursor[i + 1]);
    if (hi < 0 || lo < 0) return bad();
    slug += static_cast<char>(hi * 16 + lo);
  }
  return slug;
}

std::optional<std::int64_t> parse_time_text(std::string_view v, bool end_of_day) {
  if (!v.empty() && v.size() <= 12 && v.find_first_not_of("0123456789") == std::string_view::npos) {
    std::int64_t n = 0;
    for (const char c : v) n = n * 10 + (c - '0');
    return n;
  }
  if (v.size() < 10 || v.size() > 40) return std::nullopt;
  auto date = Date::parse(v.substr(0, 10));
  if (!date || date->iso() != v.substr(0, 10)) return std::nullopt;
  const std::int64_t midnight = static_cast<std::int64_t>(date->days_since_epoch()) * 86400;
  if (v.size() == 10) return end_of_day ? midnight + 86399 : midnight;
  // THH:MM[:SS[.fff]] then Z or ±HH:MM
  auto digits = [&](size_t at, size_t n, int max, int& out) {
    if (at + n > v.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (v[i] < '0' || v[i] > '9') return false;
      out = out * 10 + (v[i] - '0');
    }
    return out <= max;
  };
  int hh = 0, mm = 0, ss = 0;
  if ((v[10] != 'T' && v[10] != 't' && v[10] != ' ') || !digits(11, 2, 23, hh) || v.size() < 16 ||
      v[13] != ':' || !digits(14, 2, 59, mm))
    return std::nullopt;
  size_t i = 16;
  if (i < v.size() && v[i] == ':') {
    if (!digits(i + 1, 2, 60, ss)) return std::nullopt;
    i += 3;
    if (i < v.size() && v[i] == '.') {
      ++i;
      const size_t start = i;
      while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
      if (i == start) return std::nullopt;
    }
  }
  std::int64_t offset = 0;
  if (i < v.size() && (v[i] == 'Z' || v[i] == 'z') && i + 1 == v.size()) {
    // UTC
  } else if (i < v.size() && (v[i] == '+' || v[i] == '-') && i + 6 == v.size() && v[i + 3] == ':') {
    int oh = 0, om = 0;
    if (!digits(i + 1, 2, 23, oh) || !digits(i + 4, 2, 59, om)) return std::nullopt;
    offset = (v[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  return midnight + hh * 3600 + mm * 60 + ss - offset;
}

}  // namespace solusi::service
