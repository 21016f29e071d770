// The real `solusi stale` binary over the report fixture (report_fixture.hpp): table, JSON and CSV
// output, filters, exit codes, and --notify against a loopback webhook receiver (with --dry-run,
// retries, a refusing receiver, the config file's notify_webhook).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "events.hpp"
#include "report_fixture.hpp"
#include "test_support.hpp"
#include "webhook_receiver.hpp"

namespace solusi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::run_solusi;
using ::testing::StartsWith;
using testing::TempDir;
using testing::WebhookReceiver;

std::string output(const testing::ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

std::vector<std::string> json_slugs(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& a : report["articles"]) out.push_back(a["slug"]);
  return out;
}

class CliStale : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    testing::write_report_articles(*dir_);
    const auto r = run_solusi({"index", "--articles", articles(), "--index", index()}, *dir_);
    ASSERT_EQ(r.exit_code, 0) << output(r);
    auto store = service::EventStore::open(*dir_ / "events.db");
    ASSERT_TRUE(store) << store.error().describe();
    testing::record_report_history(**store);
    ready_ = true;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "the suite's set-up failed"; }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::string articles() { return (*dir_ / "articles").string(); }
  static std::string index() { return (*dir_ / "index").string(); }
  static std::string events() { return (*dir_ / "events.db").string(); }

  testing::ProcessResult stale(std::vector<std::string> extra) {
    std::vector<std::string> args{"stale",   "--articles", articles(),
                                  "--index", index(),      "--events",
                                  events(),  "--as-of",    testing::report_as_of};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_solusi(args, *dir_);
  }

  static TempDir* dir_;
  static bool ready_;
};
TempDir* CliStale::dir_ = nullptr;
bool CliStale::ready_ = false;

TEST_F(CliStale, PrintsEachOwnersQueueMostImpactFirst) {
  const auto r = stale({});
  ASSERT_EQ(r.exit_code, 0) << output(r);  // articles listed is not a failure: cron stays quiet
  EXPECT_THAT(r.out, StartsWith("Stale report as of 2026-06-30: 9 of 10 published articles need attention"));
  EXPECT_THAT(
      r.out, HasSubstr("tim-pembayaran: 2 articles (review_overdue 1, negative_feedback 1, losing_to_gap 1)\n"
                       "  1. Refund belum masuk ke saldo  [pembayaran/refund-saldo]\n"
                       "     impact 247.5 = (1 + reliance 65: 40 views, 10 suggested, 5 resolved) x "
                       "staleness 3.75\n"
                       "     - review overdue by 90 days (reviewed 2026-01-01, every 90 days, due "
                       "2026-04-01)  [review_overdue]\n"
                       "     - 3 of 4 votes not helpful (75%) since 2026-01-02  [negative_feedback]\n"
                       "  5. Refund ke kartu kredit  [pembayaran/kartu-kredit]\n"));
  EXPECT_THAT(r.out,
              HasSubstr("pengiriman/lama (archived), pengiriman/tidak-ada (missing), img/peta.png (file "
                        "missing)  [broken_links]"));
  EXPECT_LT(r.out.find("tim-logistik:"), r.out.find("tim-akun:"));
  EXPECT_LT(r.out.find("(no owner):"), r.out.find("support-leads:"));
}

