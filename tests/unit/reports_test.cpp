// The stale report and the gap inbox over a fixture knowledge base and a simulated history of
// searches, views, suggestions, feedback and resolutions (report_fixture.hpp): every reason code with
// its evidence, the impact order, owner grouping, CSV output parsed back, determinism, gap clustering.
#include "reports.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <random>

#include "report_fixture.hpp"
#include "report_sources.hpp"
#include "schema.hpp"
#include "test_support.hpp"

namespace solusi::service {
namespace {

using solusi::testing::at;
using solusi::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends) into rows of fields.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> slugs(const StaleReport& r) {
  std::vector<std::string> out;
  for (const auto& e : r.articles) out.push_back(e.slug);
  return out;
}

std::vector<std::string> codes(const StaleEntry& e) {
  std::vector<std::string> out;
  for (const auto& r : e.reasons) out.push_back(r.code);
  return out;
}

const StaleEntry& entry(const StaleReport& r, const std::string& slug) {
  for (const auto& e : r.articles)
    if (e.slug == slug) return e;
  throw std::runtime_error("not in the report: " + slug);
}

const Reason& reason(const StaleEntry& e, const std::string& code) {
  for (const auto& r : e.reasons)
    if (r.code == code) return r;
  throw std::runtime_error(e.slug + " has no reason " + code);
}

class StaleReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    solusi::testing::write_report_articles(*dir_);
    auto report = index_folder(solusi::testing::index_options(*dir_ / "articles", *dir_ / "index"));
    ASSERT_TRUE(report) << report.error().describe();
    auto store = EventStore::open(*dir_ / "events.db");
    ASSERT_TRUE(store) << store.error().describe();
    solusi::testing::record_report_history(**store);
    auto searcher = Searcher::open(*dir_ / "index");
    ASSERT_TRUE(searcher) << searcher.error().describe();
    auto facts = load_article_facts(searcher->database());
    ASSERT_TRUE(facts) << facts.error().describe();
    facts_ = new std::vector<ArticleFacts>(std::move(*facts));
  }
  void SetUp() override {
    // A failed suite set-up is reported there; the tests must not then read what it did not make.
    ASSERT_NE(facts_, nullptr) << "the suite's set-up failed";
  }

  static void TearDownTestSuite() {
    delete facts_;
    delete dir_;
    facts_ = nullptr;
    dir_ = nullptr;
  }

  static StaleOptions options(const char* as_of = solusi::testing::report_as_of) {
    StaleOptions o;
    o.as_of = *Date::parse(as_of);
    const auto articles = *dir_ / "articles";
    o.file_exists = [articles](const std::string& p) { return std::filesystem::exists(articles / p); };
    return o;
  }

  static StaleReport run(const StaleOptions& o) {
    auto history = load_stale_history(*dir_ / "events.db", o);
    EXPECT_TRUE(history) << history.error().describe();
    return stale_report(*facts_, history ? *history : EventHistory{}, o);
  }

  static TempDir* dir_;
  static std::vector<ArticleFacts>* facts_;
};
TempDir* StaleReportTest::dir_ = nullptr;
std::vector<ArticleFacts>* StaleReportTest::facts_ = nullptr;

TEST_F(StaleReportTest, RanksByImpactWithEveryReasonThatApplies) {
  const StaleReport r = run(options());
  EXPECT_EQ(r.as_of, "2026-06-30");
  EXPECT_EQ(r.articles_checked, 10u);  // published and live: not the draft, the archived, the future one
  EXPECT_TRUE(r.unused_checked);
  EXPECT_EQ(r.usage_since, "2026-03-01");
  ASSERT_THAT(slugs(r), ElementsAre("pembayaran/refund-saldo", "pengiriman/paket-hilang", "akun/otp",
                                    "promo/ramadan", "pembayaran/kartu-kredit", "internal/catatan",
                                    "promo/gajian", "akun/otp-salinan", "en/unused-guide"));
  std::vector<double> impacts;
  for (const auto& e : r.articles) impacts.push_back(e.impact);
  EXPECT_THAT(impacts, ElementsAre(247.5, 16.5, 10.5, 9, 8.4, 8, 5, 1.5, 0.5));
  for (size_t k = 0; k < r.articles.size(); ++k) EXPECT_EQ(r.articles[k].rank, k + 1);

  EXPECT_THAT(codes(r.articles[0]), ElementsAre("review_overdue", "negative_feedback"));
  EXPECT_THAT(codes(r.articles[1]), ElementsAre("broken_links"));
  EXPECT_THAT(codes(r.articles[2]), ElementsAre("duplicate_suspect"));
  EXPECT_THAT(codes(r.articles[3]), ElementsAre("expired"));
  EXPECT_THAT(codes(r.articles[4]),
              ElementsAre("losing_to_gap"));  // old not-helpful votes predate its review
  EXPECT_THAT(codes(r.articles[5]), ElementsAre("never_reviewed"));
  EXPECT_THAT(codes(r.articles[6]), ElementsAre("expiring_soon"));
  EXPECT_THAT(codes(r.articles[7]), ElementsAre("duplicate_suspect"));
  EXPECT_THAT(codes(r.articles[8]), ElementsAre("unused"));
}

TEST_F(StaleReportTest, UsageAndRelianceComeFromTheWindow) {
  const StaleReport r = run(options());
  const StaleEntry& refund = entry(r, "pembayaran/refund-saldo");
  EXPECT_EQ(refund.usage.views, 40);
  EXPECT_EQ(refund.usage.suggested, 10);
  EXPECT_EQ(refund.usage.resolved, 5);
  EXPECT_EQ(refund.reliance, 65);  // 40 + 10 + 3 × 5
  EXPECT_EQ(refund.staleness, 3.75);
  const StaleEntry& otp = entry(r, "akun/otp");
  EXPECT_EQ(otp.usage.views, 20);  // the view of 2026-03-01 is before the window
  EXPECT_EQ(otp.usage.search_hits, 1);
  EXPECT_EQ(entry(r, "internal/catatan").usage.resolved, 1);
}

