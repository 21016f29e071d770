#include "search_days.hpp"

#include "events.hpp"
#include "report_sources.hpp"
#include "sql_stmt.hpp"

namespace solusi::service {
namespace {

constexpr std::int64_t seconds_per_day = 86400;

/// Closes the connection however the read ends.
struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close_v2(db); }
};

}  // namespace

Result<std::vector<SearchDay>> load_search_days(const std::filesystem::path& events, Date since, Date until) {
  std::vector<SearchDay> days;
  if (until < since) return days;
  for (Date d = since; d <= until; d = d.plus_days(1)) days.push_back({d.iso(), 0, 0});

  std::error_code ec;
  if (!std::filesystem::exists(events, ec)) return days;
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
  // A search `s` extended by the same principal's next search within ?3 seconds was typed on.
  sql::Stmt st(c.db,
               "SELECT s.at / 86400, count(*), sum(s.hits = 0) FROM searches AS s "
               "WHERE s.at >= ?1 AND s.at < ?2 AND NOT EXISTS (SELECT 1 FROM searches AS n "
               "WHERE n.principal = s.principal AND n.at >= s.at AND n.at <= s.at + ?3 AND n.id > s.id "
               "AND length(n.query) > length(s.query) AND substr(n.query, 1, length(s.query)) = s.query) "
               "GROUP BY s.at / 86400 ORDER BY 1");
  if (!st.ok()) return tl::unexpected(sql::error(c.db, "cannot read searches"));
  const std::int64_t first_day = since.days_since_epoch();
  st.bind(1, first_day * seconds_per_day)
      .bind(2, (until.days_since_epoch() + 1) * seconds_per_day)
      .bind(3, as_you_type_seconds);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    const std::int64_t i = st.integer(0) - first_day;
    if (i < 0 || i >= static_cast<std::int64_t>(days.size())) continue;
    days[static_cast<size_t>(i)].searches = st.integer(1);
    days[static_cast<size_t>(i)].zero_results = st.integer(2);
  }
  if (rc != SQLITE_DONE) return tl::unexpected(sql::error(c.db, "cannot read searches"));
  return days;
}

}  // namespace solusi::service
