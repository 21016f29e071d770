// Feedback can be corrected (events.db): a withdrawal keeps the row but takes it out of everything that
// counts it (learned terms, not-helpful votes, cases, per-day counters) and filing it again reinstates
// it; a bulk withdrawal by token and time; erasing a customer's ticket deletes its rows and words.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "events.hpp"
#include "report_sources.hpp"
#include "test_support.hpp"

namespace solusi::service {
namespace {

using solusi::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t day = 86400;
constexpr std::int64_t t0 = 20000 * day + 3600;  // 1 Oct 2024, 01:00 UTC

std::vector<TicketTerm> terms(std::initializer_list<const char*> stems) {
  std::vector<TicketTerm> out;
  for (const char* s : stems) out.push_back(TicketTerm{s, s, 1.0});
  return out;
}

FeedbackEvent event(const std::string& ticket, const std::string& slug, FeedbackKind kind,
                    std::vector<TicketTerm> t, std::int64_t at, const std::string& principal = "zendesk") {
  FeedbackEvent f;
  f.ticket_id = ticket;
  f.slug = slug;
  f.kind = kind;
  f.terms = std::move(t);
  f.at = at;
  f.principal = principal;
  for (const auto& term : f.terms) f.words += (f.words.empty() ? "" : " ") + term.stem;
  f.subject = "subjek " + ticket;
  return f;
}

/// The first column of every row of @p query, as text ("NULL" for NULL).
std::vector<std::string> rows(const std::filesystem::path& path, const std::string& query) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      out.emplace_back(t ? t : "NULL");
    }
  else
    out.emplace_back(std::string("SQL error: ") + sqlite3_errmsg(db));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

/// "slug day resolved" for every article_daily row with a count, and the blocks' resolved counts.
std::vector<std::string> resolved_counts(const std::filesystem::path& path) {
  return rows(
      path,
      "SELECT slug || ' ' || day || ' ' || resolved FROM article_daily JOIN article_ids ON id = article "
      "ORDER BY slug, day");
}

std::vector<std::string> vote_counts(const std::filesystem::path& path) {
  return rows(path,
              "SELECT slug || ' ' || helpful || ' ' || not_helpful || ' ' || outdated FROM feedback_daily "
              "JOIN article_ids ON id = article ORDER BY slug, day");
}

/// The resolved counts in the article_usage blocks: "slug offset resolved" per day.
std::vector<std::string> block_resolved(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(
      db, "SELECT slug, days FROM article_usage JOIN article_ids ON id = article ORDER BY slug, block", -1,
      &st, nullptr);
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    const std::string slug = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    const auto* p = static_cast<const char*>(sqlite3_column_blob(st, 1));
    std::vector<UsageDay> days;
    if (!decode_usage_days(std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st, 1))), days))
      out.push_back(slug + " damaged");
    for (const auto& d : days)
      out.push_back(slug + " " + std::to_string(d.offset) + " " + std::to_string(d.counts.resolved));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

struct Store {
  TempDir dir;
  std::filesystem::path path = dir / "events.db";
  std::int64_t now = t0 + 10 * day;
  std::unique_ptr<EventStore> store;
  Store() {
    auto s = EventStore::open(path, false, [this] { return now; });
    EXPECT_TRUE(s) << s.error().describe();
    store = std::move(*s);
  }
  EventStore* operator->() { return store.get(); }
  std::vector<std::string> case_states() {
    return rows(path, "SELECT ticket_id || ' ' || slug || ' ' || state FROM cases ORDER BY id");
  }
};

