// events.db: migrations, ticket memory, idempotent feedback, learned terms (newest first, capped) and
// the not-helpful cache, through the real SQLite file.
#include "events.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "lead_actions.hpp"
#include "report_fixture.hpp"
#include "report_sources.hpp"
#include "search_days.hpp"
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

TEST(Events, AStoreHasARandomIdForItsWholeLife) {
  TempDir dir;
  const auto path = dir / "events.db";
  EXPECT_EQ(read_store_identity(path)->state, StoreIdentity::State::missing);
  std::string id;
  {
    auto store = EventStore::open(path);
    ASSERT_TRUE(store) << store.error().describe();
    id = (*store)->id();
  }
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  auto again = EventStore::open(path);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ((*again)->id(), id);
  auto read_only = EventStore::open(path, /*read_only=*/true);
  ASSERT_TRUE(read_only) << read_only.error().describe();
  EXPECT_EQ((*read_only)->id(), id);
  auto identity = read_store_identity(path);
  ASSERT_TRUE(identity) << identity.error().describe();
  EXPECT_EQ(identity->state, StoreIdentity::State::present);
  EXPECT_EQ(identity->id, id);
  EXPECT_EQ(identity->schema_version, EventStore::schema_version);

  auto other = EventStore::open(dir / "other.db");
  ASSERT_TRUE(other) << other.error().describe();
  EXPECT_NE((*other)->id(), id);
  // The stand-in for a missing file has none.
  auto missing = EventStore::open(dir / "missing.db", /*read_only=*/true);
  ASSERT_TRUE(missing) << missing.error().describe();
  EXPECT_EQ((*missing)->id(), "");

  std::ofstream(dir / "empty.db").close();
  EXPECT_EQ(read_store_identity(dir / "empty.db")->state, StoreIdentity::State::empty);
  std::ofstream(dir / "garbage.db") << std::string(4096, 'x');
  EXPECT_FALSE(read_store_identity(dir / "garbage.db"));
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

TEST(Events, TheLeadsActionsAreAuditedAndFoldIntoEachItemsState) {
  TempDir dir;
  std::int64_t now = 1780000000;
  auto store = EventStore::open(dir / "events.db", false, [&now] { return now; });
  ASSERT_TRUE(store) << store.error().describe();
  auto add = [&](const std::string& item, const std::string& action, const std::string& by,
                 const std::string& assignee = "", const std::string& until = "") {
    LeadAction a;
    a.item = item;
    a.action = action;
    a.by = by;
    a.note = action + " note";
    a.assignee = assignee;
    a.until = until;
    auto r = (*store)->add_lead_action(a);
    EXPECT_TRUE(r) << r.error().describe();
    now += 60;
    return r ? *r : LeadAction{};
  };
  const LeadAction first = add("article:akun/otp", "assign", "sari", "dewi");
  EXPECT_GT(first.id, 0);
  EXPECT_EQ(first.at, 1780000000);
  add("article:akun/otp", "snooze", "budi", "", "2026-07-01");
  add("gap:g0123456789abcdef", "dismiss", "sari");
  add("article:akun/otp-lama", "dismiss", "sari");
  add("article:akun/otp-lama", "reopen", "budi");

  auto history = (*store)->lead_actions("article:akun/otp");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].by, "budi");
  EXPECT_EQ((*history)[1].until, "2026-07-01");
  EXPECT_EQ((*history)[1].note, "snooze note");

  std::unordered_map<std::string, ItemState> articles, gaps;
  ASSERT_TRUE((*store)->with_connection([&](sqlite3* db) -> Result<void> {
    auto a = read_item_states(db, "article:");
    auto g = read_item_states(db, "gap:");
    if (!a || !g) return fail(ErrorCode::io_error, "read");
    articles = *a;
    gaps = *g;
    return {};
  }));
  ASSERT_EQ(articles.size(), 2u);
  const ItemState& otp = articles.at("akun/otp");
  EXPECT_EQ(otp.assigned_to, "dewi");
  EXPECT_EQ(otp.snoozed_until, Date::parse("2026-07-01").value());
  EXPECT_TRUE(otp.hidden_on(*Date::parse("2026-06-30")));
  EXPECT_FALSE(otp.hidden_on(*Date::parse("2026-07-01")));
  ASSERT_TRUE(otp.last);
  EXPECT_EQ(otp.last->action, "snooze");
  EXPECT_FALSE(articles.at("akun/otp-lama").dismissed);  // reopened
  EXPECT_FALSE(articles.at("akun/otp-lama").hidden_on(*Date::parse("2030-01-01")));
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_TRUE(gaps.at("g0123456789abcdef").dismissed);
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

