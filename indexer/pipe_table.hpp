// Pipe tables ("| a | b |" rows under a "|---|:--:|" delimiter row), the GitHub Flavored Markdown
// extension that cmark's core does not parse: cmark sees such a table as one paragraph. The indexer
// keeps its cells' text, the service renders it as an HTML table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace solusi {

enum class CellAlign { none, left, center, right };

struct PipeTable {
  /// Lines of the block before the header row (a table may end a paragraph), as written.
  std::vector<std::string_view> lead;
  std::vector<std::string> header;
  std::vector<CellAlign> align;  ///< one per header cell
  /// Body rows, each exactly as many cells as the header (GFM: missing cells are empty, extra ones dropped).
  std::vector<std::vector<std::string>> rows;
};

/// The cells of one row: split at pipes that are not escaped ("\|" stays in the cell, for the Markdown
/// renderer to unescape), trimmed, without the empty cells the outer pipes make.
std::vector<std::string> split_table_row(std::string_view line);

/// The table in a block of lines (a paragraph's source), if it has one: a header row followed by a
/// delimiter row with as many cells, then body rows up to the end of the block.
std::optional<PipeTable> parse_pipe_table(std::string_view block);

}  // namespace solusi
