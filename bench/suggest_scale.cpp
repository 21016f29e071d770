// Suggestion at scale: POST /v1/suggest over a large knowledge base with a large history of solved
// tickets, beside the floor (a bare Xapian OR query of the same ticket on the same index).
//
//   suggest_scale [--articles N] [--cases M] [--work DIR] [--keep] [--seed S] [--passes P]
//                 [--title-tickets K] [--tickets JSONL] [--index-threads T] [--no-http]
//
// 1. Writes N articles with bench/make-corpus (deterministic) and indexes them (full build); a --work
//    folder kept by an earlier run (--keep) is reused as it is.
// 2. Fills events.db with M solved tickets through the service's own write path (insert_feedback, in
//    transactions of case_batch), each a `resolved` feedback whose case keeps stems drawn from its
//    article's own vocabulary (title stems, body stems) plus ticket noise (function words, stems of
//    other articles); articles are drawn with a Zipf law (s = 1) over the published ones, so a few
//    articles have most cases, as in real support. Then builds the case index (CaseWriter::sync) and
//    trains the linear model on the newest max_model_training_cases (CaseModel::train), timing each and
//    reading the process's RSS around the training.
// 3. Times, ticket by ticket and interleaved (so a change in the machine's load hits every mode
//    alike), over the tickets of tests/data/tickets-dev.jsonl plus K tickets written from corpus
//    titles and body text: Searcher::suggest with case evidence and model scores wired as
//    service/server.cpp wires them; the bare Xapian query (QueryParser, default OR, the ticket's
//    language's stemmer, 10 hits with their slug read); CaseReader::evidence alone; CaseModel::predict
//    alone. Then starts an in-process service::Server on 127.0.0.1 over the same index and events.db,
//    waits until its own model is trained on every case (/metrics solusi_case_model_seq =
//    solusi_cases_seq), and times POST /v1/suggest with 1 and 2 client threads (keep-alive).
// Prints one JSON object on stdout (progress on stderr). Without --work, everything is written to a
// temporary folder that is removed at the end unless --keep.
//
// The server runs without an articles folder (Config::articles_dir empty): with one, its watcher would
// read all N files and rewrite every article's learned terms in the background during the timing. The
// index and events.db are the service's own; only the folder watch is off.
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "case_model.hpp"
#include "cases.hpp"
#include "config.hpp"
#include "events.hpp"
#include "index_writer.hpp"
#include "language.hpp"
#include "schema.hpp"
#include "searcher.hpp"
#include "server.hpp"
#include "sql_stmt.hpp"
#include "suggest.hpp"

namespace fs = std::filesystem;
using namespace solusi;
using namespace solusi::service;
using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

/// Cases written per transaction.
constexpr size_t case_batch = 50000;
/// Body stems kept per article to draw ticket words from.
constexpr size_t body_stems_kept = 80;
/// How long the service may take to index and train on the cases before the HTTP part gives up.
constexpr auto model_wait_limit = std::chrono::minutes(20);

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double seconds_since(Clock::time_point t0) {
  return ms_since(t0) / 1000;
}

long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(in, line))
    if (line.compare(0, n, key) == 0) return std::atol(line.c_str() + n);
  return 0;
}

/// Resets VmHWM (peak RSS) to the current RSS, where the kernel allows it.
void reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

std::uintmax_t folder_bytes(const fs::path& p) {
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return fs::file_size(p, ec);
  std::uintmax_t total = 0;
  for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

class Zipf {
 public:
  Zipf(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t k = 0; k < n; ++k) cdf_[k] = (sum += 1.0 / std::pow(static_cast<double>(k + 1), s));
    for (auto& c : cdf_) c /= sum;
  }
  template <class Rng>
  size_t operator()(Rng& rng) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return std::min(cdf_.size() - 1,
                    static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()));
  }

 private:
  std::vector<double> cdf_;
};

