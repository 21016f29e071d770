#include "search_days.hpp"

#include "sql_stmt.hpp"
#include "time_zone.hpp"

namespace solusi::service {
namespace {

/// Closes the connection however the read ends.
struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close_v2(db); }
};

}  // namespace

std::optional<SearchGap> search_gap(const SearchOutcome& s, std::int64_t now, std::int64_t click_window) {
  if (s.clicked) return std::nullopt;
  if (s.hits == 0) return SearchGap::zero_result;
  if (s.at + click_window <= now) return SearchGap::no_click;
  return std::nullopt;
}

std::vector<SearchDay> count_search_days(const std::vector<SearchOutcome>& searches, Date since, Date until,
                                         std::int64_t now, std::int64_t click_window) {
  std::vector<SearchDay> days;
  if (until < since) return days;
  for (Date d = since; d <= until; d = d.plus_days(1)) days.push_back({d.iso(), 0, 0, 0, 0});
  const std::int64_t first_day = since.days_since_epoch();
  for (const SearchOutcome& s : searches) {
    const std::int64_t i = day_number(s.at) - first_day;
    if (i < 0 || i >= static_cast<std::int64_t>(days.size())) continue;
    SearchDay& d = days[static_cast<size_t>(i)];
    ++d.searches;
    if (s.hits == 0) ++d.zero_results;
    if (s.at + click_window > now) continue;  // too recent to judge
    ++d.judged;
    if (search_gap(s, now, click_window)) ++d.unanswered;
  }
  return days;
}

SearchTotals search_totals(const std::vector<SearchDay>& days) {
  SearchTotals t;
  for (const auto& d : days) {
    t.searches += d.searches;
    t.zero_results += d.zero_results;
    t.judged += d.judged;
    t.unanswered += d.unanswered;
  }
  if (t.judged > 0) t.unanswered_share = static_cast<double>(t.unanswered) / static_cast<double>(t.judged);
  return t;
}

std::string search_outcome_sql(const std::vector<EventSource>& sources) {
  // A search typed on (extended within as_you_type_seconds by the same principal) is marked
  // superseded when the longer one is written: it is not a search of its own.
  return "SELECT s.at, s.hits, CASE WHEN s.search_id <> '' "
         "THEN EXISTS (SELECT 1 FROM views AS v WHERE v.search_id = s.search_id AND v.search_id <> '') "
         "ELSE EXISTS (SELECT 1 FROM views AS v WHERE v.principal = s.principal AND v.at >= s.at "
         "AND v.at <= s.at + ?3) END, s.query, s.lang FROM searches AS s "
         "WHERE s.at >= ?1 AND s.at < ?2 AND s.query <> '' AND s.superseded = 0 AND s.source IN " +
         sql_source_list(sources) + " ORDER BY s.at, s.id";
}

Result<std::vector<SearchDay>> load_search_days(const std::filesystem::path& events, Date since, Date until,
                                                std::int64_t now, const SourceFilter& sources) {
  if (until < since) return std::vector<SearchDay>{};
  std::vector<SearchOutcome> searches;
  std::error_code ec;
  if (!std::filesystem::exists(events, ec)) return count_search_days(searches, since, until, now);
  Connection c;
  if (sqlite3_open_v2(events.c_str(), &c.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    return tl::unexpected(sql::error(c.db, "cannot open events database " + events.string()));
  sqlite3_busy_timeout(c.db, 5000);
  {
    sql::Stmt v(c.db, "PRAGMA user_version");
    const int version = v.ok() && v.step() == SQLITE_ROW ? static_cast<int>(v.integer(0)) : -1;
    if (version != EventStore::schema_version)
      return fail(ErrorCode::io_error, "events database " + events.string() + " has schema version " +
                                           std::to_string(version) + ", this build reads " +
                                           std::to_string(EventStore::schema_version) +
                                           ": run `solusi serve` once to migrate it");
  }
  const std::string text = search_outcome_sql(sources.searches);
  sql::Stmt st(c.db, text.c_str());
  if (!st.ok()) return tl::unexpected(sql::error(c.db, "cannot read searches"));
  st.bind(1, team_zone().day_start(since.days_since_epoch()))
      .bind(2, team_zone().day_start(until.days_since_epoch() + 1))
      .bind(3, click_seconds);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    searches.push_back({st.integer(0), st.integer(1), st.integer(2) != 0});
  if (rc != SQLITE_DONE) return tl::unexpected(sql::error(c.db, "cannot read searches"));
  return count_search_days(searches, since, until, now);
}

}  // namespace solusi::service