TEST_F(StaleReportTest, EvidenceOfEachReason) {
  const StaleReport r = run(options());
  const Reason& overdue = reason(entry(r, "pembayaran/refund-saldo"), "review_overdue");
  EXPECT_EQ(overdue.evidence["days_overdue"], 90);
  EXPECT_EQ(overdue.evidence["review_due"], "2026-04-01");
  EXPECT_EQ(overdue.evidence["reviewed"], "2026-01-01");
  EXPECT_EQ(overdue.weight, 2);
  EXPECT_EQ(overdue.summary,
            "review overdue by 90 days (reviewed 2026-01-01, every 90 days, due 2026-04-01)");

  const Reason& negative = reason(entry(r, "pembayaran/refund-saldo"), "negative_feedback");
  EXPECT_EQ(negative.evidence["not_helpful"], 3);
  EXPECT_EQ(negative.evidence["helpful"], 1);
  EXPECT_EQ(negative.evidence["votes"], 4);
  EXPECT_EQ(negative.evidence["share"], 0.75);
  EXPECT_EQ(negative.summary, "3 of 4 votes not helpful (75%) since 2026-01-02");

  const Reason& links = reason(entry(r, "pengiriman/paket-hilang"), "broken_links");
  EXPECT_EQ(links.evidence["links"], nlohmann::json::parse(R"([{"slug":"pengiriman/lama","state":"archived"},
                                      {"slug":"pengiriman/tidak-ada","state":"missing"}])"));
  EXPECT_EQ(links.evidence["files"], nlohmann::json::parse(R"(["img/peta.png"])"));
  EXPECT_EQ(links.weight, 1.5);

  const Reason& dup = reason(entry(r, "akun/otp"), "duplicate_suspect");
  ASSERT_EQ(dup.evidence["articles"].size(), 1u);
  EXPECT_EQ(dup.evidence["articles"][0]["slug"], "akun/otp-salinan");
  EXPECT_GE(dup.evidence["articles"][0]["similarity"].get<double>(), 0.6);
  EXPECT_GE(dup.evidence["articles"][0]["text_similarity"].get<double>(), 0.85);
  EXPECT_EQ(reason(entry(r, "akun/otp-salinan"), "duplicate_suspect").evidence["articles"][0]["slug"],
            "akun/otp");

  const Reason& expired = reason(entry(r, "promo/ramadan"), "expired");
  EXPECT_EQ(expired.evidence["days_ago"], 10);
  EXPECT_EQ(expired.evidence["valid_to"], "2026-06-20");
  const Reason& expiring = reason(entry(r, "promo/gajian"), "expiring_soon");
  EXPECT_EQ(expiring.evidence["days_left"], 10);

  const Reason& gap = reason(entry(r, "pembayaran/kartu-kredit"), "losing_to_gap");
  EXPECT_EQ(gap.evidence["events"],
            4);  // 3 tickets (ZD-502 twice is one) + 1 search (its typed prefix is not)
  EXPECT_EQ(gap.evidence["no_confident_suggestions"], 3);
  EXPECT_EQ(gap.evidence["zero_result_searches"], 1);
  EXPECT_EQ(gap.evidence["terms"], nlohmann::json::parse(R"(["kartu","kredit","refund"])"));
  EXPECT_EQ(
      gap.evidence["examples"],
      nlohmann::json::parse(
          R"(["dana refund cc zamrud belum balik juga","refund kartu zamrud kapan masuk ya","refund kartu kredit zamrud"])"));
  EXPECT_DOUBLE_EQ(gap.weight, 1.4);

  const Reason& unused = reason(entry(r, "en/unused-guide"), "unused");
  EXPECT_EQ(unused.evidence["days"], 90);
  EXPECT_EQ(unused.evidence["since"], "2026-04-02");
  EXPECT_EQ(entry(r, "internal/catatan").owner, "");
}

TEST_F(StaleReportTest, ArticlesAgentsMarkedOutdated) {
  TempDir copy;
  std::filesystem::copy_file(*dir_ / "events.db", copy / "events.db");
  {
    auto store = EventStore::open(copy / "events.db");
    ASSERT_TRUE(store) << store.error().describe();
    // paket-hilang was reviewed 2026-06-15: the flag of 2026-06-10 was answered by that review.
    for (const auto& [ticket, day] : {std::pair{"ZD-900", "2026-06-10"}, std::pair{"ZD-901", "2026-06-20"},
                                      std::pair{"ZD-902", "2026-06-25"}})
      ASSERT_TRUE((*store)->add_feedback(
          solusi::testing::feedback(ticket, "pengiriman/paket-hilang", FeedbackKind::outdated, at(day))));
    // The same agent's ticket flagging it twice is one flag.
    auto again = (*store)->add_feedback(solusi::testing::feedback("ZD-902", "pengiriman/paket-hilang",
                                                                  FeedbackKind::outdated, at("2026-06-26")));
    ASSERT_TRUE(again);
    EXPECT_FALSE(*again);
  }
  const StaleOptions o = options();
  auto history = load_stale_history(copy / "events.db", o);
  ASSERT_TRUE(history) << history.error().describe();
  const StaleReport r = stale_report(*facts_, *history, o);
  const StaleEntry& e = entry(r, "pengiriman/paket-hilang");
  EXPECT_THAT(codes(e), ElementsAre("flagged_outdated", "broken_links"));
  const Reason& flagged = reason(e, "flagged_outdated");
  EXPECT_EQ(flagged.evidence["flags"], 2);
  EXPECT_EQ(flagged.evidence["last_flagged"], "2026-06-25");
  EXPECT_EQ(flagged.evidence["since"], "2026-06-15");
  EXPECT_DOUBLE_EQ(flagged.weight, 1 + 2.0 / 3);
  EXPECT_EQ(flagged.summary, "marked out of date by agents 2 times since 2026-06-15 (last 2026-06-25)");
  EXPECT_EQ(e.staleness, 3.17);  // 1.67 + broken_links 1.5
  EXPECT_EQ(e.impact, 34.87);    // (1 + reliance 10) × 3.17
  EXPECT_EQ(e.rank, 2u);
  const auto& logistics = r.owners[1];
  EXPECT_EQ(logistics.owner, "tim-logistik");
  EXPECT_THAT(logistics.reasons, ElementsAre(std::pair<std::string, size_t>{"flagged_outdated", 1},
                                             std::pair<std::string, size_t>{"broken_links", 1}));
  // Every other article is as it was.
  const StaleReport before = run(o);
  ASSERT_EQ(before.articles.size(), r.articles.size());
  for (const auto& b : before.articles)
    if (b.slug != e.slug) {
      EXPECT_EQ(to_json(entry(r, b.slug)).dump(), to_json(b).dump()) << b.slug;
    }
}

