// events.db: what people did — tickets seen by the suggester, suggestions shown, feedback, and (through
// the usage log, usage_log.hpp) agents' searches and article views — in SQLite
// (WAL mode). It is the source of truth for what Solusi learns from tickets: the learned terms in the
// index are rebuilt from it. One connection, used by one writer at a time; the schema is migrated by
// this code (PRAGMA user_version).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "error.hpp"
#include "learned.hpp"

struct sqlite3;

namespace solusi::service {

/// Seconds since the Unix epoch; injectable so that tests and reports are deterministic.
using WallClock = std::function<std::int64_t()>;
WallClock system_wall_clock();

/// A telling word of a ticket: the stem that searches for it, and the word as the customer wrote it.
struct TicketTerm {
  std::string stem;
  std::string word;
  double weight = 0;
};

/// What the service keeps of a ticket it suggested articles for.
struct TicketRecord {
  std::string ticket_id;
  std::string lang;
  std::vector<TicketTerm> terms;
  std::string subject;  ///< cleaned subject (for the gap inbox)
  std::int64_t at = 0;
  std::string words;  ///< stems of the whole cleaned ticket, space separated (what a case keeps)
};

/// Where a search or a suggestion came from (the `source` column of searches and suggestions), so
/// that the lead's reports count what the lead asks for (SourceFilter). `page`: the agent page, which
/// marks its own requests (header X-Solusi-Client: web); the mark only classifies usage and is never
/// trusted for access. `ticket_system`: a token of the ticket-system role. `api`: any other API use.
/// `unknown`: recorded before the source was kept (schema < 10).
enum class EventSource { page, ticket_system, api, unknown };
inline constexpr EventSource all_event_sources[] = {EventSource::page, EventSource::ticket_system,
                                                    EventSource::api, EventSource::unknown};
std::string_view to_string(EventSource source);
std::optional<EventSource> parse_event_source(std::string_view s);

/// Which sources the lead's reports count, for searches and for tickets (suggestions). By default
/// people's searches (the agent page) and tickets from people and ticket systems: an unanswered ticket
/// is a real gap, an integration's repeated searches are not. Rows of unknown source (recorded before
/// the source was kept) are counted by default, as they were before.
struct SourceFilter {
  std::vector<EventSource> searches{EventSource::page, EventSource::unknown};
  std::vector<EventSource> tickets{EventSource::page, EventSource::ticket_system, EventSource::unknown};
  /// Every source, for searches and tickets alike.
  static SourceFilter all();
  bool operator==(const SourceFilter&) const = default;
};
/// The `sources` parameter of the report routes: "all", or a comma-separated list of source names
/// (page, ticket_system, api, unknown) that then applies to searches and tickets alike; empty: the
/// default. An unknown name is an error naming it.
Result<SourceFilter> parse_source_filter(std::string_view text);
/// The SQL list of @p sources, e.g. "('page','unknown')" ("('')" when empty: matches nothing).
std::string sql_source_list(const std::vector<EventSource>& sources);

/// One call of the suggester, for the content-gap inbox and usage statistics.
struct SuggestionLog {
  std::string ticket_id;  ///< may be empty
  std::string lang;
  std::vector<TicketTerm> terms;
  std::string text;                ///< cleaned subject + the start of the body, customers' own words
  std::vector<std::string> shown;  ///< slugs suggested, best first
  std::string top_slug;            ///< best candidate, even when under the threshold
  double top_confidence = 0;
  bool gap = false;  ///< nothing was confident enough
  std::int64_t at = 0;
  EventSource source = EventSource::unknown;
};

/// outdated: an agent marks the article as out of date (the stale report's `flagged_outdated`).
enum class FeedbackKind { resolved, helpful, not_helpful, shown, outdated };
std::string_view to_string(FeedbackKind kind);
std::optional<FeedbackKind> parse_feedback_kind(std::string_view s);

struct FeedbackEvent {
  std::string ticket_id;
  std::string slug;
  FeedbackKind kind = FeedbackKind::helpful;
  std::string agent;      ///< who says so (free text from the client)
  std::string principal;  ///< the token's name
  std::string lang;
  std::vector<TicketTerm> terms;  ///< the ticket's key terms, when known
  std::int64_t at = 0;
  /// For `resolved`: what its case keeps (cases.hpp): the stems of the whole cleaned ticket, space
  /// separated (empty: the key terms' stems), the cleaned subject and the ticket system's tags.
  std::string words;
  std::string subject;
  std::vector<std::string> tags;
};

/// A solved ticket as the case index reads it (table cases).
struct CaseRow {
  std::int64_t id = 0;  ///< also the case's document id in the case index
  std::string ticket_id;
  std::string slug;
  std::string lang;
  std::string words;  ///< stems, space separated
  std::int64_t at = 0;
  enum class State { active, withdrawn, deleted } state = State::active;
  std::int64_t changed = 0;  ///< the case_seq of its last write
};

/// A not-helpful vote for an article, with the stems of the ticket it did not help.
struct NegativeVote {
  std::vector<std::string> stems;
};

/// One recorded version of an article (without its text).
struct RevisionInfo {
  std::string slug;
  int revision = 0;  ///< 1, 2, 3… per slug
  std::string author;
  std::int64_t at = 0;
  std::string action;  ///< create | update | archive | restore | external | delete
  std::string status;  ///< the article's status in this version
  std::string note;
  std::string hash;  ///< content hash (the ETag without quotes)
};

struct Revision : RevisionInfo {
  std::string text;  ///< the whole file: front matter and body
};

/// One action a lead or editor took on an item of the reports (lead_actions.hpp), as audited in
/// events.db (table lead_actions).
struct LeadAction {
  std::int64_t id = 0;  ///< numbered by the store, ascending
  std::string item;     ///< "article:<slug>" or "gap:<gap id>"
  std::string action;   ///< reviewed, assign, snooze, dismiss, reopen
  std::string by;       ///< the token's name
  std::int64_t at = 0;  ///< Unix seconds (the store's clock)
  std::string note;
  std::string assignee;  ///< assign: the person ("" with assign: nobody any more)
  std::string until;     ///< snooze: the day (YYYY-MM-DD) the item comes back
  int revision = 0;      ///< reviewed: the article's revision it wrote (0: none)
};

/// What the outgoing webhooks (webhooks.hpp) are told inside the transaction that records a revision
/// or a suggestion, so that what they queue commits or rolls back with it. They get the connection
/// (the store's lock is held: they must not call the store) and may fail the write (a full disk).
struct EventHooks {
  /// After @p added is inserted (its number known); @p text is the version's whole file.
  std::function<Result<void>(sqlite3*, const RevisionInfo& added, const std::string& text)> revision;
  /// Before @p log is inserted (the store's earlier suggestions of the ticket are all there is).
  std::function<Result<void>(sqlite3*, const SuggestionLog& log)> suggestion;
};

class EventStore {
 public:
  /// Opens (creating and migrating) the database. @p read_only opens an existing file without
  /// writing (for `solusi index` and `solusi suggest`); a missing file is then an empty store.
  static Result<std::unique_ptr<EventStore>> open(const std::filesystem::path& path, bool read_only = false,
                                                  WallClock clock = system_wall_clock());
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  /// Schema version this build writes.
  static constexpr int schema_version = 13;

