// The team's time zone (time_zone.hpp): zones read from the system's zoneinfo, days of that zone for
// the reports and the per-day counters, and the events.db migration that moves UTC-day counters.
#include "time_zone.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "events.hpp"
#include "report_fixture.hpp"
#include "search_days.hpp"
#include "test_support.hpp"
#include "usage_log.hpp"

namespace solusi::service {
namespace {

using solusi::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::int64_t day(const char* iso) {
  return Date::parse(iso)->days_since_epoch();
}
/// Unix seconds of @p iso at hh:mm UTC.
std::int64_t utc(const char* iso, int hh, int mm = 0) {
  return day(iso) * 86400 + hh * 3600 + mm * 60;
}

TimeZone zone(const char* name) {
  auto z = TimeZone::load(name);
  EXPECT_TRUE(z) << z.error().message;
  return z ? *z : TimeZone();
}

/// Sets the team's zone for one test and puts UTC back.
struct TeamZone {
  explicit TeamZone(const char* name) { set_team_zone(zone(name)); }
  ~TeamZone() { set_team_zone(TimeZone(), /*configured=*/false); }
};

TEST(TimeZone, AnEventAt2330UtcIsOnTheNextJakartaDay) {
  const TimeZone jakarta = zone("Asia/Jakarta");
  EXPECT_EQ(jakarta.name(), "Asia/Jakarta");
  EXPECT_EQ(jakarta.offset_at(utc("2026-12-06", 23, 30)), 7 * 3600);
  EXPECT_EQ(jakarta.day_of(utc("2026-12-06", 23, 30)), day("2026-12-07"));
  EXPECT_EQ(jakarta.date_of(utc("2026-12-06", 16, 59)).iso(), "2026-12-06");
  EXPECT_EQ(jakarta.date_of(utc("2026-12-06", 17, 0)).iso(), "2026-12-07");
  // A Jakarta day starts at 17:00 UTC the day before.
  EXPECT_EQ(jakarta.day_start(day("2026-12-07")), utc("2026-12-06", 17));
  // UTC keeps UTC days.
  EXPECT_EQ(TimeZone().day_of(utc("2026-12-06", 23, 30)), day("2026-12-06"));
  EXPECT_EQ(TimeZone().day_start(day("2026-12-07")), utc("2026-12-07", 0));
}

TEST(TimeZone, FollowsTheZonesHistoryAndItsDaylightSavingRule) {
  // Jakarta was +07:30 until 1964.
  EXPECT_EQ(zone("Asia/Jakarta").offset_at(utc("1960-06-01", 0)), 7 * 3600 + 1800);
  const TimeZone berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.offset_at(utc("2026-07-01", 12)), 2 * 3600);
  EXPECT_EQ(berlin.offset_at(utc("2026-12-01", 12)), 3600);
  // Past the file's last transition the footer's rule (CET-1CEST,M3.5.0,M10.5.0/3) decides.
  EXPECT_EQ(berlin.offset_at(utc("2090-07-01", 12)), 2 * 3600);
  EXPECT_EQ(berlin.offset_at(utc("2090-12-01", 12)), 3600);
  EXPECT_EQ(berlin.offset_at(utc("2090-03-26", 0, 59)), 3600);  // last Sunday of March: 01:00 UTC
  EXPECT_EQ(berlin.offset_at(utc("2090-03-26", 1, 0)), 2 * 3600);
  // West of UTC the day changes the other way.
  const TimeZone new_york = zone("America/New_York");
  EXPECT_EQ(new_york.day_of(utc("2026-12-08", 3)), day("2026-12-07"));
  EXPECT_EQ(new_york.day_start(day("2026-12-07")), utc("2026-12-07", 5));
  EXPECT_EQ(new_york.day_start(day("2090-07-04")), utc("2090-07-04", 4));
}

TEST(TimeZone, RefusesWhatIsNotAZoneWithAClearError) {
  for (const char* bad :
       {"", "Mars/Olympus_Mons", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "Asia/Jakarta; rm", "Asia"}) {
    SCOPED_TRACE(bad);
    auto z = TimeZone::load(bad);
    ASSERT_FALSE(z);
    EXPECT_THAT(z.error().message, HasSubstr("time zone"));
  }
  EXPECT_FALSE(TimeZone::parse("X", "TZif2 but not really"));
  EXPECT_FALSE(TimeZone::parse("X", "not a zone file at all"));
  EXPECT_TRUE(TimeZone::load("UTC"));
}

TEST(TimeZone, SearchesPerDayCountInTheTeamsDays) {
  TeamZone jakarta("Asia/Jakarta");
  EXPECT_EQ(day_number(utc("2026-12-06", 23, 30)), day("2026-12-07"));
  // 16:59 UTC is still 6 December in Jakarta; 17:00 and 23:30 UTC are 7 December.
  const std::vector<SearchOutcome> searches = {{utc("2026-12-06", 16, 59), 0, false},
                                               {utc("2026-12-06", 17, 0), 3, true},
                                               {utc("2026-12-06", 23, 30), 3, true}};
  const auto days = count_search_days(searches, *Date::parse("2026-12-06"), *Date::parse("2026-12-07"),
                                      utc("2026-12-09", 0));
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].day, "2026-12-06");
  EXPECT_EQ(days[0].searches, 1);
  EXPECT_EQ(days[0].zero_results, 1);
  EXPECT_EQ(days[1].day, "2026-12-07");
  EXPECT_EQ(days[1].searches, 2);
}

