// The suggestion suite: noisy tickets as ticket systems deliver them (greetings, quoted replies on
// other topics, signatures, order numbers, chat spelling), each labelled with the published article a
// senior agent would attach, or with none when the knowledge base has no answer. The confidence
// formula was fitted on tickets-dev.jsonl only; tickets-holdout.jsonl checks that it generalises.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "index_writer.hpp"
#include "searcher.hpp"
#include "suggest.hpp"
#include "temp_dir.hpp"

namespace solusi {
namespace {

struct LabelledTicket {
  std::string id, subject, body, lang;
  std::vector<std::string> expected;  ///< empty: the knowledge base has no answer
};

std::vector<LabelledTicket> load_tickets(const std::string& path) {
  std::ifstream in(path);
  std::vector<LabelledTicket> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    out.push_back({j.at("id"), j.at("subject"), j.at("body"), j.at("lang"),
                   j.at("expect").get<std::vector<std::string>>()});
  }
  return out;
}

struct Scores {
  size_t answerable = 0, top1 = 0, top3 = 0;
  size_t unanswerable = 0, unanswerable_gaps = 0;
  size_t shown = 0, shown_wrong = 0;  ///< at the default threshold: top suggestions shown, and wrong ones
  size_t language_right = 0, tickets = 0;
};

class TicketSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    IndexOptions options;
    options.articles_dir = SOLUSI_ARTICLES_DIR;
    options.index_dir = *dir_ / "index";
    auto report = index_folder(options);
    ASSERT_TRUE(report) << report.error().describe();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static Scores run(const std::string& file) {
    auto searcher = service::Searcher::open(*dir_ / "index");
    EXPECT_TRUE(searcher) << searcher.error().describe();
    Scores s;
    for (const auto& t : load_tickets(std::string(SOLUSI_TEST_DATA) + "/" + file)) {
      service::SuggestRequest r;
      r.ticket_id = t.id;
      r.subject = t.subject;
      r.body = t.body;
      r.threshold = 0;  // every candidate, to measure ranking apart from the threshold
      auto all = searcher->suggest(r);
      EXPECT_TRUE(all) << t.id << ": " << all.error().describe();
      if (!all) continue;
      r.threshold = service::default_suggest_threshold;
      auto shown = searcher->suggest(r);
      EXPECT_TRUE(shown) << t.id;
      if (!shown) continue;
      ++s.tickets;
      if (lang_code(all->language) == t.lang) ++s.language_right;
      auto expected = [&](const std::string& slug) {
        return std::find(t.expected.begin(), t.expected.end(), slug) != t.expected.end();
      };
      if (!shown->suggestions.empty()) {
        ++s.shown;
        if (!expected(shown->suggestions.front().slug)) {
          ++s.shown_wrong;
          std::cout << "  " << t.id << ": shown " << shown->suggestions.front().slug << " ("
                    << shown->suggestions.front().confidence << "), expected "
                    << (t.expected.empty() ? "none" : t.expected.front()) << "\n";
        }
      }
      if (t.expected.empty()) {
        ++s.unanswerable;
        if (shown->gap) ++s.unanswerable_gaps;
        continue;
      }
      ++s.answerable;
      int rank = 0;
      for (size_t i = 0; i < all->suggestions.size() && rank == 0; ++i)
        if (expected(all->suggestions[i].slug)) rank = static_cast<int>(i) + 1;
      if (rank == 1) ++s.top1;
      if (rank >= 1 && rank <= 3) ++s.top3;
      if (rank != 1)
        std::cout << "  " << t.id << ": expected " << t.expected.front() << " at rank "
                  << (rank ? std::to_string(rank) : std::string(">5")) << ", first "
                  << (all->suggestions.empty() ? "none" : all->suggestions.front().slug) << "\n";
    }
    std::cout << file << ": top-1 " << s.top1 << "/" << s.answerable << ", top-3 " << s.top3 << "/"
              << s.answerable << "; unanswerable left as gaps " << s.unanswerable_gaps << "/"
              << s.unanswerable << "; at the default threshold " << s.shown << " shown, " << s.shown_wrong
              << " wrong; language " << s.language_right << "/" << s.tickets << "\n";
    return s;
  }

  static testing::TempDir* dir_;
};

testing::TempDir* TicketSuite::dir_ = nullptr;

double share(size_t a, size_t b) {
  return b ? static_cast<double>(a) / static_cast<double>(b) : 0;
}

TEST_F(TicketSuite, DevelopmentTickets) {
  const Scores s = run("tickets-dev.jsonl");
  ASSERT_GE(s.answerable, 30u);
  EXPECT_GE(share(s.top1, s.answerable), 0.80);
  EXPECT_GE(share(s.top3, s.answerable), 0.85);
  EXPECT_GE(share(s.unanswerable_gaps, s.unanswerable), 0.85);
  EXPECT_LE(share(s.shown_wrong, s.shown), 0.05);  // what is shown is right
  EXPECT_GE(share(s.shown, s.answerable), 0.55);   // and most answerable tickets get an answer
  EXPECT_GE(share(s.language_right, s.tickets), 0.95);
}

TEST_F(TicketSuite, HoldoutTickets) {
  const Scores s = run("tickets-holdout.jsonl");
  ASSERT_GE(s.answerable, 15u);
  EXPECT_GE(share(s.top1, s.answerable), 0.70);
  EXPECT_GE(share(s.top3, s.answerable), 0.80);
  EXPECT_GE(share(s.unanswerable_gaps, s.unanswerable), 0.75);
  EXPECT_LE(share(s.shown_wrong, s.shown), 0.10);
  EXPECT_GE(share(s.shown, s.answerable), 0.45);
  EXPECT_GE(share(s.language_right, s.tickets), 0.90);
}

}  // namespace
}  // namespace solusi
