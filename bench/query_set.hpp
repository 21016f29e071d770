// Query files for the benchmarks: the bench-peers format and the relevance set's TSV.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace solusi::bench {

/// Reads a queries file in the bench-peers format: one query per line, or, when any line is exactly
/// "%%", multi-line records separated by "%%" lines. Lines starting with '#' are comments; "#>" after
/// whitespace (or at the start of a record line) starts the author's list of intended articles, which
/// a driver must not see. Queries are trimmed; empty ones are dropped. Throws std::runtime_error when
/// the file cannot be read.
std::vector<std::string> read_peer_queries(const std::filesystem::path& path);

/// Reads the first column of tests/data/queries.tsv ("query<TAB>slugs<TAB>kind", '#' comments).
std::vector<std::string> read_tsv_queries(const std::filesystem::path& path);

/// Cuts @p q to at most @p max_bytes at the last whitespace that fits, so no word and no UTF-8
/// sequence is split (Searcher refuses longer queries). A query with no whitespace in reach is cut
/// at a UTF-8 boundary instead.
std::string fit_query(std::string_view q, size_t max_bytes);

/// Nearest-rank percentile (p in 0..100) of @p samples; 0 when there are none.
double nearest_rank(std::vector<double> samples, double p);

}  // namespace solusi::bench
