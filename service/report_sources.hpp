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
#include "search_days.hpp"

namespace solusi::service {

/// The facts of every article of the index, whatever its status (link targets may be drafts or
/// archived), in docid order.
Result<std::vector<ArticleFacts>> load_article_facts(const Xapian::Database& db);

/// What the stale report reads from the events.db at @p path: usage by article in the usage window,
/// helpful / not-helpful votes in the feedback window, zero-result searches and tickets with no
/// confident suggestion in the usage window (read_gap_tickets), and when the usage log starts, the
/// searches and tickets of the sources in @p sources. A missing file is an empty history; a database of
/// another schema version is an error. @p default_lang stems queries of no known language.
Result<EventHistory> load_stale_history(const std::filesystem::path& events, const StaleOptions& options,
                                        Lang default_lang = Lang::id, const SourceFilter& sources = {});

/// What the gap inbox reads in [since, until): searches that went unanswered (search_gap: found
/// nothing, or nothing was opened from them), tickets with no confident answer and no helpful outcome
/// (one event per ticket: its latest suggestion; none when any suggestion of it was confident or it
/// was resolved or found helpful), and not-helpful votes; the searches and tickets of the sources in
/// @p sources. A search less than click_seconds before @p now cannot be judged yet and is not a
/// no-click search.
Result<std::vector<GapEvent>> load_gap_events(const std::filesystem::path& events, std::int64_t since,
                                              std::int64_t until, std::int64_t now,
                                              Lang default_lang = Lang::id, const SourceFilter& sources = {});

/// The SQL that reads the tickets that are gaps (read by load_stale_history and load_gap_events): the
/// suggestions with no confident candidate in [?1, ?2) of a source in @p sources, newest first, of
/// tickets none of whose suggestions was confident and that no feedback in force marks resolved or
/// helpful (an answered ticket is no gap, whichever article answered it). Columns: at, lang, terms,
/// text, top_slug, top_confidence, ticket_id.
std::string gap_ticket_sql(const std::vector<EventSource>& sources);

/// Fills @p options.article_count and .stem_articles (articles using each stem of @p events) from the
/// index: how rare each term is in the knowledge base.
void count_stem_articles(const Xapian::Database& db, const std::vector<GapEvent>& events,
                         GapOptions& options);

}  // namespace solusi::service