/// The schema of version 3 (the last before the feedback kind "outdated"), as a build of that version
/// wrote it.
constexpr const char* schema_v3 = R"sql(
CREATE TABLE tickets (ticket_id TEXT PRIMARY KEY, lang TEXT NOT NULL, terms TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '', first_at INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE TABLE suggestions (id INTEGER PRIMARY KEY, ticket_id TEXT NOT NULL DEFAULT '', at INTEGER NOT NULL,
  lang TEXT NOT NULL, terms TEXT NOT NULL, text TEXT NOT NULL, shown TEXT NOT NULL,
  top_slug TEXT NOT NULL DEFAULT '', top_confidence REAL NOT NULL DEFAULT 0, gap INTEGER NOT NULL);
CREATE INDEX suggestions_at ON suggestions(at);
CREATE TABLE feedback (id INTEGER PRIMARY KEY, ticket_id TEXT NOT NULL, slug TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('resolved', 'helpful', 'not_helpful', 'shown')),
  agent TEXT NOT NULL DEFAULT '', principal TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT '',
  terms TEXT NOT NULL DEFAULT '[]', at INTEGER NOT NULL, UNIQUE (ticket_id, slug, kind));
CREATE INDEX feedback_slug ON feedback(slug, kind, at);
CREATE TABLE revisions (id INTEGER PRIMARY KEY, slug TEXT NOT NULL, revision INTEGER NOT NULL,
  author TEXT NOT NULL, at INTEGER NOT NULL, action TEXT NOT NULL, status TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '', text TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (slug, revision));
CREATE TABLE searches (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, query TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT '', hits INTEGER NOT NULL, principal TEXT NOT NULL DEFAULT '');
CREATE INDEX searches_at ON searches(at);
CREATE INDEX searches_zero ON searches(at) WHERE hits = 0;
CREATE INDEX searches_principal ON searches(principal, at);
CREATE TABLE views (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, slug TEXT NOT NULL,
  principal TEXT NOT NULL DEFAULT '');
CREATE INDEX views_at ON views(at);
CREATE INDEX views_principal ON views(principal, at);
CREATE TABLE usage_daily (day INTEGER NOT NULL, slug TEXT NOT NULL, views INTEGER NOT NULL DEFAULT 0,
  search_hits INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, slug)) WITHOUT ROWID;
INSERT INTO feedback(ticket_id, slug, kind, agent, lang, terms, at) VALUES
  ('ZD-1', 'akun/otp', 'resolved', 'rina', 'id', '[{"stem":"otp","word":"otp","weight":1}]', 1000),
  ('ZD-2', 'akun/otp', 'not_helpful', 'budi', 'id', '[]', 2000);
INSERT INTO feedback(ticket_id, slug, kind, at) VALUES ('ZD-4', 'akun/sandi', 'helpful', 1728000005);
INSERT INTO usage_daily VALUES (20000, 'akun/otp', 3, 1);
INSERT INTO suggestions(at, lang, terms, text, shown, gap) VALUES
  (1728000100, 'id', '[]', 'otp', '["akun/otp","akun/sandi"]', 0), (1728000200, 'id', '[]', 'x', '[]', 1),
  (1728000300, 'id', '[]', 'y', 'not json', 1);
