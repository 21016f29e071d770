// Searches per day for the team lead's chart (GET /v1/reports/searches): how many searches people made
// each day and how many of them went unanswered, read from the usage log in events.db; and what the
// gap readers (report_sources.hpp) know of each search: whether anything was opened from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "date.hpp"
#include "error.hpp"
#include "events.hpp"

namespace solusi::service {

/// The longest window GET /v1/reports/searches answers for, in days.
inline constexpr long max_search_days = 366;

/// A search whose next search by the same principal extends it within this many seconds was typed
/// on (as-you-type): it is not read as a search of its own.
inline constexpr std::int64_t as_you_type_seconds = 30;
/// A search is judged (answered or not) once this many seconds have passed: the time an agent has to
/// open a result. For a search from before search ids (schema < 10) it is also the window in which an
/// article view by the same principal counts as a click on it.
inline constexpr std::int64_t click_seconds = 600;

/// What is known of one search (not typed on).
struct SearchOutcome {
  std::int64_t at = 0;    ///< Unix seconds
  std::int64_t hits = 0;  ///< the search's total estimate
  /// An article was opened from it: a view carrying its search id (the page sends it), or, for a
  /// search logged without one, a view by the same principal within click_seconds.
  bool clicked = false;
};

/// How a search is a gap: zero_result when it found nothing, no_click when it found something but
/// nothing was opened from it within @p click_window seconds (judged only once @p now is past that);
/// nullopt when an article was opened from it, or it cannot be judged yet.
enum class SearchGap { zero_result, no_click };
std::optional<SearchGap> search_gap(const SearchOutcome& search, std::int64_t now, std::int64_t click_window);

struct SearchDay {
  std::string day;                ///< YYYY-MM-DD (UTC)
  std::int64_t searches = 0;      ///< searches made that day
  std::int64_t zero_results = 0;  ///< of which found nothing
  std::int64_t judged = 0;        ///< of which at least click_seconds old
  /// Of the judged ones, those that went unanswered: found nothing, or nothing was opened from them
  /// (search_gap). unanswered / judged is the figure the lead's chart draws.
  std::int64_t unanswered = 0;
};

/// One SearchDay for every day from @p since to @p until (both included, oldest first; days without a
/// search count 0) of @p searches, judged at @p now.
std::vector<SearchDay> count_search_days(const std::vector<SearchOutcome>& searches, Date since, Date until,
                                         std::int64_t now, std::int64_t click_window = click_seconds);

/// The sums over @p days, and unanswered / judged (0 when nothing was judged).
struct SearchTotals {
  std::int64_t searches = 0, zero_results = 0, judged = 0, unanswered = 0;
  double unanswered_share = 0;
};
SearchTotals search_totals(const std::vector<SearchDay>& days);

/// The SQL that reads SearchOutcome rows (columns at, hits, clicked, query, lang) of the searches not
/// typed on and not empty with a source in @p sources, in time order; ?1 and ?2 bind the window
/// [from, until), ?3 click_seconds.
std::string search_outcome_sql(const std::vector<EventSource>& sources);

/// count_search_days of the searches of the events.db at @p events with a source in @p sources.
/// Searches are counted as the gap inbox counts them: a search that the same principal extended
/// within as_you_type_seconds was typed on and is not a search of its own. A missing file counts
/// nothing; a database of another schema version is an error.
Result<std::vector<SearchDay>> load_search_days(const std::filesystem::path& events, Date since, Date until,
                                                std::int64_t now, const SourceFilter& sources = {});

}  // namespace solusi::service
