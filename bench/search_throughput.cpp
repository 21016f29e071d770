// In-process search throughput: the ceiling the HTTP service is measured against.
//
//   search_throughput INDEX_DIR QUERIES_TSV [--threads N] [--seconds S] [--facets]
//
// N threads (default: one per core), each with its own Searcher as a server worker has, run the
// queries round-robin (each thread from its own starting point) for S seconds with the same request
// the HTTP route makes (limit 10, facets as given). Prints searches per second and latency
// percentiles over all threads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "searcher.hpp"

namespace {

std::vector<std::string> read_queries(const char* path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line.substr(0, line.find('\t')));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: search_throughput INDEX_DIR QUERIES_TSV [--threads N] [--seconds S] [--facets]\n");
    return 2;
  }
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  double seconds = 10;
  bool facets = false;
  for (int i = 3; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = static_cast<unsigned>(std::stoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc)
      seconds = std::stod(argv[++i]);
    else if (!std::strcmp(argv[i], "--facets"))
      facets = true;
  }
  const auto queries = read_queries(argv[2]);
  if (queries.empty()) {
    std::fprintf(stderr, "no queries in %s\n", argv[2]);
    return 2;
  }
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::vector<double>> samples(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto searcher = solusi::service::Searcher::open(argv[1]);
      if (!searcher) {
        ++failures;
        return;
      }
      size_t i = t * queries.size() / threads;
      while (!stop.load(std::memory_order_relaxed)) {
        solusi::service::SearchRequest r;
        r.q = queries[i++ % queries.size()];
        r.facets = facets;
        const auto t0 = std::chrono::steady_clock::now();
        if (!searcher->search(r)) ++failures;
        samples[t].push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  std::vector<double> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p / 100 * static_cast<double>(all.size())))];
  };
  std::printf("threads %u, %.0f s, searches %zu, throughput %.1f searches/s, failures %d\n", threads, seconds,
              all.size(), static_cast<double>(all.size()) / seconds, failures.load());
  std::printf("latency us: p50 %.0f, p95 %.0f, p99 %.0f, max %.0f\n", pct(50), pct(95), pct(99),
              all.empty() ? 0 : all.back());
  return failures.load() ? 1 : 0;
}