INSERT INTO searches(id, at, query, hits, principal) VALUES
  (1, 100, 'kod', 3, 'rina'), (2, 110, 'kode otp', 3, 'rina'), (3, 200, 'kode', 3, 'rina'),
  (4, 105, 'kode otp lagi', 0, 'budi');
PRAGMA user_version = 3;
)sql";

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

TEST(Events, MigratesFeedbackAndBackfillsTheCountersFromTheRows) {
  TempDir dir;
  const auto path = dir / "events.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* msg = nullptr;
    ASSERT_EQ(sqlite3_exec(db, schema_v3, nullptr, nullptr, &msg), SQLITE_OK) << (msg ? msg : "");
    sqlite3_close(db);
  }
  EXPECT_EQ(read_store_identity(path)->id, "");  // from before identities
  auto store = EventStore::open(path);
  ASSERT_TRUE(store) << store.error().describe();
  EXPECT_EQ(user_version(path), EventStore::schema_version);
  EXPECT_EQ((*store)->id().size(), 32u);  // given one by the migration
  EXPECT_EQ(read_store_identity(path)->id, (*store)->id());
  EXPECT_THAT(
      rows(path,
           "SELECT id || '|' || ticket_id || '|' || slug || '|' || kind || '|' || agent || "
           "'|' || terms || '|' || at FROM feedback ORDER BY id"),
      ElementsAre(R"(1|ZD-1|akun/otp|resolved|rina|[{"stem":"otp","word":"otp","weight":1}]|1000)",
                  "2|ZD-2|akun/otp|not_helpful|budi|[]|2000", "3|ZD-4|akun/sandi|helpful||[]|1728000005"));
  // Version 5: the per-day counters by article id, from the rows (a shown list that is not JSON is
  // skipped, as the reports always did), and the searches typed on.
  EXPECT_THAT(rows(path,
                   "SELECT day || ' ' || slug || ' ' || views || ' ' || search_hits || ' ' || suggested "
                   "|| ' ' || resolved FROM article_daily JOIN article_ids ON id = article "
                   "ORDER BY day, slug"),
              ElementsAre("0 akun/otp 0 0 0 1", "20000 akun/otp 3 1 1 0", "20000 akun/sandi 0 0 1 0"));
  // Version 7: the same counts by block of days.
  EXPECT_EQ(solusi::testing::usage_counts(path, true), solusi::testing::usage_counts(path, false));
  EXPECT_THAT(rows(path, "SELECT count(*) FROM article_usage"), ElementsAre("3"));
  EXPECT_THAT(rows(path,
                   "SELECT slug || ' ' || day || ' ' || helpful || ' ' || not_helpful || ' ' || outdated "
                   "FROM feedback_daily JOIN article_ids ON id = article ORDER BY slug, day"),
              ElementsAre("akun/otp 0 0 1 0", "akun/sandi 20000 1 0 0"));
  EXPECT_THAT(rows(path, "SELECT id || ' ' || superseded FROM searches ORDER BY id"),
              ElementsAre("1 1", "2 0", "3 0", "4 0"));
  EXPECT_THAT(rows(path, "SELECT name FROM sqlite_master WHERE name = 'usage_daily'"), ElementsAre());
  // Version 10: rows from before sources are of unknown source (counted by the reports by default),
  // with no search id.
  EXPECT_THAT(rows(path, "SELECT DISTINCT source || '|' || search_id FROM searches"),
              ElementsAre("unknown|"));
  EXPECT_THAT(rows(path, "SELECT DISTINCT source FROM suggestions"), ElementsAre("unknown"));
  EXPECT_THAT(rows(path, "SELECT count(*) FROM views WHERE search_id = ''"), ElementsAre("0"));
  EXPECT_THAT(rows(path,
                   "SELECT name FROM sqlite_master WHERE tbl_name = 'feedback' AND type = 'index' "
                   "ORDER BY name"),
              ElementsAre("feedback_slug", "sqlite_autoindex_feedback_1"));
  // What the old rows say is still read: the learned terms and the not-helpful cache.
  auto learned = (*store)->learned_terms();
  ASSERT_TRUE(learned);
  EXPECT_EQ(learned->at("akun/otp").size(), 1u);
  EXPECT_EQ((*store)->negative_votes("akun/otp").size(), 1u);

  FeedbackEvent flag;
  flag.ticket_id = "ZD-3";
  flag.slug = "akun/otp";
  flag.kind = FeedbackKind::outdated;
  flag.at = 3000;
  auto first = (*store)->add_feedback(flag);
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_TRUE(*first);
  auto again = (*store)->add_feedback(flag);  // UNIQUE (ticket_id, slug, kind) still holds
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(parse_feedback_kind("outdated"), FeedbackKind::outdated);
  // Counted once, in the same transaction as its row.
  EXPECT_THAT(rows(path,
                   "SELECT slug || ' ' || day || ' ' || outdated FROM feedback_daily "
                   "JOIN article_ids ON id = article WHERE outdated > 0"),
              ElementsAre("akun/otp 0 1"));
  EXPECT_EQ(to_string(FeedbackKind::outdated), "outdated");
}

