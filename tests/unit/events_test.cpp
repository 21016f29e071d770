// events.db: migrations, ticket memory, idempotent feedback, learned terms (newest first, capped) and
// the not-helpful cache, through the real SQLite file.
#include "events.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_support.hpp"

namespace solusi::service {
namespace {

using solusi::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<TicketTerm> terms(std::initializer_list<const char*> stems) {
  std::vector<TicketTerm> out;
  for (const char* s : stems) out.push_back(TicketTerm{s, s, 1.0});
  return out;
}

FeedbackEvent resolved(const std::string& ticket, const std::string& slug, std::vector<TicketTerm> t,
                       std::int64_t at) {
  FeedbackEvent f;
  f.ticket_id = ticket;
  f.slug = slug;
  f.kind = FeedbackKind::resolved;
  f.terms = std::move(t);
  f.at = at;
  return f;
}

int user_version(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  int v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

TEST(Events, CreatesAndMigratesTheDatabaseInWalMode) {
  TempDir dir;
  const auto path = dir / "data/events.db";
  {
    auto store = EventStore::open(path);
    ASSERT_TRUE(store) << store.error().describe();
  }
  EXPECT_EQ(user_version(path), EventStore::schema_version);
  EXPECT_TRUE(std::filesystem::exists(path));
  // Opening again is a no-op migration.
  auto again = EventStore::open(path);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(user_version(path), EventStore::schema_version);
}

TEST(Events, RefusesADatabaseFromANewerBuild) {
  TempDir dir;
  const auto path = dir / "events.db";
  { ASSERT_TRUE(EventStore::open(path)); }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = EventStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_THAT(store.error().message, HasSubstr("newer than this build"));
}

TEST(Events, ReadOnlyOpenOfAMissingFileIsAnEmptyStore) {
  TempDir dir;
  auto store = EventStore::open(dir / "none.db", /*read_only=*/true);
  ASSERT_TRUE(store) << store.error().describe();
  auto learned = (*store)->learned_terms();
  ASSERT_TRUE(learned);
  EXPECT_TRUE(learned->empty());
  EXPECT_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST(Events, RemembersTicketsAndRefreshesThem) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db", false, [] { return std::int64_t{1000}; });
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->remember_ticket({"T-1", "id", terms({"refund", "bca"}), "refund belum masuk", 0}));
  ASSERT_TRUE((*store)->remember_ticket({"T-1", "id", terms({"refund", "mandiri"}), "refund lagi", 0}));
  auto t = (*store)->ticket("T-1");
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->subject, "refund lagi");
  ASSERT_EQ((*t)->terms.size(), 2u);
  EXPECT_EQ((*t)->terms[1].stem, "mandiri");
  EXPECT_EQ((*t)->at, 1000);
  auto none = (*store)->ticket("T-2");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST(Events, FeedbackIsIdempotentPerTicketSlugAndKind) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  auto f = resolved("T-1", "akun/otp", terms({"otp"}), 10);
  auto first = (*store)->add_feedback(f);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  auto second = (*store)->add_feedback(f);
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  f.kind = FeedbackKind::helpful;  // another kind for the same pair is another fact
  EXPECT_TRUE(*(*store)->add_feedback(f));
  auto counts = (*store)->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->feedback, 2);
}