TEST_F(StaleReportTest, ALimitKeepsTheFirstRowsAndCountsOverAll) {
  const StaleReport full = run(options());
  StaleOptions o = options();
  o.limit = 3;
  const StaleReport r = run(o);
  EXPECT_EQ(r.listed, 9u);
  EXPECT_EQ(r.limit, 3u);
  ASSERT_EQ(r.articles.size(), 3u);
  for (size_t k = 0; k < 3; ++k) EXPECT_EQ(to_json(r.articles[k]), to_json(full.articles[k]));
  ASSERT_EQ(r.owners.size(), full.owners.size());
  size_t rows = 0;
  for (size_t q = 0; q < r.owners.size(); ++q) {
    EXPECT_EQ(r.owners[q].owner, full.owners[q].owner);
    EXPECT_EQ(r.owners[q].count, full.owners[q].entries.size());
    EXPECT_EQ(r.owners[q].reasons, full.owners[q].reasons);
    for (size_t k : r.owners[q].entries) EXPECT_LT(k, 3u);
    rows += r.owners[q].entries.size();
  }
  EXPECT_EQ(rows, 3u);
  const auto j = to_json(r);
  EXPECT_EQ(j["count"], 9);
  EXPECT_EQ(j["returned"], 3);
  EXPECT_EQ(j["limit"], 3);
  EXPECT_EQ(j["owners"][0]["count"], full.owners[0].entries.size());
  EXPECT_EQ(to_json(full)["limit"], nlohmann::json());
  EXPECT_EQ(parse_csv(to_csv(r)).size(), 4u);  // the header and three rows
  EXPECT_THAT(to_text(r), HasSubstr("Showing the first 3 (limit); the counts are over all 9."));
}

