#include "events.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>
#include <unordered_set>

#include "sql_stmt.hpp"
#include "time_zone.hpp"

namespace solusi::service {
namespace {

/// Step 7's blobs, from article_daily. Its rows come in (day, article) order, so each block's days
/// are appended in order.
Result<void> fill_article_usage(sqlite3* db) {
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<UsageDay>> blocks;  // (block, article)
  {
    sql::Stmt st(db, "SELECT day, article, views, search_hits, suggested, resolved FROM article_daily");
    if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read daily counts"));
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      const std::int64_t day = st.integer(0), block = usage_block(day);
      add_usage_day(blocks[{block, st.integer(1)}], static_cast<int>(day - block * usage_block_days),
                    ArticleDayCounts{st.integer(2), st.integer(3), st.integer(4), st.integer(5)});
    }
    if (rc != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot read daily counts"));
  }
  sql::Stmt ins(db, "INSERT INTO article_usage(block, article, days) VALUES (?1, ?2, ?3)");
  if (!ins.ok()) return tl::unexpected(sql::error(db, "cannot write usage blocks"));
  for (const auto& [key, days] : blocks) {
    ins.bind(1, key.first).bind(2, key.second).bind_blob(3, encode_usage_days(days));
    if (ins.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot write usage blocks"));
    ins.reset();
  }
  return {};
}

/// Adds @p column (declared @p decl) to @p table unless the table has it already.
Result<void> add_column_once(sqlite3* db, const char* table, const char* column, const char* decl) {
  sql::Stmt st(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2");
  if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read the columns of " + std::string(table)));
  st.bind(1, std::string(table)).bind(2, std::string(column));
  const int rc = st.step();
  if (rc == SQLITE_ROW) return {};
  if (rc != SQLITE_DONE)
    return tl::unexpected(sql::error(db, "cannot read the columns of " + std::string(table)));
  const std::string text = std::string("ALTER TABLE ") + table + " ADD COLUMN " + column + " " + decl + ";";
  return sql::exec(db, text.c_str(), "cannot add column " + std::string(column) + " to " + table);
}

/// Migration 10: where each search and suggestion came from, and which search an article view
/// followed. Written to be idempotent: a column or index already there is left alone, so the step is
/// safe whatever other step added a column first.
Result<void> fill_sources(sqlite3* db) {
  const char* text_default_unknown = "TEXT NOT NULL DEFAULT 'unknown'";
  const char* text_default_empty = "TEXT NOT NULL DEFAULT ''";
  for (auto [table, column, decl] : {std::tuple{"searches", "source", text_default_unknown},
                                     std::tuple{"searches", "search_id", text_default_empty},
                                     std::tuple{"views", "search_id", text_default_empty},
                                     std::tuple{"suggestions", "source", text_default_unknown}})
    if (auto ok = add_column_once(db, table, column, decl); !ok) return ok;
  return sql::exec(db, R"sql(
CREATE INDEX IF NOT EXISTS views_search ON views(search_id) WHERE search_id <> '';
CREATE INDEX IF NOT EXISTS suggestions_ticket ON suggestions(ticket_id, gap) WHERE ticket_id <> '';
DROP INDEX IF EXISTS searches_zero;
CREATE INDEX searches_zero ON searches(at, id, query, lang, hits, superseded, source)
  WHERE hits = 0 AND superseded = 0;
DROP INDEX IF EXISTS suggestions_gap;
CREATE INDEX suggestions_gap
  ON suggestions(at, id, ticket_id, lang, top_slug, top_confidence, terms, text, gap, source) WHERE gap = 1;
)sql",
                   "cannot add the sources of searches and suggestions");
}

/// One version of the schema: its SQL, then what SQL cannot do (in the same transaction).
struct Migration {
  const char* sql;
  Result<void> (*fill)(sqlite3* db) = nullptr;
};

/// The schema, one step per version. Never edit a released step: append a new one.
constexpr Migration migrations[] = {
    // 1: tickets, suggestions (the gap inbox reads them), feedback.
    {R"sql(
CREATE TABLE tickets (
  ticket_id  TEXT PRIMARY KEY,
  lang       TEXT NOT NULL,
  terms      TEXT NOT NULL,
  subject    TEXT NOT NULL DEFAULT '',
  first_at   INTEGER NOT NULL,
  at         INTEGER NOT NULL
);
CREATE TABLE suggestions (
  id             INTEGER PRIMARY KEY,
  ticket_id      TEXT NOT NULL DEFAULT '',
  at             INTEGER NOT NULL,
  lang           TEXT NOT NULL,
  terms          TEXT NOT NULL,
  text           TEXT NOT NULL,
  shown          TEXT NOT NULL,
  top_slug       TEXT NOT NULL DEFAULT '',
  top_confidence REAL NOT NULL DEFAULT 0,
  gap            INTEGER NOT NULL
);
CREATE INDEX suggestions_at ON suggestions(at);
CREATE TABLE feedback (
  id        INTEGER PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  slug      TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('resolved', 'helpful', 'not_helpful', 'shown')),
  agent     TEXT NOT NULL DEFAULT '',
  principal TEXT NOT NULL DEFAULT '',
  lang      TEXT NOT NULL DEFAULT '',
  terms     TEXT NOT NULL DEFAULT '[]',
  at        INTEGER NOT NULL,
  UNIQUE (ticket_id, slug, kind)
);
CREATE INDEX feedback_slug ON feedback(slug, kind, at);
)sql"},
    // 2: article revisions: every write through the API (and every outside edit the service notices),
    // with its full text, so any version can be read, compared and restored.
    {R"sql(
CREATE TABLE revisions (
  id       INTEGER PRIMARY KEY,
  slug     TEXT NOT NULL,
  revision INTEGER NOT NULL,
  author   TEXT NOT NULL,
  at       INTEGER NOT NULL,
  action   TEXT NOT NULL CHECK (action IN ('create', 'update', 'archive', 'restore', 'external', 'delete')),
  status   TEXT NOT NULL DEFAULT '',
  note     TEXT NOT NULL DEFAULT '',
  text     TEXT NOT NULL,
  hash     TEXT NOT NULL,
  UNIQUE (slug, revision)
);
)sql"},
    // 3: the usage log (service/usage_log.cpp): agents' searches (normalized query, hit count) and
    // article views, and per-day counts by article that the stale report reads instead of the raw rows.
    {R"sql(
CREATE TABLE searches (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  query     TEXT NOT NULL,
  lang      TEXT NOT NULL DEFAULT '',
  hits      INTEGER NOT NULL,
  principal TEXT NOT NULL DEFAULT ''
);
CREATE INDEX searches_at ON searches(at);
CREATE INDEX searches_zero ON searches(at) WHERE hits = 0;
CREATE INDEX searches_principal ON searches(principal, at);
CREATE TABLE views (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  slug      TEXT NOT NULL,
  principal TEXT NOT NULL DEFAULT ''
);
CREATE INDEX views_at ON views(at);
CREATE INDEX views_principal ON views(principal, at);
CREATE TABLE usage_daily (
  day         INTEGER NOT NULL,
  slug        TEXT NOT NULL,
  views       INTEGER NOT NULL DEFAULT 0,
  search_hits INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, slug)
) WITHOUT ROWID;
)sql"},
    // 4: feedback kind 'outdated' (an agent marks an article as out of date). SQLite cannot change a
    // CHECK constraint: the table is rebuilt with its rows, its UNIQUE constraint and its index.
    {R"sql(
CREATE TABLE feedback_v4 (
  id        INTEGER PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  slug      TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('resolved', 'helpful', 'not_helpful', 'shown', 'outdated')),
  agent     TEXT NOT NULL DEFAULT '',
  principal TEXT NOT NULL DEFAULT '',
  lang      TEXT NOT NULL DEFAULT '',
  terms     TEXT NOT NULL DEFAULT '[]',
  at        INTEGER NOT NULL,
  UNIQUE (ticket_id, slug, kind)
);
INSERT INTO feedback_v4(id, ticket_id, slug, kind, agent, principal, lang, terms, at)
  SELECT id, ticket_id, slug, kind, agent, principal, lang, terms, at FROM feedback;
DROP TABLE feedback;
ALTER TABLE feedback_v4 RENAME TO feedback;
CREATE INDEX feedback_slug ON feedback(slug, kind, at);
)sql"},
    // 5: what the stale report reads, counted as the rows are written (ArticleCounters), by integer
    // article id and day: views, search hits, suggestions that showed the article and resolutions
    // (article_daily, replacing usage_daily), helpful / not-helpful votes and outdated flags
    // (feedback_daily); and searches typed on (as-you-type: a later search by the same principal
    // within 30 s extends the query) marked when the later one is written. Backfilled from the rows.
    {R"sql(
CREATE TABLE article_ids (
  id   INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE
);
CREATE TABLE article_daily (
  day         INTEGER NOT NULL,
  article     INTEGER NOT NULL,
  views       INTEGER NOT NULL DEFAULT 0,
  search_hits INTEGER NOT NULL DEFAULT 0,
  suggested   INTEGER NOT NULL DEFAULT 0,
  resolved    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, article)
) WITHOUT ROWID;
CREATE TABLE feedback_daily (
  article     INTEGER NOT NULL,
  day         INTEGER NOT NULL,
  helpful     INTEGER NOT NULL DEFAULT 0,
  not_helpful INTEGER NOT NULL DEFAULT 0,
  outdated    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (article, day)
) WITHOUT ROWID;
INSERT OR IGNORE INTO article_ids(slug) SELECT DISTINCT slug FROM usage_daily;
INSERT OR IGNORE INTO article_ids(slug)
  SELECT DISTINCT j.value FROM suggestions AS s,
    json_each(CASE WHEN json_valid(s.shown) THEN s.shown ELSE '[]' END) AS j WHERE j.type = 'text';
INSERT OR IGNORE INTO article_ids(slug)
  SELECT DISTINCT slug FROM feedback WHERE kind IN ('resolved', 'helpful', 'not_helpful', 'outdated');
INSERT INTO article_daily(day, article, views, search_hits)
  SELECT u.day, a.id, u.views, u.search_hits FROM usage_daily AS u JOIN article_ids AS a ON a.slug = u.slug;
INSERT INTO article_daily(day, article, suggested)
  SELECT s.at / 86400, a.id, count(*) FROM suggestions AS s,
    json_each(CASE WHEN json_valid(s.shown) THEN s.shown ELSE '[]' END) AS j
    JOIN article_ids AS a ON a.slug = j.value WHERE j.type = 'text' GROUP BY 1, 2
  ON CONFLICT(day, article) DO UPDATE SET suggested = suggested + excluded.suggested;
INSERT INTO article_daily(day, article, resolved)
  SELECT f.at / 86400, a.id, count(*) FROM feedback AS f JOIN article_ids AS a ON a.slug = f.slug
    WHERE f.kind = 'resolved' GROUP BY 1, 2
  ON CONFLICT(day, article) DO UPDATE SET resolved = resolved + excluded.resolved;
INSERT INTO feedback_daily(article, day, helpful, not_helpful, outdated)
  SELECT a.id, f.at / 86400, sum(f.kind = 'helpful'), sum(f.kind = 'not_helpful'), sum(f.kind = 'outdated')
    FROM feedback AS f JOIN article_ids AS a ON a.slug = f.slug
    WHERE f.kind IN ('helpful', 'not_helpful', 'outdated') GROUP BY 1, 2;
DROP TABLE usage_daily;
ALTER TABLE searches ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
UPDATE searches SET superseded = 1 WHERE EXISTS (
  SELECT 1 FROM searches AS n WHERE n.principal = searches.principal AND n.at >= searches.at
    AND n.at <= searches.at + 30 AND n.id > searches.id AND length(n.query) > length(searches.query)
    AND substr(n.query, 1, length(searches.query)) = searches.query);
)sql"},
    // 6: covering partial indexes for what the reports read of the raw rows in time order: the
    // zero-result searches not typed on, and the suggestions that were content gaps (a fifth of them).
    // The filtered columns are in them too: SQLite reads a column of the WHERE clause from the index
    // only when the index holds it.
    {R"sql(
DROP INDEX searches_zero;
CREATE INDEX searches_zero ON searches(at, id, query, lang, hits, superseded)
  WHERE hits = 0 AND superseded = 0;
CREATE INDEX suggestions_gap
  ON suggestions(at, id, ticket_id, lang, top_slug, top_confidence, terms, text, gap) WHERE gap = 1;
)sql"},
    // 7: the counts of article_daily again, one row per article and block of usage_block_days days
    // (encode_usage_days): what the stale report reads, filled from article_daily.
    {R"sql(
CREATE TABLE article_usage (
  block   INTEGER NOT NULL,
  article INTEGER NOT NULL,
  days    BLOB NOT NULL,
  PRIMARY KEY (block, article)
) WITHOUT ROWID;
)sql",
     fill_article_usage},
    // 8: the store's identity, a random 128-bit id made once with the store (or on this migration). The
    // index records the id of its events store (schema::meta::events_id), so a missing, emptied or
    // replaced events.db is refused instead of silently starting over (stored_state.hpp).
    {R"sql(
CREATE TABLE store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO store_meta(key, value) VALUES ('store_id', lower(hex(randomblob(16))));
)sql"},
    // 9: solved tickets as cases (service/cases.hpp): one row per (ticket, article) resolution, with the
    // cleaned ticket's stems, searchable in the case index, which catches up from `changed` (a number
    // taken from store_meta's case_seq on every write). Feedback can be withdrawn (withdrawn_at), and a
    // withdrawn or deleted resolution takes its case with it. The tickets table keeps the stems of the
    // whole cleaned ticket too, so that a resolution without text still makes a full case. Existing
    // resolutions become cases with the stems they kept.
    {R"sql(
CREATE TABLE cases (
  id        INTEGER PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  slug      TEXT NOT NULL,
  lang      TEXT NOT NULL DEFAULT '',
  words     TEXT NOT NULL DEFAULT '',
  subject   TEXT NOT NULL DEFAULT '',
  tags      TEXT NOT NULL DEFAULT '[]',
  principal TEXT NOT NULL DEFAULT '',
  agent     TEXT NOT NULL DEFAULT '',
  at        INTEGER NOT NULL,
  state     TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'withdrawn', 'deleted')),
  changed   INTEGER NOT NULL,
  UNIQUE (ticket_id, slug)
);
CREATE INDEX cases_changed ON cases(changed);
CREATE INDEX cases_slug ON cases(slug, state);
ALTER TABLE feedback ADD COLUMN withdrawn_at INTEGER;
ALTER TABLE feedback ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN words TEXT NOT NULL DEFAULT '';
INSERT INTO cases(ticket_id, slug, lang, words, principal, agent, at, changed)
  SELECT f.ticket_id, f.slug, f.lang,
         coalesce((SELECT group_concat(json_extract(j.value, '$.stem'), ' ')
                     FROM json_each(CASE WHEN json_valid(f.terms) THEN f.terms ELSE '[]' END) AS j), ''),
         f.principal, f.agent, f.at, f.id
    FROM feedback AS f WHERE f.kind = 'resolved' ORDER BY f.id;
