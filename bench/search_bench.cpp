// search_bench: Solusi's own in-process figures (Google Benchmark), beside the peer comparison.
//
//   search_bench [--corpus=DIR] [--queries=FILE] [benchmark flags…]
//
// The corpus (default: SOLUSI_BENCH_CORPUS, else the bundled articles/) is indexed once into a temp
// folder for the search benchmarks. Queries come from --queries / SOLUSI_BENCH_QUERIES (a .tsv in the
// format of tests/data/queries.tsv, or a bench-peers queries file), else tests/data/queries.tsv, else
// a built-in list. Search latency is timed per query (manual time) and reported as nearest-rank
// p50/p95/p99 counters in microseconds; indexing as articles/s for a full build and the wall time of
// an incremental run over the unchanged folder.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "index_writer.hpp"
#include "query_set.hpp"
#include "searcher.hpp"
#include "suggest.hpp"
#include "text.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

/// A temporary folder removed with its contents on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "solusi-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Used when neither a queries file nor tests/data/queries.tsv is at hand: what agents type.
const std::vector<std::string> builtin_queries = {
    "refund belum masuk",
    "cara minta uang kembali",
    "otp tidak masuk",
    "akun terkunci",
    "lacak paket",
    "paket belum sampai",
    "batalkan pesanan",
    "virtual account kedaluwarsa",
    "saldo terpotong pembayaran gagal",
    "ganti nomor hp",
    "card payment declined",
    "charged twice",
    "cannot log in",
    "delivered but not received",
    "retur barang rusak",
    "ongkos kirim",
    "cicilan kartu kredit",
    "faktur pajak",
    "reset kata sandi",
    "eskalasi ke tim pembayaran",
};

struct Config {
  fs::path corpus;
  std::optional<fs::path> queries_file;
};

Config& config() {
  static Config c;
  return c;
}

/// The queries file in use: --queries / SOLUSI_BENCH_QUERIES, else tests/data/queries.tsv if present.
std::optional<fs::path> queries_file() {
  if (config().queries_file) return config().queries_file;
  const fs::path ours = fs::path(SOLUSI_SOURCE_DIR) / "tests/data/queries.tsv";
  if (fs::exists(ours)) return ours;
  return std::nullopt;
}

std::vector<std::string> load_queries() {
  const std::optional<fs::path> file = queries_file();
  if (!file) return builtin_queries;
  auto raw = file->extension() == ".tsv" ? solusi::bench::read_tsv_queries(*file)
                                         : solusi::bench::read_peer_queries(*file);
  std::vector<std::string> out;
  for (const auto& q : raw) out.push_back(solusi::bench::fit_query(q, solusi::service::max_query_bytes));
  return out.empty() ? builtin_queries : out;
}

/// The corpus indexed once (full build) for every search benchmark of this process.
struct SharedIndex {
  ScratchDir dir;
  size_t documents = 0;
  std::vector<std::string> queries;

  static SharedIndex& get() {
    static SharedIndex s;
    return s;
  }

 private:
  SharedIndex() {
    solusi::IndexOptions o;
    o.articles_dir = config().corpus;
    o.index_dir = dir.path() / "index";
    o.full = true;
    auto r = solusi::index_folder(o);
    if (!r) throw std::runtime_error(r.error().describe());
    documents = r->documents;
    queries = load_queries();
  }
};

void set_percentiles(benchmark::State& state, const std::vector<double>& us) {
  using solusi::bench::nearest_rank;
  state.counters["p50_us"] = nearest_rank(us, 50);
  state.counters["p95_us"] = nearest_rank(us, 95);
  state.counters["p99_us"] = nearest_rank(us, 99);
  state.counters["max_us"] = nearest_rank(us, 100);
}