TEST_F(StaleReportTest, JsonTextIsTheJsonDocumentDumped) {
  for (size_t limit : {size_t{0}, size_t{2}}) {
    StaleOptions o = options();
    o.limit = limit;
    const StaleReport r = run(o);
    EXPECT_EQ(to_json_text(r), to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  // Strings that need escaping, invalid UTF-8 and numbers of every kind.
  StaleReport r;
  r.as_of = "2026-06-30";
  r.listed = 1;
  StaleEntry e;
  e.rank = 1;
  e.slug = "a/\"quoted\"";
  e.title = std::string("Tab\tnew\nline \xc3\xa9 bad \xff end");
  e.impact = 8;
  e.staleness = 1.5;
  e.reliance = 0.1 + 0.2;
  e.reviewed = "2026-01-01";
  e.reasons.push_back(Reason{"unused", 0.5, "back\\slash", {{"n", 1}, {"x", "\x01"}}});
  r.articles.push_back(e);
  r.owners.push_back(OwnerQueue{"", {0}, {{"unused", 1}, {"expired", 2}}, 1});
  EXPECT_EQ(to_json_text(r), to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  // With the leads' actions on it (lead_actions.hpp).
  r.articles[0].state.assigned_to = "dewi \"d\"";
  r.articles[0].state.snoozed_until = Date::parse("2026-07-15").value();
  r.articles[0].state.last = ItemAction{"snooze", "sari", 1780000000, "after\nthe release"};
  r.articles[0].hidden = true;
  r.hidden = 2;
  EXPECT_EQ(to_json_text(r), to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  EXPECT_EQ(to_json(r)["articles"][0]["state"]["snoozed_until"], "2026-07-15");
}

TEST(GapReport, AClusterIdDependsOnItsCoreStemsOnly) {
  EXPECT_EQ(gap_id({"kripto"}), gap_id({"kripto"}));
  EXPECT_NE(gap_id({"kripto"}), gap_id({"kripto", "aktivasi"}));
  EXPECT_THAT(gap_id({"kripto"}), ::testing::MatchesRegex("g[0-9a-f]{16}"));

  GapReport r;
  for (const char* label : {"a", "b", "c"}) {
    GapCluster c;
    c.label = label;
    c.id = gap_id({label});
    r.clusters.push_back(c);
  }
  std::unordered_map<std::string, ItemState> states;
  states[gap_id({"a"})].snoozed_until = Date::parse("2026-07-10").value();
  states[gap_id({"b"})].assigned_to = "dewi";
  GapReport hidden = r;
  apply_gap_states(hidden, states, *Date::parse("2026-07-01"), false);
  ASSERT_EQ(hidden.clusters.size(), 2u);
  EXPECT_EQ(hidden.hidden, 1u);
  EXPECT_EQ(hidden.clusters[0].state.assigned_to, "dewi");
  EXPECT_EQ(to_json(hidden)["hidden"], 1);
  EXPECT_EQ(to_json(hidden)["clusters"][0]["state"]["assigned_to"], "dewi");
  GapReport shown = r;
  apply_gap_states(shown, states, *Date::parse("2026-07-01"), true);
  ASSERT_EQ(shown.clusters.size(), 3u);
  EXPECT_TRUE(shown.clusters[0].hidden);
  GapReport back = r;
  apply_gap_states(back, states, *Date::parse("2026-07-10"), false);
  EXPECT_EQ(back.clusters.size(), 3u);
}

TEST_F(StaleReportTest, SnoozedAndDismissedArticlesAreLeftOutUnlessAskedFor) {
  const StaleReport all = run(options());
  ASSERT_GE(all.articles.size(), 3u);
  const std::string snoozed = all.articles[0].slug, dismissed = all.articles[1].slug;
  auto loaded = load_stale_history(*dir_ / "events.db", options());
  ASSERT_TRUE(loaded) << loaded.error().describe();
  EventHistory events = *loaded;
  ItemState s;
  s.snoozed_until = options().as_of.plus_days(5);
  events.states[snoozed] = s;
  ItemState d;
  d.dismissed = true;
  d.assigned_to = "dewi";
  events.states[dismissed] = d;
  ItemState assigned;
  assigned.assigned_to = "budi";
  events.states[all.articles[2].slug] = assigned;

  StaleOptions o = options();
  StaleReport r = stale_report(*facts_, events, o);
  EXPECT_EQ(r.listed, all.listed - 2);
  EXPECT_EQ(r.hidden, 2u);
  for (const auto& e : r.articles) EXPECT_TRUE(e.slug != snoozed && e.slug != dismissed) << e.slug;
  EXPECT_EQ(r.articles[0].slug, all.articles[2].slug);
  EXPECT_EQ(r.articles[0].rank, 1u);
  EXPECT_EQ(r.articles[0].state.assigned_to, "budi");

  o.include_hidden = true;
  r = stale_report(*facts_, events, o);
  EXPECT_EQ(r.listed, all.listed);
  EXPECT_EQ(r.hidden, 0u);
  EXPECT_TRUE(r.articles[0].hidden);
  EXPECT_TRUE(r.articles[1].hidden);
  EXPECT_FALSE(r.articles[2].hidden);

  // The snooze's day: back; the dismissal has no end.
  o = options();
  o.as_of = o.as_of.plus_days(5);
  r = stale_report(*facts_, events, o);
  const auto listed = [&](const std::string& slug) {
    return std::any_of(r.articles.begin(), r.articles.end(),
                       [&](const StaleEntry& e) { return e.slug == slug; });
  };
  EXPECT_TRUE(listed(snoozed));
  EXPECT_FALSE(listed(dismissed));
}

TEST_F(StaleReportTest, GroupsByOwnerWithCounts) {
  const StaleReport r = run(options());
  std::vector<std::string> owners;
  for (const auto& q : r.owners) owners.push_back(q.owner);
  EXPECT_THAT(owners,
              ElementsAre("tim-pembayaran", "tim-logistik", "tim-akun", "tim-promo", "", "support-leads"));
  const auto json = to_json(r);
  EXPECT_EQ(json["owners"][0]["count"], 2);
  EXPECT_EQ(json["owners"][0]["slugs"],
            nlohmann::json::parse(R"(["pembayaran/refund-saldo","pembayaran/kartu-kredit"])"));
  EXPECT_EQ(json["owners"][0]["reasons"],
            nlohmann::json::parse(R"({"review_overdue":1,"negative_feedback":1,"losing_to_gap":1})"));
  EXPECT_EQ(json["owners"][2]["reasons"], nlohmann::json::parse(R"({"duplicate_suspect":2})"));
  EXPECT_EQ(json["count"], 9);
  EXPECT_EQ(json["articles"][0]["reasons"][0]["code"], "review_overdue");
}

TEST_F(StaleReportTest, FiltersByOwnerAndCategoryButComparesWithEveryArticle) {
  StaleOptions o = options();
  o.owner = "TIM-AKUN";  // case-insensitive
  const StaleReport akun = run(o);
  EXPECT_THAT(slugs(akun), ElementsAre("akun/otp", "akun/otp-salinan"));
  EXPECT_EQ(akun.articles_checked, 3u);  // otp, otp-salinan, baru
  EXPECT_EQ(akun.articles[0].rank, 1u);

  StaleOptions c = options();
  c.category = "promo";
  EXPECT_THAT(slugs(run(c)), ElementsAre("promo/ramadan", "promo/gajian"));
  c.owner = "tim-akun";
  EXPECT_TRUE(run(c).articles.empty());
}

TEST_F(StaleReportTest, TheSameInputsGiveTheSameReport) {
  const StaleOptions o = options();
  auto history = load_stale_history(*dir_ / "events.db", o);
  ASSERT_TRUE(history);
  const std::string first = to_json(stale_report(*facts_, *history, o)).dump();
  std::vector<ArticleFacts> shuffled = *facts_;
  std::mt19937 rng(7);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  std::reverse(history->gaps.begin(), history->gaps.end());
  EXPECT_EQ(to_json(stale_report(shuffled, *history, o)).dump(), first);
  EXPECT_EQ(to_json(run(o)).dump(), first);
}

TEST_F(StaleReportTest, ABaseServesEveryDayWithTheSameLiveArticles) {
  // akun/jadwal is published from 2026-08-01: a base of 2026-06-30 serves 2026-07-31, not 2026-08-01.
  const StaleBase base = stale_base(*facts_, options());
  EXPECT_TRUE(base_serves(base, *facts_, options()));
  EXPECT_TRUE(base_serves(base, *facts_, options("2026-07-31")));
  EXPECT_FALSE(base_serves(base, *facts_, options("2026-08-01")));
  StaleOptions stricter = options();
  stricter.duplicate_threshold = 0.9;
  EXPECT_FALSE(base_serves(base, *facts_, stricter));
  const std::vector<ArticleFacts> copy = *facts_;
  EXPECT_FALSE(base_serves(base, copy, options()));  // the base points into the articles it was built from
  // A report from a kept base is the report built from scratch, for another day it serves too.
  for (const char* day : {solusi::testing::report_as_of, "2026-07-31"}) {
    auto history = load_stale_history(*dir_ / "events.db", options(day));
    ASSERT_TRUE(history) << history.error().describe();
    EXPECT_EQ(to_json_text(stale_report(base, *history, options(day))), to_json_text(run(options(day))))
        << day;
  }
  EXPECT_EQ(base.duplicates.size(), 2u);  // akun/otp and akun/otp-salinan, each other's near-copy
}

TEST_F(StaleReportTest, UnusedIsNotJudgedBeforeTheLogCoversTheWindow) {
  // As of 2026-05-15 the window starts 2026-02-15, before the first logged view (2026-03-01).
  const StaleReport r = run(options("2026-05-15"));
  EXPECT_FALSE(r.unused_checked);
  for (const auto& e : r.articles)
    for (const auto& reason : e.reasons) EXPECT_NE(reason.code, "unused") << e.slug;
  EXPECT_THAT(to_text(r), HasSubstr("'unused' not judged: the usage log starts 2026-03-01"));
}

TEST_F(StaleReportTest, WithoutAnEventsFileOnlyTheArticlesSpeak) {
  StaleOptions o = options();
  auto history = load_stale_history(*dir_ / "no-such-events.db", o);
  ASSERT_TRUE(history) << history.error().describe();
  const StaleReport r = stale_report(*facts_, *history, o);
  EXPECT_FALSE(r.unused_checked);
  EXPECT_EQ(entry(r, "pembayaran/refund-saldo").impact, 2);  // (1 + 0) × review_overdue 2
  o.file_exists = nullptr;
  const StaleReport no_files = stale_report(*facts_, *history, o);
  EXPECT_FALSE(no_files.files_checked);
  EXPECT_EQ(reason(entry(no_files, "pengiriman/paket-hilang"), "broken_links").evidence["files"].size(), 0u);
}

TEST_F(StaleReportTest, CsvParsesBackToTheReportRows) {
  const StaleReport r = run(options());
  const auto rows = parse_csv(to_csv(r));
  ASSERT_EQ(rows.size(), r.articles.size() + 1);
  EXPECT_THAT(rows[0], ElementsAre("rank", "owner", "slug", "title", "category", "lang", "impact",
                                   "staleness", "reliance", "views", "search_hits", "suggested", "resolved",
                                   "reasons", "evidence"));
  for (size_t k = 0; k < r.articles.size(); ++k) {
    const auto& e = r.articles[k];
    const auto& row = rows[k + 1];
    ASSERT_EQ(row.size(), 15u) << k;
    EXPECT_EQ(row[0], std::to_string(e.rank));
    EXPECT_EQ(row[1], e.owner);
    EXPECT_EQ(row[2], e.slug);
    EXPECT_EQ(row[3], e.title);
    EXPECT_DOUBLE_EQ(std::stod(row[6]), e.impact);
    EXPECT_EQ(row[9], std::to_string(e.usage.views));
    std::string joined;
    for (const auto& c : codes(e)) joined += (joined.empty() ? "" : " ") + c;
    EXPECT_EQ(row[13], joined);
  }
  // The quoted examples of losing_to_gap survive the round trip.
  EXPECT_THAT(rows[5][14], HasSubstr("\"dana refund cc zamrud belum balik juga\""));
}

/// The facts of @p f as one comparable text.
std::string facts_text(const ArticleFacts& f) {
  std::string out = f.meta.to_json().dump() + "|";
  for (const auto& s : f.key_stems) out += s + ",";
  out += "|";
  for (const auto& s : f.title_stems) out += s + ",";
  out += "|";
  for (auto h : f.sketch) out += std::to_string(h) + ",";
  return out;
}

TEST_F(StaleReportTest, FactsStoredByTheIndexerAreTheFactsOfTheDocument) {
  auto searcher = Searcher::open(*dir_ / "index");
  ASSERT_TRUE(searcher) << searcher.error().describe();
  const Xapian::Database& db = searcher->database();
  ASSERT_EQ(facts_->size(), db.get_doccount());
  TermExtractor terms;
  size_t k = 0, with_slot = 0;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it, ++k) {
    const Xapian::Document doc = db.get_document(*it);
    if (!doc.get_value(schema::slot(schema::Slot::report_facts)).empty()) ++with_slot;
    const ArticleFacts computed = article_facts(read_stored(doc, stored_text), terms);
    EXPECT_EQ(facts_text((*facts_)[k]), facts_text(computed)) << computed.meta.slug;
  }
  EXPECT_EQ(with_slot, db.get_doccount());
}

TEST_F(StaleReportTest, AnIndexWithoutStoredFactsStillGivesTheSameReport) {
  TempDir copy;
  std::filesystem::copy(*dir_ / "index", copy.path() / "index", std::filesystem::copy_options::recursive);
  {
    Xapian::WritableDatabase db((copy.path() / "index").string(), Xapian::DB_OPEN);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      Xapian::Document doc = db.get_document(*it);
      doc.remove_value(schema::slot(schema::Slot::report_facts));
      db.replace_document(*it, doc);
    }
    db.commit();
  }
  {  // and one whose stored facts are of another format: read from the document instead
    Xapian::WritableDatabase db((copy.path() / "index").string(), Xapian::DB_OPEN);
    Xapian::Document doc = db.get_document(1);
    doc.add_value(schema::slot(schema::Slot::report_facts), std::string("\x7fnot facts"));
    db.replace_document(1, doc);
    db.commit();
  }
  Xapian::Database db((copy.path() / "index").string());
  auto facts = load_article_facts(db);
  ASSERT_TRUE(facts) << facts.error().describe();
  ASSERT_EQ(facts->size(), facts_->size());
  for (size_t k = 0; k < facts->size(); ++k) EXPECT_EQ(facts_text((*facts)[k]), facts_text((*facts_)[k]));
  auto history = load_stale_history(*dir_ / "events.db", options());
  ASSERT_TRUE(history);
  EXPECT_EQ(to_json(stale_report(*facts, *history, options())), to_json(run(options())));
}

TEST(ReportFacts, EncodeDecodeRoundTripAndRejectsDamage) {
  StoredArticle a;
  a.slug = "akun/otp";
  a.path = "akun/otp.md";
  a.title = "Kode OTP tidak masuk";
  a.lang = "id";
  a.tags = {"otp", "sms"};
  a.owner = "tim-akun";
  a.status = "published";
  a.audience = "public";
  a.review_every_days = 30;
  a.reviewed = "2026-01-02";
  a.valid_to = "2027-01-01";
  a.links = {"akun/sandi"};
  a.files = {"img/otp.png"};
  a.text = "Kode OTP dikirim lewat SMS. Tunggu satu menit lalu minta kode baru.";
  TermExtractor terms;
  const ReportKeys keys = report_keys(a, terms);
  EXPECT_FALSE(keys.key_stems.empty());
  EXPECT_FALSE(keys.sketch.empty());
  const std::string value = encode_report_facts(a, keys);
  StoredArticle b;
  ReportKeys k;
  ASSERT_TRUE(decode_report_facts(value, b, k));
  StoredArticle expected = a;
  expected.text.clear();
  EXPECT_EQ(b.to_json(), expected.to_json());
  EXPECT_EQ(k.key_stems, keys.key_stems);
  EXPECT_EQ(k.title_stems, keys.title_stems);
  EXPECT_EQ(k.sketch, keys.sketch);
  for (size_t cut : {size_t{0}, size_t{1}, value.size() / 2, value.size() - 1})
    EXPECT_FALSE(decode_report_facts(std::string_view(value).substr(0, cut), b, k)) << cut;
  EXPECT_FALSE(decode_report_facts(value + "x", b, k));
  std::string other_version = value;
  other_version[0] = 2;
  EXPECT_FALSE(decode_report_facts(other_version, b, k));
}

TEST(Csv, QuotesAndDefusesFormulas) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(csv_field("+1"), "'+1");
  EXPECT_EQ(csv_field("@sum"), "'@sum");
  EXPECT_EQ(parse_csv("a,\"b,c\",\"d\"\"e\"\r\n")[0], (std::vector<std::string>{"a", "b,c", "d\"e"}));
}

TEST_F(StaleReportTest, TextListsEachOwnersQueue) {
  const std::string text = to_text(run(options()));
  EXPECT_THAT(text, HasSubstr("Stale report as of 2026-06-30: 9 of 10 published articles need attention"));
  EXPECT_THAT(
      text, HasSubstr("tim-pembayaran: 2 articles (review_overdue 1, negative_feedback 1, losing_to_gap 1)"));
  EXPECT_THAT(text, HasSubstr("  1. Refund belum masuk ke saldo  [pembayaran/refund-saldo]"));
  EXPECT_THAT(text, HasSubstr("(no owner): 1 article (never_reviewed 1)"));
  EXPECT_LT(text.find("tim-pembayaran:"), text.find("tim-logistik:"));
  EXPECT_LT(text.find("tim-logistik:"), text.find("tim-akun:"));
}

// ------------------------------------------------------------------------------------------------
// Sketches

TEST(Sketch, ExactForShortTextsAndLowForUnrelatedOnes) {
  TermExtractor terms;
  StoredArticle a, b, c;
  a.text = "satu dua tiga empat lima";  // pairs: 4
  b.text = "satu dua tiga empat enam";  // shares 3 of 5 distinct pairs
  c.text = "ongkos kirim dihitung dari berat paket";
  a.lang = b.lang = c.lang = "id";
  const auto fa = article_facts(a, terms), fb = article_facts(b, terms), fc = article_facts(c, terms);
  EXPECT_DOUBLE_EQ(sketch_similarity(fa.sketch, fb.sketch), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(sketch_similarity(fa.sketch, fa.sketch), 1.0);
  EXPECT_DOUBLE_EQ(sketch_similarity(fa.sketch, fc.sketch), 0.0);
  EXPECT_TRUE(fa.meta.text.empty());  // the text is not kept
}

// ------------------------------------------------------------------------------------------------
// The gap inbox

GapEvent event(GapEvent::Kind kind, std::int64_t when, std::string text, std::vector<std::string> stems,
               std::string slug = "", double confidence = 0) {
  GapEvent e;
  e.kind = kind;
  e.at = when;
  e.text = std::move(text);
  e.lang = "id";
  e.words = stems;
  e.stems = std::move(stems);
  e.slug = std::move(slug);
  e.confidence = confidence;
  return e;
}

std::vector<ArticleFacts> gap_articles() {
  TermExtractor terms;
  std::vector<ArticleFacts> out;
  for (auto [slug, title, tags] : {std::tuple{"pembayaran/cicilan", "Cicilan kartu kredit", "cicilan"},
                                   std::tuple{"pengiriman/ongkir", "Ongkos kirim mahal", "ongkir"},
                                   std::tuple{"akun/otp", "Kode OTP tidak masuk", "otp"}}) {
    StoredArticle a;
    a.slug = slug;
    a.title = title;
    a.tags = {tags};
    a.lang = "id";
    a.status = "published";
    out.push_back(article_facts(a, terms));
  }
  return out;
}

GapOptions gap_options() {
  GapOptions o;
  o.since = at("2026-06-01", 0);
  o.until = at("2026-07-01", 0);
  o.article_count = 3;
  o.stem_articles = {{"cicil", 1}, {"kartu", 1}, {"kredit", 1}, {"ongkir", 1}, {"kirim", 1}, {"otp", 1}};
  return o;
}

TEST(GapInbox, ThreeWordingsOfOneMissingTopicFormOneCluster) {
  using K = GapEvent::Kind;
  std::vector<GapEvent> events{
      event(K::zero_result, at("2026-06-03"), "cara daftar paylater", {"cara", "daftar", "paylater"}),
      event(K::no_confident_suggestion, at("2026-06-05"), "Kak paylater saya ditolak terus kenapa ya",
            {"paylater", "tolak"}, "pembayaran/cicilan", 0.25),
      event(K::no_click, at("2026-06-09"), "limit paylater tidak muncul", {"limit", "paylater", "muncul"}),
      event(K::zero_result, at("2026-06-10"), "voucher ulang tahun", {"voucher", "ulang", "tahun"}),
      event(K::zero_result, at("2026-06-12"), "ganti bahasa aplikasi", {"ganti", "bahasa", "aplikasi"}),
      event(K::zero_result, at("2026-06-14"), "cara daftar paylater", {"cara", "daftar", "paylater"}),
      event(K::zero_result, at("2026-05-20"), "paylater lama", {"paylater"}),  // before since
  };
  const GapReport r = gap_report(gap_articles(), events, gap_options());
  EXPECT_EQ(r.events, 6u);
  ASSERT_EQ(r.clusters.size(), 3u);
  const GapCluster& paylater = r.clusters[0];
  EXPECT_EQ(paylater.count, 4u);
  EXPECT_EQ(paylater.label, "paylater");
  EXPECT_EQ(paylater.terms, (std::vector<std::string>{"paylater", "cara", "daftar"}));
  EXPECT_EQ(paylater.kinds[static_cast<size_t>(K::zero_result)], 2u);
  EXPECT_EQ(paylater.kinds[static_cast<size_t>(K::no_click)], 1u);
  EXPECT_EQ(paylater.kinds[static_cast<size_t>(K::no_confident_suggestion)], 1u);
  EXPECT_EQ(paylater.first_seen, at("2026-06-03"));
  EXPECT_EQ(paylater.last_seen, at("2026-06-14"));
  // The repeated wording first, then the most recent ones, as written.
  EXPECT_EQ(paylater.examples,
            (std::vector<std::string>{"cara daftar paylater", "limit paylater tidak muncul",
                                      "Kak paylater saya ditolak terus kenapa ya"}));
  ASSERT_TRUE(paylater.nearest);
  EXPECT_EQ(paylater.nearest->slug, "pembayaran/cicilan");
  EXPECT_EQ(paylater.nearest->via, "suggester");
  EXPECT_EQ(paylater.draft["subject"], "cara daftar paylater");
  EXPECT_THAT(paylater.draft["body"].get<std::string>(),
              HasSubstr("Pelanggan dan agen mencari topik ini 4 kali antara 2026-06-03 dan 2026-06-14"));
  EXPECT_THAT(paylater.draft["body"].get<std::string>(), HasSubstr("- limit paylater tidak muncul\n"));
  // The unrelated ones stay apart, the newest first among equals.
  EXPECT_EQ(r.clusters[1].examples, std::vector<std::string>{"ganti bahasa aplikasi"});
  EXPECT_EQ(r.clusters[2].examples, std::vector<std::string>{"voucher ulang tahun"});
  EXPECT_FALSE(r.clusters[1].nearest);
}

TEST(GapInbox, ACommonWordAloneDoesNotMergeTwoTopics) {
  using K = GapEvent::Kind;
  // "refund" is in many articles; "zamrud" and "paylater" in none.
  GapOptions o = gap_options();
  o.article_count = 50;
  o.stem_articles["refund"] = 30;
  std::vector<GapEvent> events{
      event(K::zero_result, at("2026-06-02"), "refund kartu zamrud", {"refund", "kartu", "zamrud"}),
      event(K::zero_result, at("2026-06-03"), "refund paylater", {"refund", "paylater"}),
      event(K::zero_result, at("2026-06-04"), "zamrud refund lama", {"zamrud", "refund"}),
      event(K::zero_result, at("2026-06-05"), "paylater refund gagal", {"paylater", "refund", "gagal"}),
  };
  const GapReport r = gap_report(gap_articles(), events, o);
  ASSERT_EQ(r.clusters.size(), 2u);
  EXPECT_EQ(r.clusters[0].count, 2u);
  EXPECT_EQ(r.clusters[1].count, 2u);
  EXPECT_EQ(r.clusters[0].label, "paylater refund");  // the newest cluster first among equals
  EXPECT_EQ(r.clusters[1].label, "zamrud refund");
}

TEST(GapInbox, NearestArticleByTermsAndCsv) {
  using K = GapEvent::Kind;
  std::vector<GapEvent> events{
      event(K::no_click, at("2026-06-02"), "ongkir mahal banget", {"ongkir", "mahal"}),
      event(K::no_click, at("2026-06-03"), "=ongkir mahal", {"ongkir", "mahal"}),
  };
  const GapReport r = gap_report(gap_articles(), events, gap_options());
  ASSERT_EQ(r.clusters.size(), 1u);
  ASSERT_TRUE(r.clusters[0].nearest);
  EXPECT_EQ(r.clusters[0].nearest->slug, "pengiriman/ongkir");
  EXPECT_EQ(r.clusters[0].nearest->via, "terms");
  const auto rows = parse_csv(to_csv(r));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "label");
  EXPECT_EQ(rows[1][1], "2");
  EXPECT_EQ(rows[1][3], "2");               // no_click
  EXPECT_EQ(rows[1][9], "'=ongkir mahal");  // a formula is defused
  EXPECT_EQ(rows[1][12], "pengiriman/ongkir");
  const auto j = to_json(r);
  EXPECT_EQ(j["since"], "2026-06-01");
  EXPECT_EQ(j["until"], "2026-06-30");
  EXPECT_EQ(j["clusters"][0]["kinds"]["no_click"], 2);
  EXPECT_EQ(j["clusters"][0]["first_seen"], "2026-06-02T10:00:00Z");
}

TEST(GapInbox, EventsFromEventsDb) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  std::vector<UsageEvent> usage{
      // zero result
      SearchEvent{at("2026-06-02"), "cicilan paylater", "id", 0, {}, "rina"},
      // typed on: superseded by the next one within 30 s
      SearchEvent{at("2026-06-03"), "paylater dito", "id", 0, {}, "rina"},
      SearchEvent{at("2026-06-03") + 3, "paylater ditolak", "id", 2, {"a"}, "rina"},
      ViewEvent{at("2026-06-03") + 60, "a", "rina"},
      // clicked: a view by the same agent 5 minutes later
      SearchEvent{at("2026-06-04"), "ongkir mahal", "id", 3, {"b"}, "rina"},
      ViewEvent{at("2026-06-04") + 300, "b", "rina"},
      // not clicked: only another agent viewed something
      SearchEvent{at("2026-06-05"), "ongkir naik", "id", 3, {"b"}, "rina"},
      ViewEvent{at("2026-06-05") + 60, "b", "budi"},
      // too recent to judge (now is 2026-06-20 10:00)
      SearchEvent{at("2026-06-20", 9, 55), "ongkir hari ini", "id", 3, {"b"}, "rina"},
  };
  ASSERT_TRUE(write_usage(**store, usage));
  ASSERT_TRUE((*store)->log_suggestion(
      solusi::testing::suggestion("T-1", at("2026-06-06"), {}, true, "refund zamrud",
                                  solusi::testing::ticket_terms({"refund", "zamrud"}), "x", 0.1)));
  ASSERT_TRUE((*store)->log_suggestion(
      solusi::testing::suggestion("T-1", at("2026-06-07"), {}, true, "refund zamrud lagi",
                                  solusi::testing::ticket_terms({"refund", "zamrud"}))));
  ASSERT_TRUE((*store)->log_suggestion(
      solusi::testing::suggestion("T-2", at("2026-06-07"), {"a"}, false, "confident")));
  ASSERT_TRUE((*store)->remember_ticket({"T-3", "id", solusi::testing::ticket_terms({"otp", "telat"}),
                                         "OTP telat terus", at("2026-06-08"), ""}));
  FeedbackEvent vote =
      solusi::testing::feedback("T-3", "akun/otp", FeedbackKind::not_helpful, at("2026-06-08"));
  vote.terms = solusi::testing::ticket_terms({"otp", "telat"});
  ASSERT_TRUE((*store)->add_feedback(vote));

  auto events =
      load_gap_events(dir / "events.db", at("2026-06-01", 0), at("2026-07-01", 0), at("2026-06-20"));
  ASSERT_TRUE(events) << events.error().describe();
  std::vector<std::string> seen;
  for (const auto& e : *events) seen.push_back(std::string(to_string(e.kind)) + ": " + e.text);
  EXPECT_THAT(seen,
              ElementsAre("zero_result: cicilan paylater", "no_click: ongkir naik",
                          "no_confident_suggestion: refund zamrud lagi", "not_helpful: OTP telat terus"));
  EXPECT_THAT(events->front().stems, ElementsAre("cicil", "paylater"));
  EXPECT_THAT(events->front().words, ElementsAre("cicilan", "paylater"));
  EXPECT_EQ(events->back().slug, "akun/otp");
}

