// The relevance suite: agent-style queries (short, colloquial, typos, Indonesian and English), each
// labelled with the article that answers it, run through the real indexer and the real searcher on the
// bundled articles. The right article must be in the top 3 for at least 90% of them.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "index_writer.hpp"
#include "searcher.hpp"
#include "temp_dir.hpp"

namespace solusi {
namespace {

struct LabelledQuery {
  std::string query;
  std::vector<std::string> expected;
  std::string kind;
  int line = 0;
};

std::vector<LabelledQuery> load_queries(const std::string& path) {
  std::ifstream in(path);
  std::vector<LabelledQuery> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() < 2) continue;
    LabelledQuery q{cols[0], {}, cols.size() > 2 ? cols[2] : "", line_no};
    std::stringstream slugs(cols[1]);
    std::string slug;
    while (std::getline(slugs, slug, ',')) q.expected.push_back(slug);
    out.push_back(std::move(q));
  }
  return out;
}

TEST(Relevance, RightArticleInTopThreeForNinetyPercent) {
  testing::TempDir dir;
  IndexOptions options;
  options.articles_dir = SOLUSI_ARTICLES_DIR;
  options.index_dir = dir / "index";
  auto report = index_folder(options);
  ASSERT_TRUE(report) << report.error().describe();
  ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();

  auto searcher = service::Searcher::open(options.index_dir);
  ASSERT_TRUE(searcher) << searcher.error().describe();

  const auto queries = load_queries(std::string(SOLUSI_TEST_DATA) + "/queries.tsv");
  ASSERT_GE(queries.size(), 50u);

  size_t top3 = 0, top1 = 0;
  std::map<std::string, std::pair<size_t, size_t>> by_kind;  // kind → (top3, total)
  for (const auto& q : queries) {
    service::SearchRequest request;
    request.q = q.query;
    request.limit = 10;
    auto result = searcher->search(request);
    ASSERT_TRUE(result) << q.query << ": " << result.error().describe();
    int rank = 0;
    for (size_t i = 0; i < result->hits.size() && rank == 0; ++i)
      for (const auto& e : q.expected)
        if (result->hits[i].slug == e) rank = static_cast<int>(i) + 1;
    auto& k = by_kind[q.kind];
    ++k.second;
    if (rank >= 1 && rank <= 3) {
      ++top3;
      ++k.first;
    }
    if (rank == 1) ++top1;
    if (rank == 0 || rank > 3) {
      std::cout << "  miss (rank " << (rank ? std::to_string(rank) : std::string(">10")) << ") line "
                << q.line << " [" << q.kind << "] \"" << q.query << "\" expected " << q.expected.front()
                << "; got";
      for (size_t i = 0; i < std::min<size_t>(3, result->hits.size()); ++i)
        std::cout << " " << result->hits[i].slug;
      std::cout << "\n";
    }
  }
  const double share = static_cast<double>(top3) / static_cast<double>(queries.size());
  std::cout << "relevance: " << top3 << "/" << queries.size()
            << " queries have the right article in the top 3 (" << static_cast<int>(share * 1000) / 10.0
            << "%), " << top1 << " at rank 1\n";
  for (const auto& [kind, counts] : by_kind)
    std::cout << "  " << kind << ": " << counts.first << "/" << counts.second << "\n";
  EXPECT_GE(share, 0.95);  // 87 of 90 on 2026-12-07 (bench/relevance, docs/performance.md)
}

}  // namespace
}  // namespace solusi