INSERT INTO store_meta(key, value) VALUES ('case_seq', (SELECT coalesce(max(changed), 0) FROM cases));
)sql"},
    // 10: the source of each search and suggestion (EventSource: page, ticket_system, api; rows from
    // before it are 'unknown'), an id for each search that the page sends back with the article view it
    // opens (views.search_id: "no click" judged per search, not per token), an index to find a
    // ticket's other suggestions (a ticket answered later is no gap), and the reports' covering indexes
    // again with the source. All in fill_sources, which checks before it adds.
    {"", fill_sources},
    // 11: the per-day counters (article_daily, article_usage, feedback_daily) are bucketed by days of
    // the team's time zone (config time_zone), no longer by UTC days. store_meta's counters_zone names
    // the zone they are in: the counters written so far are UTC days. rekey_daily_counts, run on
    // every writable open, moves them to the configured zone.
    {"INSERT OR IGNORE INTO store_meta(key, value) VALUES ('counters_zone', 'UTC');"},
    // 12: the leads' actions on the reports' items (lead_actions.hpp), each one audited: who, when,
    // what, the note. An item is "article:<slug>" (the stale report) or "gap:<id>" (the gap inbox); its
    // state (assigned to, snoozed until, dismissed) is folded from its actions in id order. Runs again
    // harmlessly over a table already there (IF NOT EXISTS), like step 10.
    {R"sql(
CREATE TABLE IF NOT EXISTS lead_actions (
  id        INTEGER PRIMARY KEY,
  item      TEXT NOT NULL,
  action    TEXT NOT NULL CHECK (action IN ('reviewed', 'assign', 'snooze', 'dismiss', 'reopen')),
  principal TEXT NOT NULL,
  at        INTEGER NOT NULL,
  note      TEXT NOT NULL DEFAULT '',
  assignee  TEXT NOT NULL DEFAULT '',
  until_day TEXT NOT NULL DEFAULT '',
  revision  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS lead_actions_item ON lead_actions(item, id);
)sql"},
    // 13: outgoing webhooks (webhooks.hpp). webhook_queue: one row per event and subscription, queued in
    // the transaction that records the revision or the suggestion, with the JSON body as sent, its
    // state (pending, delivered, failed), the number of attempts and when the next one is due (Unix
    // milliseconds). webhook_attempts: the delivery log, one row per attempt: when, the HTTP status
    // (NULL: no response) or the error, and how long it took. Idempotent (IF NOT EXISTS), so the step
    // is safe whichever order it is merged in with other steps.
    {R"sql(
CREATE TABLE IF NOT EXISTS webhook_queue (
  id           INTEGER PRIMARY KEY,
  event_id     TEXT NOT NULL,
  subscription TEXT NOT NULL,
  kind         TEXT NOT NULL,
  body         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_at_ms   INTEGER NOT NULL,
  last_status  INTEGER,
  last_error   TEXT NOT NULL DEFAULT '',
  finished_at  INTEGER
);
CREATE INDEX IF NOT EXISTS webhook_queue_due ON webhook_queue(next_at_ms, id) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS webhook_queue_subscription ON webhook_queue(subscription, id);
CREATE TABLE IF NOT EXISTS webhook_attempts (
  id          INTEGER PRIMARY KEY,
  delivery    INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,
  at_ms       INTEGER NOT NULL,
  status      INTEGER,
  error       TEXT NOT NULL DEFAULT '',
  duration_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts(delivery, id);
)sql"},
};

/// Moves the per-day counters from the zone store_meta's counters_zone names to @p to: each raw row
/// still stored (views, suggestions' shown articles, feedback in force) is counted out of its day in
/// the old zone and into its day in @p to; article_usage is rebuilt from article_daily. What no raw
/// row tells stays on the day it was counted on: search hits (a search row does not store which
/// articles it showed) and everything purged after retention_days. Idempotent: a store already in
/// @p to is left alone.
Result<void> rekey_daily_counts(sqlite3* db, const TimeZone& to) {
  std::string from_name = "UTC";
  {
    sql::Stmt st(db, "SELECT value FROM store_meta WHERE key = 'counters_zone'");
    if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read the counters' time zone"));
    if (st.step() == SQLITE_ROW) from_name = st.text(0);
  }
  if (from_name == to.name()) return {};
  TimeZone from;
  if (from_name != "UTC") {
    auto z = TimeZone::load(from_name);
    if (!z)
      return fail(ErrorCode::io_error, "the per-day counts of events.db are in time zone " + from_name +
                                           ", which cannot be read to move them to " + to.name() + ": " +
                                           z.error().message);
    from = std::move(*z);
  }
  std::map<std::pair<std::int64_t, std::int64_t>, ArticleDayCounts> daily;             // (day, article)
  std::map<std::pair<std::int64_t, std::int64_t>, std::array<std::int64_t, 3>> votes;  // (article, day)
  const auto move_rows = [&](const char* text, auto&& apply) -> Result<void> {
    sql::Stmt st(db, text);
    if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read events to move the per-day counts"));
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      const std::int64_t at = st.integer(0), old_day = from.day_of(at), new_day = to.day_of(at);
      if (old_day == new_day) continue;
      apply(old_day, st.integer(1), st, -1);
      apply(new_day, st.integer(1), st, 1);
    }
    if (rc != SQLITE_DONE)
      return tl::unexpected(sql::error(db, "cannot read events to move the per-day counts"));
    return {};
  };
  if (auto ok = move_rows("SELECT v.at, a.id FROM views AS v JOIN article_ids AS a ON a.slug = v.slug",
                          [&](std::int64_t day, std::int64_t article, const sql::Stmt&, std::int64_t d) {
                            daily[{day, article}].views += d;
                          });
      !ok)
    return ok;
  if (auto ok = move_rows("SELECT s.at, a.id FROM suggestions AS s, "
                          "json_each(CASE WHEN json_valid(s.shown) THEN s.shown ELSE '[]' END) AS j "
                          "JOIN article_ids AS a ON a.slug = j.value WHERE j.type = 'text'",
                          [&](std::int64_t day, std::int64_t article, const sql::Stmt&, std::int64_t d) {
                            daily[{day, article}].suggested += d;
                          });
      !ok)
    return ok;
  if (auto ok =
          move_rows("SELECT f.at, a.id, f.kind FROM feedback AS f JOIN article_ids AS a ON a.slug = f.slug "
                    "WHERE f.withdrawn_at IS NULL AND f.kind IN ('resolved', 'helpful', 'not_helpful', "
                    "'outdated')",
                    [&](std::int64_t day, std::int64_t article, const sql::Stmt& row, std::int64_t d) {
                      const std::string kind = row.text(2);
                      if (kind == "resolved")
                        daily[{day, article}].resolved += d;
                      else
                        votes[{article, day}][kind == "helpful" ? 0 : kind == "not_helpful" ? 1 : 2] += d;
                    });
      !ok)
    return ok;
  {
    sql::Stmt up(
        db,
        "INSERT INTO article_daily(day, article, views, search_hits, suggested, resolved) "
        "VALUES (?1, ?2, max(?3, 0), 0, max(?4, 0), max(?5, 0)) ON CONFLICT(day, article) DO UPDATE SET "
        "views = max(views + ?3, 0), suggested = max(suggested + ?4, 0), resolved = max(resolved + ?5, 0)");
    if (!up.ok()) return tl::unexpected(sql::error(db, "cannot move the per-day counts"));
    for (const auto& [key, c] : daily) {
      up.bind(1, key.first).bind(2, key.second).bind(3, c.views).bind(4, c.suggested).bind(5, c.resolved);
      if (up.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot move the per-day counts"));
      up.reset();
    }
    sql::Stmt fb(
        db,
        "INSERT INTO feedback_daily(article, day, helpful, not_helpful, outdated) "
        "VALUES (?1, ?2, max(?3, 0), max(?4, 0), max(?5, 0)) ON CONFLICT(article, day) DO UPDATE SET "
        "helpful = max(helpful + ?3, 0), not_helpful = max(not_helpful + ?4, 0), "
        "outdated = max(outdated + ?5, 0)");
    if (!fb.ok()) return tl::unexpected(sql::error(db, "cannot move the per-day counts"));
    for (const auto& [key, c] : votes) {
      fb.bind(1, key.first).bind(2, key.second).bind(3, c[0]).bind(4, c[1]).bind(5, c[2]);
      if (fb.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot move the per-day counts"));
      fb.reset();
    }
  }
  if (auto ok =
          sql::exec(db,
                    "DELETE FROM article_daily WHERE views = 0 AND search_hits = 0 AND suggested = 0 AND "
                    "resolved = 0; DELETE FROM feedback_daily WHERE helpful = 0 AND not_helpful = 0 AND "
                    "outdated = 0; DELETE FROM article_usage;",
                    "cannot move the per-day counts");
      !ok)
    return ok;
  if (auto ok = fill_article_usage(db); !ok) return ok;
  sql::Stmt meta(db, "INSERT OR REPLACE INTO store_meta(key, value) VALUES ('counters_zone', ?1)");
  if (!meta.ok()) return tl::unexpected(sql::error(db, "cannot record the counters' time zone"));
  meta.bind(1, to.name());
  if (meta.step() != SQLITE_DONE)
    return tl::unexpected(sql::error(db, "cannot record the counters' time zone"));
  return {};
}

using sql::exec;
using sql::Stmt;
constexpr auto sql_error = sql::error;

using sql::in_transaction;

/// The store's id (migration 8); empty in a store from before it (not migrated yet).
Result<std::string> read_store_id(sqlite3* db) {
  {
    Stmt t(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'");
    if (!t.ok()) return tl::unexpected(sql_error(db, "cannot read the events database's tables"));
    const int rc = t.step();
    if (rc == SQLITE_DONE) return std::string();
    if (rc != SQLITE_ROW) return tl::unexpected(sql_error(db, "cannot read the events database's tables"));
  }
  Stmt st(db, "SELECT value FROM store_meta WHERE key = 'store_id'");
  if (!st.ok()) return tl::unexpected(sql_error(db, "cannot read the events database's id"));
  const int rc = st.step();
  if (rc == SQLITE_ROW) return st.text(0);
  if (rc == SQLITE_DONE) return std::string();
  return tl::unexpected(sql_error(db, "cannot read the events database's id"));
}

std::vector<std::string> stems_of(const std::vector<TicketTerm>& terms) {
  std::vector<std::string> out;
  for (const auto& t : terms)
    if (!t.stem.empty()) out.push_back(t.stem);
  return out;
}

}  // namespace

WallClock system_wall_clock() {
  return [] {
    return static_cast<std::int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
  };
}

std::string_view to_string(EventSource source) {
  switch (source) {
    case EventSource::page:
      return "page";
    case EventSource::ticket_system:
      return "ticket_system";
    case EventSource::api:
      return "api";
    case EventSource::unknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<EventSource> parse_event_source(std::string_view s) {
  for (EventSource k : all_event_sources)
    if (to_string(k) == s) return k;
  return std::nullopt;
}

SourceFilter SourceFilter::all() {
  SourceFilter f;
  f.searches.assign(std::begin(all_event_sources), std::end(all_event_sources));
  f.tickets = f.searches;
  return f;
}

Result<SourceFilter> parse_source_filter(std::string_view text) {
  if (text.empty()) return SourceFilter{};
  if (text == "all") return SourceFilter::all();
  std::vector<EventSource> list;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view name = text.substr(start, comma - start);
    const auto source = parse_event_source(name);
    if (!source)
      return fail(ErrorCode::invalid_argument,
                  "parameter 'sources' must be 'all' or a comma-separated list of page, ticket_system, api "
                  "and unknown (got '" +
                      std::string(name) + "')");
    if (std::find(list.begin(), list.end(), *source) == list.end()) list.push_back(*source);
    start = comma + 1;
  }
  SourceFilter f;
  f.searches = list;
  f.tickets = std::move(list);
  return f;
}

std::string sql_source_list(const std::vector<EventSource>& sources) {
  std::string out = "(";
  for (EventSource s : sources) (out += out.size() > 1 ? ",'" : "'").append(to_string(s)) += "'";
  if (sources.empty()) out += "''";
  return out + ")";
}

std::string_view to_string(FeedbackKind kind) {
  switch (kind) {
    case FeedbackKind::resolved:
      return "resolved";
    case FeedbackKind::helpful:
      return "helpful";
    case FeedbackKind::not_helpful:
      return "not_helpful";
    case FeedbackKind::shown:
      return "shown";
    case FeedbackKind::outdated:
      return "outdated";
  }
  return "helpful";
}

std::optional<FeedbackKind> parse_feedback_kind(std::string_view s) {
  for (FeedbackKind k : {FeedbackKind::resolved, FeedbackKind::helpful, FeedbackKind::not_helpful,
                         FeedbackKind::shown, FeedbackKind::outdated})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

std::string terms_to_json(const std::vector<TicketTerm>& terms) {
  auto a = nlohmann::json::array();
  for (const auto& t : terms) a.push_back({{"stem", t.stem}, {"word", t.word}, {"weight", t.weight}});
  return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

/// Reads the JSON that terms_to_json writes ([{"stem":"…","weight":n,"word":"…"},…], strings without
/// escapes) without a JSON parser: the reports read hundreds of thousands of them. False on anything
/// else, and the caller parses the text properly.
bool plain_terms(std::string_view t, std::vector<TicketTerm>& out) {
  size_t i = 0;
  auto expect = [&](std::string_view s) {
    if (t.substr(i, s.size()) != s) return false;
    i += s.size();
    return true;
  };
  auto string = [&](std::string& into) {
    const size_t end = t.find_first_of("\"\\", i);
    if (end == std::string_view::npos || t[end] != '"') return false;
    into.assign(t.data() + i, end - i);
    i = end + 1;
    return true;
  };
  if (!expect("[")) return false;
  if (expect("]")) return i == t.size();
  for (;;) {
    TicketTerm term;
    if (!expect("{\"stem\":\"") || !string(term.stem) || !expect(",\"weight\":")) return false;
    const size_t end = t.find(',', i);
    if (end == std::string_view::npos || end == i) return false;
    const std::string number(t.substr(i, end - i));
    if (number.find_first_not_of("0123456789.eE+-") != std::string::npos) return false;
    char* stop = nullptr;
    term.weight = std::strtod(number.c_str(), &stop);
    if (stop != number.c_str() + number.size()) return false;
    i = end;
    if (!expect(",\"word\":\"") || !string(term.word) || !expect("}")) return false;
    if (!term.stem.empty()) out.push_back(std::move(term));
    if (expect("]")) return i == t.size();
    if (!expect(",")) return false;
  }
}

}  // namespace

std::vector<TicketTerm> terms_from_json(std::string_view text) {
  std::vector<TicketTerm> out;
  if (plain_terms(text, out)) return out;
  out.clear();
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& t : j) {
    if (!t.is_object()) continue;
    TicketTerm term;
    term.stem = t.value("stem", "");
    term.word = t.value("word", "");
    term.weight = t.value("weight", 0.0);
    if (!term.stem.empty()) out.push_back(std::move(term));
  }
  return out;
}

EventStore::EventStore(std::filesystem::path path, sqlite3* db, WallClock clock)
    : path_(std::move(path)), db_(db), clock_(std::move(clock)) {}

EventStore::~EventStore() {
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<EventStore>> EventStore::open(const std::filesystem::path& path, bool read_only,
                                                     WallClock clock) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (read_only && !exists) {
    // Nothing recorded yet: an empty in-memory store answers every question with "nothing".
    sqlite3* mem = nullptr;
    if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      sqlite3_close_v2(mem);
      return tl::unexpected(sql_error(nullptr, "cannot open events store"));
    }
    std::unique_ptr<EventStore> store(new EventStore(path, mem, std::move(clock)));
    if (auto ok = store->migrate(); !ok) return tl::unexpected(ok.error());
    return store;  // id_ stays empty: there is no store yet
  }
  if (!read_only && path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  sqlite3* db = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Error e = sql_error(db, "cannot open events database " + path.string());
    sqlite3_close_v2(db);
    return tl::unexpected(e);
  }
  std::unique_ptr<EventStore> store(new EventStore(path, db, std::move(clock)));
  sqlite3_busy_timeout(db, 5000);
  if (!read_only) {
    if (auto ok = exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                       "cannot configure " + path.string());
        !ok)
      return tl::unexpected(ok.error());
    if (auto ok = store->migrate(); !ok) return tl::unexpected(ok.error());
    if (team_zone_configured())
      if (auto ok = in_transaction(db, "cannot move the per-day counts to the team's time zone",
                                   [&]() -> Result<void> { return rekey_daily_counts(db, team_zone()); });
          !ok)
        return tl::unexpected(ok.error());
  } else {
    Stmt v(db, "PRAGMA user_version");
    const int version = v.ok() && v.step() == SQLITE_ROW ? static_cast<int>(v.integer(0)) : -1;
    if (version != schema_version)
      return fail(ErrorCode::io_error, "events database " + path.string() + " has schema version " +
                                           std::to_string(version) + ", this build reads " +
                                           std::to_string(schema_version) +
                                           ": run `solusi serve` once to migrate it");
  }
  auto id = read_store_id(db);
  if (!id) return tl::unexpected(id.error());
  store->id_ = std::move(*id);
  if (auto ok = store->load_negatives(); !ok) return tl::unexpected(ok.error());
  return store;
}

Result<StoreIdentity> read_store_identity(const std::filesystem::path& path) {
  StoreIdentity out;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return out;
  if (!std::filesystem::is_regular_file(status))
    return fail(ErrorCode::io_error, "events database " + path.string() + " is not a file");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size == 0) {
    out.state = StoreIdentity::State::empty;
    return out;
  }
  out.state = StoreIdentity::State::present;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Error e = sql_error(db, "cannot open events database " + path.string());
    sqlite3_close_v2(db);
    return tl::unexpected(e);
  }
  sqlite3_busy_timeout(db, 5000);
  Result<StoreIdentity> result = out;
  {
    Stmt v(db, "PRAGMA user_version");
    if (!v.ok() || v.step() != SQLITE_ROW) {
      result = tl::unexpected(sql_error(db, "cannot read events database " + path.string()));
    } else {
      result->schema_version = static_cast<int>(v.integer(0));
    }
  }
  if (result) {
    if (auto id = read_store_id(db); id)
      result->id = std::move(*id);
    else
      result = tl::unexpected(id.error());
  }
  sqlite3_close_v2(db);
  return result;
}