  /// The store's identity: a random 128-bit id in hex, made with the store and kept for its life
  /// (the index records it: stored_state.hpp). Empty for the in-memory stand-in of a missing file.
  const std::string& id() const { return id_; }

  std::int64_t now() const { return clock_(); }
  const std::filesystem::path& path() const { return path_; }

  /// Remembers (or refreshes) a ticket's key terms, so that later feedback without text can use them.
  Result<void> remember_ticket(const TicketRecord& ticket);
  Result<std::optional<TicketRecord>> ticket(const std::string& ticket_id);

  Result<void> log_suggestion(const SuggestionLog& log);

  /// Records feedback; false when the same (ticket_id, slug, kind) was already recorded.
  Result<bool> add_feedback(const FeedbackEvent& event);

  /// Learned terms of every article (or of @p slug only) from its resolved tickets: the most recently
  /// seen stems first, at most max_learned_terms each, count = resolutions that contained the stem.
  Result<LearnedTerms> learned_terms(const std::optional<std::string>& slug = std::nullopt);
  /// Changes whenever feedback is recorded, withdrawn or reinstated: learned_terms() of every
  /// article can be kept while it stays the same.
  Result<std::int64_t> feedback_version();

  /// Not-helpful votes by slug (cached in memory, kept current by add_feedback and the withdrawals).
  std::vector<NegativeVote> negative_votes(const std::string& slug) const;

