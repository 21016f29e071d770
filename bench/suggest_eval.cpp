// Suggestion quality you can rerun (bench/README.md, "Suggestions"): not a timed test.
//
//   suggest_eval clinc DIR [--dump FILE] [--curve]
//     The CLINC150 protocol of ../shared/relevance/README.md: one title-only article per intent,
//     served by an in-process Server on loopback; test queries suggested before learning; every
//     training query suggested and reported `resolved` with its intent's article (the out-of-scope
//     training queries suggested and never resolved); then the test queries again. With --curve,
//     the test set is also measured after 10 and 30 resolved tickets per article. Validation queries
//     are measured too (for fitting), their rows marked as such.
//   suggest_eval tickets FILE [--articles DIR] [--dump FILE]
//     Labelled tickets ({"id","subject","body","lang","expect":[slugs]}) over an articles folder
//     (default: the bundled one).
//
// Prints a JSON summary (accuracy at the shipped threshold and ignoring it, out-of-scope kept as gaps,
// precision of shown suggestions, the reliability table). --dump writes every candidate's features
// with its label, for bench/fit_confidence.
#include <httplib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "confidence.hpp"
#include "index_writer.hpp"
#include "server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace solusi;

namespace {

struct Item {
  std::string id, subject, body, lang;
  std::vector<std::string> expect;  ///< empty: out of scope
};

struct Outcome {
  bool in_scope = false;
  bool top_right = false;  ///< the best candidate is right
  bool shown = false;      ///< something was suggested (at the shipped threshold)
  double confidence = 0;   ///< of the best candidate (0: none)
};

struct Tally {
  std::vector<Outcome> outcomes;
  json summary(double threshold) const {
    size_t in = 0, in_top = 0, in_shown_right = 0, oos = 0, oos_gap = 0, shown = 0, shown_right = 0;
    struct Bin {
      size_t n = 0, right = 0;
      double conf = 0;
    } bins[10];
    for (const auto& o : outcomes) {
      const bool shown_here = o.confidence >= threshold && o.confidence > 0;
      if (o.in_scope) {
        ++in;
        in_top += o.top_right;
        in_shown_right += o.top_right && shown_here;
      } else {
        ++oos;
        oos_gap += !shown_here;
      }
      if (shown_here) {
        ++shown;
        shown_right += o.top_right;
      }
      if (o.confidence > 0) {
        Bin& b = bins[std::min(9, static_cast<int>(o.confidence * 10))];
        ++b.n;
        b.right += o.top_right;
        b.conf += o.confidence;
      }
    }
    auto pct = [](size_t a, size_t b) {
      return b ? std::round(1000.0 * static_cast<double>(a) / static_cast<double>(b)) / 10 : 0.0;
    };
    json reliability = json::array();
    for (int i = 0; i < 10; ++i)
      if (bins[i].n)
        reliability.push_back(
            {{"bin",
              std::to_string(i / 10.0).substr(0, 3) + "-" + std::to_string((i + 1) / 10.0).substr(0, 3)},
             {"n", bins[i].n},
             {"mean_confidence", std::round(1000 * bins[i].conf / static_cast<double>(bins[i].n)) / 1000},
             {"accuracy",
              std::round(1000.0 * static_cast<double>(bins[i].right) / static_cast<double>(bins[i].n)) /
                  1000}});
    return {{"in_scope", in},
            {"top1_ignoring_threshold", pct(in_top, in)},
            {"in_scope_shown_and_right", pct(in_shown_right, in)},
            {"out_of_scope", oos},
            {"out_of_scope_kept_as_gaps", pct(oos_gap, oos)},
            {"shown", shown},
            {"shown_right", pct(shown_right, shown)},
            {"reliability", reliability}};
  }
};

class Harness {
 public:
  Harness(const fs::path& articles, const fs::path& work) : work_(work) {
    IndexOptions io;
    io.articles_dir = articles;
    io.index_dir = work / "index";
    auto report = index_folder(io);
    if (!report) throw std::runtime_error(report.error().describe());
    service::Config c;
    c.port = 0;
    c.articles_dir = articles;
    c.index_dir = work / "index";
    c.events_path = work / "events.db";
    c.access_log = false;
    c.threads = 2;
    server_ = std::make_unique<service::Server>(c);
    auto port = server_->start();
    if (!port) throw std::runtime_error(port.error().describe());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", *port);
    client_->set_read_timeout(60);
  }
  ~Harness() { server_->stop(); }

