// Helpers shared by the unit and CLI tests: building an index in a TempDir, collecting slugs from
// results, and running the real `solusi` binary with its output captured.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "index_writer.hpp"
#include "searcher.hpp"
#include "temp_dir.hpp"

/// Skips a test that exposes a known bug in the code under test (listed in the test report), unless
/// SOLUSI_RUN_KNOWN_BUGS is set: run with it to check whether a fix made the test pass.
#define SOLUSI_KNOWN_BUG(reason) \
  if (std::getenv("SOLUSI_RUN_KNOWN_BUGS") == nullptr) GTEST_SKIP() << "known bug: " << reason

namespace solusi::testing {

/// Index options for @p articles written into @p index, with one parsing thread so the runs are
/// cheap on a 2-core machine running `ctest -j2`.
inline IndexOptions index_options(const std::filesystem::path& articles, const std::filesystem::path& index) {
  IndexOptions o;
  o.articles_dir = articles;
  o.index_dir = index;
  o.threads = 1;
  return o;
}

inline std::vector<std::string> slugs_of(const service::SearchResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.slug);
  return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

inline std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return "[" + out + "]";
}

}  // namespace solusi::testing
