// The team's time zone: which calendar day an event falls on for the reports (config key time_zone).
// GCC 12's libstdc++ has no std::chrono::locate_zone (no tzdb), so the zone is read from the
// system's compiled zoneinfo (TZif, RFC 8536) once at start: an immutable table of UTC offsets that
// any thread may read (no TZ environment variable, no localtime_r).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "date.hpp"
#include "error.hpp"

namespace solusi::service {

/// The team's zone when the config names none.
inline constexpr std::string_view default_time_zone = "Asia/Jakarta";
/// Where TZif files are looked up by IANA name.
inline constexpr std::string_view default_zoneinfo_dir = "/usr/share/zoneinfo";
/// A TZif file larger than this is refused (the largest in tzdata is under 4 KiB).
inline constexpr std::uintmax_t max_tzif_bytes = 256 * 1024;
/// A longer zone name is refused (the longest IANA name has 32 characters).
inline constexpr size_t max_zone_name_bytes = 64;

/// A POSIX TZ rule day ("Mm.w.d/time"): the d-th weekday (0 = Sunday) of week w (5 = last) of month m,
/// at time seconds after local midnight.
struct TzRuleDay {
  int month = 0, week = 0, weekday = 0;
  std::int64_t time = 7200;
};

class TimeZone {
 public:
  /// UTC.
  TimeZone();
  /// Reads the zone @p name ("Asia/Jakarta", "UTC") from @p dir. A name that is not a plain IANA
  /// name (empty, absolute, "..", other characters), a missing or malformed file, or a future rule
  /// this reader does not know is an error naming the zone.
  static Result<TimeZone> load(
      std::string_view name, const std::filesystem::path& dir = std::filesystem::path(default_zoneinfo_dir));
  /// Parses TZif bytes (tests build zones with it).
  static Result<TimeZone> parse(std::string_view name, std::string_view tzif);

  const std::string& name() const { return name_; }
  /// Seconds east of UTC in force at the UTC instant @p at.
  std::int64_t offset_at(std::int64_t at) const;
  /// The local day of @p at, as days since 1970-01-01.
  std::int64_t day_of(std::int64_t at) const;
  /// The first UTC second of local day @p day (days since 1970-01-01).
  std::int64_t day_start(std::int64_t day) const;
  /// The local calendar date of @p at.
  Date date_of(std::int64_t at) const;
  /// Today's local date (now from the system clock).
  Date today() const;

 private:
  std::string name_ = "UTC";
  std::vector<std::int64_t> transitions_;  ///< UTC instants, ascending
  std::vector<std::int64_t> offsets_;      ///< offset in force from transitions_[i] on
  std::int64_t initial_offset_ = 0;        ///< before the first transition
  // After the last transition: the footer's rule (standard offset, and DST between two rule days).
  std::int64_t std_offset_ = 0, dst_offset_ = 0;
  bool has_dst_ = false;
  TzRuleDay dst_start_, dst_end_;
};

/// The zone the reports and the per-day counters of events.db use: set once at start (before any
/// thread reads it: main.cpp, from the config); UTC until set.
const TimeZone& team_zone();
/// @p configured: the zone comes from the team's config (or a server's Config), so opening events.db
/// for writing moves its per-day counters into it (events.cpp). A command that only assumes the
/// default zone (`solusi index`, which has no --config) leaves the counters where they are.
void set_team_zone(TimeZone zone, bool configured = true);
bool team_zone_configured();

}  // namespace solusi::service
