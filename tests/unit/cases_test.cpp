// Solved tickets as cases: the cases table in events.db, the case index that follows it (incremental
// catch-up, withdrawal, rebuild when missing, damaged or made for another store) and its votes, and
// the linear model over cases. Through real SQLite files and Xapian databases.
#include "cases.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "case_model.hpp"
#include "events.hpp"
#include "test_support.hpp"

namespace solusi::service {
namespace {

using solusi::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

FeedbackEvent resolution(const std::string& ticket, const std::string& slug, const std::string& words,
                         std::int64_t at = 1'000'000) {
  FeedbackEvent f;
  f.ticket_id = ticket;
  f.slug = slug;
  f.kind = FeedbackKind::resolved;
  f.lang = "id";
  f.words = words;
  f.at = at;
  return f;
}

std::vector<std::string> words_of(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s + " ") {
    if (c == ' ') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  return out;
}

class Cases : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = EventStore::open(dir_ / "events.db", false, [] { return std::int64_t{2'000'000}; });
    ASSERT_TRUE(s) << s.error().describe();
    store_ = std::move(*s);
  }
  std::unique_ptr<CaseWriter> writer() {
    auto w = CaseWriter::open(case_index_path(dir_ / "events.db"), store_->id());
    EXPECT_TRUE(w) << w.error().describe();
    return w ? std::move(*w) : nullptr;
  }
  CaseEvidence ask(const std::string& words) {
    auto r = CaseReader::open(case_index_path(dir_ / "events.db"));
    return r.evidence(words_of(words), 2'000'000);
  }
  TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(Cases, AResolutionIsACaseAndTheIndexCatchesUpIncrementally) {
  ASSERT_TRUE(
      store_->add_feedback(resolution("T-1", "pembayaran/refund", "refund belum masuk rekening bca")));
  ASSERT_TRUE(store_->add_feedback(resolution("T-2", "akun/otp", "kode otp tidak masuk sms")));
  auto w = writer();
  ASSERT_TRUE(w);
  auto r = w->sync(*store_);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->added, 2u);
  EXPECT_EQ(r->total, 2u);
  EXPECT_FALSE(r->rebuilt);

  const CaseEvidence e = ask("refund saya belum masuk ke rekening");
  ASSERT_FALSE(e.votes.empty());
  EXPECT_EQ(e.votes[0].slug, "pembayaran/refund");
  EXPECT_THAT(e.votes[0].tickets, ElementsAre("T-1"));
  EXPECT_GT(e.votes[0].share, 0.5);
  ASSERT_EQ(e.votes.size(), 2u) << "the OTP ticket shares \"masuk\"";
  EXPECT_LT(e.votes[1].closest, e.votes[0].closest);
  EXPECT_EQ(e.total_cases, 2u);

  // Only what changed is read again.
  ASSERT_TRUE(store_->add_feedback(resolution("T-3", "pembayaran/refund", "dana refund belum kembali")));
  r = w->sync(*store_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->added, 1u);
  EXPECT_EQ(r->total, 3u);
  // A duplicate resolution writes nothing.
  auto dup = store_->add_feedback(resolution("T-3", "pembayaran/refund", "dana refund belum kembali"));
  ASSERT_TRUE(dup);
  EXPECT_FALSE(*dup);
  r = w->sync(*store_);
  EXPECT_EQ(r->added, 0u);
}

TEST_F(Cases, AWithdrawnOrDeletedCaseLeavesTheIndexAndComesBackWhenFiledAgain) {
  ASSERT_TRUE(store_->add_feedback(resolution("T-1", "pembayaran/refund", "refund belum masuk")));
  auto w = writer();
  ASSERT_TRUE(w->sync(*store_));
  // What a withdrawal does to the rows (the withdrawal API is tested over HTTP).
  ASSERT_TRUE(store_->with_connection([](sqlite3* db) -> Result<void> {
    if (sqlite3_exec(db, "UPDATE feedback SET withdrawn_at = 1", nullptr, nullptr, nullptr) != SQLITE_OK)
      return fail(ErrorCode::io_error, sqlite3_errmsg(db));
    return set_case_state(db, "T-1", "pembayaran/refund", CaseRow::State::withdrawn);
  }));
  auto r = w->sync(*store_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->removed, 1u);
  EXPECT_TRUE(ask("refund belum masuk").votes.empty());

  ASSERT_TRUE(store_->add_feedback(resolution("T-1", "pembayaran/refund", "refund belum masuk")));
  ASSERT_TRUE(w->sync(*store_));
  EXPECT_EQ(ask("refund belum masuk").votes.size(), 1u);

  ASSERT_TRUE(store_->with_connection(
      [](sqlite3* db) { return set_case_state(db, "T-1", "pembayaran/refund", CaseRow::State::deleted); }));
  ASSERT_TRUE(w->sync(*store_));
  EXPECT_TRUE(ask("refund belum masuk").votes.empty());
  auto rows = store_->cases_since(0, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].words, "") << "a deleted case keeps no words of the customer";
}

