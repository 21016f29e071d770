#include "report_sources.hpp"

#include <algorithm>
#include <future>
#include <set>
#include <unordered_set>

#include "events.hpp"
#include "lead_actions.hpp"
#include "schema.hpp"
#include "sql_stmt.hpp"
#include "time_zone.hpp"

namespace solusi::service {
namespace {

/// A read-only connection to events.db; null when the file does not exist (nothing recorded yet).
class Reader {
 public:
  static Result<std::unique_ptr<Reader>> open(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::unique_ptr<Reader>();
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      Error e = sql::error(db, "cannot open events database " + path.string());
      sqlite3_close_v2(db);
      return tl::unexpected(e);
    }
    std::unique_ptr<Reader> r(new Reader(db));
    sqlite3_busy_timeout(db, 5000);
    // A report reads much of the file once: map it (no read() per page) and cache generously.
    (void)sql::exec(db, "PRAGMA mmap_size = 2147418112; PRAGMA cache_size = -65536", "configure reader");
    sql::Stmt v(db, "PRAGMA user_version");
    const int version = v.ok() && v.step() == SQLITE_ROW ? static_cast<int>(v.integer(0)) : -1;
    if (version != EventStore::schema_version)
      return fail(ErrorCode::io_error, "events database " + path.string() + " has schema version " +
                                           std::to_string(version) + ", this build reads " +
                                           std::to_string(EventStore::schema_version) +
                                           ": run `solusi serve` once to migrate it");
    // One read transaction: every query of a report sees the same snapshot.
    if (auto ok = sql::exec(db, "BEGIN", "cannot read events"); !ok) return tl::unexpected(ok.error());
    return r;
  }
  ~Reader() {
    (void)sql::exec(db_, "COMMIT", "end of read");
    sqlite3_close_v2(db_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  sqlite3* db() const { return db_; }

 private:
  explicit Reader(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

/// Runs @p st to the end, calling @p row for each row.
template <class Row>
Result<void> each_row(sqlite3* db, sql::Stmt& st, const std::string& what, Row row) {
  if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read " + what));
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) row(st);
  if (rc != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot read " + what));
  return {};
}

Lang lang_or(const std::string& code, Lang fallback) {
  if (code.empty()) return fallback;
  return parse_lang(code).value_or(fallback);
}

/// A search as a gap event: its query's stems in its language.
/// A search as a gap event, its stems not yet found (stem_searches).
GapEvent search_event(GapEvent::Kind kind, const sql::Stmt& st) {
  GapEvent e;
  e.kind = kind;
  e.at = st.integer(0);
  e.text = st.text(1);
  e.lang = st.text(2);
  return e;
}

/// The stems of searches' queries in their language (@p default_lang when unknown).
void stem_searches(std::vector<GapEvent>::iterator from, std::vector<GapEvent>::iterator to,
                   Lang default_lang) {
  TermExtractor terms;
  for (auto it = from; it != to; ++it) {
    GapEvent& e = *it;
    const Lang lang = lang_or(e.lang, default_lang);
    if (e.lang.empty()) e.lang = std::string(lang_code(lang));
    terms.add(e.text, lang, e.stems, &e.words);
  }
}

/// The stems and words of a ticket's terms (as events.db stores them), unique, in order.
void ticket_terms(std::string_view json, GapEvent& e) {
  auto terms = terms_from_json(json);
  e.stems.reserve(terms.size());
  e.words.reserve(terms.size());
  for (auto& t : terms) {
    if (std::find(e.stems.begin(), e.stems.end(), t.stem) != e.stems.end()) continue;
    e.stems.push_back(t.stem);
    e.words.push_back(t.word.empty() ? t.stem : t.word);
  }
}

/// A search typed on (as-you-type: the same principal extended its query within
/// as_you_type_seconds) is not a search of its own: the usage log's writer marks it superseded.
constexpr const char* not_superseded = " AND s.superseded = 0";

/// Zero-result searches not typed on of the sources in @p sources, in time order, their stems not yet
/// found.
Result<void> read_zero_results(sqlite3* db, const TimeWindow& w, const std::vector<EventSource>& sources,
                               std::vector<GapEvent>& out) {
  const std::string text =
      std::string(
          "SELECT s.at, s.query, s.lang FROM searches AS s WHERE s.hits = 0 AND s.at >= ?1 "
          "AND s.at < ?2 AND s.query <> ''") +
      not_superseded + " AND s.source IN " + sql_source_list(sources) + " ORDER BY s.at, s.id";
  sql::Stmt st(db, text.c_str());
  if (st.ok()) st.bind(1, w.from).bind(2, w.until);
  return each_row(db, st, "searches", [&](const sql::Stmt& row) {
    out.push_back(search_event(GapEvent::Kind::zero_result, row));
  });
}

/// Tickets with no confident answer and no helpful outcome (gap_ticket_sql): the latest suggestion of
/// each ticket (a ticket suggested for twice is one ticket), and every gap suggestion made without a
/// ticket id.
Result<void> read_gap_tickets(sqlite3* db, const TimeWindow& w, const std::vector<EventSource>& sources,
                              std::vector<GapEvent>& out) {
  const std::string text = gap_ticket_sql(sources);
  sql::Stmt st(db, text.c_str());
  if (st.ok()) st.bind(1, w.from).bind(2, w.until);
  std::unordered_set<std::string> tickets;
  const size_t first = out.size();
  auto ok = each_row(db, st, "suggestions", [&](const sql::Stmt& row) {
    const std::string_view ticket = row.view(6);
    if (!ticket.empty() && !tickets.emplace(ticket).second) return;
    GapEvent& e = out.emplace_back();
    e.kind = GapEvent::Kind::no_confident_suggestion;
    e.at = row.integer(0);
    e.lang = row.view(1);
    ticket_terms(row.view(2), e);
    e.text = row.view(3);
    e.slug = row.view(4);
    e.confidence = row.real(5);
  });
  if (!ok) return ok;
  std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());  // read newest first
  return {};
}

/// Searches not typed on of the sources in @p sources that went unanswered (search_gap) at @p now, as
/// gap events in time order, their stems not yet found.
Result<void> read_unanswered_searches(sqlite3* db, const TimeWindow& w, std::int64_t now,
                                      const std::vector<EventSource>& sources, std::vector<GapEvent>& out) {
  const std::string text = search_outcome_sql(sources);
  sql::Stmt st(db, text.c_str());
  if (st.ok()) st.bind(1, w.from).bind(2, w.until).bind(3, click_seconds);
  return each_row(db, st, "searches", [&](const sql::Stmt& row) {
    const SearchOutcome outcome{row.integer(0), row.integer(1), row.integer(2) != 0};
    const auto gap = search_gap(outcome, now, click_seconds);
    if (!gap) return;
    GapEvent& e = out.emplace_back();
    e.kind = *gap == SearchGap::zero_result ? GapEvent::Kind::zero_result : GapEvent::Kind::no_click;
    e.at = outcome.at;
    e.text = row.text(3);
    e.lang = row.text(4);
  });
}

}  // namespace

std::string gap_ticket_sql(const std::vector<EventSource>& sources) {
  return "SELECT s.at, s.lang, s.terms, s.text, s.top_slug, s.top_confidence, s.ticket_id "
         "FROM suggestions AS s WHERE s.gap = 1 AND s.at >= ?1 AND s.at < ?2 AND s.source IN " +
         sql_source_list(sources) +
         " AND (s.ticket_id = '' OR (NOT EXISTS (SELECT 1 FROM suggestions AS c "
         "WHERE c.ticket_id = s.ticket_id AND c.ticket_id <> '' AND c.gap = 0) AND NOT EXISTS (SELECT 1 FROM "
         "feedback AS f "
         "WHERE f.ticket_id = s.ticket_id AND f.kind IN ('resolved', 'helpful') "
         "AND f.withdrawn_at IS NULL))) ORDER BY s.at DESC, s.id DESC";
}

Result<std::vector<ArticleFacts>> load_article_facts(const Xapian::Database& db) {
  std::vector<ArticleFacts> out;
  out.reserve(db.get_doccount());
  TermExtractor terms;
  try {
    // The facts the indexer stored (one value stream, in docid order); a document without them (an
    // index written before the slot existed) is read and its facts computed.
    auto stored = db.valuestream_begin(schema::slot(schema::Slot::report_facts));
    const auto stored_end = db.valuestream_end(schema::slot(schema::Slot::report_facts));
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      const Xapian::docid id = *it;
      if (stored != stored_end && stored.get_docid() < id) stored.skip_to(id);
      if (stored != stored_end && stored.get_docid() == id) {
        ArticleFacts f;
        ReportKeys keys;
        if (decode_report_facts(*stored, f.meta, keys)) {
          f.key_stems = std::move(keys.key_stems);
          f.title_stems = std::move(keys.title_stems);
          f.sketch = std::move(keys.sketch);
          out.push_back(std::move(f));
          continue;
        }
      }
      StoredArticle a = read_stored(db.get_document(id), stored_text);
      out.push_back(article_facts(std::move(a), terms));
    }
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::index_unavailable, std::string("corrupt article data in the index: ") + e.what());
  }
  return out;
}

Result<EventHistory> load_stale_history(const std::filesystem::path& path, const StaleOptions& o,
                                        Lang default_lang, const SourceFilter& sources) {
  EventHistory h;
  auto reader = Reader::open(path);
  if (!reader) return tl::unexpected(reader.error());
  if (!*reader) return h;
  sqlite3* db = (*reader)->db();
  const TimeWindow w = usage_window(o);
  const TimeWindow fw = feedback_window(o);
  if (auto states = read_item_states(db, "article:"); !states)  // the leads' actions (lead_actions.hpp)
    return tl::unexpected(states.error());
  else
    h.states = std::move(*states);

  // The zero-result searches first: their queries are stemmed by another thread while this one reads
  // the counters and the tickets (one connection, one snapshot).
  if (auto ok = read_zero_results(db, w, sources.searches, h.gaps); !ok) return tl::unexpected(ok.error());
  auto stemming = std::async(
      std::launch::async, [&h, default_lang] { stem_searches(h.gaps.begin(), h.gaps.end(), default_lang); });
  struct Join {  // the stemming thread ends before h does, on every return path
    std::future<void>& f;
    ~Join() {
      if (f.valid()) f.wait();
    }
  } join{stemming};
  std::vector<GapEvent> tickets;

  // Article ids → slugs (ids are dense: numbered from 1 as articles are first counted).
  std::vector<std::string> slugs;
  {
    sql::Stmt st(db, "SELECT id, slug FROM article_ids");
    auto ok = each_row(db, st, "article ids", [&](const sql::Stmt& row) {
      const auto id = row.integer(0);
      if (id < 0 || id > (std::int64_t{1} << 31)) return;
      if (static_cast<size_t>(id) >= slugs.size()) slugs.resize(static_cast<size_t>(id) + 1);
      slugs[static_cast<size_t>(id)] = row.text(1);
    });
    if (!ok) return tl::unexpected(ok.error());
  }
  auto slot = [&](std::int64_t id) -> std::optional<size_t> {
    if (id < 0 || static_cast<size_t>(id) >= slugs.size() || slugs[static_cast<size_t>(id)].empty())
      return std::nullopt;
    return static_cast<size_t>(id);
  };
  {  // views, search hits, suggestions shown and resolutions by article, in the usage window: the
     // days within it of the blocks that overlap it
    std::vector<ArticleUsage> usage(slugs.size());
    std::vector<bool> seen(slugs.size());
    const std::int64_t from_day = team_zone().day_of(w.from), until_day = team_zone().day_of(w.until);
    sql::Stmt st(db, "SELECT block, article, days FROM article_usage WHERE block >= ?1 AND block <= ?2");
    if (st.ok()) st.bind(1, usage_block(from_day)).bind(2, usage_block(until_day - 1));
    std::vector<UsageDay> days;
    auto ok = each_row(db, st, "usage", [&](const sql::Stmt& row) {
      const auto k = slot(row.integer(1));
      if (!k) return;
      const std::int64_t first_day = row.integer(0) * usage_block_days;
      (void)decode_usage_days(row.blob(2), days);  // a damaged blob counts the days before the damage
      ArticleUsage& u = usage[*k];
      for (const UsageDay& d : days) {
        const std::int64_t day = first_day + d.offset;
        if (day < from_day || day >= until_day) continue;
        u.views += d.counts.views;
        u.search_hits += d.counts.search_hits;
        u.suggested += d.counts.suggested;
        u.resolved += d.counts.resolved;
        seen[*k] = true;
      }
    });
    if (!ok) return tl::unexpected(ok.error());
    size_t n = 0;
    for (bool b : seen) n += b;
    h.usage.reserve(n);
    for (size_t k = 0; k < usage.size(); ++k)
      if (seen[k]) h.usage.emplace(slugs[k], usage[k]);
  }
  {  // helpful and not-helpful votes and outdated flags by article and day, in the feedback window
    sql::Stmt st(db,
                 "SELECT article, day, helpful, not_helpful, outdated FROM feedback_daily "
                 "WHERE day >= ?1 AND day < ?2 ORDER BY article, day");
    if (st.ok()) st.bind(1, team_zone().day_of(fw.from)).bind(2, team_zone().day_of(fw.until));
    auto ok = each_row(db, st, "feedback", [&](const sql::Stmt& row) {
      const auto k = slot(row.integer(0));
      if (!k) return;
      h.votes[slugs[*k]].push_back(VoteDay{row.integer(1), row.integer(2), row.integer(3), row.integer(4)});
    });
    if (!ok) return tl::unexpected(ok.error());
  }

  if (auto ok = read_gap_tickets(db, w, sources.tickets, tickets); !ok) return tl::unexpected(ok.error());
  {  // when the usage log starts: its oldest search, view or daily count
    // (a daily count's day is a day of the team's zone: it starts at that zone's midnight)
    sql::Stmt st(db,
                 "SELECT (SELECT min(m) FROM (SELECT min(at) AS m FROM searches UNION ALL "
                 "SELECT min(at) FROM views)), (SELECT day FROM article_daily "
                 "WHERE views > 0 OR search_hits > 0 ORDER BY day LIMIT 1)");
    auto ok = each_row(db, st, "usage", [&](const sql::Stmt& row) {
      if (!row.is_null(0)) h.first_usage_at = row.integer(0);
      if (!row.is_null(1)) {
        const std::int64_t start = team_zone().day_start(row.integer(1));
        h.first_usage_at = h.first_usage_at ? std::min(*h.first_usage_at, start) : start;
      }
    });
    if (!ok) return tl::unexpected(ok.error());
  }
  stemming.get();
  h.gaps.insert(h.gaps.end(), std::make_move_iterator(tickets.begin()),
                std::make_move_iterator(tickets.end()));
  return h;
}

Result<std::vector<GapEvent>> load_gap_events(const std::filesystem::path& path, std::int64_t since,
                                              std::int64_t until, std::int64_t now, Lang default_lang,
                                              const SourceFilter& sources) {
  std::vector<GapEvent> out;
  auto reader = Reader::open(path);
  if (!reader) return tl::unexpected(reader.error());
  if (!*reader) return out;
  sqlite3* db = (*reader)->db();
  const TimeWindow w{since, until};
  if (auto ok = read_unanswered_searches(db, w, now, sources.searches, out); !ok)
    return tl::unexpected(ok.error());
  stem_searches(out.begin(), out.end(), default_lang);
  if (auto ok = read_gap_tickets(db, w, sources.tickets, out); !ok) return tl::unexpected(ok.error());
  {  // not-helpful votes, in the words of the ticket's subject when the service saw the ticket
    sql::Stmt st(db,
                 "SELECT f.at, f.slug, f.lang, f.terms, coalesce(t.subject, '') FROM feedback AS f "
                 "LEFT JOIN tickets AS t ON t.ticket_id = f.ticket_id "
                 "WHERE f.kind = 'not_helpful' AND f.withdrawn_at IS NULL AND f.at >= ?1 AND f.at < ?2 "
                 "ORDER BY f.at, f.id");
    if (st.ok()) st.bind(1, w.from).bind(2, w.until);
    auto ok = each_row(db, st, "feedback", [&](const sql::Stmt& row) {
      GapEvent e;
      e.kind = GapEvent::Kind::not_helpful;
      e.at = row.integer(0);
      e.slug = row.text(1);
      e.lang = row.text(2);
      ticket_terms(row.text(3), e);
      e.text = row.text(4);
      if (e.text.empty())
        for (const auto& word : e.words) e.text += (e.text.empty() ? "" : " ") + word;
      out.push_back(std::move(e));
    });
    if (!ok) return tl::unexpected(ok.error());
  }
  return out;
}

void count_stem_articles(const Xapian::Database& db, const std::vector<GapEvent>& events, GapOptions& o) {
  o.article_count = db.get_doccount();
  std::set<std::string> stems;
  for (const auto& e : events) stems.insert(e.stems.begin(), e.stems.end());
  for (const auto& s : stems) {
    // The stemmed term in the default search space; codes and unstemmed words under their own spelling.
    const Xapian::doccount n =
        std::max(db.get_termfreq(schema::term(schema::prefix::stemmed, s)), db.get_termfreq(s));
    if (n > 0) o.stem_articles[s] = n;
  }
}

}  // namespace solusi::service
