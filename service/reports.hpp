// The team leads' reports: which articles need attention, why and in what order (the stale report),
// and what customers and agents looked for and did not find (the gap inbox).
//
// Both are pure functions of their inputs: the facts of the articles (read from the index), the events
// (read from events.db) and a date `as_of`; report_sources.hpp reads the inputs. The same inputs always
// give the same report, byte for byte, so tests assert exact reasons and order.
//
// Stale report. Each published article gets every reason that applies, with its evidence and a weight;
// its staleness is the sum of the weights, its reliance what agents and tickets drew from it in the
// usage window (views + suggestions shown + 3 × resolutions), and its impact (1 + reliance) ×
// staleness: the most-used outdated article comes first. Articles are grouped by owner.
//
// Gap inbox. Searches that went unanswered (found nothing, or nothing was opened from them: judged per
// search, search_days.hpp), tickets with no confident answer and no helpful outcome, and not-helpful
// votes, of the sources the lead asks for (SourceFilter, events.hpp), are clustered by their stemmed terms
// (weighted by how rare each stem is in the knowledge base), each cluster with its count, first and last time
// seen, three wordings in the customers' and agents' own words, the nearest existing article and the body of
// a draft.
#pragma once

#include <xapian.h>

#include <array>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "date.hpp"
#include "document.hpp"
#include "language.hpp"
#include "report_facts.hpp"