  /// What a withdrawal or an erasure took back.
  struct Withdrawal {
    std::int64_t rows = 0;                        ///< feedback rows withdrawn (or deleted)
    std::map<std::string, std::int64_t> by_kind;  ///< rows by kind ("resolved", "helpful", …)
    std::vector<std::string> slugs;               ///< the articles they were about, sorted, once each
    std::vector<std::string> resolved_slugs;      ///< of those, the ones that lost a resolution
    std::int64_t cases = 0;                       ///< cases withdrawn (or deleted)
    std::int64_t tickets = 0, suggestions = 0;    ///< delete_ticket only: rows deleted
  };
  struct FeedbackRow;  ///< one feedback row being taken back (events.cpp)
  /// Withdraws the feedback in force for (@p ticket_id, @p slug), of @p kind or of every kind, in one
  /// transaction: the rows stay (withdrawn_at, withdrawn_by = @p by) but count for nothing any more:
  /// their per-day counters go back down, a resolution's case is withdrawn, a not-helpful vote stops
  /// voting. rows == 0: nothing was in force. Filing the same feedback again reinstates it.
  Result<Withdrawal> withdraw_feedback(const std::string& ticket_id, const std::string& slug,
                                       std::optional<FeedbackKind> kind, const std::string& by);
  /// Withdraws everything in force that @p principal (a token's name) filed at @p since … @p until
  /// (Unix seconds, both included), the same way, in one transaction.
  Result<Withdrawal> withdraw_feedback_by(const std::string& principal, std::int64_t since,
                                          std::int64_t until, const std::string& by);
  /// Erases a customer's ticket, in one transaction: its feedback rows are deleted (the counters of
  /// those in force go back down), its cases deleted (their words, subject and tags wiped, the ticket
  /// id, token and agent replaced: a tombstone "erased:<id>" the case index drops), its
  /// tickets row and its suggestions rows deleted (the per-day counters of what was suggested stay:
  /// they are numbers without words). Nothing of it: every count 0.
  Result<Withdrawal> delete_ticket(const std::string& ticket_id);

  /// The number of the last write to the cases (0: none yet): the case index is in line with the
  /// store when it has caught up to it.
  Result<std::int64_t> case_seq();
  /// Cases written after @p seq, in the order they were written, at most @p limit of them (withdrawn
  /// and deleted ones too: the case index drops them).
  Result<std::vector<CaseRow>> cases_since(std::int64_t seq, size_t limit);
  /// Active cases, newest first, at most @p limit (what the linear model trains on).
  Result<std::vector<CaseRow>> active_cases(size_t limit);

  /// Records a version of an article; returns it with its number.
  Result<RevisionInfo> add_revision(const std::string& slug, const std::string& author,
                                    const std::string& action, const std::string& status,
                                    const std::string& note, const std::string& text,
                                    const std::string& hash);
  /// Every version of an article, oldest first.
  Result<std::vector<RevisionInfo>> revisions(const std::string& slug);
  /// The slugs that have at least one revision, sorted.
  Result<std::vector<std::string>> revised_slugs();
  /// One version with its text; @p number 0 is the latest.
  Result<std::optional<Revision>> revision(const std::string& slug, int number = 0);

  /// Audits a lead's action (its id and at are set by the store) and returns it as recorded.
  Result<LeadAction> add_lead_action(LeadAction action);
  /// The actions taken on @p item, oldest first.
  Result<std::vector<LeadAction>> lead_actions(const std::string& item);

  struct Counts {
    std::int64_t tickets = 0, suggestions = 0, gaps = 0, feedback = 0;
  };
  Result<Counts> counts();

  /// Runs @p work on the connection under the writer mutex: for the usage log's batched writes and
  /// the retention purge (usage_log.cpp), which keep one writer without blocking anyone for long.
  Result<void> with_connection(const std::function<Result<void>(sqlite3*)>& work);

  /// Installs the hooks (before the store is shared between threads).
  void set_hooks(EventHooks hooks);

