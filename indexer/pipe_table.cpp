#include "pipe_table.hpp"

#include "text.hpp"

namespace solusi {
namespace {

/// ":---", "---:", ":-:", "---": a delimiter cell; nullopt for anything else.
std::optional<CellAlign> delimiter_cell(std::string_view cell) {
  if (cell.empty()) return std::nullopt;
  const bool left = cell.front() == ':';
  const bool right = cell.size() > 1 && cell.back() == ':';
  const std::string_view dashes = cell.substr(left ? 1 : 0, cell.size() - (left ? 1 : 0) - (right ? 1 : 0));
  if (dashes.empty() || dashes.find_first_not_of('-') != std::string_view::npos) return std::nullopt;
  if (left && right) return CellAlign::center;
  if (left) return CellAlign::left;
  if (right) return CellAlign::right;
  return CellAlign::none;
}

std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::vector<std::string> split_table_row(std::string_view line) {
  line = text::trim(without_cr(line));
  if (!line.empty() && line.front() == '|') line.remove_prefix(1);
  if (!line.empty() && line.back() == '|' && !(line.size() > 1 && line[line.size() - 2] == '\\'))
    line.remove_suffix(1);
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      cell += line[i];
      cell += line[++i];
    } else if (line[i] == '|') {
      cells.emplace_back(text::trim(cell));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  cells.emplace_back(text::trim(cell));
  return cells;
}

std::optional<PipeTable> parse_pipe_table(std::string_view block) {
  std::vector<std::string_view> lines;
  for (const auto line : text::split(block, '\n'))
    if (!text::trim(without_cr(line)).empty()) lines.push_back(without_cr(line));
  for (size_t d = 1; d < lines.size(); ++d) {
    // The delimiter row: only pipes, dashes, colons and spaces, and at least one dash.
    const std::string_view row = text::trim(lines[d]);
    if (row.find_first_not_of("|-: \t") != std::string_view::npos || row.find('-') == std::string_view::npos)
      continue;
    if (lines[d - 1].find('|') == std::string_view::npos && row.find('|') == std::string_view::npos) continue;
    PipeTable t;
    t.header = split_table_row(lines[d - 1]);
    for (const auto& cell : split_table_row(row)) {
      auto a = delimiter_cell(cell);
      if (!a) return std::nullopt;
      t.align.push_back(*a);
    }
    if (t.align.size() != t.header.size()) return std::nullopt;
    t.lead.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(d - 1));
    for (size_t r = d + 1; r < lines.size(); ++r) {
      auto cells = split_table_row(lines[r]);
      cells.resize(t.header.size());
      t.rows.push_back(std::move(cells));
    }
    return t;
  }
  return std::nullopt;
}

}  // namespace solusi
