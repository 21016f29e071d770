// Searches per day for the team lead's chart (GET /v1/reports/searches): how many searches agents
// made each day and how many of them found nothing, read from the usage log in events.db.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "date.hpp"
#include "error.hpp"

namespace solusi::service {

/// The longest window GET /v1/reports/searches answers for, in days.
inline constexpr long max_search_days = 366;

struct SearchDay {
  std::string day;                ///< YYYY-MM-DD (UTC)
  std::int64_t searches = 0;      ///< searches made that day
  std::int64_t zero_results = 0;  ///< of which found nothing
};

/// One SearchDay for every day from @p since to @p until (both included, oldest first; days without a
/// search count 0), from the `searches` table of the events.db at @p events. Searches are counted as the
/// gap inbox counts them: a search that the same principal extended within as_you_type_seconds
/// (report_sources.hpp) was typed on and is not a search of its own. A missing file counts nothing; a
/// database of another schema version is an error.
Result<std::vector<SearchDay>> load_search_days(const std::filesystem::path& events, Date since, Date until);

}  // namespace solusi::service
