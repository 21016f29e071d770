#include "time_zone.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <list>
#include <mutex>
#include <system_error>

namespace solusi::service {
namespace {

constexpr std::int64_t seconds_per_day = 86400;
/// No zone is this far from UTC (the most is +14 h): day_start searches within it.
constexpr std::int64_t max_offset_seconds = 26 * 3600;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

Error bad_zone(std::string_view name, const std::string& why) {
  return Error{ErrorCode::invalid_argument, "time zone '" + std::string(name) + "': " + why, {}, 0};
}

/// Reads big-endian integers from the TZif bytes, refusing to read past the end.
struct Reader {
  std::string_view in;
  bool ok = true;
  std::int64_t be(size_t n) {
    if (in.size() < n) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
    in.remove_prefix(n);
    if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }
  void skip(std::int64_t n) {
    if (n < 0 || in.size() < static_cast<size_t>(n)) {
      ok = false;
      return;
    }
    in.remove_prefix(static_cast<size_t>(n));
  }
};

struct Counts {
  std::int64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

bool read_header(Reader& r, char& version, Counts& c) {
  if (r.in.substr(0, 4) != "TZif") return false;
  r.skip(4);
  if (r.in.empty()) return false;
  version = r.in.front();
  r.skip(16);
  c.isut = r.be(4), c.isstd = r.be(4), c.leap = r.be(4), c.time = r.be(4), c.type = r.be(4),
  c.chars = r.be(4);
  return r.ok && c.isut >= 0 && c.isstd >= 0 && c.leap >= 0 && c.time >= 0 && c.type >= 1 && c.chars >= 0;
}

// POSIX TZ strings (the TZif footer): "WIB-7", "CET-1CEST,M3.5.0,M10.5.0/3", "<+0330>-3:30".
bool parse_name(std::string_view& s) {
  if (!s.empty() && s.front() == '<') {
    const auto end = s.find('>');
    if (end == std::string_view::npos) return false;
    s.remove_prefix(end + 1);
    return true;
  }
  size_t n = 0;
  while (n < s.size() && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

bool parse_number(std::string_view& s, std::int64_t& v) {
  size_t n = 0;
  v = 0;
  while (n < s.size() && n < 3 && s[n] >= '0' && s[n] <= '9') v = v * 10 + (s[n++] - '0');
  s.remove_prefix(n);
  return n > 0;
}

/// [+-]hh[:mm[:ss]] in seconds.
bool parse_hms(std::string_view& s, std::int64_t& v) {
  std::int64_t sign = 1;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  std::int64_t h = 0, m = 0, sec = 0;
  if (!parse_number(s, h)) return false;
  if (!s.empty() && s.front() == ':') {
    s.remove_prefix(1);
    if (!parse_number(s, m)) return false;
    if (!s.empty() && s.front() == ':') {
      s.remove_prefix(1);
      if (!parse_number(s, sec)) return false;
    }
  }
  v = sign * (h * 3600 + m * 60 + sec);
  return true;
}

bool parse_rule_day(std::string_view& s, TzRuleDay& d) {
  if (s.empty() || s.front() != 'M') return false;  // Jn and n forms: not in tzdata's footers
  s.remove_prefix(1);
  std::int64_t m = 0, w = 0, wd = 0;
  if (!parse_number(s, m) || s.empty() || s.front() != '.') return false;
  s.remove_prefix(1);
  if (!parse_number(s, w) || s.empty() || s.front() != '.') return false;
  s.remove_prefix(1);
  if (!parse_number(s, wd)) return false;
  if (m < 1 || m > 12 || w < 1 || w > 5 || wd > 6) return false;
  d.month = static_cast<int>(m), d.week = static_cast<int>(w), d.weekday = static_cast<int>(wd);
  d.time = 7200;
  if (!s.empty() && s.front() == '/') {
    s.remove_prefix(1);
    if (!parse_hms(s, d.time)) return false;
  }
  return true;
}

/// Days since 1970-01-01 of the rule's day in @p year.
std::int64_t rule_day(const TzRuleDay& d, int year) {
  using namespace std::chrono;
  const sys_days first =
      year_month_day{std::chrono::year{year}, month{static_cast<unsigned>(d.month)}, day{1}};
  const unsigned first_wd = weekday{first}.c_encoding();
  std::int64_t dom = 1 + (d.weekday - static_cast<int>(first_wd) + 7) % 7 + (d.week - 1) * 7;
  const auto month_days = static_cast<unsigned>(year_month_day_last{
      std::chrono::year{year}, month_day_last{month{static_cast<unsigned>(
                                   d.month)}}}.day());
  while (dom > month_days) dom -= 7;
  return first.time_since_epoch().count() + dom - 1;
}

}  // namespace

TimeZone::TimeZone() = default;

Result<TimeZone> TimeZone::parse(std::string_view name, std::string_view tzif) {
  Reader r{tzif};
  char version = 0;
  Counts c;
  if (!read_header(r, version, c)) return tl::unexpected(bad_zone(name, "not a TZif zone file"));
  int time_size = 4;
  if (version >= '2') {  // skip the 32-bit block: the 64-bit one follows
    r.skip(c.time * 4 + c.time + c.type * 6 + c.chars + c.leap * 8 + c.isstd + c.isut);
    if (!r.ok || !read_header(r, version, c)) return tl::unexpected(bad_zone(name, "truncated TZif file"));
    time_size = 8;
  }
  if (c.leap > 0)
    return tl::unexpected(bad_zone(name, "zones with leap seconds (right/…) are not supported"));
  TimeZone z;
  z.name_ = std::string(name);
  std::vector<std::int64_t> times, type_offsets;
  std::vector<std::int64_t> type_index;
  for (std::int64_t i = 0; i < c.time; ++i) times.push_back(r.be(static_cast<size_t>(time_size)));
  for (std::int64_t i = 0; i < c.time; ++i) type_index.push_back(r.be(1));
  for (std::int64_t i = 0; i < c.type; ++i) {
    type_offsets.push_back(r.be(4));
    r.skip(2);  // isdst, designation index
  }
  r.skip(c.chars + c.isstd + c.isut);
  if (!r.ok) return tl::unexpected(bad_zone(name, "truncated TZif file"));
  for (size_t i = 0; i < times.size(); ++i) {
    if (type_index[i] < 0 || type_index[i] >= c.type || (i > 0 && times[i] <= times[i - 1]))
      return tl::unexpected(bad_zone(name, "malformed TZif transitions"));
    z.transitions_.push_back(times[i]);
    z.offsets_.push_back(type_offsets[static_cast<size_t>(type_index[i])]);
  }
  z.initial_offset_ = type_offsets[0];
  z.std_offset_ = z.offsets_.empty() ? z.initial_offset_ : z.offsets_.back();
  // The footer: the rule after the last transition (version 2 and later).
  if (time_size == 8 && r.in.size() >= 2 && r.in.front() == '\n') {
    std::string_view s = r.in.substr(1);
    s = s.substr(0, s.find('\n'));
    if (!s.empty()) {
      const auto bad_rule = [&] {
        return tl::unexpected(
            bad_zone(name, "unsupported rule '" + std::string(r.in.substr(1, s.size())) + "'"));
      };
      std::string_view rest = s;
      std::int64_t std_west = 0;
      if (!parse_name(rest) || !parse_hms(rest, std_west)) return bad_rule();
      z.std_offset_ = -std_west;
      if (!rest.empty()) {
        if (!parse_name(rest)) return bad_rule();
        z.dst_offset_ = z.std_offset_ + 3600;
        if (!rest.empty() && rest.front() != ',') {
          std::int64_t dst_west = 0;
          if (!parse_hms(rest, dst_west)) return bad_rule();
          z.dst_offset_ = -dst_west;
        }
        if (rest.empty() || rest.front() != ',') return bad_rule();
        rest.remove_prefix(1);
        if (!parse_rule_day(rest, z.dst_start_) || rest.empty() || rest.front() != ',') return bad_rule();
        rest.remove_prefix(1);
        if (!parse_rule_day(rest, z.dst_end_) || !rest.empty()) return bad_rule();
        z.has_dst_ = true;
      }
    }
  }
  return z;
}

Result<TimeZone> TimeZone::load(std::string_view name, const std::filesystem::path& dir) {
  const bool plain = !name.empty() && name.size() <= max_zone_name_bytes && name.front() != '/' &&
                     name.find("..") == std::string_view::npos &&
                     std::all_of(name.begin(), name.end(), [](char ch) {
                       return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                              (ch >= '0' && ch <= '9') || ch == '/' || ch == '_' || ch == '-' || ch == '+';
                     });
  if (!plain)
    return tl::unexpected(
        bad_zone(name, "not an IANA time zone name (e.g. Asia/Jakarta, Asia/Makassar, UTC)"));
  const auto path = dir / std::string(name);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec))
    return tl::unexpected(bad_zone(name, "unknown zone (no file " + path.string() +
                                             "; IANA names look like Asia/Jakarta, Asia/Makassar, UTC)"));
  if (size > max_tzif_bytes)
    return tl::unexpected(bad_zone(name, path.string() + " is too large for a zone file"));
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return tl::unexpected(bad_zone(name, "cannot read " + path.string()));
  return parse(name, bytes);
}

std::int64_t TimeZone::offset_at(std::int64_t at) const {
  if (!transitions_.empty() && at < transitions_.front()) return initial_offset_;
  if (!transitions_.empty() && at < transitions_.back()) {
    const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), at);
    return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
  }
  if (!has_dst_) return transitions_.empty() || at >= transitions_.back() ? std_offset_ : initial_offset_;
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{floor_div(at + std_offset_, seconds_per_day)}}};
  const int year = static_cast<int>(ymd.year());
  const std::int64_t start = rule_day(dst_start_, year) * seconds_per_day + dst_start_.time - std_offset_;
  const std::int64_t end = rule_day(dst_end_, year) * seconds_per_day + dst_end_.time - dst_offset_;
  const bool dst = start < end ? (at >= start && at < end) : (at < end || at >= start);
  return dst ? dst_offset_ : std_offset_;
}

