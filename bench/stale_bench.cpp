// The team leads' reports at scale: how long the stale report (and the gap inbox) take over a large
// index and a large events.db.
//
//   stale_bench INDEX_DIR EVENTS_DB [--generate N] [--as-of YYYY-MM-DD] [--runs R] [--seed S] [--dump DIR]
//
// --generate N first fills EVENTS_DB (which must not exist) with N events spread over the 180 days
// before as_of, deterministically: 40% article views, 40% agent searches (each showing up to 10
// articles; 5% find nothing), 15% suggestions (5 articles shown; 20% are content gaps), 5% feedback
// (resolved, helpful, not helpful). Articles are drawn with a Zipf law (s = 1) over the index's
// published articles, as real traffic concentrates on few articles. Then each run times, in-process:
// reading the articles' facts from the index, reading the events, building the report's base (what
// the service keeps per index revision: lookups and near-copies), computing the report, rendering
// JSON (the first default_stale_limit rows, then every row as JSON and CSV); and the gap inbox of the
// last 30 days. Prints one line per step and run. --dump DIR writes the last run's reports there
// (stale-100.json, stale-all.json, stale-all.csv, gaps.json), to compare two builds' output. An
// EVENTS_DB of an older schema is migrated first.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "events.hpp"
#include "report_sources.hpp"
#include "reports.hpp"
#include "searcher.hpp"
#include "sql_stmt.hpp"
#include "usage_log.hpp"

using namespace solusi;
using namespace solusi::service;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