  json post(const std::string& path, const json& body) {
    auto r = client_->Post(path, body.dump(), "application/json");
    if (!r) throw std::runtime_error("no answer from " + path);
    if (r->status >= 300) throw std::runtime_error(path + ": " + std::to_string(r->status) + " " + r->body);
    return json::parse(r->body);
  }

  /// Waits until the case index and the linear model have caught up with @p resolved resolutions.
  void wait_for_learning(size_t resolved) {
    for (int i = 0; i < 1200; ++i) {
      auto r = client_->Get("/metrics");
      double cases = -1, model = -1;
      if (r) {
        std::istringstream in(r->body);
        std::string line;
        while (std::getline(in, line)) {
          if (line.rfind("solusi_cases_seq ", 0) == 0) cases = std::stod(line.substr(17));
          if (line.rfind("solusi_case_model_seq ", 0) == 0) model = std::stod(line.substr(22));
        }
      }
      if (cases >= static_cast<double>(resolved) && model >= cases) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    std::cerr << "warning: the model did not catch up within 300 s\n";
  }

 private:
  fs::path work_;
  std::unique_ptr<service::Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

std::ofstream dump;

Outcome suggest(Harness& h, const Item& item, const std::string& set, const std::string& phase,
                const std::string& ticket_id = "") {
  json body{{"subject", item.subject}, {"body", item.body}, {"explain", true}, {"limit", 5}};
  if (!ticket_id.empty()) body["ticket_id"] = ticket_id;
  if (!item.lang.empty()) body["lang"] = item.lang;
  const json r = h.post("/v1/suggest", body);
  Outcome o;
  o.in_scope = !item.expect.empty();
  const json& cands = r.contains("candidates") ? r["candidates"] : json::array();
  if (!cands.empty()) {
    const std::string top = cands[0]["slug"];
    o.top_right = std::find(item.expect.begin(), item.expect.end(), top) != item.expect.end();
    o.confidence = cands[0]["confidence"];
  }
  o.shown = !r["suggestions"].empty();
  if (dump.is_open()) {
    size_t rank = 0;
    for (const auto& c : cands) {
      const std::string slug = c["slug"];
      const bool right = std::find(item.expect.begin(), item.expect.end(), slug) != item.expect.end();
      dump << set << '\t' << phase << '\t' << item.id << '\t' << right << '\t' << !o.in_scope << '\t'
           << rank++ << '\t' << c["confidence"].get<double>();
      for (size_t f = 0; f < service::feature_count; ++f)
        dump << '\t'
             << c["features"][std::string(service::feature_name(static_cast<service::Feature>(f)))]
                    .get<double>();
      dump << '\n';
    }
  }
  return o;
}

std::vector<Item> read_tsv(const fs::path& file, const std::string& prefix, bool oos) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<Item> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.rfind('\t');
    if (tab == std::string::npos || line == "text\tintent") continue;  // the header
    Item it;
    it.id = prefix + std::to_string(out.size());
    it.body = line.substr(0, tab);
    it.lang = "en";
    const std::string intent = line.substr(tab + 1);
    if (!oos) {
      std::string slug = intent;
      std::replace(slug.begin(), slug.end(), '_', '-');
      it.expect = {"intents/" + slug};
    }
    out.push_back(std::move(it));
  }
  return out;
}

Tally run_set(Harness& h, const std::vector<Item>& in_scope, const std::vector<Item>& oos,
              const std::string& set, const std::string& phase) {
  Tally t;
  for (const auto& i : in_scope) t.outcomes.push_back(suggest(h, i, set, phase));
  for (const auto& i : oos) t.outcomes.push_back(suggest(h, i, set + "-oos", phase));
  return t;
}

int clinc(const fs::path& dir, bool curve) {
  const auto train = read_tsv(dir / "train.tsv", "train-", false);
  const auto val = read_tsv(dir / "val.tsv", "val-", false);
  const auto test = read_tsv(dir / "test.tsv", "test-", false);
  const auto oos_train = read_tsv(dir / "oos-train.tsv", "oostrain-", true);
  const auto oos_val = read_tsv(dir / "oos-val.tsv", "oosval-", true);
  const auto oos_test = read_tsv(dir / "oos-test.tsv", "oostest-", true);

  const fs::path work = fs::temp_directory_path() / ("solusi-clinc-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "articles" / "intents");
  std::map<std::string, std::string> intents;  // slug → title
  for (const auto& i : train) {
    const std::string name = i.expect[0].substr(8);
    std::string title = name;
    std::replace(title.begin(), title.end(), '-', ' ');
    title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    intents[name] = title;
  }
  for (const auto& [name, title] : intents) {
    std::ofstream md(work / "articles" / "intents" / (name + ".md"));
    md << "---\ntitle: " << title << "\nlang: en\nstatus: published\naudience: internal\n---\n"
       << title << "\n";
  }
  json out;
  {
    Harness h(work / "articles", work);
    const double threshold = service::shipped_threshold();
    out["threshold"] = threshold;
    out["articles"] = intents.size();
    out["before"]["test"] = run_set(h, test, oos_test, "test", "before").summary(threshold);
    out["before"]["val"] = run_set(h, val, oos_val, "val", "before").summary(threshold);

    // Resolved tickets in a fixed shuffled order, the out-of-scope ones among them; with --curve, in
    // rounds of 10, 30 and 100 per article.
    std::map<std::string, std::vector<const Item*>> by_intent;
    for (const auto& i : train) by_intent[i.expect[0]].push_back(&i);
    std::mt19937 rng(150);
    std::vector<size_t> rounds = curve ? std::vector<size_t>{10, 30, 100} : std::vector<size_t>{100};
    size_t done_per_intent = 0, resolved = 0, oos_fed = 0;
    for (size_t upto : rounds) {
      std::vector<const Item*> batch;
      for (auto& [intent, items] : by_intent)
        for (size_t k = done_per_intent; k < upto && k < items.size(); ++k) batch.push_back(items[k]);
      const size_t oos_upto = oos_train.size() * upto / 100;
      for (; oos_fed < oos_upto; ++oos_fed) batch.push_back(&oos_train[oos_fed]);
      std::shuffle(batch.begin(), batch.end(), rng);
      Tally online;
      for (const Item* i : batch) {
        online.outcomes.push_back(suggest(h, *i, "train-online", "online-" + std::to_string(upto), i->id));
        if (i->expect.empty()) continue;
        h.post("/v1/feedback", {{"ticket_id", i->id}, {"slug", i->expect[0]}, {"kind", "resolved"}});
        ++resolved;
      }
      done_per_intent = upto;
      out["online"][std::to_string(upto)] = online.summary(threshold);
      h.wait_for_learning(resolved);
      const std::string phase = "after-" + std::to_string(upto);
      out[phase]["test"] = run_set(h, test, oos_test, "test", phase).summary(threshold);
      if (upto == rounds.back())
        out[phase]["val"] = run_set(h, val, oos_val, "val", phase).summary(threshold);
      std::cerr << phase << ": " << out[phase]["test"].dump() << "\n";
    }
  }
  fs::remove_all(work);
  std::cout << out.dump(2) << "\n";
  return 0;
}

int tickets(const fs::path& file, const fs::path& articles) {
  std::vector<Item> items;
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line);
    items.push_back({j.at("id"), j.at("subject"), j.at("body"), j.value("lang", ""),
                     j.at("expect").get<std::vector<std::string>>()});
  }
  const fs::path work = fs::temp_directory_path() / ("solusi-tickets-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  json out;
  {
    Harness h(articles, work);
    Tally t;
    for (auto& i : items) {
      i.lang.clear();  // detected, as a ticket system would send it
      t.outcomes.push_back(suggest(h, i, file.stem().string(), "before"));
    }
    out = t.summary(service::shipped_threshold());
    out["threshold"] = service::shipped_threshold();
  }
  fs::remove_all(work);
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) {
    std::cerr << "usage: suggest_eval clinc DIR [--dump FILE] [--curve]\n"
                 "       suggest_eval tickets FILE [--articles DIR] [--dump FILE]\n";
    return 2;
  }
  fs::path articles = SOLUSI_DEFAULT_ARTICLES;
  bool curve = false;
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--dump" && i + 1 < args.size()) {
      dump.open(args[++i], std::ios::app);
    } else if (args[i] == "--articles" && i + 1 < args.size()) {
      articles = args[++i];
    } else if (args[i] == "--curve") {
      curve = true;
    } else {
      std::cerr << "unknown argument " << args[i] << "\n";
      return 2;
    }
  }
  try {
    if (args[0] == "clinc") return clinc(args[1], curve);
    if (args[0] == "tickets") return tickets(args[1], articles);
  } catch (const std::exception& e) {
    std::cerr << "suggest_eval: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "unknown command " << args[0] << "\n";
  return 2;
}