/// One iteration = one query of the set, in turn, as /v1/search?q=… runs it (top 10 with snippets).
/// partial: 1 = the last word as a prefix (as-you-type, the API default), 0 = whole words only.
/// lang: 0 = no lang parameter (both languages, the default), 1 = lang=id (one language's parse).
void BM_Search(benchmark::State& state) {
  auto& shared = SharedIndex::get();
  auto searcher = solusi::service::Searcher::open(shared.dir.path() / "index");
  if (!searcher) {
    state.SkipWithError(searcher.error().describe().c_str());
    return;
  }
  solusi::service::SearchRequest request;
  request.limit = 10;
  request.partial_last_word = state.range(0) != 0;
  if (state.range(1) == 1) request.lang = solusi::Lang::id;
  for (const auto& q : shared.queries) {  // warm-up: the page cache and Xapian's caches
    request.q = q;
    (void)searcher->search(request);
  }
  std::vector<double> us;
  size_t i = 0, hits = 0, failures = 0;
  for (auto _ : state) {
    request.q = shared.queries[i++ % shared.queries.size()];
    const auto t0 = Clock::now();
    auto result = searcher->search(request);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    state.SetIterationTime(seconds);
    us.push_back(seconds * 1e6);
    if (result)
      hits += result->hits.size();
    else
      ++failures;
  }
  set_percentiles(state, us);
  state.counters["queries"] = static_cast<double>(shared.queries.size());
  state.counters["docs"] = static_cast<double>(shared.documents);
  state.counters["hits_per_query"] =
      us.empty() ? 0 : static_cast<double>(hits) / static_cast<double>(us.size());
  state.counters["failed"] = static_cast<double>(failures);
}
BENCHMARK(BM_Search)
    ->ArgNames({"partial", "lang"})
    ->Args({1, 0})
    ->Args({0, 0})
    ->Args({1, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0);

/// Tickets for BM_Suggest: tests/data/tickets-dev.jsonl (noisy real-shaped tickets: quotes, greetings,
/// signatures, order numbers), else a few built-in ones.
std::vector<solusi::service::SuggestRequest> load_tickets() {
  std::vector<solusi::service::SuggestRequest> out;
  std::ifstream in(fs::path(SOLUSI_SOURCE_DIR) / "tests/data/tickets-dev.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    solusi::service::SuggestRequest r;
    r.subject = j.value("subject", "");
    r.body = j.value("body", "");
    out.push_back(std::move(r));
  }
  if (out.empty())
    for (const auto& q : builtin_queries) {
      solusi::service::SuggestRequest r;
      r.body = "Halo kak, mau tanya: " + q + ". Terima kasih.";
      out.push_back(std::move(r));
    }
  return out;
}

/// One iteration = one ticket through Searcher::suggest, as POST /v1/suggest runs it (cleaning, key
/// terms, query, confidence, snippets; no events.db). words: 0 = the tickets as written; otherwise each
/// ticket's body is repeated (with its words shuffled between copies by the rotation) up to that many
/// words, the long-ticket case.
void BM_Suggest(benchmark::State& state) {
  auto& shared = SharedIndex::get();
  auto searcher = solusi::service::Searcher::open(shared.dir.path() / "index");
  if (!searcher) {
    state.SkipWithError(searcher.error().describe().c_str());
    return;
  }
  std::vector<solusi::service::SuggestRequest> tickets = load_tickets();
  if (const auto words = static_cast<size_t>(state.range(0)); words > 0) {
    for (auto& t : tickets) {
      const auto original = solusi::text::split(t.body, ' ');
      if (original.empty()) continue;
      std::string body;
      for (size_t w = 0; w < words; ++w) {
        if (w) body += ' ';
        body += original[(w + w / original.size()) % original.size()];
      }
      t.body = std::move(body);
    }
  }
  for (const auto& t : tickets) (void)searcher->suggest(t);  // warm-up
  std::vector<double> us;
  size_t i = 0, shown = 0, failures = 0;
  for (auto _ : state) {
    const auto& t = tickets[i++ % tickets.size()];
    const auto t0 = Clock::now();
    auto result = searcher->suggest(t);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    state.SetIterationTime(seconds);
    us.push_back(seconds * 1e6);
    if (result)
      shown += result->suggestions.size();
    else
      ++failures;
  }
  set_percentiles(state, us);
  state.counters["tickets"] = static_cast<double>(tickets.size());
  state.counters["docs"] = static_cast<double>(shared.documents);
  state.counters["shown_per_ticket"] =
      us.empty() ? 0 : static_cast<double>(shown) / static_cast<double>(us.size());
  state.counters["failed"] = static_cast<double>(failures);
}
BENCHMARK(BM_Suggest)
    ->ArgName("words")
    ->Arg(0)
    ->Arg(1000)
    ->Arg(5000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0);

/// A full build of the corpus into a fresh folder: the rate counter is articles per second.
void BM_IndexFull(benchmark::State& state) {
  ScratchDir scratch;
  size_t documents = 0, n = 0;
  for (auto _ : state) {
    solusi::IndexOptions o;
    o.articles_dir = config().corpus;
    o.index_dir = scratch.path() / ("index-" + std::to_string(n++));
    o.full = true;
    auto r = solusi::index_folder(o);
    if (!r) {
      state.SkipWithError(r.error().describe().c_str());
      return;
    }
    documents = r->documents;
    state.PauseTiming();
    fs::remove_all(o.index_dir);
    state.ResumeTiming();
  }
  state.counters["articles"] = static_cast<double>(documents);
  state.counters["articles_per_s"] =
      benchmark::Counter(static_cast<double>(documents), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_IndexFull)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);

/// `solusi index` over a folder where nothing changed since the last run (the cron case).
void BM_IndexIncrementalUnchanged(benchmark::State& state) {
  ScratchDir scratch;
  solusi::IndexOptions o;
  o.articles_dir = config().corpus;
  o.index_dir = scratch.path() / "index";
  o.full = true;
  if (auto r = solusi::index_folder(o); !r) {
    state.SkipWithError(r.error().describe().c_str());
    return;
  }
  o.full = false;
  size_t unchanged = 0, touched = 0;
  for (auto _ : state) {
    auto r = solusi::index_folder(o);
    if (!r) {
      state.SkipWithError(r.error().describe().c_str());
      return;
    }
    unchanged = r->unchanged;
    touched = r->added + r->updated + r->removed;
  }
  state.counters["unchanged"] = static_cast<double>(unchanged);
  state.counters["touched"] = static_cast<double>(touched);
}
BENCHMARK(BM_IndexIncrementalUnchanged)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

/// Takes our own flags out of argv before Google Benchmark sees them.
void take_own_flags(int& argc, char** argv) {
  if (const char* v = std::getenv("SOLUSI_BENCH_CORPUS")) config().corpus = v;
  if (const char* v = std::getenv("SOLUSI_BENCH_QUERIES")) config().queries_file = fs::path(v);
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("--corpus=")) {
      config().corpus = arg.substr(9);
    } else if (arg.starts_with("--queries=")) {
      config().queries_file = fs::path(arg.substr(10));
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  if (config().corpus.empty()) config().corpus = SOLUSI_DEFAULT_ARTICLES;
}

}  // namespace

int main(int argc, char** argv) try {
  take_own_flags(argc, argv);
  benchmark::AddCustomContext("corpus", config().corpus.string());
  const auto file = queries_file();
  benchmark::AddCustomContext("queries", file ? file->string() : "built-in list");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
} catch (const std::exception& e) {
  std::cerr << "search_bench: " << e.what() << "\n";
  return 1;
}