namespace solusi::service {

// ------------------------------------------------------------------------------------------------
// Inputs

// TermExtractor, sketch_size and the facts' keys live in the indexer (report_facts.hpp): the index
// stores them for every article.
using solusi::sketch_size;
using solusi::TermExtractor;

/// What the reports know of an article.
struct ArticleFacts {
  StoredArticle meta;                    ///< metadata as indexed; text and markdown left empty
  std::vector<std::string> key_stems;    ///< stems of the title and tags, sorted, unique
  std::vector<std::string> title_stems;  ///< stems of the title, sorted, unique
  std::vector<std::uint64_t> sketch;     ///< the smallest sketch_size hashes of its text's word pairs
};

/// The facts of @p article, from its metadata and its text (meta.text).
ArticleFacts article_facts(StoredArticle article, TermExtractor& terms);

/// Estimated Jaccard similarity of the word-pair sets two sketches were made from (exact when both
/// texts have fewer than sketch_size pairs).
double sketch_similarity(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

/// What agents and tickets drew from an article in the usage window.
struct ArticleUsage {
  std::int64_t views = 0;        ///< GET /v1/articles/{slug}
  std::int64_t search_hits = 0;  ///< searches whose first page showed it
  std::int64_t suggested = 0;    ///< suggestions (POST /v1/suggest) that showed it
  std::int64_t resolved = 0;     ///< tickets resolved with it
};

/// Helpful and not-helpful votes, and "outdated" flags, for an article on one day (days since
/// 1970-01-01).
struct VoteDay {
  std::int64_t day = 0;
  std::int64_t helpful = 0;
  std::int64_t not_helpful = 0;
  std::int64_t outdated = 0;  ///< agents who marked it as out of date (feedback kind "outdated")
};

/// Something looked for and not found.
struct GapEvent {
  enum class Kind { zero_result, no_click, no_confident_suggestion, not_helpful };
  Kind kind = Kind::zero_result;
  std::int64_t at = 0;  ///< Unix seconds
  /// In the asker's words: the query as logged, the ticket's cleaned text, or the subject of the
  /// ticket a not-helpful vote was about.
  std::string text;
  std::string lang;
  std::vector<std::string> stems;  ///< unique, most telling first
  std::vector<std::string> words;  ///< the word written for each stem
  /// The suggester's best candidate (no confident suggestion), or the article voted not helpful.
  std::string slug;
  double confidence = 0;  ///< the best candidate's confidence
};

inline constexpr std::array<GapEvent::Kind, 4> all_gap_kinds{
    GapEvent::Kind::zero_result, GapEvent::Kind::no_click, GapEvent::Kind::no_confident_suggestion,
    GapEvent::Kind::not_helpful};
std::string_view to_string(GapEvent::Kind kind);

/// The last action a lead or editor took on a report item (lead_actions.hpp).
struct ItemAction {
  std::string action;   ///< reviewed, assign, snooze, dismiss, reopen
  std::string by;       ///< the token's name
  std::int64_t at = 0;  ///< Unix seconds
  std::string note;
};

/// What the leads' actions made of a report item (a stale article or a gap): folded from its actions
/// in order (lead_actions.hpp).
struct ItemState {
  std::string assigned_to;            ///< "" when nobody is
  std::optional<Date> snoozed_until;  ///< hidden from the report before this day
  bool dismissed = false;             ///< hidden until reopened
  std::optional<ItemAction> last;     ///< nullopt: no action yet
  /// True when a report as of @p day hides the item: dismissed, or snoozed until a later day.
  bool hidden_on(const Date& day) const { return dismissed || (snoozed_until && day < *snoozed_until); }
};

/// {"assigned_to", "snoozed_until", "dismissed", "hidden", "last": {"action", "by", "at", "note"} | null}
/// (assigned_to and snoozed_until null when unset), @p hidden as given.
nlohmann::json to_json(const ItemState& state, bool hidden);

/// What the stale report reads from events.db.
struct EventHistory {
  std::unordered_map<std::string, ArticleUsage> usage;  ///< by slug, in the usage window
  /// Votes and outdated flags by slug, in the feedback window.
  std::unordered_map<std::string, std::vector<VoteDay>> votes;
  /// Zero-result searches and tickets with no confident suggestion in the usage window.
  std::vector<GapEvent> gaps;
  /// When the usage log's oldest kept search or view happened (Unix seconds); nullopt: none yet.
  std::optional<std::int64_t> first_usage_at;
  /// The leads' actions on articles (assigned, snoozed, dismissed), by slug; absent: none.
  std::unordered_map<std::string, ItemState> states;
};

// ------------------------------------------------------------------------------------------------
// The stale report

struct StaleOptions {
  Date as_of;
  int usage_days = 90;     ///< usage window (and `unused`): the as_of day and the days before it
  int expiring_days = 30;  ///< `expiring_soon` when valid_to is at most this many days after as_of
  /// Votes count from the last review, and at most this many days back.
  int feedback_days = 180;
  int min_votes = 3;                    ///< `negative_feedback` needs at least this many votes…
  double not_helpful_share = 0.4;       ///< …and more than this share of them not helpful
  size_t min_gap_events = 2;            ///< `losing_to_gap` needs at least this many events
  double min_near_confidence = 0.2;     ///< a best candidate below this is not "near" the ticket
  double duplicate_threshold = 0.6;     ///< 0.3 × title similarity + 0.7 × text similarity
  std::optional<std::string> owner;     ///< only this owner's articles (case-insensitive)
  std::optional<std::string> category;  ///< only this category (case-insensitive)
  /// The report's rows: the first this many articles in rank order, with their summaries and evidence
  /// (0: all). The counts (listed, each owner's count and reasons) are over every listed article.
  size_t limit = 0;
  /// True when a local file (relative to the articles folder) exists; unset: files are not checked.
  std::function<bool(const std::string& path)> file_exists;
  /// Also list the articles the leads snoozed (until after as_of) or dismissed (EventHistory::states);
  /// false: they are left out of the rows and the counts (StaleReport::hidden counts them).
  bool include_hidden = false;
};

/// Rows of the stale report that GET /v1/reports/stale and `solusi stale` return unless asked for
/// another limit (`limit=all` / `--limit all`: every row).
inline constexpr size_t default_stale_limit = 100;

/// [from, until) in Unix seconds.
struct TimeWindow {
  std::int64_t from = 0;
  std::int64_t until = 0;
};
/// The usage window of @p options: the as_of day and the usage_days − 1 days before it.
TimeWindow usage_window(const StaleOptions& options);
/// The feedback window: the as_of day and the feedback_days − 1 days before it.
TimeWindow feedback_window(const StaleOptions& options);

struct Reason {
  std::string code;         ///< review_overdue, never_reviewed, expired, expiring_soon, …
  double weight = 0;        ///< what it adds to the article's staleness
  std::string summary;      ///< one line a person reads
  nlohmann::json evidence;  ///< the figures behind it (an object)
};

struct StaleEntry {
  size_t rank = 0;  ///< 1-based, over the whole report
  std::string slug, title, owner, category, lang, audience;
  std::optional<std::string> reviewed, review_due, valid_to;
  ArticleUsage usage;
  double reliance = 0;   ///< views + suggested + 3 × resolved
  double staleness = 0;  ///< sum of the reasons' weights
  double impact = 0;     ///< (1 + reliance) × staleness
  std::vector<Reason> reasons;
  ItemState state;      ///< the leads' actions on it
  bool hidden = false;  ///< snoozed or dismissed as of the report's day (listed with include_hidden)
};

struct OwnerQueue {
  std::string owner;            ///< "" for articles without an owner
  std::vector<size_t> entries;  ///< indexes into StaleReport::articles (the rows kept), in rank order
  /// Articles per reason code, in code order, over all of the owner's listed articles.
  std::vector<std::pair<std::string, size_t>> reasons;
  size_t count = 0;  ///< all of the owner's listed articles (entries holds those within the limit)
};

struct StaleReport {
  std::string as_of;
  int usage_days = 0;
  size_t articles_checked = 0;  ///< published, live articles looked at (after the filters)
  /// `unused` is judged only once the usage log covers the whole usage window.
  bool unused_checked = false;
  std::optional<std::string> usage_since;  ///< day of the oldest search or view kept
  bool files_checked = false;
  size_t listed = 0;  ///< articles that need attention (all of them, whatever the limit)
  size_t hidden = 0;  ///< of the articles that need attention, those snoozed or dismissed and left out
  size_t limit = 0;   ///< StaleOptions::limit (0: none)
  std::vector<StaleEntry> articles;  ///< most impact first: the first `limit` of the listed articles
  std::vector<OwnerQueue> owners;    ///< the owner of the first article first
};

/// A near-copy of an article (`duplicate_suspect`).
struct Duplicate {
  size_t other = 0;  ///< index of the other article
  double similarity = 0, title = 0, text = 0;
};

/// What the stale report derives from the articles alone, whatever the events: which articles are
/// live, lookups by slug and by title and tag stem, and the pairs of near-copies (the costliest part).
/// The service keeps the last one and reuses it while the index and the live articles stay the same
/// (base_serves). It points into the articles it was built from, which must outlive it.
struct StaleBase {
  const std::vector<ArticleFacts>* articles = nullptr;
  std::vector<size_t> live;  ///< published and live at as_of, in article order
  double duplicate_threshold = 0;
  std::unordered_map<std::string_view, size_t> live_by_slug;  ///< live articles
  /// Each live article's internal links, as indexes of the articles they point at (no_article: none).
  std::vector<std::vector<size_t>> links;
  static constexpr size_t no_article = static_cast<size_t>(-1);
  /// Live articles by the stems of their title and tags (losing_to_gap).
  std::unordered_map<std::string_view, std::vector<size_t>> by_key_stem;
  /// Each live article's near-copies among the live articles of its language, most similar first.
  std::unordered_map<size_t, std::vector<Duplicate>> duplicates;
};

/// Indexes of the articles live at @p as_of: published, and publish_at (if any) not after it.
std::vector<size_t> live_articles(const std::vector<ArticleFacts>& articles, const Date& as_of);
/// The base of @p articles for @p options' as_of and duplicate_threshold.
StaleBase stale_base(const std::vector<ArticleFacts>& articles, const StaleOptions& options);
/// True when @p base was built from @p articles and serves @p options: the same live articles and
/// duplicate threshold.
bool base_serves(const StaleBase& base, const std::vector<ArticleFacts>& articles,
                 const StaleOptions& options);

/// The stale report; @p base must serve @p options.
StaleReport stale_report(const StaleBase& base, const EventHistory& events, const StaleOptions& options);
/// stale_report(stale_base(articles, options), events, options).
StaleReport stale_report(const std::vector<ArticleFacts>& articles, const EventHistory& events,
                         const StaleOptions& options);

nlohmann::json to_json(const StaleEntry& entry);
nlohmann::json to_json(const StaleReport& report);
/// The same JSON as to_json(report).dump(-1, ' ', false, replace), written directly (fast for a report
/// of every article).
std::string to_json_text(const StaleReport& report);
/// One row per article: rank, owner, slug, title, category, lang, impact, staleness, reliance, views,
/// search_hits, suggested, resolved, reasons (codes, space-separated), evidence (the summaries,
/// "; "-separated).
std::string to_csv(const StaleReport& report);
/// For a terminal: per owner, the articles in rank order with each reason's summary.
std::string to_text(const StaleReport& report);

// ------------------------------------------------------------------------------------------------
// The gap inbox

struct GapOptions {
  std::int64_t since = 0;  ///< Unix seconds, inclusive
  std::int64_t until = 0;  ///< exclusive
  size_t examples = 3;
  /// An event joins a cluster when the cluster's core terms cover at least this share of the
  /// (idf-weighted) smaller of the two term sets.
  double join_threshold = 0.5;
  double min_near_confidence = 0.2;
  /// How many articles the knowledge base has, and how many use each stem (absent: none).
  size_t article_count = 0;
  std::unordered_map<std::string, size_t> stem_articles;
};

struct NearestArticle {
  std::string slug;
  std::string title;
  std::string via;  ///< "suggester" (the tickets' best candidate), "feedback" (voted not helpful) or "terms"
  double score = 0;
};

struct GapCluster {
  std::string label;               ///< its core words, most frequent first
  std::vector<std::string> terms;  ///< words shared by its events, most frequent first
  size_t count = 0;
  std::array<size_t, all_gap_kinds.size()> kinds{};  ///< count by GapEvent::Kind
  std::int64_t first_seen = 0, last_seen = 0;
  std::vector<std::string> examples;  ///< distinct wordings, most frequent first
  std::string lang;                   ///< most of its events' language
  std::optional<NearestArticle> nearest;
  /// The body POST /v1/drafts/from-ticket takes: {"subject", "body"} made from the examples.
  nlohmann::json draft;
  /// Its id for the leads' actions: gap_id() of its core stems, the same in every report while the
  /// cluster's core words stay the same.
  std::string id;
  ItemState state;      ///< the leads' actions on it (apply_gap_states)
  bool hidden = false;  ///< snoozed or dismissed as of the report's day (kept with include_hidden)
};

struct GapReport {
  std::int64_t since = 0, until = 0;
  size_t events = 0;                 ///< events read (with at least one term)
  std::vector<GapCluster> clusters;  ///< largest first
  size_t hidden = 0;                 ///< clusters left out: snoozed or dismissed (apply_gap_states)
};

/// The id of a gap cluster with the core stems @p core (sorted, unique): "g" and 16 hex digits of
/// their SHA-256.
std::string gap_id(const std::vector<std::string>& core);

/// Gives each cluster its state from @p states (by gap id) as of @p day, and leaves out those hidden
/// (snoozed until after @p day, or dismissed) unless @p include_hidden; report.hidden counts them.
void apply_gap_states(GapReport& report, const std::unordered_map<std::string, ItemState>& states,
                      const Date& day, bool include_hidden);

GapReport gap_report(const std::vector<ArticleFacts>& articles, std::vector<GapEvent> events,
                     const GapOptions& options);

nlohmann::json to_json(const GapReport& report);
/// One row per cluster: label, count, the four kinds, first_seen, last_seen, terms, example_1..3,
/// nearest_slug, nearest_title.
std::string to_csv(const GapReport& report);

// ------------------------------------------------------------------------------------------------
// Helpers shared with the readers and the notifier

/// "2026-05-01T10:00:00Z".
std::string iso_time(std::int64_t unix_seconds);
/// The day of @p unix_seconds (UTC).
Date day_of(std::int64_t unix_seconds);
/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a field that a
/// spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) is prefixed with "'".
std::string csv_field(std::string_view value);

}  // namespace solusi::service