struct Percentiles {
  size_t n = 0;
  double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

Percentiles percentiles(std::vector<double> us) {
  Percentiles p;
  p.n = us.size();
  if (us.empty()) return p;
  std::sort(us.begin(), us.end());
  auto rank = [&](double q) {
    const size_t k = static_cast<size_t>(std::ceil(q / 100 * static_cast<double>(us.size())));
    return us[std::min(us.size() - 1, k == 0 ? 0 : k - 1)];
  };
  p.p50 = rank(50);
  p.p95 = rank(95);
  p.p99 = rank(99);
  p.max = us.back();
  double sum = 0;
  for (double x : us) sum += x;
  p.mean = sum / static_cast<double>(us.size());
  return p;
}

json to_json(const Percentiles& p) {
  auto ms = [](double us) { return std::round(us) / 1000; };
  return {{"n", p.n},
          {"p50_ms", ms(p.p50)},
          {"p95_ms", ms(p.p95)},
          {"p99_ms", ms(p.p99)},
          {"max_ms", ms(p.max)},
          {"mean_ms", ms(p.mean)}};
}

/// A published article's vocabulary, read back from the index.
struct ArticleWords {
  std::string slug;
  Lang lang = Lang::id;
  std::string title;
  std::string text;                      ///< plain body text (for tickets written from it)
  std::vector<std::string> title_stems;  ///< unprefixed stems of title words
  std::vector<std::string> body_stems;   ///< a sample of the article's other stems
};

std::vector<ArticleWords> read_articles(const Xapian::Database& db, std::mt19937_64& rng) {
  std::vector<ArticleWords> out;
  const std::string published = schema::term(schema::prefix::status, "published");
  for (auto it = db.postlist_begin(published); it != db.postlist_end(published); ++it) {
    const Xapian::Document doc = db.get_document(*it);
    ArticleWords a;
    a.slug = doc.get_value(schema::slot(schema::Slot::slug));
    const json data = json::parse(doc.get_data(), nullptr, false);
    if (data.is_object()) {
      a.title = data.value("title", "");
      a.lang = data.value("lang", "id") == "en" ? Lang::en : Lang::id;
    }
    a.text = doc.get_value(schema::slot(schema::Slot::text));
    std::unordered_set<std::string> title;
    size_t seen = 0;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      const std::string term = *t;
      if (term.size() > 2 && term[0] == 'Z' && term[1] == 'S' &&
          std::islower(static_cast<unsigned char>(term[2])))
        title.insert(term.substr(2));
    }
    a.title_stems.assign(title.begin(), title.end());
    std::sort(a.title_stems.begin(), a.title_stems.end());
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      const std::string term = *t;
      if (term.size() < 3 || term[0] != 'Z' || !std::islower(static_cast<unsigned char>(term[1]))) continue;
      std::string stem = term.substr(1);
      if (title.count(stem) ||
          std::any_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; }))
        continue;
      // Reservoir sample of the article's stems.
      if (a.body_stems.size() < body_stems_kept)
        a.body_stems.push_back(std::move(stem));
      else if (const size_t k = rng() % (++seen + body_stems_kept); k < body_stems_kept)
        a.body_stems[k] = std::move(stem);
    }
    if (!a.slug.empty() && !a.title_stems.empty()) out.push_back(std::move(a));
  }
  return out;
}

/// Function words and ticket chatter, as their stems appear in TicketAnalysis::words.
const std::vector<std::string> id_noise = {
    "saya",  "kak", "tolong", "sudah", "tapi", "belum", "bisa", "gimana", "min", "halo", "terima",
    "kasih", "mau", "kok",    "udah",  "ini",  "itu",   "ya",   "dong",   "gak", "lagi", "kenapa"};
const std::vector<std::string> en_noise = {"i",     "my", "pleas", "help", "the",  "is",    "not",  "hi",
                                           "thank", "it", "can",   "you",  "this", "still", "what", "why"};

struct Filled {
  double seconds = 0;
  size_t cases = 0;
};