TEST(Events, LearnedTermsCountResolutionsNewestFirst) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->add_feedback(resolved("T-1", "a", terms({"dompet", "nyangkut"}), 100)));
  ASSERT_TRUE((*store)->add_feedback(resolved("T-2", "a", terms({"nyangkut", "saldo"}), 200)));
  ASSERT_TRUE((*store)->add_feedback(resolved("T-3", "b", terms({"paket"}), 300)));
  FeedbackEvent helpful = resolved("T-4", "a", terms({"ignored"}), 400);
  helpful.kind = FeedbackKind::helpful;  // only resolutions teach words
  ASSERT_TRUE((*store)->add_feedback(helpful));

  auto learned = (*store)->learned_terms();
  ASSERT_TRUE(learned);
  ASSERT_EQ(learned->size(), 2u);
  const auto& a = learned->at("a");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].stem, "nyangkut");  // from the newest ticket, seen twice
  EXPECT_EQ(a[0].count, 2u);
  EXPECT_EQ(a[1].stem, "saldo");
  EXPECT_EQ(a[2].stem, "dompet");

  auto only_b = (*store)->learned_terms(std::string("b"));
  ASSERT_TRUE(only_b);
  ASSERT_EQ(only_b->size(), 1u);
  EXPECT_EQ(only_b->at("b").front().stem, "paket");
  auto nothing = (*store)->learned_terms(std::string("c"));
  ASSERT_TRUE(nothing);
  ASSERT_EQ(nothing->count("c"), 1u);  // present and empty: its learned terms are to be cleared
  EXPECT_TRUE(nothing->at("c").empty());
}

TEST(Events, LearnedTermsForgetTheOldestBeyondTheCap) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  for (size_t i = 0; i < max_learned_terms + 50; ++i) {
    const std::string stem = "w" + std::to_string(i);
    ASSERT_TRUE((*store)->add_feedback(resolved("T-" + std::to_string(i), "a", {TicketTerm{stem, stem, 1}},
                                                static_cast<std::int64_t>(i + 1))));
  }
  auto learned = (*store)->learned_terms();
  ASSERT_TRUE(learned);
  const auto& a = learned->at("a");
  ASSERT_EQ(a.size(), max_learned_terms);
  EXPECT_EQ(a.front().stem, "w" + std::to_string(max_learned_terms + 49));  // newest kept
  for (const auto& t : a) EXPECT_NE(t.stem, "w0");                          // oldest forgotten
}

TEST(Events, NotHelpfulVotesAreCachedAndSurviveAReopen) {
  TempDir dir;
  {
    auto store = EventStore::open(dir / "events.db");
    ASSERT_TRUE(store);
    FeedbackEvent f = resolved("T-1", "a", terms({"pulsa", "masuk"}), 1);
    f.kind = FeedbackKind::not_helpful;
    ASSERT_TRUE((*store)->add_feedback(f));
    ASSERT_TRUE((*store)->add_feedback(f));  // a duplicate is not a second vote
    ASSERT_EQ((*store)->negative_votes("a").size(), 1u);
    EXPECT_THAT((*store)->negative_votes("a")[0].stems, ElementsAre("pulsa", "masuk"));
    EXPECT_TRUE((*store)->negative_votes("b").empty());
  }
  auto reopened = EventStore::open(dir / "events.db", /*read_only=*/true);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  EXPECT_EQ((*reopened)->negative_votes("a").size(), 1u);
}

TEST(Events, SuggestionsAreLoggedWithTheGapFlag) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  SuggestionLog log;
  log.text = "lamaran kerja";
  log.lang = "id";
  log.gap = true;
  ASSERT_TRUE((*store)->log_suggestion(log));
  log.gap = false;
  log.shown = {"akun/otp"};
  ASSERT_TRUE((*store)->log_suggestion(log));
  auto counts = (*store)->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->suggestions, 2);
  EXPECT_EQ(counts->gaps, 1);
}

TEST(Events, TermsRoundTripThroughJson) {
  const std::vector<TicketTerm> t{{"refund", "refundnya", 2.5}, {"pay-401", "PAY-401", 7}};
  const auto back = terms_from_json(terms_to_json(t));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].stem, "pay-401");
  EXPECT_EQ(back[0].word, "refundnya");
  EXPECT_DOUBLE_EQ(back[0].weight, 2.5);
  EXPECT_TRUE(terms_from_json("not json").empty());
  EXPECT_EQ(parse_feedback_kind("not_helpful"), FeedbackKind::not_helpful);
  EXPECT_FALSE(parse_feedback_kind("meh"));
}

}  // namespace
}  // namespace solusi::service
