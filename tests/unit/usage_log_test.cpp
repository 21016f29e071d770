// The usage log: normalized queries, batched writes with per-day counts, the bounded queue that drops
// (and counts) instead of waiting, the writer thread, and the retention, through the real SQLite file.
#include "usage_log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "report_fixture.hpp"
#include "test_support.hpp"

namespace solusi::service {
namespace {

using namespace std::chrono_literals;
using solusi::testing::at;
using solusi::testing::TempDir;
using ::testing::HasSubstr;

/// The first column of every row of @p query, as text, through a connection of its own.
std::vector<std::string> column(const std::filesystem::path& db_path, const std::string& query) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::vector<std::string> out;
  if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      out.emplace_back(t ? t : "NULL");
    }
  } else {
    out.emplace_back(std::string("SQL error: ") + sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::int64_t count(const std::filesystem::path& db, const std::string& table) {
  return std::stoll(column(db, "SELECT count(*) FROM " + table).at(0));
}

SearchEvent search(std::int64_t when, std::string query, std::vector<std::string> shown = {},
                   std::string principal = "rina") {
  return SearchEvent{when,
                     std::move(query),
                     "id",
                     static_cast<std::int64_t>(shown.size()),
                     std::move(shown),
                     std::move(principal)};
}

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(NormalizeQuery, LowercasesCollapsesAndDropsIdentifiers) {
  EXPECT_EQ(normalize_query("  Refund   BELUM\tmasuk "), "refund belum masuk");
  EXPECT_EQ(normalize_query("refund 0812-3456-7890 budi@example.com"), "refund");
  EXPECT_EQ(normalize_query("pesanan INV/20240603/MPL/123456789 belum sampai"), "pesanan belum sampai");
  EXPECT_EQ(normalize_query("PAY-401 gagal bayar"), "pay-401 gagal bayar");  // error codes stay
  EXPECT_EQ(normalize_query("081234567890"), "");
  const std::string long_query(600, 'a');
  EXPECT_LE(normalize_query(long_query + " b").size(), max_logged_query_bytes + 3);  // "…" when cut
}

TEST(UsageLog, WritesRowsAndPerDayCountsInOneBatch) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store) << store.error().describe();
  std::vector<UsageEvent> batch{
      search(at("2026-06-01", 9), "kode otp", {"akun/otp", "akun/otp-salinan"}),
      search(at("2026-06-01", 11), "otp telat", {"akun/otp"}),
      search(at("2026-06-02", 9), "paylater", {}),
      ViewEvent{at("2026-06-01", 9, 1), "akun/otp", "rina"},
      ViewEvent{at("2026-06-02", 23, 59), "akun/otp", "budi"},
  };
  ASSERT_TRUE(write_usage(**store, batch));
  const auto db = dir / "events.db";
  EXPECT_EQ(count(db, "searches"), 3);
  EXPECT_EQ(count(db, "views"), 2);
  EXPECT_THAT(column(db, "SELECT query || '|' || hits || '|' || principal FROM searches ORDER BY id"),
              ::testing::ElementsAre("kode otp|2|rina", "otp telat|1|rina", "paylater|0|rina"));
  const std::string day1 = std::to_string(at("2026-06-01", 0) / 86400);
  const std::string day2 = std::to_string(at("2026-06-02", 0) / 86400);
  EXPECT_THAT(
      column(db,
             "SELECT day || ' ' || slug || ' ' || views || ' ' || search_hits FROM article_daily "
             "JOIN article_ids ON id = article ORDER BY day, slug"),
      ::testing::ElementsAre(day1 + " akun/otp 1 2", day1 + " akun/otp-salinan 0 1", day2 + " akun/otp 1 0"));
  // A second batch adds to the same day's counts.
  ASSERT_TRUE(write_usage(**store, {ViewEvent{at("2026-06-02", 8), "akun/otp", "rina"}}));
  EXPECT_THAT(column(db,
                     "SELECT views FROM article_daily JOIN article_ids ON id = article "
                     "WHERE slug = 'akun/otp' AND day = " +
                         day2),
              ::testing::ElementsAre("2"));
  // The same counts by block of days, what the stale report reads.
  EXPECT_EQ(solusi::testing::usage_counts(db, true), solusi::testing::usage_counts(db, false));
  EXPECT_EQ(count(db, "article_usage"), 2);  // both days in one block, for each of the two articles
}