TEST_F(CliStale, JsonAndCsvCarryTheSameRanking) {
  const auto j = stale({"--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << output(j);
  const auto report = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << j.out;
  EXPECT_THAT(json_slugs(report),
              ElementsAre("pembayaran/refund-saldo", "pengiriman/paket-hilang", "akun/otp", "promo/ramadan",
                          "pembayaran/kartu-kredit", "internal/catatan", "promo/gajian", "akun/otp-salinan",
                          "en/unused-guide"));
  EXPECT_EQ(report["articles"][0]["impact"], 247.5);
  EXPECT_EQ(report["articles"][0]["reasons"][1]["evidence"]["share"], 0.75);
  EXPECT_EQ(report["owners"].size(), 6u);

  const auto c = stale({"--format", "csv"});
  ASSERT_EQ(c.exit_code, 0) << output(c);
  EXPECT_THAT(c.out,
              StartsWith("rank,owner,slug,title,category,lang,impact,staleness,reliance,views,search_hits,"
                         "suggested,resolved,reasons,evidence\r\n1,tim-pembayaran,pembayaran/refund-saldo,"
                         "Refund belum masuk ke saldo,pembayaran,id,247.5,3.75,65,40,0,10,5,"
                         "review_overdue negative_feedback,"));
  size_t lines = 0;
  for (char ch : c.out) lines += ch == '\n';
  EXPECT_EQ(lines, 10u);
}

TEST_F(CliStale, FiltersByOwnerAndCategory) {
  const auto r = stale({"--owner", "tim-akun", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(json_slugs(nlohmann::json::parse(r.out)), ElementsAre("akun/otp", "akun/otp-salinan"));
  const auto c = stale({"--category", "promo", "--format", "json"});
  ASSERT_EQ(c.exit_code, 0) << output(c);
  EXPECT_THAT(json_slugs(nlohmann::json::parse(c.out)), ElementsAre("promo/ramadan", "promo/gajian"));
  const auto none = stale({"--owner", "nobody"});
  ASSERT_EQ(none.exit_code, 0) << output(none);
  EXPECT_THAT(none.out,
              StartsWith("No article needs attention as of 2026-06-30 (0 published articles checked)."));
}

TEST_F(CliStale, RefusesWhatItCannotUseWithExitTwo) {
  const std::vector<std::string> base{"stale", "--articles", articles(), "--index", index(), "--as-of"};
  auto with_date = [&](const std::string& date) {
    auto args = base;
    args.push_back(date);
    return run_solusi(args, *dir_);
  };
  auto bad_date = with_date("30/06/2026");
  EXPECT_EQ(bad_date.exit_code, 2) << output(bad_date);
  EXPECT_THAT(bad_date.err, HasSubstr("--as-of must be a date YYYY-MM-DD (got '30/06/2026')"));
  auto impossible = with_date("2026-02-30");
  EXPECT_EQ(impossible.exit_code, 2) << output(impossible);

  TempDir empty;
  auto no_index =
      run_solusi({"stale", "--articles", articles(), "--index", (empty / "index").string()}, empty);
  EXPECT_EQ(no_index.exit_code, 2) << output(no_index);
  EXPECT_THAT(no_index.err, HasSubstr("solusi: "));
  auto no_articles =
      run_solusi({"stale", "--articles", (empty / "none").string(), "--index", index()}, empty);
  EXPECT_EQ(no_articles.exit_code, 2) << output(no_articles);
  EXPECT_THAT(no_articles.err, HasSubstr("does not exist"));

  auto format = stale({"--format", "xml"});
  EXPECT_EQ(format.exit_code, 2) << output(format);
  auto dry = stale({"--dry-run"});
  EXPECT_EQ(dry.exit_code, 2) << output(dry);
  EXPECT_THAT(dry.err, HasSubstr("--dry-run goes with --notify"));
  auto no_hook = stale({"--notify"});
  EXPECT_EQ(no_hook.exit_code, 2) << output(no_hook);
  EXPECT_THAT(no_hook.err, HasSubstr("--notify needs a webhook"));
  auto bad_hook = stale({"--notify", "--webhook", "ftp://example.com/x"});
  EXPECT_EQ(bad_hook.exit_code, 2) << output(bad_hook);
  EXPECT_THAT(bad_hook.err, HasSubstr("must start with http:// or https://"));
}

TEST_F(CliStale, AnUnknownTimeZoneInTheConfigIsExitTwoNamingIt) {
  dir_->write("zone.yaml", "time_zone: Asia/Jakarat\n");
  const auto r = stale({"--config", (*dir_ / "zone.yaml").string()});
  EXPECT_EQ(r.exit_code, 2) << output(r);
  EXPECT_THAT(r.err, HasSubstr("zone.yaml:1"));
  EXPECT_THAT(r.err, HasSubstr("time zone 'Asia/Jakarat'"));
  dir_->write("zone.yaml", "time_zone: Asia/Makassar\n");
  const auto ok = stale({"--config", (*dir_ / "zone.yaml").string()});
  EXPECT_EQ(ok.exit_code, 0) << output(ok);
}

TEST_F(CliStale, DryRunPrintsWhatWouldBeSent) {
  WebhookReceiver receiver;
  const auto r = stale({"--notify", "--dry-run", "--webhook", receiver.url()});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, StartsWith("Dry run: 6 owners would be notified at " + receiver.url() + "\n"));
  EXPECT_THAT(r.out, HasSubstr("POST for tim-pembayaran:\n{\n"));
  EXPECT_THAT(r.out, HasSubstr("POST for (no owner):\n"));
  EXPECT_THAT(r.out,
              HasSubstr("\"text\": \"Solusi stale report for tim-pembayaran as of 2026-06-30: 2 articles"));
  EXPECT_TRUE(receiver.received().empty());
}

TEST_F(CliStale, NotifyPostsOneMessagePerOwner) {
  WebhookReceiver receiver({503});  // the first try fails: retried after the backoff
  const auto r = stale({"--notify", "--webhook", receiver.url("/services/abc")});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("notified tim-pembayaran (2 articles): HTTP 200 after 2 tries\n"));
  EXPECT_THAT(r.out, HasSubstr("notified (no owner) (1 article): HTTP 200 after 1 try\n"));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 7u);  // six owners, one retry
  std::vector<std::string> owners;
  for (size_t k = 1; k < got.size(); ++k) {
    EXPECT_EQ(got[k].path, "/services/abc");
    const auto j = nlohmann::json::parse(got[k].body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << got[k].body;
    EXPECT_TRUE(j["text"].is_string());
    owners.push_back(j["owner"]);
  }
  EXPECT_THAT(owners,
              ElementsAre("tim-pembayaran", "tim-logistik", "tim-akun", "tim-promo", "", "support-leads"));
  EXPECT_EQ(got[0].body, got[1].body);
  const auto first = nlohmann::json::parse(got[1].body);
  EXPECT_EQ(first["count"], 2);
  EXPECT_EQ(first["articles"][0]["slug"], "pembayaran/refund-saldo");
}

TEST_F(CliStale, NotifyExitsOneWhenAnOwnerCannotBeReached) {
  WebhookReceiver receiver({200, 403});  // the second owner's message is refused (not retried)
  const auto r = stale({"--notify", "--webhook", receiver.url()});
  EXPECT_EQ(r.exit_code, 1) << output(r);
  EXPECT_THAT(r.err, HasSubstr("could not notify tim-logistik: HTTP 403 after 1 try"));
  EXPECT_EQ(receiver.received().size(), 6u);  // the others still get theirs
}

TEST_F(CliStale, NotifyUsesTheConfiguredWebhook) {
  WebhookReceiver receiver;
  dir_->write("stale.yaml", "notify_webhook: " + receiver.url("/from-config") + "\n");
  const auto r = stale({"--notify", "--owner", "tim-promo", "--config", (*dir_ / "stale.yaml").string()});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/from-config");
  EXPECT_EQ(nlohmann::json::parse(got[0].body)["count"], 2);
}

}  // namespace
}  // namespace solusi

