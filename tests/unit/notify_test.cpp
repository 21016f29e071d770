// Notifying owners: one JSON POST per owner queue with a Slack-compatible text, retries with backoff
// on 5xx, 429 and no response, none on other refusals; against a loopback receiver.
#include "notify.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "webhook_receiver.hpp"

namespace solusi::service {
namespace {

using namespace std::chrono_literals;
using solusi::testing::WebhookReceiver;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// Three articles of two owners, none reviewed: a small report to send.
StaleReport small_report() {
  TermExtractor terms;
  std::vector<ArticleFacts> facts;
  for (auto [slug, title, owner] : {std::tuple{"akun/otp", "Kode OTP tidak masuk", "tim-akun"},
                                    std::tuple{"akun/sandi", "Reset kata sandi", "tim-akun"},
                                    std::tuple{"pengiriman/ongkir", "Ongkos kirim", "tim-logistik"}}) {
    StoredArticle a;
    a.slug = slug;
    a.title = title;
    a.owner = owner;
    a.lang = "id";
    a.status = "published";
    facts.push_back(article_facts(a, terms));
  }
  StaleOptions o;
  o.as_of = *Date::parse("2026-06-30");
  return stale_report(facts, EventHistory{}, o);
}

TEST(Notify, ParsesWebhookUrls) {
  auto u = parse_webhook_url("https://hooks.slack.com/services/T0/B0/xyz?x=1");
  ASSERT_TRUE(u) << u.error().describe();
  EXPECT_EQ(u->origin, "https://hooks.slack.com");
  EXPECT_EQ(u->path, "/services/T0/B0/xyz?x=1");
  u = parse_webhook_url("HTTP://127.0.0.1:8099");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin, "http://127.0.0.1:8099");
  EXPECT_EQ(u->path, "/");
  u = parse_webhook_url("http://[::1]:9000/hook#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin, "http://[::1]:9000");
  EXPECT_EQ(u->path, "/hook");
  for (const char* bad : {"ftp://x/y", "hooks.slack.com/x", "http://", "http://host:0/", "http://host:99999/",
                          "http://host:/x", "http://user:pw@host/x", "http://host/a b"}) {
    EXPECT_FALSE(parse_webhook_url(bad)) << bad;
  }
}

TEST(Notify, OneMessagePerOwnerWithASlackText) {
  const auto messages = owner_messages(small_report());
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].owner, "tim-akun");
  EXPECT_EQ(messages[0].payload["count"], 2);
  EXPECT_EQ(messages[0].payload["as_of"], "2026-06-30");
  EXPECT_EQ(messages[0].payload["reasons"], nlohmann::json::parse(R"({"never_reviewed":2})"));
  EXPECT_EQ(messages[0].payload["articles"][0]["slug"], "akun/otp");
  EXPECT_EQ(
      messages[0].payload["text"],
      "Solusi stale report for tim-akun as of 2026-06-30: 2 articles need attention, most impact first.\n"
      "1. Kode OTP tidak masuk (akun/otp)\n"
      "    - never reviewed: the article has no reviewed date\n"
      "2. Reset kata sandi (akun/sandi)\n"
      "    - never reviewed: the article has no reviewed date");
  EXPECT_EQ(messages[1].owner, "tim-logistik");
}

TEST(Notify, TheAssigneeTheLeadsChoseIsInTheMessageAndDismissedArticlesAreNot) {
  TermExtractor terms;
  std::vector<ArticleFacts> facts;
  for (auto [slug, title] :
       {std::pair{"akun/otp", "Kode OTP tidak masuk"}, std::pair{"akun/sandi", "Reset kata sandi"}}) {
    StoredArticle a;
    a.slug = slug;
    a.title = title;
    a.owner = "tim-akun";
    a.lang = "id";
    a.status = "published";
    facts.push_back(article_facts(a, terms));
  }
  EventHistory events;
  ItemState assigned;
  assigned.assigned_to = "dewi";
  assigned.last = ItemAction{"assign", "sari", 1780000000, "tolong cek minggu ini"};
  events.states["akun/sandi"] = assigned;
  StaleOptions o;
  o.as_of = *Date::parse("2026-06-30");
  const auto messages = owner_messages(stale_report(facts, events, o));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].payload["assignees"], nlohmann::json::array({"dewi"}));
  EXPECT_EQ(messages[0].payload["articles"][1]["state"]["assigned_to"], "dewi");
  EXPECT_EQ(messages[0].payload["articles"][0]["state"]["assigned_to"], nullptr);
  EXPECT_EQ(
      messages[0].payload["text"],
      "Solusi stale report for tim-akun as of 2026-06-30: 2 articles need attention, most impact first.\n"
      "1. Kode OTP tidak masuk (akun/otp)\n"
      "    - never reviewed: the article has no reviewed date\n"
      "2. Reset kata sandi (akun/sandi)\n"
      "    assigned to dewi\n"
      "    - never reviewed: the article has no reviewed date");

  // A dismissed article is no one's to do: left out of the queue that is sent.
  events.states["akun/otp"].dismissed = true;
  const auto fewer = owner_messages(stale_report(facts, events, o));
  ASSERT_EQ(fewer.size(), 1u);
  EXPECT_EQ(fewer[0].payload["count"], 1);
  EXPECT_EQ(fewer[0].payload["articles"][0]["slug"], "akun/sandi");
  EXPECT_EQ(fewer[0].payload["assignees"], nlohmann::json::array({"dewi"}));
}

