#include "usage_log.hpp"

#include <iostream>
#include <map>
#include <random>

#include "guard.hpp"
#include "report_sources.hpp"
#include "sql_stmt.hpp"
#include "text.hpp"
#include "ticket_text.hpp"

namespace solusi::service {
namespace {

constexpr std::int64_t seconds_per_day = 86400;

/// Deletes rows of one table in chunks; @p sql takes ?1 = cutoff and ?2 = chunk size.
Result<std::int64_t> delete_in_chunks(EventStore& store, const char* sql, std::int64_t cutoff, int chunk,
                                      const std::string& what) {
  std::int64_t total = 0;
  for (;;) {
    int changed = 0;
    auto ok = store.with_connection([&](sqlite3* db) -> Result<void> {
      sql::Stmt st(db, sql);
      if (!st.ok()) return tl::unexpected(sql::error(db, "cannot delete old " + what));
      st.bind(1, cutoff).bind(2, static_cast<std::int64_t>(chunk));
      if (st.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot delete old " + what));
      changed = sqlite3_changes(db);
      return {};
    });
    if (!ok) return tl::unexpected(ok.error());
    total += changed;
    if (changed < chunk) return total;
  }
}

}  // namespace

std::string new_search_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::uint64_t bits = random();
  std::string out(16, '0');
  for (char& c : out) {
    c = hex[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

bool valid_search_id(std::string_view id) {
  if (id.empty() || id.size() > max_search_id_bytes) return false;
  for (const char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-'))
      return false;
  return true;
}

std::string normalize_query(std::string_view query) {
  // The ticket cleaner's rules for one line: identifiers out, error codes in.
  const CleanTicket clean = clean_ticket(query, "");
  std::string out = text::collapse_whitespace(text::to_lower(clean.subject));
  if (out.size() > max_logged_query_bytes) out = text::truncate_words(out, max_logged_query_bytes);
  return out;
}

std::vector<std::int64_t> RecentSearches::supersede(const SearchEvent& s, std::int64_t id) {
  std::vector<std::int64_t> out;
  if (++calls_ % 4096 == 0 || by_principal_.size() > max_principals) {
    // Forget principals with nothing recent; past the cap, everything older than this search.
    const bool full = by_principal_.size() > max_principals;
    std::erase_if(by_principal_, [&](const auto& kv) {
      return kv.second.empty() || kv.second.back().at < s.at - (full ? 0 : as_you_type_seconds);
    });
  }
  auto& list = by_principal_[s.principal];
  std::erase_if(list, [&](const Entry& e) {
    if (e.at < s.at - as_you_type_seconds) return true;  // too old to be typed on
    if (e.at <= s.at && e.query.size() < s.query.size() && s.query.starts_with(e.query)) {
      out.push_back(e.id);
      return true;
    }
    return false;
  });
  if (list.size() >= per_principal) list.erase(list.begin());
  list.push_back({id, s.at, s.query});
  return out;
}

Result<void> write_usage(EventStore& store, const std::vector<UsageEvent>& batch, RecentSearches* recent) {
  if (batch.empty()) return {};
  RecentSearches batch_only;
  RecentSearches& typing = recent ? *recent : batch_only;
  // Per-day counts by article: one upsert per (day, slug) of the batch.
  std::map<std::pair<std::int64_t, std::string>, std::pair<std::int64_t, std::int64_t>> daily;
  for (const auto& e : batch) {
    if (const auto* s = std::get_if<SearchEvent>(&e)) {
      for (const auto& slug : s->shown) ++daily[{day_number(s->at), slug}].second;
    } else if (const auto* v = std::get_if<ViewEvent>(&e)) {
      ++daily[{day_number(v->at), v->slug}].first;
    }
  }
  return store.with_connection([&](sqlite3* db) -> Result<void> {
    if (auto ok = sql::exec(db, "BEGIN IMMEDIATE", "cannot log usage"); !ok) return ok;
    auto body = [&]() -> Result<void> {
      sql::Stmt search(db,
                       "INSERT INTO searches(at, query, lang, hits, principal, source, search_id) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      sql::Stmt view(db, "INSERT INTO views(at, slug, principal, search_id) VALUES (?1, ?2, ?3, ?4)");
      // A search extends an earlier one of the same principal (typed on, as-you-type): that one is
      // marked superseded, and the gap readers skip it.
      sql::Stmt typed_on(db, "UPDATE searches SET superseded = 1 WHERE id = ?1");
      ArticleCounters counters(db);
      if (!search.ok() || !view.ok() || !typed_on.ok())
        return tl::unexpected(sql::error(db, "cannot log usage"));
      for (const auto& e : batch) {
        if (const auto* s = std::get_if<SearchEvent>(&e)) {
          search.reset();
          search.bind(1, s->at).bind(2, s->query).bind(3, s->lang).bind(4, s->hits).bind(5, s->principal);
          search.bind(6, to_string(s->source)).bind(7, s->search_id);
          if (search.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot log a search"));
          for (const std::int64_t earlier : typing.supersede(*s, sqlite3_last_insert_rowid(db))) {
            typed_on.reset();
            typed_on.bind(1, earlier);
            if (typed_on.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot log a search"));
          }
        } else if (const auto* v = std::get_if<ViewEvent>(&e)) {
          view.reset();
          view.bind(1, v->at).bind(2, v->slug).bind(3, v->principal).bind(4, v->search_id);
          if (view.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot log a view"));
        }
      }
      for (const auto& [key, counts] : daily) {
        ArticleDayCounts c;
        c.views = counts.first;
        c.search_hits = counts.second;
        if (auto ok = counters.add(key.first, key.second, c); !ok) return ok;
      }
      return {};
    };
    if (auto ok = body(); !ok) {
      (void)sql::exec(db, "ROLLBACK", "rollback");
      return ok;
    }
    if (auto ok = sql::exec(db, "COMMIT", "cannot log usage"); !ok) {
      (void)sql::exec(db, "ROLLBACK", "rollback");
      return ok;
    }
    return {};
  });
}

Result<PurgeCounts> purge_usage(EventStore& store, std::int64_t cutoff, int chunk) {
  PurgeCounts c;
  struct Step {
    const char* sql;
    std::int64_t cutoff;
    std::int64_t* count;
    const char* what;
  };
  const Step steps[] = {
      {"DELETE FROM searches WHERE id IN (SELECT id FROM searches WHERE at < ?1 LIMIT ?2)", cutoff,
       &c.searches, "searches"},
      {"DELETE FROM views WHERE id IN (SELECT id FROM views WHERE at < ?1 LIMIT ?2)", cutoff, &c.views,
       "views"},
      {"DELETE FROM suggestions WHERE id IN (SELECT id FROM suggestions WHERE at < ?1 LIMIT ?2)", cutoff,
       &c.suggestions, "suggestions"},
      {"DELETE FROM tickets WHERE rowid IN (SELECT rowid FROM tickets WHERE at < ?1 LIMIT ?2)", cutoff,
       &c.tickets, "tickets"},
      // A day's counts go once the whole day is past the cutoff.
      {"DELETE FROM article_daily WHERE (day, article) IN "
       "(SELECT day, article FROM article_daily WHERE day < ?1 LIMIT ?2)",
       day_number(cutoff), &c.daily, "daily counts"},
  };
  for (const auto& s : steps) {
    auto n = delete_in_chunks(store, s.sql, s.cutoff, chunk, s.what);
    if (!n) return tl::unexpected(n.error());
    *s.count = *n;
  }
  // The same counts by block: the blocks wholly before the cutoff day go, and the block holding it
  // loses the days before it.
  const std::int64_t cutoff_day = day_number(cutoff), block = usage_block(cutoff_day);
  auto blocks = delete_in_chunks(store,
                                 "DELETE FROM article_usage WHERE (block, article) IN "
                                 "(SELECT block, article FROM article_usage WHERE block < ?1 LIMIT ?2)",
                                 block, chunk, "usage blocks");
  if (!blocks) return tl::unexpected(blocks.error());
  c.usage_blocks = *blocks;
  const int first_kept = static_cast<int>(cutoff_day - block * usage_block_days);
  if (first_kept == 0) return c;
  auto trimmed = store.with_connection([&](sqlite3* db) -> Result<void> {
    std::vector<std::pair<std::int64_t, std::string>> changed;  // (article, days kept; empty: none)
    {
      sql::Stmt st(db, "SELECT article, days FROM article_usage WHERE block = ?1");
      if (!st.ok()) return tl::unexpected(sql::error(db, "cannot trim usage blocks"));
      st.bind(1, block);
      std::vector<UsageDay> days;
      int rc;
      while ((rc = st.step()) == SQLITE_ROW) {
        (void)decode_usage_days(st.blob(1), days);
        if (days.empty() || days.front().offset >= first_kept) continue;
        std::erase_if(days, [&](const UsageDay& d) { return d.offset < first_kept; });
        changed.emplace_back(st.integer(0), encode_usage_days(days));
      }
      if (rc != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot trim usage blocks"));
    }
    if (changed.empty()) return {};
    return sql::in_transaction(db, "cannot trim usage blocks", [&]() -> Result<void> {
      sql::Stmt put(db, "UPDATE article_usage SET days = ?3 WHERE block = ?1 AND article = ?2");
      sql::Stmt drop(db, "DELETE FROM article_usage WHERE block = ?1 AND article = ?2");
      if (!put.ok() || !drop.ok()) return tl::unexpected(sql::error(db, "cannot trim usage blocks"));
      for (const auto& [article, days] : changed) {
        sql::Stmt& st = days.empty() ? drop : put;
        st.reset();
        st.bind(1, block).bind(2, article);
        if (!days.empty()) st.bind_blob(3, days);
        if (st.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot trim usage blocks"));
      }
      c.usage_blocks += static_cast<std::int64_t>(changed.size());
      return {};
    });
  });
  if (!trimmed) return tl::unexpected(trimmed.error());
  return c;
}

UsageLog::UsageLog(EventStore& store, UsageLogOptions options) : store_(store), options_(options) {}

UsageLog::~UsageLog() {
  stop();
}

void UsageLog::start() {
  std::lock_guard lk(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  writer_ = std::thread([this] { run(); });
}

void UsageLog::stop() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  (void)flush();  // whatever came in while the writer finished, or everything when it never ran
}

bool UsageLog::record(UsageEvent event) {
  {
    std::lock_guard lk(mu_);
    if (!stopping_ && queue_.size() < options_.capacity) {
      queue_.push_back(std::move(event));
      if (queue_.size() >= options_.batch_size) wake_.notify_one();
      return true;
    }
  }
  dropped_full_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

Result<size_t> UsageLog::flush() {
  std::lock_guard write_lock(write_mu_);  // batches are written in the order they were taken
  std::vector<UsageEvent> batch;
  {
    std::lock_guard lk(mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return size_t{0};
  if (auto ok = write_usage(store_, batch, &recent_); !ok) {
    recent_ = RecentSearches{};  // its rows were rolled back: their ids may be given again
    dropped_failed_.fetch_add(batch.size(), std::memory_order_relaxed);
    return tl::unexpected(ok.error());
  }
  logged_.fetch_add(batch.size(), std::memory_order_relaxed);
  return batch.size();
}

Result<PurgeCounts> UsageLog::purge() {
  const std::int64_t cutoff =
      store_.now() - static_cast<std::int64_t>(options_.retention_days) * seconds_per_day;
  auto c = purge_usage(store_, cutoff);
  if (c) purged_.fetch_add(static_cast<std::uint64_t>(c->total()), std::memory_order_relaxed);
  return c;
}

void UsageLog::run() {
  auto enforce_retention = [this] {
    report_exceptions("usage log retention", [this] {
      if (auto p = purge(); !p)
        std::cerr << "solusi: usage log: retention not enforced (will retry): " << p.error().message << "\n";
    });
  };
  enforce_retention();
  auto next_purge = std::chrono::steady_clock::now() + options_.purge_every;
  std::unique_lock lk(mu_);
  while (true) {
    wake_.wait_for(lk, options_.flush_interval,
                   [this] { return stopping_ || queue_.size() >= options_.batch_size; });
    const bool last = stopping_;
    lk.unlock();
    report_exceptions("usage log", [this] {
      if (auto n = flush(); !n) std::cerr << "solusi: usage log: events lost: " << n.error().message << "\n";
    });
    if (!last && std::chrono::steady_clock::now() >= next_purge) {
      enforce_retention();
      next_purge = std::chrono::steady_clock::now() + options_.purge_every;
    }
    lk.lock();
    if (last) return;
  }
}

UsageLog::Stats UsageLog::stats() const {
  Stats s;
  s.logged = logged_.load(std::memory_order_relaxed);
  s.dropped_full = dropped_full_.load(std::memory_order_relaxed);
  s.dropped_failed = dropped_failed_.load(std::memory_order_relaxed);
  s.purged = purged_.load(std::memory_order_relaxed);
  std::lock_guard lk(mu_);
  s.queued = queue_.size();
  return s;
}

std::string UsageLog::metrics_text() const {
  const Stats s = stats();
  std::string out;
  out +=
      "# HELP solusi_events_dropped_total Usage events (searches, article views) not logged: the queue "
      "was full, or their batch could not be written.\n"
      "# TYPE solusi_events_dropped_total counter\n";
  out += "solusi_events_dropped_total{reason=\"queue_full\"} " + std::to_string(s.dropped_full) + "\n";
  out += "solusi_events_dropped_total{reason=\"write_failed\"} " + std::to_string(s.dropped_failed) + "\n";
  out +=
      "# HELP solusi_events_logged_total Usage events written to events.db.\n"
      "# TYPE solusi_events_logged_total counter\n"
      "solusi_events_logged_total " +
      std::to_string(s.logged) + "\n";
  out +=
      "# HELP solusi_events_queue_depth Usage events waiting to be written.\n"
      "# TYPE solusi_events_queue_depth gauge\n"
      "solusi_events_queue_depth " +
      std::to_string(s.queued) + "\n";
  out +=
      "# HELP solusi_events_purged_total Rows of events.db deleted by the retention (retention_days).\n"
      "# TYPE solusi_events_purged_total counter\n"
      "solusi_events_purged_total " +
      std::to_string(s.purged) + "\n";
  return out;
}

}  // namespace solusi::service