Result<Filled> fill_cases(EventStore& store, const std::vector<ArticleWords>& articles, size_t m,
                          std::mt19937_64& rng, std::int64_t now) {
  Filled filled;
  Zipf zipf(articles.size(), 1.0);
  std::vector<size_t> order(articles.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);  // popularity unrelated to the index's order
  // Noise stems from other articles: drawn from a pool weighted like the cases themselves.
  std::vector<std::string> pool;
  for (size_t i = 0; i < 20000; ++i) {
    const auto& a = articles[order[zipf(rng)]];
    if (!a.body_stems.empty()) pool.push_back(a.body_stems[rng() % a.body_stems.size()]);
  }
  const std::int64_t span = 365 * std::int64_t{86400};
  const char* agents[] = {"rina", "budi", "sari", "dewi", "agus", "tono", "lina", "eko"};
  std::uniform_real_distribution<double> u(0, 1);
  const auto t0 = Clock::now();
  std::vector<FeedbackEvent> batch;
  auto flush = [&]() -> Result<void> {
    auto ok = store.with_connection([&](sqlite3* db) -> Result<void> {
      if (auto b = sql::exec(db, "BEGIN", "begin"); !b) return b;
      for (const auto& f : batch)
        if (auto done = insert_feedback(db, f, f.at); !done) return tl::unexpected(done.error());
      return sql::exec(db, "COMMIT", "commit");
    });
    batch.clear();
    return ok;
  };
  for (size_t i = 0; i < m; ++i) {
    const auto& a = articles[order[zipf(rng)]];
    FeedbackEvent f;
    f.ticket_id = "C-" + std::to_string(i + 1);
    f.slug = a.slug;
    f.kind = FeedbackKind::resolved;
    f.agent = agents[rng() % std::size(agents)];
    f.principal = "bench";
    f.lang = std::string(lang_code(a.lang));
    // Oldest first: the newest cases have the highest ids, as in a store filled over a year.
    f.at = now - span +
           static_cast<std::int64_t>(static_cast<double>(span) * static_cast<double>(i) /
                                     static_cast<double>(m));
    std::vector<std::string> words;
    for (const auto& s : a.title_stems)
      if (u(rng) < 0.7) words.push_back(s);
    if (words.empty()) words.push_back(a.title_stems[rng() % a.title_stems.size()]);
    const size_t key_words = words.size();
    const size_t body = a.body_stems.empty() ? 0 : 5 + rng() % 21;
    for (size_t k = 0; k < body; ++k) words.push_back(a.body_stems[rng() % a.body_stems.size()]);
    const auto& noise = a.lang == Lang::en ? en_noise : id_noise;
    for (size_t k = 0, n = 4 + rng() % 10; k < n; ++k) words.push_back(noise[rng() % noise.size()]);
    for (size_t k = 0, n = rng() % 6; k < n && !pool.empty(); ++k) words.push_back(pool[rng() % pool.size()]);
    // The ticket's words in a plausible order: the subject's (title) words mostly first.
    std::shuffle(words.begin() + static_cast<std::ptrdiff_t>(key_words), words.end(), rng);
    for (size_t k = 0; k < words.size(); ++k) {
      if (k) f.words += ' ';
      f.words += words[k];
    }
    for (size_t k = 0; k < words.size() && f.terms.size() < 6; ++k)
      if (k < key_words || u(rng) < 0.2)
        f.terms.push_back(TicketTerm{words[k], words[k], 1.0 / double(k + 1)});
    batch.push_back(std::move(f));
    if (batch.size() == case_batch) {
      if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
      std::fprintf(stderr, "\r  %zu cases written (%.0f s)", i + 1, seconds_since(t0));
    }
  }
  if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
  filled.seconds = seconds_since(t0);
  filled.cases = m;
  std::fprintf(stderr, "\r  %zu cases written in %.1f s\n", m, filled.seconds);
  return filled;
}

struct Ticket {
  std::string source;  ///< "dev" or "title"
  std::string subject, body;
  std::optional<Lang> lang;
};