TEST(Notify, PostsOneJsonMessagePerOwner) {
  WebhookReceiver receiver;
  NotifyOptions o;
  o.webhook = receiver.url("/hook/abc");
  o.sleep = [](std::chrono::milliseconds) { FAIL() << "no retry expected"; };
  auto d = notify_owners(owner_messages(small_report()), o);
  ASSERT_TRUE(d) << d.error().describe();
  ASSERT_EQ(d->size(), 2u);
  for (const auto& x : *d) {
    EXPECT_TRUE(x.delivered) << x.owner << ": " << x.error;
    EXPECT_EQ(x.attempts, 1);
    EXPECT_EQ(x.status, 200);
  }
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].path, "/hook/abc");
  EXPECT_EQ(got[0].content_type, "application/json");
  const auto first = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(first["owner"], "tim-akun");
  EXPECT_THAT(first["text"].get<std::string>(), HasSubstr("2 articles need attention"));
  EXPECT_EQ(nlohmann::json::parse(got[1].body)["owner"], "tim-logistik");
}

TEST(Notify, RetriesServerErrorsWithBackoff) {
  WebhookReceiver receiver({503, 500, 200, 429, 200});
  NotifyOptions o;
  o.webhook = receiver.url();
  std::vector<long> waits;
  o.sleep = [&](std::chrono::milliseconds d) { waits.push_back(static_cast<long>(d.count())); };
  auto d = notify_owners(owner_messages(small_report()), o);
  ASSERT_TRUE(d);
  EXPECT_TRUE((*d)[0].delivered);
  EXPECT_EQ((*d)[0].attempts, 3);
  EXPECT_TRUE((*d)[1].delivered);
  EXPECT_EQ((*d)[1].attempts, 2);
  EXPECT_THAT(waits, ElementsAre(500, 1000, 500));  // doubled per owner, from the start for the next
  EXPECT_EQ(receiver.received().size(), 5u);
}

TEST(Notify, GivesUpAfterTheLastTryAndDoesNotRetryARefusal) {
  WebhookReceiver receiver({500, 500, 500, 500, 404});
  NotifyOptions o;
  o.webhook = receiver.url();
  std::vector<long> waits;
  o.sleep = [&](std::chrono::milliseconds d) { waits.push_back(static_cast<long>(d.count())); };
  auto d = notify_owners(owner_messages(small_report()), o);
  ASSERT_TRUE(d);
  EXPECT_FALSE((*d)[0].delivered);
  EXPECT_EQ((*d)[0].attempts, 4);
  EXPECT_EQ((*d)[0].error, "HTTP 500");
  EXPECT_FALSE((*d)[1].delivered);
  EXPECT_EQ((*d)[1].attempts, 1);  // 404: the URL is wrong, trying again will not help
  EXPECT_EQ((*d)[1].status, 404);
  EXPECT_THAT(waits, ElementsAre(500, 1000, 2000));
}

TEST(Notify, NoResponseIsRetriedAndReported) {
  int port = 0;
  { port = WebhookReceiver().port(); }  // a loopback port nobody listens on any more
  NotifyOptions o;
  o.webhook = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  o.attempts = 2;
  o.timeout = 2s;
  int sleeps = 0;
  o.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  auto d = notify_owners(owner_messages(small_report()), o);
  ASSERT_TRUE(d);
  EXPECT_FALSE((*d)[0].delivered);
  EXPECT_EQ((*d)[0].status, 0);
  EXPECT_THAT((*d)[0].error, HasSubstr("no response"));
  EXPECT_EQ(sleeps, 2);  // one between the two tries, for each owner
  o.webhook = "gopher://x";
  EXPECT_FALSE(notify_owners({}, o));
}

}  // namespace
}  // namespace solusi::service
