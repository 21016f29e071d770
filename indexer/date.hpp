// Calendar dates as written in front matter, and review intervals.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "error.hpp"

namespace solusi {

/// A calendar date (no time of day, no zone): what "reviewed", "publish_at" and "valid_to" mean.
class Date {
 public:
  Date() = default;
  explicit Date(std::chrono::sys_days days) : days_(days) {}

  /// Parses ISO "2026-08-01" (a time part such as "T10:00:00Z" is ignored), US "08/01/2026"
  /// (month first, as real-world front matter such as ms.date writes it) and "2026/08/01".
  /// Impossible dates ("2026-02-30") are errors.
  static Result<Date> parse(std::string_view text);

  static Date today();

  /// Days since 1970-01-01 (negative before).
  long days_since_epoch() const { return static_cast<long>(days_.time_since_epoch().count()); }
  std::chrono::sys_days sys_days() const { return days_; }
  /// ISO 8601 "YYYY-MM-DD".
  std::string iso() const;

  Date plus_days(long n) const { return Date(days_ + std::chrono::days(n)); }
  friend long operator-(const Date& a, const Date& b) { return a.days_since_epoch() - b.days_since_epoch(); }
  friend auto operator<=>(const Date&, const Date&) = default;

 private:
  std::chrono::sys_days days_{};
};

/// Parses a review interval: "90d", "12w", "6m" (30-day months), "1y" (365 days) or a bare number of days.
Result<int> parse_interval_days(std::string_view text);

}  // namespace solusi