/// f()'s result; its time in milliseconds into @p ms.
template <class F>
auto timed(double& ms, F f) {
  const auto t0 = Clock::now();
  auto result = f();
  ms = ms_since(t0);
  return result;
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
    return static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

const char* words[] = {"refund",  "otp",        "saldo",   "paket",    "kurir", "promo",
                       "voucher", "kartu",      "kredit",  "cicilan",  "akun",  "sandi",
                       "ongkir",  "retur",      "garansi", "invoice",  "cod",   "topup",
                       "blokir",  "verifikasi", "payment", "delivery", "order", "cancel"};

std::string random_query(std::mt19937_64& rng, bool nothing) {
  std::uniform_int_distribution<size_t> pick(0, std::size(words) - 1), len(1, 3);
  std::string q;
  for (size_t i = 0, n = len(rng); i < n; ++i) q += (q.empty() ? "" : " ") + std::string(words[pick(rng)]);
  if (nothing) q += " zq" + std::to_string(rng() % 5000);  // a word no article has
  return q;
}

int generate(EventStore& store, const std::vector<std::string>& slugs, long n, Date as_of, unsigned seed) {
  std::mt19937_64 rng(seed);
  Zipf zipf(slugs.size(), 1.0);
  std::vector<size_t> order(slugs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);  // popularity unrelated to slug order
  auto slug = [&] { return slugs[order[zipf(rng)]]; };
  const std::int64_t end = (as_of.days_since_epoch() + 1) * std::int64_t{86400};
  const std::int64_t span = 180 * std::int64_t{86400};
  std::uniform_int_distribution<std::int64_t> when(end - span, end - 1);
  std::uniform_real_distribution<double> u(0, 1);
  const char* principals[] = {"rina", "budi", "sari", "dewi", "agus", "tono", "lina", "eko"};

  const auto t0 = Clock::now();
  const long batch = 200000;
  long written = 0;
  std::vector<UsageEvent> usage;
  std::vector<SuggestionLog> suggestions;
  std::vector<FeedbackEvent> feedback;
  auto flush = [&]() -> bool {
    if (auto ok = write_usage(store, usage); !ok) {
      std::fprintf(stderr, "write_usage: %s\n", ok.error().message.c_str());
      return false;
    }
    auto ok = store.with_connection([&](sqlite3* db) -> Result<void> {
      if (auto b = sql::exec(db, "BEGIN", "begin"); !b) return b;
      // The suggester's and the feedback handler's own writes: rows and their per-day counters.
      for (const auto& x : suggestions)
        if (auto done = insert_suggestion(db, x, x.at); !done) return done;
      for (const auto& x : feedback)
        if (auto done = insert_feedback(db, x, x.at); !done) return tl::unexpected(done.error());
      return sql::exec(db, "COMMIT", "commit");
    });
    if (!ok) {
      std::fprintf(stderr, "insert: %s\n", ok.error().message.c_str());
      return false;
    }
    usage.clear();
    suggestions.clear();
    feedback.clear();
    return true;
  };
  long ticket = 0;
  for (long i = 0; i < n; ++i) {
    const double r = u(rng);
    const std::int64_t at = when(rng);
    const std::string who = principals[rng() % std::size(principals)];
    if (r < 0.40) {
      usage.push_back(ViewEvent{at, slug(), who});
    } else if (r < 0.80) {
      SearchEvent s;
      s.at = at;
      s.principal = who;
      const bool nothing = u(rng) < 0.05;
      s.query = random_query(rng, nothing);
      s.lang = "id";
      if (!nothing)
        for (int k = 0; k < 10; ++k) s.shown.push_back(slug());
      s.hits = nothing ? 0 : 10 + static_cast<std::int64_t>(rng() % 500);
      usage.push_back(std::move(s));
    } else if (r < 0.95) {
      SuggestionLog s;
      s.ticket_id = "T-" + std::to_string(++ticket);
      s.at = at;
      s.gap = u(rng) < 0.2;
      const std::string q = random_query(rng, s.gap);
      s.text = q;
      for (size_t p = 0, e = 0; p <= q.size(); ++p)
        if (p == q.size() || q[p] == ' ') {
          const std::string w = q.substr(e, p - e);
          s.terms.push_back(TicketTerm{w, w, 1});
          e = p + 1;
        }
      s.top_slug = slug();
      s.top_confidence = s.gap ? 0.3 : 0.7;
      if (!s.gap)
        for (int k = 0; k < 5; ++k) s.shown.push_back(slug());
      suggestions.push_back(std::move(s));
    } else {
      FeedbackEvent f;
      f.ticket_id = "T-" + std::to_string(rng() % (ticket + 1));
      f.slug = slug();
      const double k = u(rng);
      f.kind = k < 0.5 ? FeedbackKind::resolved : k < 0.8 ? FeedbackKind::helpful : FeedbackKind::not_helpful;
      f.at = at;
      feedback.push_back(std::move(f));
    }
    if (++written % batch == 0) {
      if (!flush()) return 2;
      std::fprintf(stderr, "\r%ld events written (%.0f s)", written, ms_since(t0) / 1000);
    }
  }
  if (!flush()) return 2;
  std::fprintf(stderr, "\r%ld events written in %.1f s\n", written, ms_since(t0) / 1000);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: stale_bench INDEX_DIR EVENTS_DB [--generate N] [--as-of YYYY-MM-DD] [--runs R] "
                 "[--seed S] [--dump DIR]\n");
    return 2;
  }
  const std::string index = argv[1], events = argv[2];
  long generate_n = 0;
  int runs = 3;
  unsigned seed = 1;
  Date as_of = *Date::parse("2026-12-01");
  std::string dump;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--generate"))
      generate_n = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--runs"))
      runs = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed"))
      seed = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--as-of"))
      as_of = *Date::parse(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dump"))
      dump = argv[i + 1];
  }
  auto searcher = Searcher::open(index);
  if (!searcher) {
    std::fprintf(stderr, "%s\n", searcher.error().describe().c_str());
    return 2;
  }
  {  // an events.db of an older schema is migrated first (the backfill of the per-day counters)
    const auto t0 = Clock::now();
    auto store = EventStore::open(events);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().describe().c_str());
      return 2;
    }
    std::printf("open (and migrate) events.db: %.0f ms\n", ms_since(t0));
  }
  if (generate_n > 0) {
    auto facts = load_article_facts(searcher->database());
    if (!facts) return 2;
    std::vector<std::string> slugs;
    for (const auto& f : *facts)
      if (f.meta.status == "published") slugs.push_back(f.meta.slug);
    auto store = EventStore::open(events);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().describe().c_str());
      return 2;
    }
    if (int rc = generate(**store, slugs, generate_n, as_of, seed)) return rc;
  }

  for (int run = 1; run <= runs; ++run) {
    StaleOptions o;
    o.as_of = as_of;
    o.limit = default_stale_limit;
    double t_facts = 0;
    auto facts = timed(t_facts, [&] { return load_article_facts(searcher->database()); });
    double t_events = 0;
    auto history = timed(t_events, [&] { return load_stale_history(events, o); });
    if (!facts || !history) {
      std::fprintf(stderr, "%s\n", (!facts ? facts.error() : history.error()).describe().c_str());
      return 2;
    }
    double t_base = 0;
    const StaleBase base = timed(t_base, [&] { return stale_base(*facts, o); });
    double t_report = 0;
    const StaleReport report = timed(t_report, [&] { return stale_report(base, *history, o); });
    double t_json = 0;
    const std::string json = timed(t_json, [&] { return to_json_text(report); });
    std::printf(
        "run %d: %zu articles; facts %.0f ms, events %.0f ms, base %.0f ms, report %.0f ms, json %.0f ms "
        "(%zu bytes, %zu rows): stale total %.0f ms (%.0f ms with the facts and base cached); %zu listed, "
        "%zu articles with usage, %zu gap events\n",
        run, facts->size(), t_facts, t_events, t_base, t_report, t_json, json.size(), report.articles.size(),
        t_facts + t_events + t_base + t_report + t_json, t_events + t_report + t_json, report.listed,
        history->usage.size(), history->gaps.size());
    std::fflush(stdout);

    o.limit = 0;  // every row, as for CSV and cron
    double t_all = 0;
    const StaleReport all = timed(t_all, [&] { return stale_report(base, *history, o); });
    double t_all_json = 0;
    const std::string all_json = timed(t_all_json, [&] { return to_json_text(all); });
    double t_all_csv = 0;
    const std::string all_csv = timed(t_all_csv, [&] { return to_csv(all); });
    std::printf("run %d: limit=all: report %.0f ms, json %.0f ms (%zu bytes), csv %.0f ms (%zu bytes)\n", run,
                t_all, t_all_json, all_json.size(), t_all_csv, all_csv.size());
    std::fflush(stdout);

    GapOptions g;
    g.until = (as_of.days_since_epoch() + 1) * std::int64_t{86400};
    g.since = g.until - 30 * std::int64_t{86400};
    double t_gap_events = 0;
    auto gaps = timed(t_gap_events, [&] { return load_gap_events(events, g.since, g.until, g.until); });
    if (!gaps) return 2;
    const size_t gap_events = gaps->size();
    double t_gap_report = 0;
    const GapReport inbox = timed(t_gap_report, [&] {
      count_stem_articles(searcher->database(), *gaps, g);
      return gap_report(*facts, std::move(*gaps), g);
    });
    std::printf("run %d: gap inbox of 30 days: events %.0f ms, clusters %.0f ms: %zu events, %zu clusters\n",
                run, t_gap_events, t_gap_report, gap_events, inbox.clusters.size());
    std::fflush(stdout);
    if (!dump.empty() && run == runs) {
      auto write = [&](const char* name, const std::string& text) {
        std::ofstream(std::filesystem::path(dump) / name, std::ios::binary) << text;
      };
      write("stale-100.json", json);
      write("stale-all.json", all_json);
      write("stale-all.csv", all_csv);
      write("gaps.json", to_json(inbox).dump(2));
    }
  }
  return 0;
}