namespace solusi {
namespace {

// The leads' actions (lead_actions.hpp) recorded in events.db reach `solusi stale --notify`: the
// assignee is named in the owner's message, a dismissed article is not sent.
TEST(CliStaleActions, NotifyNamesTheAssigneeAndLeavesOutWhatWasDismissed) {
  TempDir dir;
  testing::write_report_articles(dir);
  const auto indexed = run_solusi(
      {"index", "--articles", (dir / "articles").string(), "--index", (dir / "index").string()}, dir);
  ASSERT_EQ(indexed.exit_code, 0) << output(indexed);
  {
    auto store = service::EventStore::open(dir / "events.db");
    ASSERT_TRUE(store) << store.error().describe();
    testing::record_report_history(**store);
    service::LeadAction assign;
    assign.item = "article:pembayaran/refund-saldo";
    assign.action = "assign";
    assign.by = "sari";
    assign.assignee = "dewi";
    ASSERT_TRUE((*store)->add_lead_action(assign));
  }
  auto stale = [&](const std::string& url) {
    return run_solusi({"stale", "--articles", (dir / "articles").string(), "--index",
                       (dir / "index").string(), "--events", (dir / "events.db").string(), "--as-of",
                       testing::report_as_of, "--owner", "tim-pembayaran", "--notify", "--webhook", url},
                      dir);
  };
  WebhookReceiver receiver;
  auto r = stale(receiver.url("/hook"));
  ASSERT_EQ(r.exit_code, 0) << output(r);
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  auto j = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(j["count"], 2);
  EXPECT_EQ(j["assignees"], nlohmann::json::array({"dewi"}));
  EXPECT_EQ(j["articles"][0]["slug"], "pembayaran/refund-saldo");
  EXPECT_EQ(j["articles"][0]["state"]["assigned_to"], "dewi");
  EXPECT_THAT(j["text"].get<std::string>(), HasSubstr("(pembayaran/refund-saldo)\n    assigned to dewi\n"));

  {
    auto store = service::EventStore::open(dir / "events.db");
    ASSERT_TRUE(store) << store.error().describe();
    service::LeadAction dismiss;
    dismiss.item = "article:pembayaran/refund-saldo";
    dismiss.action = "dismiss";
    dismiss.by = "sari";
    ASSERT_TRUE((*store)->add_lead_action(dismiss));
  }
  WebhookReceiver again;
  r = stale(again.url("/hook"));
  ASSERT_EQ(r.exit_code, 0) << output(r);
  got = again.received();
  ASSERT_EQ(got.size(), 1u);
  j = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(j["count"], 1);
  EXPECT_NE(j["articles"][0]["slug"], "pembayaran/refund-saldo");
  EXPECT_EQ(j["assignees"], nlohmann::json::array());
}

}  // namespace
}  // namespace solusi
