// solusi-peer: Solusi as one more driver of the bench-peers harness (../shared/bench-peers/README.md,
// "Driver contract"), so it is measured beside SQLite FTS5, PostgreSQL and bare Xapian in one run.
//
//   solusi-peer index CORPUS_DIR INDEX_DIR       the real solusi::index_folder, a full build
//   solusi-peer query INDEX_DIR QUERIES_FILE [--repeat R]
//                                                every query through the real Searcher, in-process
//
// Everything printed on stdout is one JSON object per line, with the keys the other drivers use.
#include <xapian.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "article.hpp"
#include "index_writer.hpp"
#include "query_set.hpp"
#include "searcher.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int exit_usage = 2;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::uint64_t bytes_under(const fs::path& dir) {
  std::uint64_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) n += e.file_size();
  return n;
}

/// Parsing threads for index_folder: SOLUSI_PEER_THREADS, else the indexer's default (one per core).
unsigned parsing_threads() {
  if (const char* v = std::getenv("SOLUSI_PEER_THREADS"))
    return static_cast<unsigned>(std::strtoul(v, nullptr, 10));
  return 0;
}

/// Read + parse_article over every file, one thread, after the timed build. index_folder parses on
/// several threads while its own thread writes, so "the part of wall_s spent parsing" does not exist
/// for Solusi; this single-threaded figure is reported beside it (as parse_serial_s), never as parse_s.
double time_parsing(const std::vector<solusi::SourceFile>& files) {
  const auto t0 = Clock::now();
  size_t failed = 0;
  for (const auto& f : files) {
    std::ifstream in(f.absolute, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!solusi::parse_article(f.relative, ss.str())) ++failed;
  }
  const double s = seconds_since(t0);
  if (failed) std::cerr << "solusi-peer: " << failed << " articles failed to parse in the serial pass\n";
  return s;
}

int run_index(const fs::path& corpus, const fs::path& index_dir) {
  solusi::IndexOptions options;
  options.articles_dir = corpus;
  options.index_dir = index_dir;
  options.full = true;
  options.threads = parsing_threads();

  const auto t0 = Clock::now();
  auto report = solusi::index_folder(options);
  const double wall_s = seconds_since(t0);
  if (!report) {
    std::cerr << "solusi-peer: " << report.error().describe() << "\n";
    return 1;
  }
  for (const auto& d : report->errors) std::cerr << "solusi-peer: skipped " << d.describe() << "\n";

  auto files = solusi::scan_articles(corpus);
  if (!files) {
    std::cerr << "solusi-peer: " << files.error().describe() << "\n";
    return 1;
  }
  std::uint64_t corpus_bytes = 0;
  for (const auto& f : *files) corpus_bytes += fs::file_size(f.absolute);
  const unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();

  json line = {{"peer", "solusi"},
               {"phase", "index"},
               {"articles", report->documents},
               {"corpus_bytes", corpus_bytes},
               {"wall_s", wall_s},
               // Not separable from wall_s (parsing overlaps writing on other threads): see parse_serial_s.
               {"parse_s", 0.0},
               {"articles_per_s", static_cast<double>(report->documents) / wall_s},
               {"index_bytes", bytes_under(index_dir)},
               {"files", files->size()},
               {"errors", report->errors.size()},
               {"warnings", report->warnings.size()},
               {"parsing_threads", threads},
               {"parse_serial_s", time_parsing(*files)}};
  std::cout << line.dump() << std::endl;
  return 0;
}

struct QueryArgs {
  fs::path index_dir, queries_file;
  int repeat = 1;
};

std::optional<QueryArgs> parse_query_args(int argc, char** argv) {
  if (argc < 4) return std::nullopt;
  QueryArgs a{argv[2], argv[3]};
  for (int i = 4; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      a.repeat = std::atoi(argv[++i]);
    } else {
      return std::nullopt;
    }
  }
  if (a.repeat < 1) return std::nullopt;
  return a;
}

int run_query(const QueryArgs& a) {
  auto searcher = solusi::service::Searcher::open(a.index_dir);
  if (!searcher) {
    std::cerr << "solusi-peer: " << searcher.error().describe() << "\n";
    return 1;
  }
  const auto raw = solusi::bench::read_peer_queries(a.queries_file);
  if (raw.empty()) {
    std::cerr << "solusi-peer: no queries in " << a.queries_file << "\n";
    return 1;
  }
  // Tickets run to ~1,300 bytes; the searcher takes at most max_query_bytes, as /v1/search does.
  std::vector<std::string> queries;
  size_t truncated = 0;
  for (const auto& q : raw) {
    queries.push_back(solusi::bench::fit_query(q, solusi::service::max_query_bytes));
    if (queries.back().size() != q.size()) ++truncated;
  }

  size_t failures = 0;
  // The request a plain /v1/search?q=… makes: both languages, published articles, top 10, snippets.
  auto top10 = [&](const std::string& q, bool report_failure) {
    solusi::service::SearchRequest request;
    request.q = q;
    request.limit = 10;
    std::vector<std::string> ids;
    auto result = searcher->search(request);
    if (!result) {
      if (report_failure) {
        ++failures;
        std::cerr << "solusi-peer: query \"" << q.substr(0, 60) << "\": " << result.error().describe()
                  << "\n";
      }
      return ids;
    }
    for (const auto& h : result->hits) ids.push_back(h.slug);
    return ids;
  };

  std::vector<std::vector<std::string>> top(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) top[i] = top10(queries[i], true);  // warm-up, untimed

  std::vector<std::vector<double>> per_query(queries.size());
  std::vector<double> all;
  all.reserve(queries.size() * static_cast<size_t>(a.repeat));
  for (int r = 0; r < a.repeat; ++r) {
    for (size_t i = 0; i < queries.size(); ++i) {
      const auto t0 = Clock::now();
      auto ids = top10(queries[i], false);
      const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      per_query[i].push_back(us);
      all.push_back(us);
      if (ids != top[i]) std::cerr << "solusi-peer: query " << i << " gave different results on repeat\n";
    }
  }

  using solusi::bench::nearest_rank;
  for (size_t i = 0; i < queries.size(); ++i) {
    json line = {{"q", i},
                 {"query", queries[i].substr(0, 60)},
                 {"ids", top[i]},
                 {"p50_us", nearest_rank(per_query[i], 50)}};
    std::cout << line.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  json summary = {{"peer", "solusi"},
                  {"phase", "query"},
                  {"queries", queries.size()},
                  {"repeat", a.repeat},
                  {"samples", all.size()},
                  {"p50_us", nearest_rank(all, 50)},
                  {"p95_us", nearest_rank(all, 95)},
                  {"p99_us", nearest_rank(all, 99)},
                  {"max_us", nearest_rank(all, 100)},
                  {"docs", searcher->document_count()},
                  {"truncated_queries", truncated},
                  {"failed_queries", failures}};
  std::cout << summary.dump() << std::endl;
  return 0;
}

int usage(const char* argv0) {
  std::cerr << "usage: " << argv0 << " index CORPUS_DIR INDEX_DIR\n"
            << "       " << argv0 << " query INDEX_DIR QUERIES_FILE [--repeat R]\n";
  return exit_usage;
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "index" && argc == 4) return run_index(argv[2], argv[3]);
  if (command == "query") {
    if (auto args = parse_query_args(argc, argv)) return run_query(*args);
  }
  return usage(argv[0]);
} catch (const Xapian::Error& e) {
  std::cerr << "solusi-peer: " << e.get_description() << "\n";
  return 1;
} catch (const std::exception& e) {
  std::cerr << "solusi-peer: " << e.what() << "\n";
  return 1;
}