/// How SQLite would run @p query on the database at @p path (EXPLAIN QUERY PLAN's details).
std::string plan(const std::filesystem::path& path, const std::string& query) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + query).c_str(), -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW)
      out += reinterpret_cast<const char*>(sqlite3_column_text(st, 3)) + std::string("\n");
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(Events, TheReportsReadTheGapRowsFromCoveringIndexes) {
  TempDir dir;
  const auto path = dir / "events.db";
  { ASSERT_TRUE(EventStore::open(path)); }
  // The queries of report_sources.cpp: no table lookup per row, no sort.
  const std::string zero =
      plan(path,
           "SELECT s.at, s.query, s.lang FROM searches AS s WHERE s.hits = 0 AND s.at >= 1 "
           "AND s.at < 2 AND s.query <> '' AND s.superseded = 0 AND s.source IN ('page','unknown') "
           "ORDER BY s.at, s.id");
  EXPECT_THAT(zero, HasSubstr("USING COVERING INDEX searches_zero"));
  EXPECT_THAT(zero, ::testing::Not(HasSubstr("TEMP B-TREE")));
  // The gap tickets: the gap rows from their covering index, a ticket's other suggestions and its
  // feedback by ticket id.
  const std::string gaps = plan(path, gap_ticket_sql(SourceFilter{}.tickets));
  EXPECT_THAT(gaps, HasSubstr("USING COVERING INDEX suggestions_gap"));
  EXPECT_THAT(gaps, HasSubstr("suggestions_ticket"));
  EXPECT_THAT(gaps, HasSubstr("sqlite_autoindex_feedback_1"));
  EXPECT_THAT(gaps, ::testing::Not(HasSubstr("TEMP B-TREE")));
  // A search's click: by its id.
  EXPECT_THAT(plan(path, search_outcome_sql(SourceFilter{}.searches)), HasSubstr("views_search"));
}

TEST(Events, TheSourcesMigrationIsIdempotent) {
  TempDir dir;
  const auto path = dir / "events.db";
  { ASSERT_TRUE(EventStore::open(path)); }
  // As if step 10 had to run again over columns and indexes already there (a database another
  // branch of the schema migrated first): it checks before it adds.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 9", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = EventStore::open(path);
  ASSERT_TRUE(store) << store.error().describe();
  EXPECT_EQ(user_version(path), EventStore::schema_version);
  EXPECT_THAT(rows(path,
                   "SELECT count(*) FROM pragma_table_info('searches') WHERE name IN ('source', "
                   "'search_id')"),
              ElementsAre("2"));
  EXPECT_THAT(rows(path, "SELECT count(*) FROM pragma_table_info('views') WHERE name = 'search_id'"),
              ElementsAre("1"));
}