std::int64_t TimeZone::day_of(std::int64_t at) const {
  return floor_div(at + offset_at(at), seconds_per_day);
}

std::int64_t TimeZone::day_start(std::int64_t day) const {
  // The first instant whose local day is @p day (a day whose midnight a transition skips starts
  // when the transition happens).
  std::int64_t lo = day * seconds_per_day - max_offset_seconds,
               hi = day * seconds_per_day + max_offset_seconds;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (day_of(mid) >= day)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

Date TimeZone::date_of(std::int64_t at) const {
  return Date(std::chrono::sys_days{std::chrono::days{day_of(at)}});
}

Date TimeZone::today() const {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return date_of(static_cast<std::int64_t>(now));
}

namespace {
std::atomic<const TimeZone*> current_zone{nullptr};
std::atomic<bool> zone_configured{false};
std::mutex kept_mu;
std::list<TimeZone> kept_zones;  ///< every zone set, kept alive: a reader may still hold an earlier one
}  // namespace

bool team_zone_configured() {
  return zone_configured.load(std::memory_order_acquire);
}

const TimeZone& team_zone() {
  static const TimeZone utc;
  const TimeZone* z = current_zone.load(std::memory_order_acquire);
  return z ? *z : utc;
}

void set_team_zone(TimeZone zone, bool configured) {
  // Set once at start (and by tests): the few zones kept do not grow in a running service.
  std::lock_guard lk(kept_mu);
  kept_zones.push_back(std::move(zone));
  current_zone.store(&kept_zones.back(), std::memory_order_release);
  zone_configured.store(configured, std::memory_order_release);
}

}  // namespace solusi::service