 private:
  EventStore(std::filesystem::path path, sqlite3* db, WallClock clock);
  Result<void> migrate();
  Result<void> load_negatives();
  Result<void> load_negatives_locked();  ///< the caller holds mu_
  /// Takes back @p rows (in force) inside the caller's transaction: withdraws them (@p erase: deletes
  /// them), their counters down, their cases withdrawn or deleted.
  Result<void> take_back(const std::vector<FeedbackRow>& rows, const std::string& by, bool erase,
                         Withdrawal& out);

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  WallClock clock_;
  mutable std::mutex mu_;  ///< one user of the connection at a time: the single writer
  std::unordered_map<std::string, std::vector<NegativeVote>> negatives_;
  std::string id_;
  EventHooks hooks_;
};

/// What is at an events store's path, read without creating, migrating or changing anything.
struct StoreIdentity {
  enum class State { missing, empty, present } state = State::missing;  ///< empty: a 0-byte file
  int schema_version = 0;
  std::string id;  ///< EventStore::id(); empty in a store from before identities (schema < 8)
};
/// Reads the identity of the events store at @p path. Fails when the file is not a readable SQLite
/// database.
Result<StoreIdentity> read_store_identity(const std::filesystem::path& path);

/// The day of @p at (Unix seconds) in the team's time zone (team_zone()): days since 1970-01-01.
std::int64_t day_number(std::int64_t at);

/// What one event adds to an article's counters of one day (table article_daily).
struct ArticleDayCounts {
  std::int64_t views = 0, search_hits = 0, suggested = 0, resolved = 0;
};

/// article_usage keeps the per-day counts of article_daily again, one row per article and block of
/// this many days (day / usage_block_days), the days in one blob: a report of a 90-day window reads 3
/// or 4 rows per article instead of up to 90.
inline constexpr std::int64_t usage_block_days = 32;

/// The block of @p day (days since 1970-01-01) in article_usage.
std::int64_t usage_block(std::int64_t day);

/// An article's counts on one day of a block.
struct UsageDay {
  int offset = 0;  ///< the day − block × usage_block_days: 0 … usage_block_days − 1
  ArticleDayCounts counts;
};

/// The blob of article_usage.days: for each day in offset order, its offset (one byte), then views,
/// search_hits, suggested and resolved as unsigned LEB128 varints.
std::string encode_usage_days(const std::vector<UsageDay>& days);
/// The days of @p blob into @p out (cleared first), in offset order. False when the blob is damaged:
/// @p out then holds the days before the damage.
bool decode_usage_days(std::string_view blob, std::vector<UsageDay>& out);
/// Adds @p counts to day @p offset of @p days (in offset order), adding the day when absent.
void add_usage_day(std::vector<UsageDay>& days, int offset, const ArticleDayCounts& counts);

/// The per-day counters by article that the stale report reads instead of the raw rows: article_daily
/// (views, search hits, suggestions shown, resolutions; the same counts by block in article_usage) and
/// feedback_daily (helpful and not-helpful votes, outdated flags), keyed by an integer article id
/// (article_ids). Used inside the transaction that writes the counted row; statements are prepared
/// once per object.
class ArticleCounters {
 public:
  explicit ArticleCounters(sqlite3* db);
  ~ArticleCounters();
  ArticleCounters(const ArticleCounters&) = delete;
  ArticleCounters& operator=(const ArticleCounters&) = delete;

  /// The article's id, numbered on first use.
  Result<std::int64_t> id(std::string_view slug);
  /// Adds @p counts (negative counts take back what was added: a count never goes below 0).
  Result<void> add(std::int64_t day, std::string_view slug, const ArticleDayCounts& counts);
  /// A helpful or not-helpful vote or an outdated flag (other kinds are not counted here); @p delta −1
  /// takes one back (never below 0).
  Result<void> add_feedback(std::int64_t day, std::string_view slug, FeedbackKind kind,
                            std::int64_t delta = 1);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes a suggestion and its counters on @p db (the caller holds the transaction); @p now when
/// log.at is 0. EventStore::log_suggestion does this in a transaction of its own.
Result<void> insert_suggestion(sqlite3* db, const SuggestionLog& log, std::int64_t now);
/// Writes feedback and (when it was not a duplicate) its counters; false for a duplicate.
Result<bool> insert_feedback(sqlite3* db, const FeedbackEvent& event, std::int64_t now);

/// Takes the next case_seq (the caller holds the transaction).
Result<std::int64_t> next_case_seq(sqlite3* db);
/// Sets the state of the case of (@p ticket_id, @p slug), if any, and marks it changed; a deleted
/// case loses its words and subject (the caller holds the transaction).
Result<void> set_case_state(sqlite3* db, const std::string& ticket_id, const std::string& slug,
                            CaseRow::State state);

/// JSON text of ticket terms ([{"stem","word","weight"}…]) and back.
std::string terms_to_json(const std::vector<TicketTerm>& terms);
std::vector<TicketTerm> terms_from_json(std::string_view json);

}  // namespace solusi::service
