// Chooses the linear model's training options on CLINC150's train and validation splits (never its
// test split): the stems each query gets from the service's own ticket reading, then one model per
// option set, trained on train and scored (top-1) on the in-scope validation queries.
//
//   model_tune DIR/clinc150
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "case_model.hpp"
#include "index_writer.hpp"
#include "searcher.hpp"
#include "suggest.hpp"

namespace fs = std::filesystem;
using namespace solusi;

namespace {

struct Query {
  std::string text, slug;
};

std::vector<Query> read_tsv(const fs::path& file) {
  std::ifstream in(file);
  std::vector<Query> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.rfind('\t');
    if (tab == std::string::npos || line == "text\tintent") continue;
    std::string slug = line.substr(tab + 1);
    std::replace(slug.begin(), slug.end(), '_', '-');
    out.push_back({line.substr(0, tab), "intents/" + slug});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: model_tune DIR/clinc150\n";
    return 2;
  }
  const fs::path dir = argv[1];
  const auto train = read_tsv(dir / "train.tsv");
  const auto val = read_tsv(dir / "val.tsv");
  const fs::path work = fs::temp_directory_path() / ("solusi-model-tune-" + std::to_string(::getpid()));
  fs::create_directories(work / "articles" / "intents");
  std::map<std::string, bool> made;
  for (const auto& q : train) {
    if (made[q.slug]) continue;
    made[q.slug] = true;
    std::string title = q.slug.substr(8);
    std::replace(title.begin(), title.end(), '-', ' ');
    std::ofstream(work / "articles" / (q.slug + ".md"))
        << "---\ntitle: " << title << "\nlang: en\nstatus: published\n---\n"
        << title << "\n";
  }
  IndexOptions io;
  io.articles_dir = work / "articles";
  io.index_dir = work / "index";
  if (auto r = index_folder(io); !r) {
    std::cerr << r.error().describe() << "\n";
    return 1;
  }
  auto searcher = service::Searcher::open(work / "index");
  if (!searcher) return 1;
  auto words_of = [&](const std::string& text) {
    service::SuggestRequest r;
    r.body = text;
    r.lang = Lang::en;
    auto a = searcher->analyse_ticket(r);
    return a ? a->words : std::vector<std::string>{};
  };
  std::vector<service::CaseRow> cases;
  for (const auto& q : train) {
    service::CaseRow c;
    c.slug = q.slug;
    for (const auto& w : words_of(q.text)) c.words += (c.words.empty() ? "" : " ") + w;
    cases.push_back(std::move(c));
  }
  std::vector<std::pair<std::vector<std::string>, std::string>> tests;
  for (const auto& q : val) tests.emplace_back(words_of(q.text), q.slug);

  struct Option {
    const char* name;
    service::CaseModelOptions o;
  };
  const std::vector<Option> options{{"LR dual C=64", {7, 64, 0.1}},
                                    {"SVM dual C=2", {1, 2, 0.1}},
                                    {"Crammer-Singer C=0.5", {4, 0.5, 0.1}},
                                    {"Crammer-Singer C=1", {4, 1, 0.1}},
                                    {"Crammer-Singer C=2", {4, 2, 0.1}}};
  for (const auto& [name, o] : options) {
    auto model = service::CaseModel::train(cases, 1, o);
    if (!model) {
      std::cerr << name << ": " << model.error().describe() << "\n";
      continue;
    }
    size_t right = 0;
    for (const auto& [words, slug] : tests) {
      const auto p = (*model)->predict(words, 1);
      right += !p.empty() && p[0].first == slug;
    }
    std::cout << name << ": val top-1 "
              << 100.0 * static_cast<double>(right) / static_cast<double>(tests.size()) << "%, trained in "
              << (*model)->stats().train_ms << " ms; log loss by softmax scale:";
    for (const double scale : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0}) {
      double loss = 0;
      for (const auto& [words, slug] : tests) {
        double p = 1e-6;
        for (const auto& [s, score] : (*model)->predict(words, 1000, scale))
          if (s == slug) p = std::max(p, score);
        loss -= std::log(p);
      }
      std::cout << " " << scale << ": " << loss / static_cast<double>(tests.size());
    }
    std::cout << "\n";
  }
  fs::remove_all(work);
  return 0;
}
