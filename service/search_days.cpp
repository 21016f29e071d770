#include "search_days.hpp"

#include "events.hpp"
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
  // A search the same principal typed on (extended within as_you_type_seconds) is marked superseded
  // when the longer one is written: it is not a search of its own.
  sql::Stmt st(c.db,
               "SELECT at / 86400, count(*), sum(hits = 0) FROM searches "
               "WHERE at >= ?1 AND at < ?2 AND superseded = 0 GROUP BY at / 86400 ORDER BY 1");
  if (!st.ok()) return tl::unexpected(sql::error(c.db, "cannot read searches"));
  const std::int64_t first_day = since.days_since_epoch();
  st.bind(1, first_day * seconds_per_day).bind(2, (until.days_since_epoch() + 1) * seconds_per_day);
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
