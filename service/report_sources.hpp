// Reading the reports' inputs (reports.hpp): the facts of every article from the index, and the events
// from events.db through a read-only connection of its own (WAL: it never waits for the writer, and the
// writer never waits for it).
#pragma once

#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "error.hpp"
#include "language.hpp"
#include "reports.hpp"

namespace solusi::service {

/// The facts of every article of the index, whatever its status (link targets may be drafts or
/// archived), in docid order.
Result<std::vector<ArticleFacts>> load_article_facts(const Xapian::Database& db);

/// A search whose next search by the same principal extends it within this many seconds was typed
/// on (as-you-type): it is not read as a search of its own.
inline constexpr std::int64_t as_you_type_seconds = 30;
/// A search is clicked when the same principal views an article within this many seconds.
inline constexpr std::int64_t click_seconds = 600;

/// What the stale report reads from the events.db at @p path: usage by article in the usage window,
/// helpful / not-helpful votes in the feedback window, zero-result searches and tickets with no
/// confident suggestion in the usage window, and when the usage log starts. A missing file is an empty
/// history; a database of another schema version is an error. @p default_lang stems queries of no
/// known language.
Result<EventHistory> load_stale_history(const std::filesystem::path& events, const StaleOptions& options,
                                        Lang default_lang = Lang::id);

/// What the gap inbox reads: zero-result searches, searches with no click, tickets with no confident
/// suggestion (one event per ticket: its latest) and not-helpful votes in [since, until). A search
/// less than click_seconds before @p now cannot be judged yet and is not a no-click search.
Result<std::vector<GapEvent>> load_gap_events(const std::filesystem::path& events, std::int64_t since,
                                              std::int64_t until, std::int64_t now,
                                              Lang default_lang = Lang::id);

/// Fills @p options.article_count and .stem_articles (articles using each stem of @p events) from the
/// index: how rare each term is in the knowledge base.
void count_stem_articles(const Xapian::Database& db, const std::vector<GapEvent>& events,
                         GapOptions& options);

}  // namespace solusi::service