std::vector<std::string> rows(const std::filesystem::path& path, const char* query) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, query, -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      out.emplace_back(t ? t : "NULL");
    }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

constexpr const char* daily_rows =
    "SELECT day || ' ' || slug || ' ' || views || ' ' || search_hits || ' ' || suggested || ' ' || resolved "
    "FROM article_daily JOIN article_ids ON id = article ORDER BY day, slug";
constexpr const char* vote_rows =
    "SELECT day || ' ' || slug || ' ' || helpful || ' ' || not_helpful || ' ' || outdated "
    "FROM feedback_daily JOIN article_ids ON id = article ORDER BY day, slug";

TEST(TimeZone, MigrationMovesAnOldStoresUtcDayCountersToTheTeamsDays) {
  TempDir dir;
  const auto path = dir / "events.db";
  const std::int64_t late = utc("2026-12-06", 23, 30), early = utc("2026-12-06", 10);
  const std::string d6 = std::to_string(day("2026-12-06")), d7 = std::to_string(day("2026-12-07"));
  {  // a store of schema 10, written with UTC days
    auto store = EventStore::open(path);
    ASSERT_TRUE(store) << store.error().describe();
    SearchEvent s;
    s.at = late;
    s.query = "otp";
    s.hits = 2;
    s.shown = {"akun/otp"};
    ViewEvent v;
    v.at = late;
    v.slug = "akun/otp";
    ViewEvent v2 = v;
    v2.at = early;
    ASSERT_TRUE(write_usage(**store, {s, v, v2}));
    SuggestionLog sug;
    sug.at = late;
    sug.shown = {"akun/otp"};
    ASSERT_TRUE((*store)->log_suggestion(sug));
    FeedbackEvent f;
    f.ticket_id = "ZD-1";
    f.slug = "akun/otp";
    f.kind = FeedbackKind::resolved;
    f.at = late;
    ASSERT_TRUE((*store)->add_feedback(f));
    f.kind = FeedbackKind::helpful;
    ASSERT_TRUE((*store)->add_feedback(f));
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db, "DELETE FROM store_meta WHERE key = 'counters_zone'; PRAGMA user_version = 10;",
                     nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_THAT(rows(path, daily_rows), ElementsAre(d6 + " akun/otp 2 1 1 1"));
  TeamZone jakarta("Asia/Jakarta");
  for (int open = 0; open < 2; ++open) {  // the second open changes nothing
    SCOPED_TRACE(open);
    auto store = EventStore::open(path);
    ASSERT_TRUE(store) << store.error().describe();
    EXPECT_THAT(rows(path, "SELECT value FROM store_meta WHERE key = 'counters_zone'"),
                ElementsAre("Asia/Jakarta"));
    // The view, the suggestion and the resolution at 23:30 UTC move to 7 December; the view at 10:00
    // UTC stays; the search hit stays where it was counted (a search row does not say what it showed).
    EXPECT_THAT(rows(path, daily_rows), ElementsAre(d6 + " akun/otp 1 1 0 0", d7 + " akun/otp 1 0 1 1"));
    EXPECT_THAT(rows(path, vote_rows), ElementsAre(d7 + " akun/otp 1 0 0"));
    EXPECT_EQ(solusi::testing::usage_counts(path, true), solusi::testing::usage_counts(path, false));
  }
  {  // new counts go to the team's days too
    auto store = EventStore::open(path);
    ASSERT_TRUE(store);
    ViewEvent v;
    v.at = late;
    v.slug = "akun/otp";
    ASSERT_TRUE(write_usage(**store, {v}));
  }
  EXPECT_THAT(rows(path, daily_rows), ElementsAre(d6 + " akun/otp 1 1 0 0", d7 + " akun/otp 2 0 1 1"));
}

}  // namespace
}  // namespace solusi::service