std::vector<Ticket> load_tickets(const fs::path& jsonl, const std::vector<ArticleWords>& articles, size_t k,
                                 std::mt19937_64& rng) {
  std::vector<Ticket> out;
  std::ifstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    const json j = json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    out.push_back(Ticket{"dev", j.value("subject", ""), j.value("body", ""), std::nullopt});
  }
  for (size_t i = 0; i < k && !articles.empty(); ++i) {
    const auto& a = articles[rng() % articles.size()];
    Ticket t;
    t.source = "title";
    // 300 bytes of the body from a word boundary, never cutting a UTF-8 sequence.
    size_t from = a.text.empty() ? 0 : rng() % std::max<size_t>(1, a.text.size() / 2);
    from = std::min(a.text.find(' ', from), a.text.size());
    size_t to = std::min(a.text.size(), from + 300);
    while (to < a.text.size() && (static_cast<unsigned char>(a.text[to]) & 0xC0) == 0x80) ++to;
    const std::string excerpt = a.text.substr(from, to - from);
    if (a.lang == Lang::en) {
      t.subject = "Question: " + a.title;
      t.body = "Hi, I have a problem with " + a.title + ". " + excerpt + " What should I do? Thanks.";
    } else {
      t.subject = "Tanya: " + a.title;
      t.body = "Halo kak, saya ada kendala soal " + a.title + ". " + excerpt + " Mohon dibantu ya, makasih.";
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string metrics_value(const std::string& text, const std::string& name) {
  size_t pos = 0;
  while ((pos = text.find(name, pos)) != std::string::npos) {
    const bool line_start = pos == 0 || text[pos - 1] == '\n';
    const size_t after = pos + name.size();
    if (line_start && after < text.size() && text[after] == ' ') {
      const size_t end = text.find('\n', after);
      return text.substr(after + 1, end == std::string::npos ? std::string::npos : end - after - 1);
    }
    pos = after;
  }
  return "";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

json machine() {
  json m;
  m["nproc"] = std::thread::hardware_concurrency();
  std::ifstream cpu("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpu, line))
    if (line.rfind("model name", 0) == 0) {
      m["cpu"] = line.substr(line.find(':') + 2);
      break;
    }
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  m["ram_gib"] = std::round(static_cast<double>(pages) * static_cast<double>(page) / (1 << 30) * 10) / 10;
  return m;
}

std::string loadavg() {
  std::string s = slurp("/proc/loadavg");
  return s.substr(0, s.find(' ', s.find(' ', s.find(' ') + 1) + 1));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Suggest latency over many articles and many solved tickets"};
  size_t n_articles = 100000, n_cases = 1000000, title_tickets = 155, passes = 3;
  unsigned index_threads = 1, seed = 1;
  std::string work, tickets_path = std::string(SOLUSI_SOURCE_DIR) + "/tests/data/tickets-dev.jsonl";
  bool keep = false, no_http = false;
  app.add_option("--articles", n_articles, "articles to generate")->check(CLI::Range(10, 10000000));
  app.add_option("--cases", n_cases, "solved tickets to store")->check(CLI::Range(0, 100000000));
  app.add_option("--work", work, "working folder (reused when it holds an earlier --keep run)");
  app.add_flag("--keep", keep, "keep the working folder");
  app.add_option("--seed", seed, "random seed");
  app.add_option("--passes", passes, "timed passes over the tickets")->check(CLI::Range(1, 1000));
  app.add_option("--title-tickets", title_tickets, "tickets written from corpus titles");
  app.add_option("--tickets", tickets_path, "labelled tickets (JSONL with subject and body)");
  app.add_option("--index-threads", index_threads, "parsing threads of the index build");
  app.add_flag("--no-http", no_http, "skip the HTTP part");
  CLI11_PARSE(app, argc, argv);

  json out;
  out["machine"] = machine();
  out["load_at_start"] = loadavg();
  out["articles_requested"] = n_articles;
  out["cases_requested"] = n_cases;
  out["seed"] = seed;

  const bool temporary = work.empty();
  fs::path dir;
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path() / "suggest-scale-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      return 2;
    }
    dir = tmpl;
  } else {
    dir = work;
    fs::create_directories(dir);
  }
  const fs::path corpus = dir / "articles", index = dir / "index", events_path = dir / "events.db";
  const std::string stamp =
      std::to_string(n_articles) + " " + std::to_string(n_cases) + " " + std::to_string(seed);
  const fs::path stamp_file = dir / "suggest-scale.done";
  const bool reuse = !temporary && fs::exists(stamp_file) && slurp(stamp_file) == stamp;
  auto cleanup = [&] {
    if (temporary && !keep) fs::remove_all(dir);
  };
  std::mt19937_64 rng(seed);
  out["reused_work"] = reuse;

  // 1. Articles and their index.
  if (!reuse) {
    fs::remove_all(corpus);
    fs::remove_all(index);
    fs::remove_all(events_path);
    fs::remove_all(case_index_path(events_path));
    const std::string cmd = "python3 '" + std::string(SOLUSI_SOURCE_DIR) + "/bench/make-corpus' " +
                            std::to_string(n_articles) + " '" + corpus.string() + "' --seed " +
                            std::to_string(seed) + " >&2";
    std::fprintf(stderr, "writing %zu articles...\n", n_articles);
    auto t0 = Clock::now();
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "make-corpus failed\n");
      cleanup();
      return 1;
    }
    out["corpus_seconds"] = seconds_since(t0);
  }
  auto store = EventStore::open(events_path);
  if (!store) {
    std::fprintf(stderr, "events.db: %s\n", store.error().describe().c_str());
    cleanup();
    return 1;
  }
  if (!reuse) {
    std::fprintf(stderr, "indexing...\n");
    IndexOptions o;
    o.articles_dir = corpus;
    o.index_dir = index;
    o.full = true;
    o.threads = index_threads;
    o.events_id = (*store)->id();
    const auto t0 = Clock::now();
    auto r = index_folder(o);
    if (!r) {
      std::fprintf(stderr, "index: %s\n", r.error().describe().c_str());
      cleanup();
      return 1;
    }
    out["index"] = {{"seconds", seconds_since(t0)},
                    {"documents", r->documents},
                    {"threads", index_threads},
                    {"bytes", folder_bytes(index)}};
    std::fprintf(stderr, "  %zu documents in %.1f s\n", r->documents, seconds_since(t0));
  }
  auto searcher = Searcher::open(index);
  if (!searcher) {
    std::fprintf(stderr, "open index: %s\n", searcher.error().describe().c_str());
    cleanup();
    return 1;
  }
  const Xapian::Database& db = searcher->database();
  out["index_documents"] = db.get_doccount();
  std::fprintf(stderr, "reading the articles' vocabulary...\n");
  auto t_vocab = Clock::now();
  const auto articles = read_articles(db, rng);
  out["published_articles"] = articles.size();
  out["vocabulary_seconds"] = seconds_since(t_vocab);
  if (articles.size() < 2) {
    std::fprintf(stderr, "too few published articles\n");
    cleanup();
    return 1;
  }

  // 2. Cases, the case index, the model.
  const std::int64_t now = (*store)->now();
  if (!reuse) {
    std::fprintf(stderr, "writing %zu cases...\n", n_cases);
    auto filled = fill_cases(**store, articles, n_cases, rng, now);
    if (!filled) {
      std::fprintf(stderr, "cases: %s\n", filled.error().describe().c_str());
      cleanup();
      return 1;
    }
    out["insert"] = {{"seconds", filled->seconds},
                     {"cases_per_second", std::round(static_cast<double>(n_cases) / filled->seconds)},
                     {"batch", case_batch}};
  }
  out["events_db_bytes"] = folder_bytes(events_path);
  const fs::path cases_path = case_index_path(events_path);
  {
    std::fprintf(stderr, "building the case index...\n");
    const auto t0 = Clock::now();
    auto writer = CaseWriter::open(cases_path, (*store)->id());
    auto synced = writer ? (*writer)->sync(**store) : Result<CaseSyncReport>(tl::unexpected(writer.error()));
    if (!synced) {
      std::fprintf(stderr, "case index: %s\n", synced.error().describe().c_str());
      cleanup();
      return 1;
    }
    out["case_index"] = {{"seconds", seconds_since(t0)},
                         {"added", synced->added},
                         {"total", synced->total},
                         {"seq", synced->seq},
                         {"bytes", folder_bytes(cases_path)}};
    std::fprintf(stderr, "  %zu cases indexed in %.1f s (%zu added)\n", synced->total, seconds_since(t0),
                 synced->added);
  }  // the writer's lock is released: the server opens its own
  if (!temporary) std::ofstream(stamp_file) << stamp;  // articles, index, cases and case index complete
  std::fprintf(stderr, "training the model...\n");
  reset_peak_rss();
  const long rss_before = status_kb("VmRSS:");
  auto t_read = Clock::now();
  auto training = (*store)->active_cases(max_model_training_cases);
  if (!training) {
    std::fprintf(stderr, "cases: %s\n", training.error().describe().c_str());
    cleanup();
    return 1;
  }
  const double read_s = seconds_since(t_read);
  auto seq = (*store)->case_seq();
  auto t_train = Clock::now();
  auto trained = CaseModel::train(*training, seq ? *seq : 0);
  const double train_s = seconds_since(t_train);
  const size_t training_cases = training->size();
  training->clear();
  training->shrink_to_fit();
  const long rss_peak = status_kb("VmHWM:"), rss_after = status_kb("VmRSS:");
  std::shared_ptr<const CaseModel> model;
  if (trained) model = std::move(*trained);
  out["model"] = {{"read_cases_seconds", read_s},
                  {"train_seconds", train_s},
                  {"cases", training_cases},
                  {"classes", model ? model->stats().classes : 0},
                  {"features", model ? model->stats().features : 0},
                  {"rss_before_mib", rss_before / 1024},
                  {"rss_peak_mib", rss_peak / 1024},
                  {"rss_after_mib", rss_after / 1024}};
  if (!model) std::fprintf(stderr, "  no model: %s\n", trained.error().describe().c_str());
  std::fprintf(stderr, "  trained in %.1f s\n", train_s);

  // 3. In-process timing, interleaved by ticket.
  const auto tickets = load_tickets(tickets_path, articles, title_tickets, rng);
  out["tickets"] = tickets.size();
  auto cases = CaseReader::open(cases_path);
  std::vector<double> t_suggest, t_bare, t_evidence, t_predict;
  std::vector<std::vector<std::string>> words(tickets.size());
  std::vector<Lang> langs(tickets.size(), Lang::id);
  size_t suggested = 0, case_backed = 0, failures = 0;
  const Xapian::Stem stem_id("indonesian"), stem_en("english");
  auto time_us = [](auto&& f) {
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  };
  std::fprintf(stderr, "timing in-process (%zu tickets, 1 warm-up + %zu passes)...\n", tickets.size(),
               passes);
  out["load_before_timing"] = loadavg();
  for (size_t pass = 0; pass <= passes; ++pass) {
    const bool warm = pass == 0;
    for (size_t i = 0; i < tickets.size(); ++i) {
      const Ticket& t = tickets[i];
      SuggestRequest s;
      s.subject = t.subject;
      s.body = t.body;
      s.lang = t.lang;
      s.negative_votes = [&](const std::string& slug) { return (*store)->negative_votes(slug); };
      s.case_evidence = [&](const std::vector<std::string>& w) {
        cases.refresh();  // as the server's reader does on every use
        return cases.evidence(w, now);
      };
      if (model) s.model_scores = [&](const std::vector<std::string>& w) { return model->predict(w); };
      const double us = time_us([&] {
        auto r = searcher->suggest(s);
        if (!r) {
          ++failures;
          return;
        }
        if (warm) {
          words[i] = r->words;
          langs[i] = r->language;
          if (!r->suggestions.empty()) ++suggested;
          if (r->best && r->best->similar_tickets > 0) ++case_backed;
        }
      });
      const double bare = time_us([&] {
        Xapian::QueryParser qp;
        qp.set_database(db);
        qp.set_stemmer(langs[i] == Lang::en ? stem_en : stem_id);
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_OR);
        Xapian::Enquire enquire(db);
        enquire.set_query(qp.parse_query(t.subject + "\n" + t.body, 0));
        const Xapian::MSet mset = enquire.get_mset(0, 10);
        size_t bytes = 0;
        for (auto it = mset.begin(); it != mset.end(); ++it)
          bytes += it.get_document().get_value(schema::slot(schema::Slot::slug)).size();
        if (bytes == 0 && !mset.empty()) ++failures;
      });
      const double evidence = time_us([&] {
        cases.refresh();
        const auto e = cases.evidence(words[i], now);
        if (e.total_cases == 0 && n_cases > 0 && !words[i].empty()) ++failures;
      });
      const double predict = time_us([&] {
        if (model) (void)model->predict(words[i]);
      });
      if (warm) continue;
      t_suggest.push_back(us);
      t_bare.push_back(bare);
      t_evidence.push_back(evidence);
      t_predict.push_back(predict);
    }
  }
  out["in_process"] = {{"suggest", to_json(percentiles(t_suggest))},
                       {"bare_xapian_or", to_json(percentiles(t_bare))},
                       {"case_evidence", to_json(percentiles(t_evidence))},
                       {"model_predict", to_json(percentiles(t_predict))},
                       {"tickets_with_suggestions", suggested},
                       {"best_backed_by_cases", case_backed},
                       {"failures", failures}};
  out["load_after_in_process"] = loadavg();
  std::fprintf(stderr, "  suggest p50 %.1f ms, bare %.1f ms\n", percentiles(t_suggest).p50 / 1000,
               percentiles(t_bare).p50 / 1000);
  store->reset();
  std::cerr << "in-process summary: " << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";

  // 4. Over HTTP.
  int rc = failures ? 1 : 0;
  if (!no_http) {
    Config config;
    config.port = 0;
    config.index_dir = index;
    config.events_path = events_path;
    config.access_log = false;
    auto server = std::make_unique<Server>(config);
    const auto t_start = Clock::now();
    auto port = server->start();
    if (!port) {
      std::fprintf(stderr, "server: %s\n", port.error().describe().c_str());
      cleanup();
      return 1;
    }
    const double start_s = seconds_since(t_start);
    std::fprintf(stderr, "server on port %d; waiting for its model...\n", *port);
    httplib::Client probe("127.0.0.1", *port);
    std::string cases_seq, model_seq, train_seconds;
    const auto t_wait = Clock::now();
    while (Clock::now() - t_wait < model_wait_limit) {
      if (auto r = probe.Get("/metrics"); r && r->status == 200) {
        cases_seq = metrics_value(r->body, "solusi_cases_seq");
        model_seq = metrics_value(r->body, "solusi_case_model_seq");
        train_seconds = metrics_value(r->body, "solusi_case_model_train_seconds");
        if (!cases_seq.empty() && cases_seq == model_seq) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    out["http_server"] = {{"start_seconds", start_s},
                          {"model_ready_seconds", seconds_since(t_wait)},
                          {"cases_seq", cases_seq},
                          {"model_seq", model_seq},
                          {"model_train_seconds", train_seconds},
                          {"rss_mib", status_kb("VmRSS:") / 1024}};
    if (cases_seq.empty() || cases_seq != model_seq) {
      std::fprintf(stderr, "the service's model did not catch up (cases %s, model %s)\n", cases_seq.c_str(),
                   model_seq.c_str());
      rc = 1;
    } else {
      std::atomic<size_t> http_failures{0};
      std::atomic<size_t> request_id{0};
      auto client_run = [&](size_t thread, size_t threads, size_t n_passes, std::vector<double>* samples) {
        httplib::Client c("127.0.0.1", *port);
        c.set_keep_alive(true);
        c.set_read_timeout(60, 0);
        for (size_t pass = 0; pass < n_passes; ++pass)
          for (size_t k = 0; k < tickets.size(); ++k) {
            const Ticket& t = tickets[(k + thread * tickets.size() / threads) % tickets.size()];
            const json body = {{"ticket_id", "bench-" + std::to_string(++request_id)},
                               {"subject", t.subject},
                               {"body", t.body}};
            const auto t0 = Clock::now();
            auto r = c.Post("/v1/suggest", body.dump(-1, ' ', false, json::error_handler_t::replace),
                            "application/json");
            const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
            if (!r || r->status != 200) {
              ++http_failures;
              continue;
            }
            if (samples) samples->push_back(us);
          }
      };
      std::fprintf(stderr, "timing over HTTP...\n");
      client_run(0, 1, 1, nullptr);  // warm-up
      json http;
      for (size_t threads : {size_t{1}, size_t{2}}) {
        std::vector<std::vector<double>> samples(threads);
        std::vector<std::thread> pool;
        const auto t0 = Clock::now();
        for (size_t th = 0; th < threads; ++th)
          pool.emplace_back([&, th] { client_run(th, threads, passes, &samples[th]); });
        for (auto& th : pool) th.join();
        const double wall = seconds_since(t0);
        std::vector<double> all;
        for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
        json j = to_json(percentiles(all));
        j["requests_per_second"] = std::round(static_cast<double>(all.size()) / wall * 10) / 10;
        http[std::to_string(threads) + "_thread" + (threads > 1 ? "s" : "")] = j;
        std::fprintf(stderr, "  %zu thread(s): p50 %.1f ms\n", threads, percentiles(all).p50 / 1000);
      }
      http["failures"] = http_failures.load();
      out["http"] = http;
      if (http_failures) rc = 1;
    }
    out["load_after_http"] = loadavg();
    server->stop();
  }
  out["work"] = dir.string();
  cleanup();
  out["kept"] = keep || !temporary;
  std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return rc;
}
