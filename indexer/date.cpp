#include "date.hpp"

#include <charconv>
#include <cstdio>

#include "text.hpp"

namespace solusi {
namespace {

bool read_number(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

Result<Date> make_date(int y, int m, int d, std::string_view original) {
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (y < 1900 || y > 2200 || !ymd.ok())
    return fail(ErrorCode::invalid_argument, "impossible date '" + std::string(original) + "'");
  return Date(sys_days(ymd));
}

}  // namespace

Result<Date> Date::parse(std::string_view text) {
  const std::string_view original = text::trim(text);
  std::string_view s = original;
  // Drop a time-of-day part: "2026-08-01T10:00:00Z" or "2026-08-01 10:00".
  if (const auto t = s.find_first_of("T "); t != std::string_view::npos && t >= 8) s = s.substr(0, t);

  const auto bad = [&] {
    return fail(ErrorCode::invalid_argument,
                "unrecognised date '" + std::string(original) + "' (expected YYYY-MM-DD or MM/DD/YYYY)");
  };
  int a = 0, b = 0, c = 0;
  const char sep = s.find('-') != std::string_view::npos ? '-' : '/';
  const auto p1 = s.find(sep);
  const auto p2 = p1 == std::string_view::npos ? p1 : s.find(sep, p1 + 1);
  if (p1 == std::string_view::npos || p2 == std::string_view::npos ||
      s.find(sep, p2 + 1) != std::string_view::npos)
    return bad();
  const auto f1 = s.substr(0, p1), f2 = s.substr(p1 + 1, p2 - p1 - 1), f3 = s.substr(p2 + 1);
  if (!read_number(f1, a) || !read_number(f2, b) || !read_number(f3, c)) return bad();
  if (f1.size() == 4 && f2.size() <= 2 && f3.size() <= 2) return make_date(a, b, c, original);  // Y-M-D
  if (sep == '/' && f3.size() == 4 && f1.size() <= 2 && f2.size() <= 2)
    return make_date(c, a, b, original);  // M/D/Y
  return bad();
}

Date Date::today() {
  return Date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

std::string Date::iso() const {
  const std::chrono::year_month_day ymd{days_};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Result<int> parse_interval_days(std::string_view text) {
  std::string_view s = text::trim(text);
  const auto bad = [&] {
    return fail(ErrorCode::invalid_argument,
                "unrecognised interval '" + std::string(text) + "' (expected e.g. 90d, 12w, 6m, 1y)");
  };
  if (s.empty()) return bad();
  int unit = 1;
  switch (s.back()) {
    case 'd':
      unit = 1;
      s.remove_suffix(1);
      break;
    case 'w':
      unit = 7;
      s.remove_suffix(1);
      break;
    case 'm':
      unit = 30;
      s.remove_suffix(1);
      break;
    case 'y':
      unit = 365;
      s.remove_suffix(1);
      break;
    default:
      break;
  }
  int n = 0;
  if (!read_number(text::trim(s), n) || n <= 0) return bad();
  if (static_cast<long>(n) * unit > 3650)
    return fail(ErrorCode::invalid_argument, "interval longer than 10 years: '" + std::string(text) + "'");
  return n * unit;
}

}  // namespace solusi
