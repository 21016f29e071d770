#include "query_set.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace solusi::bench {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
  }
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

/// Drops a trailing "#>" annotation: one after whitespace, or one that starts the line.
std::string without_annotation(const std::string& line) {
  for (size_t at = line.find("#>"); at != std::string::npos; at = line.find("#>", at + 2))
    if (at == 0 || is_space(line[at - 1])) return line.substr(0, at);
  return line;
}

}  // namespace

std::vector<std::string> read_peer_queries(const std::filesystem::path& path) {
  const auto lines = lines_of(slurp(path));
  const bool records = std::find(lines.begin(), lines.end(), "%%") != lines.end();
  std::vector<std::string> queries;
  std::string record;
  auto flush = [&] {
    if (auto q = trimmed(record); !q.empty()) queries.push_back(std::move(q));
    record.clear();
  };
  for (const auto& raw : lines) {
    if (raw == "%%") {
      flush();
      continue;
    }
    if (!raw.empty() && raw[0] == '#') continue;  // comments, and "#>" lines inside records
    const std::string line = without_annotation(raw);
    if (records) {
      record += line;
      record += '\n';
    } else {
      record = line;
      flush();
    }
  }
  flush();
  return queries;
}

std::vector<std::string> read_tsv_queries(const std::filesystem::path& path) {
  std::vector<std::string> queries;
  for (const auto& line : lines_of(slurp(path))) {
    if (line.empty() || line[0] == '#') continue;
    if (auto q = trimmed(line.substr(0, line.find('\t'))); !q.empty()) queries.push_back(std::move(q));
  }
  return queries;
}

std::string fit_query(std::string_view q, size_t max_bytes) {
  if (q.size() <= max_bytes) return std::string(q);
  size_t cut = max_bytes;
  while (cut > 0 && !is_space(q[cut])) --cut;  // q[max_bytes] exists: q is longer
  if (cut == 0) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(q[cut]) & 0xC0) == 0x80) --cut;
  }
  return trimmed(q.substr(0, cut));
}

double nearest_rank(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  return samples[std::clamp<size_t>(rank, 1, samples.size()) - 1];
}

}  // namespace solusi::bench