TEST(UsageLog, UsageBlocksRoundTripAndRejectDamage) {
  const std::vector<UsageDay> days{
      {0, {1, 2, 3, 4}}, {7, {0, 300, 0, 0}}, {31, {std::int64_t{1} << 40, 0, 0, 1}}};
  std::vector<UsageDay> back;
  const std::string blob = encode_usage_days(days);
  ASSERT_TRUE(decode_usage_days(blob, back));
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].offset, 7);
  EXPECT_EQ(back[1].counts.search_hits, 300);
  EXPECT_EQ(back[2].counts.views, std::int64_t{1} << 40);
  EXPECT_EQ(encode_usage_days(back), blob);
  // Damage: a cut varint, days out of order, a day past the block. The days before it are kept.
  EXPECT_FALSE(decode_usage_days(blob.substr(0, blob.size() - 1), back));
  EXPECT_EQ(back.size(), 2u);
  EXPECT_FALSE(decode_usage_days(encode_usage_days({{5, {}}, {5, {}}}), back));
  EXPECT_EQ(back.size(), 1u);
  EXPECT_FALSE(decode_usage_days(std::string(1, static_cast<char>(usage_block_days)) + "\0\0\0\0", back));
  EXPECT_TRUE(back.empty());
  EXPECT_TRUE(decode_usage_days("", back));
  // Adding keeps the days in order and sums a day's counts.
  std::vector<UsageDay> added;
  add_usage_day(added, 9, {1, 0, 0, 0});
  add_usage_day(added, 2, {0, 1, 0, 0});
  add_usage_day(added, 9, {1, 0, 2, 0});
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0].offset, 2);
  EXPECT_EQ(added[1].counts.views, 2);
  EXPECT_EQ(added[1].counts.suggested, 2);
  EXPECT_EQ(usage_block(0), 0);
  EXPECT_EQ(usage_block(usage_block_days - 1), 0);
  EXPECT_EQ(usage_block(usage_block_days), 1);
  EXPECT_EQ(usage_block(-1), -1);
}

TEST(UsageLog, RetentionTrimsTheBlockHoldingTheCutoffDay) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  // A cutoff day in the middle of its block: the days before it go, the later ones stay.
  const std::int64_t block_start = usage_block(at("2026-06-01") / 86400) * usage_block_days;
  const std::int64_t cutoff = (block_start + 10) * 86400;
  ASSERT_TRUE(write_usage(**store, {ViewEvent{cutoff - 2 * 86400, "akun/otp", "rina"},
                                    ViewEvent{cutoff - 86400, "akun/sandi", "rina"},
                                    ViewEvent{cutoff + 86400, "akun/otp", "rina"}}));
  const auto db = dir / "events.db";
  ASSERT_EQ(count(db, "article_usage"), 2);
  auto purged = purge_usage(**store, cutoff);
  ASSERT_TRUE(purged) << purged.error().describe();
  EXPECT_EQ(purged->daily, 2);
  EXPECT_EQ(purged->usage_blocks, 2);  // akun/otp's block trimmed, akun/sandi's left empty and deleted
  EXPECT_THAT(solusi::testing::usage_counts(db, true),
              ::testing::ElementsAre(std::to_string(block_start + 11) + " akun/otp 1 0 0 0"));
  EXPECT_EQ(solusi::testing::usage_counts(db, true), solusi::testing::usage_counts(db, false));
  auto again = purge_usage(**store, cutoff);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->total(), 0);
  EXPECT_EQ(again->usage_blocks, 0);
}

TEST(UsageLog, AFullQueueDropsAndCountsInsteadOfWaiting) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  UsageLogOptions o;
  o.capacity = 3;
  UsageLog log(**store, o);  // not started: nothing drains the queue
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(log.record(search(at("2026-06-01") + i, "q" + std::to_string(i))));
  EXPECT_FALSE(log.record(search(at("2026-06-01") + 3, "q3")));
  EXPECT_FALSE(log.record(ViewEvent{at("2026-06-01") + 4, "akun/otp", "rina"}));
  auto s = log.stats();
  EXPECT_EQ(s.queued, 3u);
  EXPECT_EQ(s.dropped_full, 2u);
  EXPECT_THAT(log.metrics_text(), HasSubstr("solusi_events_dropped_total{reason=\"queue_full\"} 2\n"));
  EXPECT_THAT(log.metrics_text(), HasSubstr("solusi_events_queue_depth 3\n"));

  auto written = log.flush();
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_EQ(*written, 3u);
  EXPECT_EQ(count(dir / "events.db", "searches"), 3);
  EXPECT_TRUE(log.record(search(at("2026-06-01") + 5, "q5")));  // room again
  EXPECT_EQ(log.stats().logged, 3u);
  EXPECT_THAT(log.metrics_text(), HasSubstr("solusi_events_logged_total 3\n"));
}

