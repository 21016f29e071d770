#include "synonyms.hpp"

#include <algorithm>

#include "text.hpp"

namespace solusi {

std::string normalize_synonym(std::string_view phrase) {
  std::string out;
  for (const auto& w : text::words(phrase)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

SynonymFile parse_synonyms(std::string_view text, const std::string& file_name) {
  SynonymFile out;
  int line_no = 0;
  std::vector<std::pair<std::string, int>> seen;  // entry → line that used it first
  for (const auto raw_line : text::split(text, '\n')) {
    const std::string_view line = text::trim(raw_line);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    auto problem = [&](std::string message) {
      out.problems.push_back(
          {Diagnostic::Severity::error, file_name, line_no, "bad_synonyms", std::move(message)});
    };
    if (!text::is_valid_utf8(line)) {
      problem("line is not valid UTF-8; skipped");
      continue;
    }
    SynonymGroup group;
    for (const auto piece : text::split(line, ',')) {
      std::string entry = normalize_synonym(piece);
      if (entry.empty() || std::find(group.begin(), group.end(), entry) != group.end()) continue;
      group.push_back(std::move(entry));
    }
    if (group.size() < 2) {
      problem("a synonym group needs at least two comma-separated entries; skipped");
      continue;
    }
    for (const auto& entry : group) {
      auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == entry; });
      if (it != seen.end()) {
        out.problems.push_back(
            {Diagnostic::Severity::warning, file_name, line_no, "duplicate_synonym",
             "'" + entry + "' is already in the group on line " + std::to_string(it->second)});
      } else {
        seen.emplace_back(entry, line_no);
      }
    }
    out.groups.push_back(std::move(group));
  }
  return out;
}

}  // namespace solusi