Result<void> EventStore::migrate() {
  int current = 0;
  {  // finalized before migrating: a pending statement keeps a step from dropping a table
    Stmt v(db_, "PRAGMA user_version");
    if (!v.ok() || v.step() != SQLITE_ROW)
      return tl::unexpected(sql_error(db_, "cannot read schema version"));
    current = static_cast<int>(v.integer(0));
  }
  constexpr int latest = static_cast<int>(std::size(migrations));
  static_assert(latest == schema_version);
  if (current > latest)
    return fail(ErrorCode::io_error, "events database " + path_.string() + " has schema version " +
                                         std::to_string(current) + ", newer than this build (" +
                                         std::to_string(latest) + ")");
  for (int step = current; step < latest; ++step) {
    const std::string what = "cannot migrate events database to version " + std::to_string(step + 1);
    const std::string sql = std::string("BEGIN IMMEDIATE;") + migrations[step].sql;
    const std::string done = "PRAGMA user_version = " + std::to_string(step + 1) + "; COMMIT;";
    Result<void> ok = exec(db_, sql.c_str(), what);
    if (ok && migrations[step].fill) ok = migrations[step].fill(db_);
    if (ok) ok = exec(db_, done.c_str(), what);
    if (!ok) {
      (void)exec(db_, "ROLLBACK;", "rollback");
      return ok;
    }
  }
  return {};
}

