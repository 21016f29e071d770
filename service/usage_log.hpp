// The usage log: agents' searches and article views, written to events.db in batches by a thread of
// its own, so that a request never waits for the disk.
//
// A request hands its event to record(), which only appends it to a bounded queue in memory; when the
// queue is full the event is dropped and counted (solusi_events_dropped_total in /metrics), the request
// goes on. The writer thread writes the queue in one transaction every flush interval (or as soon as
// a batch is full), and enforces the retention: on start and once a day it deletes searches, views,
// suggestions and remembered tickets older than retention_days, in small chunks so that the feedback
// handler (same connection, same mutex) never waits long. Suggestions and feedback are not queued
// here: the suggest and feedback handlers write them directly (events.hpp), and the reports read them
// from their own tables.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "error.hpp"
#include "events.hpp"

namespace solusi::service {

/// One agent search, as logged: what the search page showed and to whom.
struct SearchEvent {
  std::int64_t at = 0;    ///< Unix seconds
  std::string query;      ///< normalized (normalize_query)
  std::string lang;       ///< "id", "en" (asked for, or what the query looked like), or "" when unclear
  std::int64_t hits = 0;  ///< the search's total estimate: 0 is a zero-result search
  std::vector<std::string> shown;             ///< slugs on the page, best first (counted per article per day)
  std::string principal;                      ///< the token's name, "anonymous" without tokens
  EventSource source = EventSource::unknown;  ///< who asked: the agent page, a ticket system, other API use
  /// The search's id, made by the service and returned with the results; the page sends it back with
  /// the article view it opens from them (ViewEvent::search_id). Empty: none (schema < 10).
  std::string search_id{};
};

/// One article view (GET /v1/articles/{slug}).
struct ViewEvent {
  std::int64_t at = 0;
  std::string slug;
  std::string principal;
  std::string search_id{};  ///< the search it was opened from (SearchEvent::search_id), or empty
};

using UsageEvent = std::variant<SearchEvent, ViewEvent>;

/// A new search id (SearchEvent::search_id): 16 random lowercase hex digits. Not a secret: it only
/// links an article view to the search it came from.
std::string new_search_id();
/// The longest search id an article view may carry (bytes): GET /v1/articles/{slug}?search_id= longer
/// than this, or with a byte other than [0-9A-Za-z_-], is a 400.
inline constexpr size_t max_search_id_bytes = 64;
bool valid_search_id(std::string_view id);

/// Longest normalized query kept (bytes).
inline constexpr size_t max_logged_query_bytes = 200;

/// A query as the log keeps it: identifiers removed by the ticket cleaner's rules (e-mail addresses,
/// phone numbers, order and tracking numbers, URLs; error codes stay), lowercased, whitespace
/// collapsed, at most max_logged_query_bytes. Empty when nothing is left.
std::string normalize_query(std::string_view query);

struct UsageLogOptions {
  /// Events waiting to be written at most; more are dropped (and counted).
  size_t capacity = 10000;
  /// The writer writes at least this often, and as soon as batch_size events are waiting.
  std::chrono::milliseconds flush_interval{1000};
  size_t batch_size = 512;
  /// Searches, views, suggestions and tickets older than this are deleted (on start, then daily).
  int retention_days = 180;
  std::chrono::hours purge_every{24};
};

/// What a retention run deleted.
struct PurgeCounts {
  std::int64_t searches = 0, views = 0, suggestions = 0, tickets = 0, daily = 0;
  /// article_usage rows deleted or trimmed: the daily counts again, by block, so not in total().
  std::int64_t usage_blocks = 0;
  std::int64_t total() const { return searches + views + suggestions + tickets + daily; }
};

/// Each principal's latest searches, to mark a search superseded when the same principal extends its
/// query within as_you_type_seconds (typed on, as-you-type): a constant amount of work per search,
/// where an UPDATE over the principal's recent rows grew with the traffic of a shared token.
class RecentSearches {
 public:
  /// Searches remembered per principal; older ones are not marked superseded (as-you-type extends
  /// only the last few).
  static constexpr size_t per_principal = 16;
  /// Principals remembered at most; past it the oldest half is forgotten.
  static constexpr size_t max_principals = 100000;

  /// The ids of the remembered searches that @p s (logged as @p id) extends; they are forgotten, @p s
  /// remembered.
  std::vector<std::int64_t> supersede(const SearchEvent& s, std::int64_t id);

 private:
  struct Entry {
    std::int64_t id = 0, at = 0;
    std::string query;
  };
  std::unordered_map<std::string, std::vector<Entry>> by_principal_;
  size_t calls_ = 0;
};

/// Writes @p batch in one transaction: raw rows and the per-day counts by article. A search that
/// extends one of @p recent (or, without it, an earlier one of the batch) marks that one superseded.
Result<void> write_usage(EventStore& store, const std::vector<UsageEvent>& batch,
                         RecentSearches* recent = nullptr);

/// Deletes searches, views, suggestions, tickets (last seen) and per-day counts from before @p cutoff
/// (Unix seconds), in chunks of @p chunk rows, each chunk its own transaction.
Result<PurgeCounts> purge_usage(EventStore& store, std::int64_t cutoff, int chunk = 5000);

class UsageLog {
 public:
  UsageLog(EventStore& store, UsageLogOptions options);
  ~UsageLog();
  UsageLog(const UsageLog&) = delete;
  UsageLog& operator=(const UsageLog&) = delete;

  /// Starts the writer thread (which first enforces the retention).
  void start();
  /// Writes what is queued and joins the writer. Events recorded afterwards are dropped. Idempotent.
  void stop();

  /// Queues @p event; never waits for I/O. False (and counted as dropped) when the queue is full or
  /// the log is stopped.
  bool record(UsageEvent event);

  /// Writes what is queued now, from the caller's thread (tests, and stop()). Returns how many.
  Result<size_t> flush();

  /// Enforces the retention now: deletes what is older than retention_days before the store's clock.
  Result<PurgeCounts> purge();

  struct Stats {
    std::uint64_t logged = 0;          ///< events written
    std::uint64_t dropped_full = 0;    ///< events refused because the queue was full
    std::uint64_t dropped_failed = 0;  ///< events lost because their batch could not be written
    std::uint64_t queued = 0;          ///< events waiting now
    std::uint64_t purged = 0;          ///< rows deleted by the retention
  };
  Stats stats() const;

  /// Prometheus lines: solusi_events_dropped_total{reason=…}, solusi_events_logged_total,
  /// solusi_events_queue_depth, solusi_events_purged_total.
  std::string metrics_text() const;

 private:
  void run();

  EventStore& store_;
  const UsageLogOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<UsageEvent> queue_;
  bool started_ = false;
  bool stopping_ = false;
  std::mutex write_mu_;  ///< one batch write at a time (the writer thread, flush(), stop())
  std::thread writer_;
  RecentSearches recent_;  ///< guarded by write_mu_
  std::atomic<std::uint64_t> logged_{0}, dropped_full_{0}, dropped_failed_{0}, purged_{0};
};

}  // namespace solusi::service
