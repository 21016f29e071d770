// The usage log through real HTTP on loopback: searches and views land in events.db off the request
// path, a full queue never fails a search (and is counted in /metrics), the retention runs on start.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "events.hpp"
#include "http_support.hpp"
#include "usage_log.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using testing::eventually;
using ::testing::HasSubstr;

/// The first column of every row of @p query on the events database, as text.
std::vector<std::string> column(const std::filesystem::path& db_path, const std::string& query) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        out.emplace_back(t ? t : "NULL");
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Reports : public testing::HttpTest {
 protected:
  std::filesystem::path events_db() const { return service::default_events_path(index_dir()); }

  service::Config quick_config() const {
    auto c = base_config();
    c.usage_flush_ms = 20;
    return c;
  }
};

TEST_F(Reports, SearchesAndViewsAreLoggedOffTheRequestPath) {
  start(quick_config());
  ASSERT_EQ(get("/v1/search?q=Refund%20%20BELUM%20masuk&lang=id").status, 200);
  ASSERT_EQ(get("/v1/search?q=refund&offset=10").status, 200);  // a next page is not another search
  ASSERT_EQ(get("/v1/search?q=zzqxv").status, 200);
  ASSERT_EQ(get("/v1/articles/akun/otp-tidak-masuk").status, 200);
  ASSERT_EQ(get("/v1/articles/pembayaran/refund-zamrud").status, 404);  // a draft: no view
  ASSERT_TRUE(eventually(
      [&] { return column(events_db(), "SELECT count(*) FROM views") == std::vector<std::string>{"1"}; },
      5s));
  EXPECT_THAT(column(events_db(),
                     "SELECT query || '|' || lang || '|' || (hits > 0) || '|' || principal "
                     "FROM searches ORDER BY id"),
              ElementsAre("refund belum masuk|id|1|anonymous", "zzqxv||0|anonymous"));
  EXPECT_THAT(column(events_db(), "SELECT slug || '|' || principal FROM views"),
              ElementsAre("akun/otp-tidak-masuk|anonymous"));
  // The first page of the first search showed the refund article: counted for today.
  EXPECT_THAT(
      column(events_db(), "SELECT search_hits FROM usage_daily WHERE slug = 'pembayaran/refund-belum-masuk'"),
      ElementsAre("1"));
  // The counter moves right after the commit the rows above came from.
  EXPECT_TRUE(eventually(
      [&] { return get("/metrics").body.find("solusi_events_logged_total 3\n") != std::string::npos; }, 5s));
  EXPECT_THAT(get("/metrics").body, HasSubstr("solusi_events_dropped_total{reason=\"queue_full\"} 0\n"));
}

TEST_F(Reports, AFullEventQueueNeverFailsASearch) {
  auto config = base_config();
  config.usage_queue_size = 1;
  config.usage_flush_ms = 3600000;  // nothing drains the queue while the test runs
  start(config);
  for (int i = 0; i < 20; ++i) {
    const auto r = get("/v1/search?q=refund%20" + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_FALSE(r.json["hits"].empty());
  }
  const auto metrics = get("/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("solusi_events_dropped_total{reason=\"queue_full\"} 19\n"));
  EXPECT_THAT(metrics, HasSubstr("solusi_events_queue_depth 1\n"));
  server_->stop();  // writes what was queued
  EXPECT_THAT(column(events_db(), "SELECT query FROM searches"), ElementsAre("refund 0"));
}

TEST_F(Reports, TheRetentionRunsOnStart) {
  {
    auto store = service::EventStore::open(events_db());
    ASSERT_TRUE(store) << store.error().describe();
    const std::int64_t old = now_seconds() - 200 * 86400, recent = now_seconds() - 10 * 86400;
    ASSERT_TRUE(service::write_usage(**store, {service::SearchEvent{old, "lama", "id", 0, {}, "rina"},
                                               service::SearchEvent{recent, "baru", "id", 0, {}, "rina"},
                                               service::ViewEvent{old, "akun/otp-tidak-masuk", "rina"}}));
    service::SuggestionLog s;
    s.at = old;
    s.text = "tiket lama";
    ASSERT_TRUE((*store)->log_suggestion(s));
  }
  auto config = quick_config();
  config.retention_days = 180;
  start(config);
  // The writer thread purges first thing: a search, a view, a suggestion and that day's counts.
  EXPECT_TRUE(eventually(
      [&] { return get("/metrics").body.find("solusi_events_purged_total 4\n") != std::string::npos; }, 5s));
  EXPECT_THAT(column(events_db(), "SELECT query FROM searches"), ElementsAre("baru"));
  EXPECT_THAT(column(events_db(), "SELECT count(*) FROM views"), ElementsAre("0"));
  EXPECT_THAT(column(events_db(), "SELECT count(*) FROM suggestions"), ElementsAre("0"));
  EXPECT_THAT(column(events_db(), "SELECT count(*) FROM usage_daily"),
              ElementsAre("0"));  // "baru" showed nothing
}

}  // namespace
}  // namespace solusi
