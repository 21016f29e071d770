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

std::string serialise_category_groups(const std::vector<SynonymGroup>& groups) {
  std::string out;
  for (const auto& g : groups) {
    for (size_t i = 0; i < g.size(); ++i) out += (i ? "," : "") + g[i];
    out += '\n';
  }
  return out;
}

std::map<std::string, std::vector<std::string>> deserialise_category_groups(std::string_view stored) {
  std::map<std::string, std::vector<std::string>> out;
  size_t start = 0;
  while (start < stored.size()) {
    size_t end = stored.find('\n', start);
    if (end == std::string_view::npos) end = stored.size();
    std::vector<std::string> group;
    size_t a = start;
    while (a < end) {
      size_t b = stored.find(',', a);
      if (b == std::string_view::npos || b > end) b = end;
      if (b > a) group.emplace_back(stored.substr(a, b - a));
      a = b + 1;
    }
    for (const auto& c : group) out[c] = group;
    start = end + 1;
  }
  return out;
}

}  // namespace solusi