TEST(GapInbox, ATooOldOrNewerDatabaseIsRefused) {
  TempDir dir;
  { ASSERT_TRUE(EventStore::open(dir / "events.db")); }
  sqlite3* db = nullptr;
  sqlite3_open((dir / "events.db").c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 2", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto events = load_gap_events(dir / "events.db", 0, 1, 1);
  ASSERT_FALSE(events);
  EXPECT_THAT(events.error().message, HasSubstr("has schema version 2, this build reads " +
                                                std::to_string(EventStore::schema_version)));
}

// ------------------------------------------------------------------------------------------------
// Searches judged one by one: the stage that decides (search_gap) and the one that counts by day
// (count_search_days), with plain values.

TEST(SearchOutcomes, ASearchIsAGapUnlessSomethingWasOpenedFromIt) {
  const std::int64_t now = 10'000;
  EXPECT_EQ(search_gap({now - 5, 0, false}, now, 600), SearchGap::zero_result);  // judged at once
  EXPECT_EQ(search_gap({now - 600, 4, false}, now, 600), SearchGap::no_click);
  EXPECT_EQ(search_gap({now - 599, 4, false}, now, 600), std::nullopt);  // an agent may still click
  EXPECT_EQ(search_gap({now - 5000, 4, true}, now, 600), std::nullopt);
  EXPECT_EQ(search_gap({now - 5000, 0, true}, now, 600), std::nullopt);
}

TEST(SearchOutcomes, TheUnansweredShareCountsJudgedSearchesByDay) {
  const Date d1 = *Date::parse("2026-06-01");
  const std::int64_t day1 = d1.days_since_epoch() * 86400;
  const std::int64_t now = day1 + 86400 + 3600;                             // 2026-06-02 01:00
  const std::vector<SearchOutcome> searches{{day1 + 10, 0, false},          // found nothing: unanswered
                                            {day1 + 20, 3, true},           // a result opened: answered
                                            {day1 + 30, 3, false},          // nothing opened: unanswered
                                            {day1 + 40, 2, true},           // answered
                                            {now - 60, 0, false},           // too recent: counted, not judged
                                            {day1 - 1, 0, false},           // before the window
                                            {day1 + 3 * 86400, 0, false}};  // after it
  const auto days = count_search_days(searches, d1, d1.plus_days(1), now, 600);
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].day, "2026-06-01");
  EXPECT_EQ(days[0].searches, 4);
  EXPECT_EQ(days[0].zero_results, 1);
  EXPECT_EQ(days[0].judged, 4);
  EXPECT_EQ(days[0].unanswered, 2);
  EXPECT_EQ(days[1].searches, 1);
  EXPECT_EQ(days[1].zero_results, 1);
  EXPECT_EQ(days[1].judged, 0);
  EXPECT_EQ(days[1].unanswered, 0);
  const SearchTotals t = search_totals(days);
  EXPECT_EQ(t.searches, 5);
  EXPECT_EQ(t.judged, 4);
  EXPECT_EQ(t.unanswered, 2);
  EXPECT_DOUBLE_EQ(t.unanswered_share, 0.5);
  EXPECT_DOUBLE_EQ(search_totals({}).unanswered_share, 0);  // nothing judged: 0, not NaN
  EXPECT_TRUE(count_search_days(searches, d1.plus_days(1), d1, now).empty());
}