TEST(Withdraw, AResolutionWithdrawnTeachesNothingAndItsCaseIsWithdrawn) {
  Store s;
  ASSERT_TRUE(s->add_feedback(event("T-1", "akun/otp", FeedbackKind::resolved, terms({"otp", "kode"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-2", "akun/otp", FeedbackKind::resolved, terms({"otp"}), t0 + 5)));
  ASSERT_EQ(s->learned_terms(std::string("akun/otp"))->at("akun/otp").size(), 2u);
  const auto seq = *s->case_seq();
  const auto version = *s->feedback_version();

  auto w = s->withdraw_feedback("T-1", "akun/otp", std::nullopt, "rina");
  ASSERT_TRUE(w) << w.error().describe();
  EXPECT_EQ(w->rows, 1);
  EXPECT_EQ(w->cases, 1);
  EXPECT_THAT(w->resolved_slugs, ElementsAre("akun/otp"));
  EXPECT_EQ(w->by_kind.at("resolved"), 1);

  const auto learned = s->learned_terms(std::string("akun/otp"));
  ASSERT_TRUE(learned);
  ASSERT_EQ(learned->at("akun/otp").size(), 1u);  // "kode" came only from T-1
  EXPECT_EQ(learned->at("akun/otp")[0].stem, "otp");
  EXPECT_EQ(learned->at("akun/otp")[0].count, 1u);
  EXPECT_NE(*s->feedback_version(), version);
  // The case index catches up from case_seq: it is told that T-1's case is withdrawn.
  auto changed = s->cases_since(seq, 10);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ((*changed)[0].ticket_id, "T-1");
  EXPECT_EQ((*changed)[0].state, CaseRow::State::withdrawn);
  EXPECT_THAT(s.case_states(), ElementsAre("T-1 akun/otp withdrawn", "T-2 akun/otp active"));
  EXPECT_EQ(s->active_cases(10)->size(), 1u);
  EXPECT_THAT(rows(s.path, "SELECT withdrawn_by || ' ' || (withdrawn_at = " + std::to_string(s.now) +
                               ") FROM feedback WHERE ticket_id = 'T-1'"),
              ElementsAre("rina 1"));

  // Nothing left in force: 0 rows (the caller's 404), and nothing changes.
  auto again = s->withdraw_feedback("T-1", "akun/otp", std::nullopt, "rina");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->rows, 0);
  EXPECT_EQ(*s->case_seq(), seq + 1);
}

TEST(Withdraw, FilingItAgainReinstatesTheFeedbackAndItsCase) {
  Store s;
  ASSERT_TRUE(s->add_feedback(event("T-1", "akun/otp", FeedbackKind::resolved, terms({"otp"}), t0)));
  ASSERT_EQ(s->withdraw_feedback("T-1", "akun/otp", FeedbackKind::resolved, "rina")->rows, 1);
  EXPECT_TRUE(s->learned_terms(std::string("akun/otp"))->at("akun/otp").empty());
  auto again = s->add_feedback(event("T-1", "akun/otp", FeedbackKind::resolved, terms({"otp"}), t0 + day));
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again);  // recorded again, not a duplicate
  EXPECT_EQ(s->learned_terms(std::string("akun/otp"))->at("akun/otp").size(), 1u);
  EXPECT_THAT(s.case_states(), ElementsAre("T-1 akun/otp active"));
  // Counted once, on the day it was filed again.
  EXPECT_THAT(resolved_counts(s.path), ElementsAre("akun/otp 20000 0", "akun/otp 20001 1"));
}

TEST(Withdraw, TheCountersGoBackDownOnTheDayOfTheFeedback) {
  Store s;
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::resolved, terms({"x"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-2", "a", FeedbackKind::resolved, terms({"y"}), t0 + 60)));
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::helpful, {}, t0)));
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::not_helpful, terms({"x"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::outdated, {}, t0)));
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::shown, {}, t0)));
  ASSERT_THAT(resolved_counts(s.path), ElementsAre("a 20000 2"));
  ASSERT_THAT(block_resolved(s.path), ElementsAre("a 0 2"));  // day 20000 is offset 0 of block 625
  ASSERT_THAT(vote_counts(s.path), ElementsAre("a 1 1 1"));
  ASSERT_EQ(s->negative_votes("a").size(), 1u);

  auto w = s->withdraw_feedback("T-1", "a", std::nullopt, "lead");
  ASSERT_TRUE(w) << w.error().describe();
  EXPECT_EQ(w->rows, 5);
  for (const char* kind : {"resolved", "helpful", "not_helpful", "outdated", "shown"})
    EXPECT_EQ(w->by_kind.at(kind), 1) << kind;
  EXPECT_THAT(resolved_counts(s.path), ElementsAre("a 20000 1"));
  EXPECT_THAT(block_resolved(s.path), ElementsAre("a 0 1"));
  EXPECT_THAT(vote_counts(s.path), ElementsAre("a 0 0 0"));
  EXPECT_THAT(s->negative_votes("a"), IsEmpty());

  // Only one kind: the others stay in force.
  ASSERT_TRUE(s->add_feedback(event("T-2", "a", FeedbackKind::helpful, {}, t0)));
  auto one = s->withdraw_feedback("T-2", "a", FeedbackKind::resolved, "lead");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->rows, 1);
  EXPECT_THAT(resolved_counts(s.path), ElementsAre("a 20000 0"));
  EXPECT_THAT(block_resolved(s.path), ElementsAre("a 0 0"));  // never below 0 in the varint blob
  EXPECT_THAT(vote_counts(s.path), ElementsAre("a 1 0 0"));
}