TEST(UsageLog, TheWriterThreadWritesAndStopWritesTheRest) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  UsageLogOptions o;
  o.flush_interval = 20ms;
  {
    UsageLog log(**store, o);
    log.start();
    for (int i = 0; i < 50; ++i)
      ASSERT_TRUE(log.record(search(at("2026-06-01") + i, "q" + std::to_string(i))));
    EXPECT_TRUE(eventually([&] { return log.stats().logged == 50; })) << log.stats().logged;
    EXPECT_EQ(count(dir / "events.db", "searches"), 50);
  }
  o.flush_interval = 1h;  // only stop() can write these
  UsageLog log(**store, o);
  log.start();
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(log.record(ViewEvent{at("2026-06-02") + i, "akun/otp", "rina"}));
  log.stop();
  EXPECT_EQ(count(dir / "events.db", "views"), 7);
  EXPECT_FALSE(log.record(ViewEvent{at("2026-06-03"), "akun/otp", "rina"}));  // stopped
}

TEST(UsageLog, RecordNeverWaitsForALockedDatabase) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  UsageLogOptions o;
  o.flush_interval = 5ms;
  o.capacity = 100000;
  UsageLog log(**store, o);
  log.start();
  // Another process holds the write lock: the writer thread waits (busy timeout), requests do not.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "events.db").c_str(), &other), SQLITE_OK);
  sqlite3_busy_timeout(other, 5000);  // the writer's retention run at start may hold the lock briefly
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_TRUE(log.record(search(at("2026-06-01"), "first")));
  std::this_thread::sleep_for(50ms);  // the writer is now blocked on the lock
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(log.record(search(at("2026-06-01") + i, "q")));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 500ms) << "recording 2,000 events took "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_TRUE(eventually([&] { return log.stats().logged == 2001; })) << log.stats().logged;
  EXPECT_EQ(log.stats().dropped_full + log.stats().dropped_failed, 0u);
}

/// A store whose clock the test sets.
struct ClockedStore {
  explicit ClockedStore(const std::filesystem::path& path) {
    auto s = EventStore::open(path, false, [this] { return now.load(); });
    EXPECT_TRUE(s) << s.error().describe();
    if (s) store = std::move(*s);
  }
  std::atomic<std::int64_t> now{0};
  std::unique_ptr<EventStore> store;
};

void record_old_and_new(EventStore& store) {
  // 2025-12-01 is more than 180 days before 2026-06-30; 2026-06-01 is not.
  std::vector<UsageEvent> usage;
  for (int i = 0; i < 5; ++i) {
    usage.emplace_back(search(at("2025-12-01") + i, "old", {"akun/otp"}));
    usage.emplace_back(ViewEvent{at("2025-12-01") + i, "akun/otp", "rina"});
  }
  usage.emplace_back(search(at("2026-06-01"), "new", {"akun/otp"}));
  usage.push_back(ViewEvent{at("2026-06-01"), "akun/otp", "rina"});
  ASSERT_TRUE(write_usage(store, usage));
  ASSERT_TRUE(
      store.log_suggestion(solusi::testing::suggestion("T-old", at("2025-12-01"), {"akun/otp"}, false)));
  ASSERT_TRUE(
      store.log_suggestion(solusi::testing::suggestion("T-new", at("2026-06-01"), {"akun/otp"}, false)));
  ASSERT_TRUE(store.remember_ticket({"T-old", "id", {}, "lama", at("2025-12-01"), ""}));
  ASSERT_TRUE(store.remember_ticket({"T-new", "id", {}, "baru", at("2026-06-01"), ""}));
  ASSERT_TRUE(store.add_feedback(
      solusi::testing::feedback("T-old", "akun/otp", FeedbackKind::resolved, at("2025-12-01"))));
}