TEST(GapInbox, AnsweredTicketsAndOtherSourcesAreNotGaps) {
  TempDir dir;
  auto store = EventStore::open(dir / "events.db");
  ASSERT_TRUE(store);
  auto ticket = [&](const std::string& id, std::int64_t when, bool gap, EventSource source) {
    auto s = solusi::testing::suggestion(id, when, {}, gap, "refund zamrud " + id,
                                         solusi::testing::ticket_terms({"refund", "zamrud"}), "x", 0.1);
    s.source = source;
    ASSERT_TRUE((*store)->log_suggestion(s));
  };
  ticket("T-1", at("2026-06-02"), true, EventSource::ticket_system);  // unanswered: a gap
  ticket("T-2", at("2026-06-03"), true, EventSource::ticket_system);
  ticket("T-2", at("2026-06-04"), false, EventSource::ticket_system);  // answered confidently later
  ticket("T-3", at("2026-06-05"), true, EventSource::page);
  ASSERT_TRUE((*store)->add_feedback(  // resolved by some article
      solusi::testing::feedback("T-3", "y", FeedbackKind::resolved, at("2026-06-06"))));
  ticket("T-4", at("2026-06-07"), true, EventSource::api);  // another API client's
  ticket("T-5", at("2026-06-08"), true, EventSource::page);
  FeedbackEvent helpful = solusi::testing::feedback("T-5", "y", FeedbackKind::helpful, at("2026-06-09"));
  ASSERT_TRUE((*store)->add_feedback(helpful));
  ASSERT_TRUE((*store)->withdraw_feedback("T-5", "y", FeedbackKind::helpful, "sari"));  // taken back

  auto texts = [&](const SourceFilter& sources) {
    std::vector<std::string> out;
    auto events = load_gap_events(dir / "events.db", at("2026-06-01", 0), at("2026-07-01", 0),
                                  at("2026-06-20"), Lang::id, sources);
    EXPECT_TRUE(events) << events.error().describe();
    if (events)
      for (const auto& e : *events) out.push_back(e.text);
    return out;
  };
  EXPECT_THAT(texts({}), ElementsAre("refund zamrud T-1", "refund zamrud T-5"));
  EXPECT_THAT(texts(SourceFilter::all()),
              ElementsAre("refund zamrud T-1", "refund zamrud T-4", "refund zamrud T-5"));
}
}  // namespace
}  // namespace solusi::service