TEST(Withdraw, ANotHelpfulVoteWithdrawnStopsVotingAfterAReopenToo) {
  Store s;
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::not_helpful, terms({"pulsa"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-2", "a", FeedbackKind::not_helpful, terms({"kuota"}), t0)));
  ASSERT_EQ(s->withdraw_feedback("T-1", "a", FeedbackKind::not_helpful, "rina")->rows, 1);
  ASSERT_EQ(s->negative_votes("a").size(), 1u);
  EXPECT_THAT(s->negative_votes("a")[0].stems, ElementsAre("kuota"));
  s.store.reset();
  auto reopened = EventStore::open(s.path, /*read_only=*/true);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  ASSERT_EQ((*reopened)->negative_votes("a").size(), 1u);
}

TEST(Withdraw, AWithdrawnNotHelpfulVoteLeavesTheGapInbox) {
  Store s;
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::not_helpful, terms({"pulsa"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-2", "a", FeedbackKind::not_helpful, terms({"kuota"}), t0)));
  auto not_helpful = [&] {
    std::vector<std::string> out;
    auto events = load_gap_events(s.path, t0 - day, t0 + day, t0 + day, Lang::id);
    EXPECT_TRUE(events) << events.error().describe();
    if (events)
      for (const auto& e : *events)
        if (e.kind == GapEvent::Kind::not_helpful) out.push_back(e.text);
    return out;
  };
  ASSERT_EQ(not_helpful().size(), 2u);
  ASSERT_EQ(s->withdraw_feedback("T-1", "a", std::nullopt, "rina")->rows, 1);
  EXPECT_THAT(not_helpful(), ElementsAre("kuota"));
}

TEST(Withdraw, InBulkEverythingATokenFiledInATimeRange) {
  Store s;
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::resolved, terms({"x"}), t0, "bot")));
  ASSERT_TRUE(s->add_feedback(event("T-2", "b", FeedbackKind::resolved, terms({"y"}), t0 + 100, "bot")));
  ASSERT_TRUE(s->add_feedback(event("T-2", "b", FeedbackKind::helpful, {}, t0 + 100, "bot")));
  ASSERT_TRUE(s->add_feedback(event("T-3", "c", FeedbackKind::resolved, terms({"z"}), t0 + 200, "bot")));
  ASSERT_TRUE(s->add_feedback(event("T-4", "a", FeedbackKind::resolved, terms({"w"}), t0 + 100, "rina")));

  auto w = s->withdraw_feedback_by("bot", t0, t0 + 100, "lead");  // both ends included
  ASSERT_TRUE(w) << w.error().describe();
  EXPECT_EQ(w->rows, 3);
  EXPECT_EQ(w->by_kind.at("resolved"), 2);
  EXPECT_EQ(w->by_kind.at("helpful"), 1);
  EXPECT_THAT(w->slugs, ElementsAre("a", "b"));
  EXPECT_THAT(w->resolved_slugs, ElementsAre("a", "b"));
  EXPECT_EQ(w->cases, 2);
  EXPECT_THAT(s.case_states(),
              ElementsAre("T-1 a withdrawn", "T-2 b withdrawn", "T-3 c active", "T-4 a active"));
  EXPECT_THAT(resolved_counts(s.path), ElementsAre("a 20000 1", "b 20000 0", "c 20000 1"));
  // Withdrawn already: a second run finds nothing.
  EXPECT_EQ(s->withdraw_feedback_by("bot", t0, t0 + 100, "lead")->rows, 0);
  EXPECT_EQ(s->withdraw_feedback_by("nobody", 0, t0 + day, "lead")->rows, 0);
}

TEST(Withdraw, ErasingATicketDeletesItsRowsAndWordsButKeepsOtherTickets) {
  Store s;
  TicketRecord t{"T-1", "id", terms({"budi", "refund"}), "refund budi", t0, "budi refund"};
  ASSERT_TRUE(s->remember_ticket(t));
  SuggestionLog log;
  log.ticket_id = "T-1";
  log.lang = "id";
  log.terms = t.terms;
  log.text = "Refund Budi belum masuk";
  log.shown = {"a"};
  log.at = t0;
  ASSERT_TRUE(s->log_suggestion(log));
  log.ticket_id = "T-2";
  log.text = "another customer";
  ASSERT_TRUE(s->log_suggestion(log));
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::resolved, terms({"budi", "refund"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-1", "b", FeedbackKind::resolved, terms({"budi"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::not_helpful, terms({"budi"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-2", "a", FeedbackKind::resolved, terms({"refund"}), t0)));
  ASSERT_EQ(s->withdraw_feedback("T-1", "b", std::nullopt, "rina")->rows, 1);  // withdrawn before
  const auto seq = *s->case_seq();

  auto erased = s->delete_ticket("T-1");
  ASSERT_TRUE(erased) << erased.error().describe();
  EXPECT_EQ(erased->rows, 3);  // the withdrawn one too
  EXPECT_EQ(erased->cases, 2);
  EXPECT_EQ(erased->tickets, 1);
  EXPECT_EQ(erased->suggestions, 1);
  EXPECT_THAT(erased->resolved_slugs, ElementsAre("a"));  // b's resolution was withdrawn already
  EXPECT_THAT(erased->slugs, ElementsAre("a", "b"));

  EXPECT_THAT(rows(s.path, "SELECT count(*) FROM feedback WHERE ticket_id = 'T-1'"), ElementsAre("0"));
  EXPECT_THAT(rows(s.path, "SELECT count(*) FROM tickets"), ElementsAre("0"));
  EXPECT_THAT(rows(s.path, "SELECT text FROM suggestions"), ElementsAre("another customer"));
  // Its cases stay as tombstones the case index drops: no words, subject, tags, ticket id or token left.
  EXPECT_THAT(rows(s.path,
                   "SELECT ticket_id || ' ' || slug || ' ' || state || ' [' || words || '|' || "
                   "subject || '|' || tags || ']' FROM cases ORDER BY id"),
              ElementsAre("erased:1 a deleted [||[]]", "erased:2 b deleted [||[]]",
                          "T-2 a active [refund|subjek T-2|[]]"));
  EXPECT_THAT(rows(s.path, "SELECT count(*) FROM cases WHERE principal <> '' AND state = 'deleted'"),
              ElementsAre("0"));
  auto changed = s->cases_since(seq, 10);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->size(), 2u);
  for (const auto& c : *changed) {
    EXPECT_EQ(c.state, CaseRow::State::deleted);
    EXPECT_EQ(c.words, "");
  }
  EXPECT_THAT(rows(s.path, "SELECT group_concat(words, '|') FROM cases WHERE words <> ''"),
              ElementsAre("refund"));
  EXPECT_THAT(resolved_counts(s.path), ElementsAre("a 20000 1", "b 20000 0"));
  EXPECT_THAT(vote_counts(s.path), ElementsAre("a 0 0 0"));
  EXPECT_THAT(s->negative_votes("a"), IsEmpty());
  const auto learned = s->learned_terms(std::string("a"));
  ASSERT_EQ(learned->at("a").size(), 1u);
  EXPECT_EQ(learned->at("a")[0].stem, "refund");
  EXPECT_FALSE(s->ticket("T-1")->has_value());

  // Nothing of it left.
  auto again = s->delete_ticket("T-1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->rows + again->cases + again->tickets + again->suggestions, 0);
}

TEST(Withdraw, TheFeedbackVersionMovesWhenTheNewestResolutionIsErased) {
  Store s;
  ASSERT_TRUE(s->add_feedback(event("T-1", "a", FeedbackKind::resolved, terms({"x"}), t0)));
  ASSERT_TRUE(s->add_feedback(event("T-2", "a", FeedbackKind::resolved, terms({"y"}), t0)));
  const auto before = *s->feedback_version();
  ASSERT_TRUE(s->delete_ticket("T-2"));  // the largest id goes, case_seq moves on
  const auto after = *s->feedback_version();
  EXPECT_NE(after, before);
  ASSERT_TRUE(s->add_feedback(event("T-3", "a", FeedbackKind::helpful, {}, t0)));  // reuses the id
  EXPECT_NE(*s->feedback_version(), after);
  EXPECT_NE(*s->feedback_version(), before);
}

}  // namespace
}  // namespace solusi::service
