// A simulated month of support traffic on an index, written to events.db, for the reports.
//
//   simulate_month INDEX_DIR EVENTS_DB DATA_DIR --as-of YYYY-MM-DD [--seed S]
//
// For each of the 30 days up to as_of, five agents run about 40 real searches (Searcher::search) drawn
// from DATA_DIR/queries.tsv, plus a few searches for topics the bundled knowledge base does not cover
// (paylater, loyalty points, dark mode...). After most searches with hits the agent opens the article
// it was looking for (the query set's answer, else the first hit) a minute or two later; after the
// uncovered ones it opens nothing. Three tickets a day, drawn from DATA_DIR/tickets-*.jsonl, go through
// the real suggester (Searcher::suggest): what it shows is logged as POST /v1/suggest logs it; a
// ticket whose labelled answer was suggested is resolved with it (or voted helpful), one whose first
// suggestion was not the answer gets a not-helpful vote on it. Tickets with no answer in the knowledge
// base become content gaps in the customers' own words. Deterministic for a seed.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "events.hpp"
#include "reports.hpp"
#include "searcher.hpp"
#include "suggest.hpp"
#include "text.hpp"
#include "usage_log.hpp"

using namespace solusi;
using namespace solusi::service;

namespace {

struct Query {
  std::string q;
  std::vector<std::string> answers;
};

struct Ticket {
  std::string id, subject, body;
  std::vector<std::string> expect;
};

std::vector<Query> read_queries(const std::string& path) {
  std::vector<Query> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto parts = text::split(line, '\t');
    if (parts.size() < 2) continue;
    Query q{std::string(parts[0]), {}};
    for (auto s : text::split(parts[1], ','))
      if (!s.empty()) q.answers.emplace_back(s);
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<Ticket> read_tickets(const std::string& path) {
  std::vector<Ticket> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    Ticket t{j.value("id", ""), j.value("subject", ""), j.value("body", ""), {}};
    if (j.contains("expect")) t.expect = j["expect"].get<std::vector<std::string>>();
    out.push_back(std::move(t));
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6 || std::strcmp(argv[4], "--as-of") != 0) {
    std::fprintf(stderr,
                 "usage: simulate_month INDEX_DIR EVENTS_DB DATA_DIR --as-of YYYY-MM-DD [--seed S]\n");
    return 2;
  }
  const std::string index = argv[1], events = argv[2], data = argv[3];
  const auto as_of = Date::parse(argv[5]);
  if (!as_of) return 2;
  unsigned seed =
      argc >= 8 && !std::strcmp(argv[6], "--seed") ? static_cast<unsigned>(std::atoi(argv[7])) : 1;

  auto searcher = Searcher::open(index);
  if (!searcher) {
    std::fprintf(stderr, "%s\n", searcher.error().describe().c_str());
    return 2;
  }
  auto store = EventStore::open(events);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().describe().c_str());
    return 2;
  }
  const auto queries = read_queries(data + "/queries.tsv");
  auto tickets = read_tickets(data + "/tickets-dev.jsonl");
  for (auto& t : read_tickets(data + "/tickets-holdout.jsonl")) tickets.push_back(std::move(t));
  const std::vector<std::string> uncovered{
      "paylater ditolak",    "cara daftar paylater", "limit paylater",      "tukar poin member",
      "poin loyalti hilang", "dark mode aplikasi",   "lamaran kerja kurir", "paylater telat bayar denda"};
  const char* agents[] = {"rina", "budi", "sari", "dewi", "agus"};

  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<UsageEvent> usage;
  size_t searches = 0, views = 0, suggestions = 0, gaps = 0, resolved = 0, votes = 0;
  const long first_day = as_of->days_since_epoch() - 29;
  for (long day = first_day; day <= as_of->days_since_epoch(); ++day) {
    const std::int64_t base = day * std::int64_t{86400} + 2 * 3600;  // 09:00 WIB
    for (const char* agent : agents) {
      std::int64_t at = base + static_cast<std::int64_t>(rng() % 600);
      const int n = 30 + static_cast<int>(rng() % 20);
      for (int k = 0; k < n; ++k, at += 300 + static_cast<std::int64_t>(rng() % 900)) {
        const bool gap = u(rng) < 0.04;
        SearchRequest req;
        req.q = gap ? uncovered[rng() % uncovered.size()] : queries[rng() % queries.size()].q;
        req.today = day_of(at);
        auto result = searcher->search(req);
        if (!result) continue;
        SearchEvent e{at,   normalize_query(req.q), "", static_cast<std::int64_t>(result->total_estimate), {},
                      agent};
        if (result->query_language) e.lang = lang_code(*result->query_language);
        for (const auto& h : result->hits) e.shown.push_back(h.slug);
        usage.push_back(std::move(e));
        ++searches;
        if (gap || result->hits.empty() || u(rng) > 0.8) continue;
        std::string open = result->hits.front().slug;
        for (const auto& q : queries)
          if (q.q == req.q && !q.answers.empty()) open = q.answers.front();
        usage.push_back(ViewEvent{at + 30 + static_cast<std::int64_t>(rng() % 120), open, agent});
        ++views;
      }
    }
    for (int k = 0; k < 3; ++k) {
      const Ticket& t = tickets[rng() % tickets.size()];
      SuggestRequest req;
      req.ticket_id = t.id + "-" + std::to_string(day) + "-" + std::to_string(k);
      req.subject = t.subject;
      req.body = t.body;
      req.today = day_of(base);
      req.negative_votes = [&](const std::string& slug) { return (*store)->negative_votes(slug); };
      auto result = searcher->suggest(req);
      if (!result) continue;
      const std::int64_t at = base + 3600 * (1 + k * 2);
      SuggestionLog log;
      log.ticket_id = req.ticket_id;
      log.lang = lang_code(result->language);
      log.terms = result->terms;
      log.text = text::truncate_words(
          text::collapse_whitespace(result->cleaned_subject + "\n" + result->cleaned_body), 500);
      for (const auto& s : result->suggestions) log.shown.push_back(s.slug);
      if (result->best) {
        log.top_slug = result->best->slug;
        log.top_confidence = result->best->confidence;
      }
      log.gap = result->gap;
      log.at = at;
      if (!(*store)->log_suggestion(log)) return 2;
      (void)(*store)->remember_ticket({req.ticket_id, log.lang, result->terms,
                                       text::truncate_words(result->cleaned_subject, 300), at,
                                       text::join(result->words, " ")});
      ++suggestions;
      gaps += log.gap;
      if (log.shown.empty()) continue;
      FeedbackEvent f;
      f.ticket_id = req.ticket_id;
      f.agent = agents[rng() % std::size(agents)];
      f.lang = log.lang;
      f.terms = result->terms;
      f.at = at + 1800;
      std::string answer;
      for (const auto& s : log.shown)
        if (answer.empty() && contains(t.expect, s)) answer = s;
      if (!answer.empty()) {
        f.slug = answer;
        f.kind = u(rng) < 0.7 ? FeedbackKind::resolved : FeedbackKind::helpful;
        resolved += f.kind == FeedbackKind::resolved;
      } else {
        f.slug = log.shown.front();
        f.kind = FeedbackKind::not_helpful;
      }
      ++votes;
      if (!(*store)->add_feedback(f)) return 2;
    }
  }
  if (auto ok = write_usage(**store, usage); !ok) {
    std::fprintf(stderr, "%s\n", ok.error().describe().c_str());
    return 2;
  }
  std::printf(
      "30 days up to %s: %zu searches, %zu article views, %zu suggestions (%zu content gaps), %zu votes "
      "(%zu resolved)\n",
      as_of->iso().c_str(), searches, views, suggestions, gaps, votes, resolved);
  return 0;
}
