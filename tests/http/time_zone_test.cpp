// The team's time zone (config time_zone) through real HTTP on loopback: the searches-per-day chart
// and the gap inbox count days of that zone, and their since / as_of are days of that zone (an event
// at 23:30 UTC is on the next Jakarta day); a zone that does not exist stops the start.
#include "time_zone.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "events.hpp"
#include "http_support.hpp"
#include "reports.hpp"
#include "usage_log.hpp"

namespace solusi {
namespace {

using ::testing::HasSubstr;

class TeamTimeZone : public testing::HttpTest {
 protected:
  void TearDown() override {
    HttpTest::TearDown();
    service::set_team_zone(service::TimeZone(),
                           /*configured=*/false);  // the next test's seeding starts from UTC days
  }
  std::filesystem::path events_db() const { return service::default_events_path(index_dir()); }
  service::Config jakarta_config() const {
    auto c = base_config();
    c.usage_flush_ms = 20;
    c.time_zone = "Asia/Jakarta";
    return c;
  }
};

std::vector<std::string> examples(const nlohmann::json& gaps) {
  std::vector<std::string> out;
  for (const auto& c : gaps["clusters"])
    for (const auto& e : c["examples"]) out.push_back(e.get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(TeamTimeZone, ReportDaysAndTheirSinceAndAsOfAreJakartaDays) {
  // Days well past, so that every search is judged: D is 2026-11-10.
  const std::int64_t d = Date::parse("2026-11-10")->days_since_epoch() * std::int64_t{86400};
  {
    auto store = service::EventStore::open(events_db());
    ASSERT_TRUE(store) << store.error().describe();
    ASSERT_TRUE(service::write_usage(
        **store, {// 16:59 UTC: 23:59 on 10 November in Jakarta.
                  service::SearchEvent{d + 16 * 3600 + 59 * 60, "paylater", "id", 0, {}, "rina"},
                  // 17:00 UTC: 00:00 on 11 November in Jakarta.
                  service::SearchEvent{d + 17 * 3600, "zzqxv", "", 0, {}, "budi"},
                  // 23:30 UTC on 11 November: 06:30 on 12 November in Jakarta.
                  service::SearchEvent{d + 86400 + 23 * 3600 + 1800, "wobble", "", 0, {}, "budi"}}));
  }
  start(jakarta_config());
  const auto j = get_ok("/v1/reports/searches?since=2026-11-10&as_of=2026-11-12");
  EXPECT_EQ(j["since"], "2026-11-10");
  EXPECT_EQ(j["until"], "2026-11-12");
  ASSERT_EQ(j["days"].size(), 3u);
  EXPECT_EQ(j["days"][0]["day"], "2026-11-10");
  EXPECT_EQ(j["days"][0]["searches"], 1);  // UTC days would have counted 2 here
  EXPECT_EQ(j["days"][1]["day"], "2026-11-11");
  EXPECT_EQ(j["days"][1]["searches"], 1);
  EXPECT_EQ(j["days"][2]["day"], "2026-11-12");
  EXPECT_EQ(j["days"][2]["searches"], 1);  // and 0 here

  // The gap inbox's window is Jakarta days too: 11 November is 17:00 UTC on the 10th to 17:00 UTC on
  // the 11th.
  const auto day11 = get_ok("/v1/reports/gaps?since=2026-11-11&as_of=2026-11-11");
  EXPECT_EQ(day11["since"], "2026-11-11");
  EXPECT_EQ(day11["until"], "2026-11-11");
  EXPECT_EQ(examples(day11), std::vector<std::string>{"zzqxv"});
  EXPECT_EQ(day11["time_zone"], "Asia/Jakarta");
  ASSERT_EQ(day11["clusters"].size(), 1u);
  EXPECT_EQ(day11["clusters"][0]["first_seen"], "2026-11-10T17:00:00Z");  // an instant, in UTC
  EXPECT_EQ(day11["clusters"][0]["first_day"], "2026-11-11");             // its day in Jakarta
  EXPECT_EQ(examples(get_ok("/v1/reports/gaps?since=2026-11-10&as_of=2026-11-10")),
            std::vector<std::string>{"paylater"});
  EXPECT_EQ(examples(get_ok("/v1/reports/gaps?since=2026-11-12&as_of=2026-11-12")),
            std::vector<std::string>{"wobble"});

  // Without as_of: today in Jakarta.
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const std::string today = service::TimeZone::load("Asia/Jakarta")->date_of(now).iso();
  EXPECT_EQ(get_ok("/v1/reports/searches")["until"], today);
  EXPECT_EQ(get_ok("/v1/reports/gaps")["until"], today);
}

TEST_F(TeamTimeZone, AnUnknownZoneStopsTheStartWithAClearError) {
  auto config = base_config();
  config.time_zone = "Asia/Jakarat";
  service::Server server(config);
  auto port = server.start();
  ASSERT_FALSE(port);
  EXPECT_THAT(port.error().message, HasSubstr("time zone 'Asia/Jakarat'"));
}

}  // namespace
}  // namespace solusi