TEST(UsageLog, RetentionDeletesOldRowsInChunksAndKeepsFeedback) {
  TempDir dir;
  ClockedStore c(dir / "events.db");
  ASSERT_TRUE(c.store);
  record_old_and_new(*c.store);
  const std::int64_t cutoff = at("2026-06-30") - 180 * 86400;
  auto purged = purge_usage(*c.store, cutoff, /*chunk=*/2);  // 5 old searches: three chunks
  ASSERT_TRUE(purged) << purged.error().describe();
  EXPECT_EQ(purged->searches, 5);
  EXPECT_EQ(purged->views, 5);
  EXPECT_EQ(purged->suggestions, 1);
  EXPECT_EQ(purged->tickets, 1);
  EXPECT_EQ(purged->daily, 1);
  const auto db = dir / "events.db";
  EXPECT_THAT(column(db, "SELECT query FROM searches"), ::testing::ElementsAre("new"));
  EXPECT_EQ(count(db, "views"), 1);
  EXPECT_THAT(column(db, "SELECT ticket_id FROM suggestions"), ::testing::ElementsAre("T-new"));
  EXPECT_THAT(column(db, "SELECT ticket_id FROM tickets"), ::testing::ElementsAre("T-new"));
  EXPECT_EQ(count(db, "article_daily"), 1);
  EXPECT_EQ(solusi::testing::usage_counts(db, true), solusi::testing::usage_counts(db, false));
  EXPECT_EQ(count(db, "feedback"), 1);  // what was learned stays
  auto again = purge_usage(*c.store, cutoff);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->total(), 0);
}

TEST(UsageLog, StartingEnforcesTheRetentionByTheStoresClock) {
  TempDir dir;
  ClockedStore c(dir / "events.db");
  ASSERT_TRUE(c.store);
  record_old_and_new(*c.store);
  c.now = at("2026-06-30");
  UsageLogOptions o;
  o.retention_days = 180;
  UsageLog log(*c.store, o);
  log.start();
  EXPECT_TRUE(eventually([&] { return log.stats().purged == 13; })) << log.stats().purged;  // 5+5+1+1+1
  EXPECT_EQ(count(dir / "events.db", "searches"), 1);
  EXPECT_THAT(log.metrics_text(), HasSubstr("solusi_events_purged_total 13\n"));
  log.stop();

  // A shorter retention deletes more: 2026-06-01 is more than 20 days before 2026-06-30.
  o.retention_days = 20;
  UsageLog strict(*c.store, o);
  auto purged = strict.purge();
  ASSERT_TRUE(purged);
  EXPECT_EQ(purged->searches, 1);
  EXPECT_EQ(count(dir / "events.db", "searches"), 0);
}

TEST(UsageLog, ASearchTypedOnSupersedesTheEarlierOneAcrossBatches) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store) << store.error().describe();
  RecentSearches recent;
  const std::int64_t t = at("2026-06-01", 9);
  // As-you-type over two batches, interleaved with another agent and an unrelated search.
  ASSERT_TRUE(write_usage(**store, {search(t, "re"), search(t, "paylater", {}, "budi"), search(t + 1, "ref")},
                          &recent));
  ASSERT_TRUE(write_usage(**store,
                          {search(t + 2, "refund"), search(t + 3, "otp"), search(t + 60, "otp kode"),
                           search(t + 61, "paylater limit", {}, "budi")},
                          &recent));
  EXPECT_THAT(column(dir / "events.db", "SELECT query || '|' || superseded FROM searches ORDER BY id"),
              ::testing::ElementsAre("re|1", "paylater|0", "ref|1", "refund|0", "otp|0", "otp kode|0",
                                     "paylater limit|0"))
      << "'otp kode' came 57 s after 'otp' (more than as_you_type_seconds); budi's second search too";
}

TEST(UsageLog, RecentSearchesStayBoundedWhateverTheTraffic) {
  RecentSearches recent;
  // One shared principal typing many unrelated queries: each search compares with at most
  // per_principal earlier ones, so the work per search is constant.
  size_t superseded = 0;
  for (int i = 0; i < 20000; ++i) {
    SearchEvent s = search(1000 + i / 100, "q" + std::to_string(i) + "x", {}, "anonymous");
    superseded += recent.supersede(s, i + 1).size();
  }
  EXPECT_EQ(superseded, 0u);
  // Only the last few of a principal are remembered: an extension of an old query is a new search.
  EXPECT_EQ(recent.supersede(search(1200, "q19999x lagi", {}, "anonymous"), 30000).size(), 1u);
  EXPECT_TRUE(recent.supersede(search(1200, "q19000x lagi", {}, "anonymous"), 30001).empty());
}

}  // namespace
}  // namespace solusi::service