Result<void> EventStore::load_negatives() {
  std::lock_guard lk(mu_);
  return load_negatives_locked();
}

Result<void> EventStore::load_negatives_locked() {
  Stmt st(db_,
          "SELECT slug, terms FROM feedback WHERE kind = 'not_helpful' AND withdrawn_at IS NULL ORDER BY id");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read feedback"));
  negatives_.clear();
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    negatives_[st.text(0)].push_back(NegativeVote{stems_of(terms_from_json(st.text(1)))});
  if (rc != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot read feedback"));
  return {};
}

Result<void> EventStore::remember_ticket(const TicketRecord& t) {
  std::lock_guard lk(mu_);
  Stmt st(db_,
          "INSERT INTO tickets(ticket_id, lang, terms, subject, first_at, at, words) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6) "
          "ON CONFLICT(ticket_id) DO UPDATE SET lang = ?2, terms = ?3, subject = ?4, at = ?5, words = ?6");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot store ticket"));
  st.bind(1, t.ticket_id).bind(2, t.lang).bind(3, terms_to_json(t.terms)).bind(4, t.subject);
  st.bind(5, t.at ? t.at : clock_()).bind(6, t.words);
  if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot store ticket"));
  return {};
}

Result<std::optional<TicketRecord>> EventStore::ticket(const std::string& ticket_id) {
  std::lock_guard lk(mu_);
  Stmt st(db_, "SELECT lang, terms, subject, at, words FROM tickets WHERE ticket_id = ?1");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read ticket"));
  st.bind(1, ticket_id);
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<TicketRecord>{};
  if (rc != SQLITE_ROW) return tl::unexpected(sql_error(db_, "cannot read ticket"));
  TicketRecord t;
  t.ticket_id = ticket_id;
  t.lang = st.text(0);
  t.terms = terms_from_json(st.text(1));
  t.subject = st.text(2);
  t.at = st.integer(3);
  t.words = st.text(4);
  return std::optional<TicketRecord>(std::move(t));
}

Result<void> EventStore::log_suggestion(const SuggestionLog& s) {
  std::lock_guard lk(mu_);
  return in_transaction(db_, "cannot log suggestion", [&]() -> Result<void> {
    if (hooks_.suggestion)
      if (auto ok = hooks_.suggestion(db_, s); !ok) return ok;
    return insert_suggestion(db_, s, clock_());
  });
}

void EventStore::set_hooks(EventHooks hooks) {
  std::lock_guard lk(mu_);
  hooks_ = std::move(hooks);
}

Result<void> insert_suggestion(sqlite3* db, const SuggestionLog& s, std::int64_t now) {
  Stmt st(db,
          "INSERT INTO suggestions(ticket_id, at, lang, terms, text, shown, top_slug, top_confidence, gap, "
          "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st.ok()) return tl::unexpected(sql_error(db, "cannot log suggestion"));
  const std::int64_t at = s.at ? s.at : now;
  st.bind(1, s.ticket_id).bind(2, at).bind(3, s.lang).bind(4, terms_to_json(s.terms));
  st.bind(5, s.text).bind(6, nlohmann::json(s.shown).dump()).bind(7, s.top_slug).bind(8, s.top_confidence);
  st.bind(9, static_cast<std::int64_t>(s.gap ? 1 : 0)).bind(10, std::string(to_string(s.source)));
  if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot log suggestion"));
  ArticleCounters counters(db);
  ArticleDayCounts shown;
  shown.suggested = 1;
  for (const auto& slug : s.shown)
    if (auto ok = counters.add(day_number(at), slug, shown); !ok) return ok;
  return {};
}

Result<bool> EventStore::add_feedback(const FeedbackEvent& f) {
  std::lock_guard lk(mu_);
  bool inserted = false;
  auto ok = in_transaction(db_, "cannot store feedback", [&]() -> Result<void> {
    auto r = insert_feedback(db_, f, clock_());
    if (!r) return tl::unexpected(r.error());
    inserted = *r;
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  if (inserted && f.kind == FeedbackKind::not_helpful)
    negatives_[f.slug].push_back(NegativeVote{stems_of(f.terms)});
  return inserted;
}

struct EventStore::FeedbackRow {
  std::int64_t id = 0;
  std::string ticket_id, slug;
  FeedbackKind kind = FeedbackKind::helpful;
  std::int64_t at = 0;
  bool in_force = true;
};

namespace {

/// The feedback rows that @p st selects (id, ticket_id, slug, kind, at, withdrawn_at IS NULL).
Result<void> read_feedback_rows(sqlite3* db, Stmt& st, std::vector<EventStore::FeedbackRow>& out) {
  if (!st.ok()) return tl::unexpected(sql_error(db, "cannot read feedback"));
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    EventStore::FeedbackRow r;
    r.id = st.integer(0);
    r.ticket_id = st.text(1);
    r.slug = st.text(2);
    r.kind = parse_feedback_kind(st.text(3)).value_or(FeedbackKind::shown);
    r.at = st.integer(4);
    r.in_force = st.integer(5) != 0;
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot read feedback"));
  return {};
}

constexpr const char* feedback_row_columns = "id, ticket_id, slug, kind, at, withdrawn_at IS NULL";

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

Result<void> EventStore::take_back(const std::vector<FeedbackRow>& rows, const std::string& by, bool erase,
                                   Withdrawal& out) {
  ArticleCounters counters(db_);
  Stmt withdraw(db_, erase ? "DELETE FROM feedback WHERE id = ?1"
                           : "UPDATE feedback SET withdrawn_at = ?2, withdrawn_by = ?3 WHERE id = ?1");
  if (!withdraw.ok()) return tl::unexpected(sql_error(db_, "cannot withdraw feedback"));
  const std::int64_t now = clock_();
  for (const auto& r : rows) {
    withdraw.bind(1, r.id);
    if (!erase) withdraw.bind(2, now).bind(3, by);
    if (withdraw.step() != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot withdraw feedback"));
    withdraw.reset();
    ++out.rows;
    ++out.by_kind[std::string(to_string(r.kind))];
    out.slugs.push_back(r.slug);
    if (!r.in_force) continue;  // an erased row that was withdrawn before: already counted out
    // What insert_feedback counted on the day of the row's time, taken back.
    if (r.kind == FeedbackKind::resolved) {
      ArticleDayCounts c;
      c.resolved = -1;
      if (auto ok = counters.add(day_number(r.at), r.slug, c); !ok) return ok;
      out.resolved_slugs.push_back(r.slug);
      if (!erase) {  // delete_ticket deletes every case of the ticket itself
        if (auto ok = set_case_state(db_, r.ticket_id, r.slug, CaseRow::State::withdrawn); !ok) return ok;
        out.cases += sqlite3_changes(db_);
      }
    } else if (r.kind != FeedbackKind::shown) {
      if (auto ok = counters.add_feedback(day_number(r.at), r.slug, r.kind, -1); !ok) return ok;
    }
  }
  sort_unique(out.slugs);
  sort_unique(out.resolved_slugs);
  return {};
}

Result<EventStore::Withdrawal> EventStore::withdraw_feedback(const std::string& ticket_id,
                                                             const std::string& slug,
                                                             std::optional<FeedbackKind> kind,
                                                             const std::string& by) {
  std::lock_guard lk(mu_);
  Withdrawal out;
  auto ok = in_transaction(db_, "cannot withdraw feedback", [&]() -> Result<void> {
    const std::string sql = std::string("SELECT ") + feedback_row_columns +
                            " FROM feedback WHERE ticket_id = ?1 AND slug = ?2 AND withdrawn_at IS NULL" +
                            (kind ? " AND kind = ?3" : "") + " ORDER BY id";
    Stmt st(db_, sql.c_str());
    if (st.ok()) {
      st.bind(1, ticket_id).bind(2, slug);
      if (kind) st.bind(3, to_string(*kind));
    }
    std::vector<FeedbackRow> rows;
    if (auto read = read_feedback_rows(db_, st, rows); !read) return read;
    return take_back(rows, by, false, out);
  });
  if (!ok) return tl::unexpected(ok.error());
  if (out.by_kind.count("not_helpful"))
    if (auto loaded = load_negatives_locked(); !loaded) return tl::unexpected(loaded.error());
  return out;
}

Result<EventStore::Withdrawal> EventStore::withdraw_feedback_by(const std::string& principal,
                                                                std::int64_t since, std::int64_t until,
                                                                const std::string& by) {
  std::lock_guard lk(mu_);
  Withdrawal out;
  auto ok = in_transaction(db_, "cannot withdraw feedback", [&]() -> Result<void> {
    const std::string sql = std::string("SELECT ") + feedback_row_columns +
                            " FROM feedback WHERE principal = ?1 AND at >= ?2 AND at <= ?3 "
                            "AND withdrawn_at IS NULL ORDER BY id";
    Stmt st(db_, sql.c_str());
    if (st.ok()) st.bind(1, principal).bind(2, since).bind(3, until);
    std::vector<FeedbackRow> rows;
    if (auto read = read_feedback_rows(db_, st, rows); !read) return read;
    return take_back(rows, by, false, out);
  });
  if (!ok) return tl::unexpected(ok.error());
  if (out.by_kind.count("not_helpful"))
    if (auto loaded = load_negatives_locked(); !loaded) return tl::unexpected(loaded.error());
  return out;
}

Result<EventStore::Withdrawal> EventStore::delete_ticket(const std::string& ticket_id) {
  std::lock_guard lk(mu_);
  Withdrawal out;
  auto ok = in_transaction(db_, "cannot erase the ticket", [&]() -> Result<void> {
    {
      const std::string sql =
          std::string("SELECT ") + feedback_row_columns + " FROM feedback WHERE ticket_id = ?1 ORDER BY id";
      Stmt st(db_, sql.c_str());
      if (st.ok()) st.bind(1, ticket_id);
      std::vector<FeedbackRow> rows;
      if (auto read = read_feedback_rows(db_, st, rows); !read) return read;
      if (auto done = take_back(rows, "", true, out); !done) return done;
    }
    std::vector<std::string> case_slugs;  // every case of the ticket, withdrawn ones too
    {
      Stmt st(db_, "SELECT slug FROM cases WHERE ticket_id = ?1 AND state <> 'deleted' ORDER BY id");
      if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read cases"));
      st.bind(1, ticket_id);
      int rc;
      while ((rc = st.step()) == SQLITE_ROW) case_slugs.push_back(st.text(0));
      if (rc != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot read cases"));
    }
    for (const auto& slug : case_slugs) {
      if (auto done = set_case_state(db_, ticket_id, slug, CaseRow::State::deleted); !done) return done;
      ++out.cases;
    }
    {  // The tombstones the case index drops by id keep nothing that links them to the customer.
      Stmt st(db_,
              "UPDATE cases SET ticket_id = 'erased:' || id, principal = '', agent = '' "
              "WHERE ticket_id = ?1 AND state = 'deleted'");
      if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot erase the ticket"));
      st.bind(1, ticket_id);
      if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot erase the ticket"));
    }
    for (auto [sql, count] : {std::pair{"DELETE FROM tickets WHERE ticket_id = ?1", &out.tickets},
                              std::pair{"DELETE FROM suggestions WHERE ticket_id = ?1", &out.suggestions}}) {
      Stmt st(db_, sql);
      if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot erase the ticket"));
      st.bind(1, ticket_id);
      if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot erase the ticket"));
      *count = sqlite3_changes(db_);
    }
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  if (out.by_kind.count("not_helpful"))
    if (auto loaded = load_negatives_locked(); !loaded) return tl::unexpected(loaded.error());
  return out;
}

Result<std::int64_t> next_case_seq(sqlite3* db) {
  Stmt st(db,
          "UPDATE store_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'case_seq' "
          "RETURNING CAST(value AS INTEGER)");
  if (!st.ok() || st.step() != SQLITE_ROW) return tl::unexpected(sql_error(db, "cannot number a case"));
  const std::int64_t seq = st.integer(0);
  if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot number a case"));
  return seq;
}

namespace {

std::string_view to_string(CaseRow::State state) {
  switch (state) {
    case CaseRow::State::active:
      return "active";
    case CaseRow::State::withdrawn:
      return "withdrawn";
    case CaseRow::State::deleted:
      return "deleted";
  }
  return "active";
}

CaseRow::State parse_case_state(std::string_view s) {
  return s == "withdrawn" ? CaseRow::State::withdrawn
         : s == "deleted" ? CaseRow::State::deleted
                          : CaseRow::State::active;
}

/// Writes the case of a resolution (or brings a withdrawn one back).
Result<void> upsert_case(sqlite3* db, const FeedbackEvent& f, std::int64_t at) {
  auto seq = next_case_seq(db);
  if (!seq) return tl::unexpected(seq.error());
  std::string words = f.words;
  if (words.empty())
    for (const auto& t : f.terms) words += (words.empty() ? "" : " ") + t.stem;
  Stmt st(
      db,
      "INSERT INTO cases(ticket_id, slug, lang, words, subject, tags, principal, agent, at, state, changed) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active', ?10) ON CONFLICT(ticket_id, slug) DO UPDATE SET "
      "lang = excluded.lang, words = excluded.words, subject = excluded.subject, tags = excluded.tags, "
      "principal = excluded.principal, agent = excluded.agent, at = excluded.at, state = 'active', "
      "changed = excluded.changed");
  if (!st.ok()) return tl::unexpected(sql_error(db, "cannot store case"));
  st.bind(1, f.ticket_id).bind(2, f.slug).bind(3, f.lang).bind(4, words).bind(5, f.subject);
  st.bind(6, nlohmann::json(f.tags).dump()).bind(7, f.principal).bind(8, f.agent).bind(9, at).bind(10, *seq);
  if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot store case"));
  return {};
}

CaseRow read_case(Stmt& st) {
  CaseRow c;
  c.id = st.integer(0);
  c.ticket_id = st.text(1);
  c.slug = st.text(2);
  c.lang = st.text(3);
  c.words = st.text(4);
  c.at = st.integer(5);
  c.state = parse_case_state(st.text(6));
  c.changed = st.integer(7);
  return c;
}

constexpr const char* case_columns = "id, ticket_id, slug, lang, words, at, state, changed";

}  // namespace

Result<void> set_case_state(sqlite3* db, const std::string& ticket_id, const std::string& slug,
                            CaseRow::State state) {
  auto seq = next_case_seq(db);
  if (!seq) return tl::unexpected(seq.error());
  Stmt st(db, state == CaseRow::State::deleted
                  ? "UPDATE cases SET state = ?3, changed = ?4, words = '', subject = '', tags = '[]' "
                    "WHERE ticket_id = ?1 AND slug = ?2"
                  : "UPDATE cases SET state = ?3, changed = ?4 WHERE ticket_id = ?1 AND slug = ?2");
  if (!st.ok()) return tl::unexpected(sql_error(db, "cannot change a case"));
  st.bind(1, ticket_id).bind(2, slug).bind(3, std::string(to_string(state))).bind(4, *seq);
  if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot change a case"));
  return {};
}

Result<std::int64_t> EventStore::case_seq() {
  std::lock_guard lk(mu_);
  Stmt st(db_, "SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'case_seq'");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read cases"));
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::int64_t{0};
  if (rc != SQLITE_ROW) return tl::unexpected(sql_error(db_, "cannot read cases"));
  return st.integer(0);
}

namespace {

/// The cases a query of `SELECT case_columns FROM cases WHERE @p where` finds, @p bind binding its
/// parameters.
Result<std::vector<CaseRow>> select_cases(sqlite3* db, std::string_view where,
                                          const std::function<void(Stmt&)>& bind) {
  const std::string sql = std::string("SELECT ") + case_columns + " FROM cases WHERE " + std::string(where);
  Stmt st(db, sql.c_str());
  if (!st.ok()) return tl::unexpected(sql_error(db, "cannot read cases"));
  bind(st);
  std::vector<CaseRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_case(st));
  if (rc != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot read cases"));
  return out;
}

}  // namespace

Result<std::vector<CaseRow>> EventStore::cases_since(std::int64_t seq, size_t limit) {
  std::lock_guard lk(mu_);
  return select_cases(db_, "changed > ?1 ORDER BY changed LIMIT ?2",
                      [&](Stmt& st) { st.bind(1, seq).bind(2, static_cast<std::int64_t>(limit)); });
}

Result<std::vector<CaseRow>> EventStore::active_cases(size_t limit) {
  std::lock_guard lk(mu_);
  return select_cases(db_, "state = 'active' ORDER BY at DESC, id DESC LIMIT ?1",
                      [&](Stmt& st) { st.bind(1, static_cast<std::int64_t>(limit)); });
}

Result<bool> insert_feedback(sqlite3* db, const FeedbackEvent& f, std::int64_t now) {
  // A withdrawn vote filed again is in force again; one in force is a duplicate.
  Stmt st(db,
          "INSERT INTO feedback(ticket_id, slug, kind, agent, principal, lang, terms, at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(ticket_id, slug, kind) DO UPDATE SET "
          "agent = excluded.agent, principal = excluded.principal, lang = excluded.lang, "
          "terms = excluded.terms, at = excluded.at, withdrawn_at = NULL, withdrawn_by = '' "
          "WHERE withdrawn_at IS NOT NULL");
  if (!st.ok()) return tl::unexpected(sql_error(db, "cannot store feedback"));
  const std::int64_t at = f.at ? f.at : now;
  st.bind(1, f.ticket_id).bind(2, f.slug).bind(3, to_string(f.kind)).bind(4, f.agent).bind(5, f.principal);
  st.bind(6, f.lang).bind(7, terms_to_json(f.terms)).bind(8, at);
  if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot store feedback"));
  if (sqlite3_changes(db) == 0) return false;
  ArticleCounters counters(db);
  if (f.kind == FeedbackKind::resolved) {
    if (auto ok = upsert_case(db, f, at); !ok) return tl::unexpected(ok.error());
    ArticleDayCounts c;
    c.resolved = 1;
    if (auto ok = counters.add(day_number(at), f.slug, c); !ok) return tl::unexpected(ok.error());
  } else if (f.kind != FeedbackKind::shown) {
    if (auto ok = counters.add_feedback(day_number(at), f.slug, f.kind); !ok)
      return tl::unexpected(ok.error());
  }
  return true;
}

Result<LearnedTerms> EventStore::learned_terms(const std::optional<std::string>& slug) {
  std::lock_guard lk(mu_);
  const char* sql =
      slug
          ? "SELECT slug, terms FROM feedback WHERE kind = 'resolved' AND withdrawn_at IS NULL AND slug = ?1 "
            "ORDER BY at DESC, id DESC"
          : "SELECT slug, terms FROM feedback WHERE kind = 'resolved' AND withdrawn_at IS NULL "
            "ORDER BY at DESC, id DESC";
  Stmt st(db_, sql);
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read feedback"));
  if (slug) st.bind(1, *slug);
  LearnedTerms out;
  std::unordered_map<std::string, std::unordered_map<std::string, size_t>> position;  // slug → stem → index
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    const std::string s = st.text(0);
    auto& terms = out[s];
    auto& pos = position[s];
    std::unordered_set<std::string> in_this_ticket;
    for (const auto& t : terms_from_json(st.text(1))) {
      if (!in_this_ticket.insert(t.stem).second) continue;
      if (auto it = pos.find(t.stem); it != pos.end()) {
        ++terms[it->second].count;
      } else if (terms.size() < max_learned_terms) {  // newest tickets first: the oldest are forgotten
        pos.emplace(t.stem, terms.size());
        terms.push_back(LearnedTerm{t.stem, 1});
      }
    }
  }
  if (rc != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot read feedback"));
  if (slug && !out.count(*slug)) out[*slug] = {};  // an article whose resolutions were all forgotten
  return out;
}

std::vector<NegativeVote> EventStore::negative_votes(const std::string& slug) const {
  std::lock_guard lk(mu_);
  const auto it = negatives_.find(slug);
  return it == negatives_.end() ? std::vector<NegativeVote>{} : it->second;
}

Result<void> EventStore::with_connection(const std::function<Result<void>(sqlite3*)>& work) {
  std::lock_guard lk(mu_);
  return work(db_);
}

Result<EventStore::Counts> EventStore::counts() {
  std::lock_guard lk(mu_);
  Counts c;
  Stmt st(db_,
          "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM suggestions), "
          "(SELECT count(*) FROM suggestions WHERE gap = 1), (SELECT count(*) FROM feedback)");
  if (!st.ok() || st.step() != SQLITE_ROW) return tl::unexpected(sql_error(db_, "cannot count events"));
  c.tickets = st.integer(0);
  c.suggestions = st.integer(1);
  c.gaps = st.integer(2);
  c.feedback = st.integer(3);
  return c;
}

Result<RevisionInfo> EventStore::add_revision(const std::string& slug, const std::string& author,
                                              const std::string& action, const std::string& status,
                                              const std::string& note, const std::string& text,
                                              const std::string& hash) {
  std::lock_guard lk(mu_);
  RevisionInfo r{slug, 0, author, clock_(), action, status, note, hash};
  auto ok = in_transaction(db_, "cannot record revision", [&]() -> Result<void> {
    Stmt st(db_,
            "INSERT INTO revisions(slug, revision, author, at, action, status, note, text, hash) "
            "VALUES (?1, (SELECT coalesce(max(revision), 0) + 1 FROM revisions WHERE slug = ?1), ?2, ?3, ?4, "
            "?5, ?6, ?7, ?8) RETURNING revision");
    if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot record revision"));
    st.bind(1, slug).bind(2, author).bind(3, r.at).bind(4, action).bind(5, status).bind(6, note);
    st.bind(7, text).bind(8, hash);
    if (st.step() != SQLITE_ROW) return tl::unexpected(sql_error(db_, "cannot record revision"));
    r.revision = static_cast<int>(st.integer(0));
    if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot record revision"));
    if (hooks_.revision) return hooks_.revision(db_, r, text);
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  return r;
}

Result<std::vector<RevisionInfo>> EventStore::revisions(const std::string& slug) {
  std::lock_guard lk(mu_);
  Stmt st(db_,
          "SELECT revision, author, at, action, status, note, hash FROM revisions WHERE slug = ?1 "
          "ORDER BY revision");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read revisions"));
  st.bind(1, slug);
  std::vector<RevisionInfo> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out.push_back(RevisionInfo{slug, static_cast<int>(st.integer(0)), st.text(1), st.integer(2), st.text(3),
                               st.text(4), st.text(5), st.text(6)});
  if (rc != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot read revisions"));
  return out;
}

Result<LeadAction> EventStore::add_lead_action(LeadAction a) {
  std::lock_guard lk(mu_);
  a.at = clock_();
  Stmt st(db_,
          "INSERT INTO lead_actions(item, action, principal, at, note, assignee, until_day, revision) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot record the action"));
  st.bind(1, a.item).bind(2, a.action).bind(3, a.by).bind(4, a.at).bind(5, a.note).bind(6, a.assignee);
  st.bind(7, a.until).bind(8, static_cast<std::int64_t>(a.revision));
  if (st.step() != SQLITE_ROW) return tl::unexpected(sql_error(db_, "cannot record the action"));
  a.id = st.integer(0);
  if (st.step() != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot record the action"));
  return a;
}

Result<std::vector<LeadAction>> EventStore::lead_actions(const std::string& item) {
  std::lock_guard lk(mu_);
  Stmt st(db_,
          "SELECT id, item, action, principal, at, note, assignee, until_day, revision FROM lead_actions "
          "WHERE item = ?1 ORDER BY id");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read the actions"));
  st.bind(1, item);
  std::vector<LeadAction> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out.push_back(LeadAction{st.integer(0), st.text(1), st.text(2), st.text(3), st.integer(4), st.text(5),
                             st.text(6), st.text(7), static_cast<int>(st.integer(8))});
  if (rc != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot read the actions"));
  return out;
}

Result<std::int64_t> EventStore::feedback_version() {
  std::lock_guard lk(mu_);
  // New feedback raises the largest id; a new, withdrawn, reinstated or erased resolution raises
  // case_seq. Erased rows can lower the largest id, so the two are packed, not added: case_seq in the
  // high bits, the largest id in the low 32.
  Stmt st(
      db_,
      "SELECT (coalesce((SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'case_seq'), 0) << 32) "
      "+ (coalesce(max(id), 0) & 4294967295) FROM feedback");
  if (!st.ok() || st.step() != SQLITE_ROW) return tl::unexpected(sql_error(db_, "cannot read feedback"));
  return st.integer(0);
}

Result<std::vector<std::string>> EventStore::revised_slugs() {
  std::lock_guard lk(mu_);
  Stmt st(db_, "SELECT DISTINCT slug FROM revisions ORDER BY slug");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read revisions"));
  std::vector<std::string> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.text(0));
  if (rc != SQLITE_DONE) return tl::unexpected(sql_error(db_, "cannot read revisions"));
  return out;
}

Result<std::optional<Revision>> EventStore::revision(const std::string& slug, int number) {
  std::lock_guard lk(mu_);
  Stmt st(db_, number > 0 ? "SELECT revision, author, at, action, status, note, hash, text FROM revisions "
                            "WHERE slug = ?1 AND revision = ?2"
                          : "SELECT revision, author, at, action, status, note, hash, text FROM revisions "
                            "WHERE slug = ?1 ORDER BY revision DESC LIMIT 1");
  if (!st.ok()) return tl::unexpected(sql_error(db_, "cannot read revision"));
  st.bind(1, slug);
  if (number > 0) st.bind(2, static_cast<std::int64_t>(number));
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<Revision>{};
  if (rc != SQLITE_ROW) return tl::unexpected(sql_error(db_, "cannot read revision"));
  Revision r;
  static_cast<RevisionInfo&>(r) = RevisionInfo{slug,       static_cast<int>(st.integer(0)),
                                               st.text(1), st.integer(2),
                                               st.text(3), st.text(4),
                                               st.text(5), st.text(6)};
  r.text = st.text(7);
  return std::optional<Revision>(std::move(r));
}

std::int64_t day_number(std::int64_t at) {
  return team_zone().day_of(at);
}

namespace {

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

bool get_varint(std::string_view& in, std::int64_t& v) {
  std::uint64_t x = 0;
  for (int shift = 0; shift < 63 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    x |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      v = static_cast<std::int64_t>(x);
      return true;
    }
  }
  return false;
}

}  // namespace

std::int64_t usage_block(std::int64_t day) {
  return day >= 0 ? day / usage_block_days : -((-day + usage_block_days - 1) / usage_block_days);
}

std::string encode_usage_days(const std::vector<UsageDay>& days) {
  std::string out;
  out.reserve(days.size() * 6);
  for (const auto& d : days) {
    out += static_cast<char>(d.offset);
    for (const std::int64_t v : {d.counts.views, d.counts.search_hits, d.counts.suggested, d.counts.resolved})
      put_varint(out, static_cast<std::uint64_t>(std::max<std::int64_t>(0, v)));
  }
  return out;
}

bool decode_usage_days(std::string_view blob, std::vector<UsageDay>& out) {
  out.clear();
  int last = -1;
  while (!blob.empty()) {
    UsageDay d;
    d.offset = static_cast<unsigned char>(blob.front());
    blob.remove_prefix(1);
    if (d.offset <= last || d.offset >= usage_block_days) return false;
    if (!get_varint(blob, d.counts.views) || !get_varint(blob, d.counts.search_hits) ||
        !get_varint(blob, d.counts.suggested) || !get_varint(blob, d.counts.resolved))
      return false;
    last = d.offset;
    out.push_back(d);
  }
  return true;
}

void add_usage_day(std::vector<UsageDay>& days, int offset, const ArticleDayCounts& c) {
  auto it = std::lower_bound(days.begin(), days.end(), offset,
                             [](const UsageDay& d, int o) { return d.offset < o; });
  if (it == days.end() || it->offset != offset) it = days.insert(it, UsageDay{offset, {}});
  // A negative count takes back what was added (a withdrawn resolution): never below 0, since the blob
  // keeps unsigned varints.
  it->counts.views = std::max<std::int64_t>(0, it->counts.views + c.views);
  it->counts.search_hits = std::max<std::int64_t>(0, it->counts.search_hits + c.search_hits);
  it->counts.suggested = std::max<std::int64_t>(0, it->counts.suggested + c.suggested);
  it->counts.resolved = std::max<std::int64_t>(0, it->counts.resolved + c.resolved);
}

struct ArticleCounters::Impl {
  sqlite3* db;
  sqlite3_stmt* new_id = nullptr;
  sqlite3_stmt* find_id = nullptr;
  sqlite3_stmt* daily = nullptr;
  sqlite3_stmt* block_get = nullptr;
  sqlite3_stmt* block_put = nullptr;
  sqlite3_stmt* votes = nullptr;
  std::unordered_map<std::string, std::int64_t> ids;
  std::vector<UsageDay> days;  ///< the block being updated
};

ArticleCounters::ArticleCounters(sqlite3* db) : impl_(std::make_unique<Impl>()) {
  impl_->db = db;
}

ArticleCounters::~ArticleCounters() {
  for (auto* st :
       {impl_->new_id, impl_->find_id, impl_->daily, impl_->block_get, impl_->block_put, impl_->votes})
    sqlite3_finalize(st);
}

namespace {

sqlite3_stmt* prepared(sqlite3* db, sqlite3_stmt*& st, const char* sql) {
  if (!st) sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  if (st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  return st;
}

}  // namespace

Result<std::int64_t> ArticleCounters::id(std::string_view slug) {
  if (auto it = impl_->ids.find(std::string(slug)); it != impl_->ids.end()) return it->second;
  sqlite3* db = impl_->db;
  auto* ins =
      prepared(db, impl_->new_id, "INSERT INTO article_ids(slug) VALUES (?1) ON CONFLICT(slug) DO NOTHING");
  auto* sel = prepared(db, impl_->find_id, "SELECT id FROM article_ids WHERE slug = ?1");
  if (!ins || !sel) return tl::unexpected(sql_error(db, "cannot number an article"));
  sqlite3_bind_text(ins, 1, slug.data(), static_cast<int>(slug.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(ins) != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot number an article"));
  sqlite3_bind_text(sel, 1, slug.data(), static_cast<int>(slug.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(sel) != SQLITE_ROW) return tl::unexpected(sql_error(db, "cannot number an article"));
  const std::int64_t id = sqlite3_column_int64(sel, 0);
  sqlite3_reset(sel);
  impl_->ids.emplace(std::string(slug), id);
  return id;
}

Result<void> ArticleCounters::add(std::int64_t day, std::string_view slug, const ArticleDayCounts& c) {
  auto article = id(slug);
  if (!article) return tl::unexpected(article.error());
  sqlite3* db = impl_->db;
  auto* st = prepared(db, impl_->daily,
                      "INSERT INTO article_daily(day, article, views, search_hits, suggested, resolved) "
                      "VALUES (?1, ?2, max(?3, 0), max(?4, 0), max(?5, 0), max(?6, 0)) "
                      "ON CONFLICT(day, article) DO UPDATE SET views = max(views + ?3, 0), "
                      "search_hits = max(search_hits + ?4, 0), suggested = max(suggested + ?5, 0), "
                      "resolved = max(resolved + ?6, 0)");
  if (!st) return tl::unexpected(sql_error(db, "cannot count usage"));
  const std::int64_t values[] = {day, *article, c.views, c.search_hits, c.suggested, c.resolved};
  for (int k = 0; k < 6; ++k) sqlite3_bind_int64(st, k + 1, values[k]);
  if (sqlite3_step(st) != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot count usage"));

  // The same counts in the article's block (read, added to, written back).
  const std::int64_t block = usage_block(day);
  auto* get =
      prepared(db, impl_->block_get, "SELECT days FROM article_usage WHERE block = ?1 AND article = ?2");
  auto* put = prepared(db, impl_->block_put,
                       "INSERT OR REPLACE INTO article_usage(block, article, days) VALUES (?1, ?2, ?3)");
  if (!get || !put) return tl::unexpected(sql_error(db, "cannot count usage"));
  sqlite3_bind_int64(get, 1, block);
  sqlite3_bind_int64(get, 2, *article);
  impl_->days.clear();
  const int rc = sqlite3_step(get);
  if (rc == SQLITE_ROW) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(get, 0));
    // A damaged blob keeps the days before the damage (article_daily still has them all).
    (void)decode_usage_days(
        p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(get, 0))) : std::string_view(),
        impl_->days);
  } else if (rc != SQLITE_DONE) {
    return tl::unexpected(sql_error(db, "cannot count usage"));
  }
  sqlite3_reset(get);
  add_usage_day(impl_->days, static_cast<int>(day - block * usage_block_days), c);
  const std::string blob = encode_usage_days(impl_->days);
  sqlite3_bind_int64(put, 1, block);
  sqlite3_bind_int64(put, 2, *article);
  sqlite3_bind_blob(put, 3, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(put) != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot count usage"));
  return {};
}

Result<void> ArticleCounters::add_feedback(std::int64_t day, std::string_view slug, FeedbackKind kind,
                                           std::int64_t delta) {
  if (kind != FeedbackKind::helpful && kind != FeedbackKind::not_helpful && kind != FeedbackKind::outdated)
    return {};
  auto article = id(slug);
  if (!article) return tl::unexpected(article.error());
  sqlite3* db = impl_->db;
  auto* st =
      prepared(db, impl_->votes,
               "INSERT INTO feedback_daily(article, day, helpful, not_helpful, outdated) "
               "VALUES (?1, ?2, max(?3, 0), max(?4, 0), max(?5, 0)) ON CONFLICT(article, day) DO UPDATE SET "
               "helpful = max(helpful + ?3, 0), not_helpful = max(not_helpful + ?4, 0), "
               "outdated = max(outdated + ?5, 0)");
  if (!st) return tl::unexpected(sql_error(db, "cannot count feedback"));
  const std::int64_t values[] = {*article, day, kind == FeedbackKind::helpful ? delta : 0,
                                 kind == FeedbackKind::not_helpful ? delta : 0,
                                 kind == FeedbackKind::outdated ? delta : 0};
  for (int k = 0; k < 5; ++k) sqlite3_bind_int64(st, k + 1, values[k]);
  if (sqlite3_step(st) != SQLITE_DONE) return tl::unexpected(sql_error(db, "cannot count feedback"));
  return {};
}

}  // namespace solusi::service