TEST(Events, SourceFilters) {
  EXPECT_EQ(*parse_source_filter(""), SourceFilter{});
  EXPECT_EQ(*parse_source_filter("all"), SourceFilter::all());
  const auto two = parse_source_filter("api,page,api");
  ASSERT_TRUE(two);
  EXPECT_THAT(two->searches, ElementsAre(EventSource::api, EventSource::page));
  EXPECT_EQ(two->tickets, two->searches);
  for (const char* bad : {"robots", "page,", ",", "Page", "all,page"}) {
    const auto r = parse_source_filter(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("parameter 'sources'")) << bad;
  }
  EXPECT_EQ(sql_source_list({EventSource::page, EventSource::ticket_system}), "('page','ticket_system')");
  EXPECT_EQ(sql_source_list({}), "('')");
  for (EventSource s : all_event_sources) EXPECT_EQ(parse_event_source(to_string(s)), s);
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
  ASSERT_TRUE((*store)->remember_ticket(
      {"T-1", "id", terms({"refund", "bca"}), "refund belum masuk", 0, "refund bca"}));
  ASSERT_TRUE((*store)->remember_ticket(
      {"T-1", "id", terms({"refund", "mandiri"}), "refund lagi", 0, "refund mandiri"}));
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

TEST(Events, TheFeedbackVersionMovesWithEachFeedbackRecorded) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store) << store.error().describe();
  auto v0 = (*store)->feedback_version();
  ASSERT_TRUE(v0) << v0.error().describe();
  EXPECT_EQ(*v0, 0);
  FeedbackEvent e;
  e.ticket_id = "ZD-1";
  e.slug = "akun/otp";
  e.kind = FeedbackKind::resolved;
  ASSERT_TRUE((*store)->add_feedback(e));
  const auto v1 = (*store)->feedback_version();
  ASSERT_TRUE(v1);
  EXPECT_GT(*v1, *v0);
  ASSERT_TRUE((*store)->add_feedback(e));  // the same again: nothing recorded, the same version
  EXPECT_EQ(*(*store)->feedback_version(), *v1);
  e.kind = FeedbackKind::helpful;
  ASSERT_TRUE((*store)->add_feedback(e));
  EXPECT_GT(*(*store)->feedback_version(), *v1);
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
  // The text terms_to_json writes is read without a JSON parser; anything else still through one.
  EXPECT_EQ(terms_to_json(t), R"([{"stem":"refund","weight":2.5,"word":"refundnya"},)"
                              R"({"stem":"pay-401","weight":7.0,"word":"PAY-401"}])");
  for (const char* other :
       {R"([{"word":"kata","stem":"kata","weight":1}])",
        R"([ {"stem": "ka\"ta", "weight": 1e0, "word": "x"} ])", R"([{"stem":"a","weight":1,"word":"b"}])"}) {
    const auto v = terms_from_json(other);
    ASSERT_EQ(v.size(), 1u) << other;
    EXPECT_DOUBLE_EQ(v[0].weight, 1) << other;
  }
  EXPECT_EQ(terms_from_json(R"([{"stem":"ka\"ta","weight":1,"word":"x"}])")[0].stem, "ka\"ta");
  EXPECT_TRUE(terms_from_json("[").empty());
  EXPECT_TRUE(terms_from_json(R"([{"stem":"a","weight":1,"word":"b"})").empty());
  EXPECT_TRUE(terms_from_json("[]").empty());
  EXPECT_EQ(
      terms_from_json(R"([{"stem":"","weight":1,"word":"b"},{"stem":"c","weight":2,"word":"d"}])").size(),
      1u);
  EXPECT_EQ(parse_feedback_kind("not_helpful"), FeedbackKind::not_helpful);
  EXPECT_FALSE(parse_feedback_kind("meh"));
}

}  // namespace
}  // namespace solusi::service