TEST_F(Cases, AMissingDamagedOrForeignCaseIndexIsRebuiltFromEventsDb) {
  ASSERT_TRUE(store_->add_feedback(resolution("T-1", "pembayaran/refund", "refund belum masuk")));
  ASSERT_TRUE(store_->add_feedback(resolution("T-2", "akun/otp", "otp tidak masuk")));
  const auto path = case_index_path(dir_ / "events.db");
  {
    auto w = writer();
    ASSERT_TRUE(w->sync(*store_));
  }
  // Missing: made afresh, every case read again.
  std::filesystem::remove_all(path);
  {
    auto w = writer();
    auto r = w->sync(*store_);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->total, 2u);
  }
  // Damaged tables.
  for (const auto& e : std::filesystem::directory_iterator(path))
    if (e.path().extension() == ".glass") std::ofstream(e.path(), std::ios::trunc) << "junk";
  {
    auto w = writer();
    auto r = w->sync(*store_);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_TRUE(r->rebuilt);
    EXPECT_EQ(r->total, 2u);
  }
  // Made for another events store.
  {
    auto w = CaseWriter::open(path, "another-store");
    ASSERT_TRUE(w);
  }
  auto w = writer();
  auto r = w->sync(*store_);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->rebuilt);
  EXPECT_THAT(r->why_rebuilt, HasSubstr("another events store"));
  EXPECT_EQ(r->total, 2u);
}

TEST_F(Cases, NeighboursVoteByClosenessAndTheVoteNamesTheirTickets) {
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store_->add_feedback(resolution("R-" + std::to_string(i), "pembayaran/refund",
                                                "refund belum masuk rekening " + std::to_string(i))));
  ASSERT_TRUE(store_->add_feedback(resolution("O-1", "akun/otp", "otp belum masuk")));
  auto w = writer();
  ASSERT_TRUE(w->sync(*store_));
  const CaseEvidence e = ask("refund belum masuk rekening");
  ASSERT_GE(e.votes.size(), 2u);
  EXPECT_EQ(e.votes[0].slug, "pembayaran/refund");
  EXPECT_EQ(e.votes[0].cases, 3u);
  EXPECT_GT(e.votes[0].share, 0.75);
  EXPECT_EQ(e.votes[1].slug, "akun/otp");
  EXPECT_LT(e.votes[1].closest, e.votes[0].closest);
  EXPECT_TRUE(ask("").votes.empty());
  EXPECT_TRUE(ask("garansi laptop").votes.empty()) << "no shared word, no vote";
}

TEST(CaseModel, LearnsWhichArticleSolvesWhichWords) {
  std::vector<CaseRow> cases;
  auto add = [&](const std::string& slug, const std::string& words) {
    CaseRow c;
    c.slug = slug;
    c.words = words;
    cases.push_back(c);
  };
  for (int i = 0; i < 5; ++i) {
    add("refund", "uang refund belum kembali hari " + std::to_string(i));
    add("otp", "kode otp tidak datang sms " + std::to_string(i));
    add("kurir", "paket kurir belum sampai alamat " + std::to_string(i));
  }
  add("rare", "satu kasus saja");  // fewer than min_model_cases: not a class
  auto model = CaseModel::train(cases, 16);
  ASSERT_TRUE(model) << model.error().describe();
  EXPECT_EQ((*model)->stats().classes, 3u);
  EXPECT_EQ((*model)->stats().cases, 15u);
  EXPECT_EQ((*model)->stats().case_seq, 16);
  auto p = (*model)->predict(words_of("refund saya belum kembali"));
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].first, "refund");
  EXPECT_GT(p[0].second, 0.5);
  double sum = 0;
  for (const auto& [slug, prob] : (*model)->predict(words_of("kurir"), 10)) sum += prob;
  EXPECT_NEAR(sum, 1.0, 1e-6);
  EXPECT_EQ((*model)->predict(words_of("paket kurir"))[0].first, "kurir");
}

TEST(CaseModel, RefusesToTrainOnFewerThanTwoArticles) {
  std::vector<CaseRow> cases(5);
  for (auto& c : cases) {
    c.slug = "only";
    c.words = "satu artikel";
  }
  auto model = CaseModel::train(cases, 1);
  ASSERT_FALSE(model);
  EXPECT_THAT(model.error().message, HasSubstr("fewer than two articles"));
}

}  // namespace
}  // namespace solusi::service
