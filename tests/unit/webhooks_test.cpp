// Outgoing webhooks without a socket: the HMAC signature and its check (replays, key rotation), the
// retry schedule, which revision makes which event, the config keys, and the queue written in the
// same transaction as the revision.
#include "webhooks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "temp_dir.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
using service::RevisionInfo;

TEST(WebhookSigning, HmacMatchesRfc4231) {
  // RFC 4231, test case 2.
  EXPECT_EQ(service::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSigning, OneSignaturePerSecretOverTimestampAndBody) {
  const std::string body = R"({"id":"evt_1","type":"article.published"})";
  const std::vector<std::string> secrets = {"whsec_new_0123456789", "whsec_old_0123456789"};
  const std::string header = service::webhook_signature(1765100000, body, secrets);
  EXPECT_EQ(header, "t=1765100000,v1=" + service::hmac_sha256_hex(secrets[0], "1765100000." + body) +
                        ",v1=" + service::hmac_sha256_hex(secrets[1], "1765100000." + body));
  // A receiver that knows either key accepts it (key rotation).
  EXPECT_TRUE(service::verify_webhook_signature(header, body, {secrets[0]}, 1765100000));
  EXPECT_TRUE(service::verify_webhook_signature(header, body, {secrets[1]}, 1765100000));
  EXPECT_FALSE(service::verify_webhook_signature(header, body, {"whsec_other_0123456789"}, 1765100000));
  EXPECT_FALSE(service::verify_webhook_signature(header, body + " ", secrets, 1765100000)) << "body changed";
}

TEST(WebhookSigning, RefusesOldFutureAndMalformedTimestamps) {
  const std::string body = "{}";
  const std::vector<std::string> secrets = {"whsec_0123456789abcdef"};
  const std::int64_t t = 1765100000;
  const std::string header = service::webhook_signature(t, body, secrets);
  const auto tolerance = service::webhook_signature_tolerance_seconds;
  EXPECT_TRUE(service::verify_webhook_signature(header, body, secrets, t + tolerance));
  EXPECT_FALSE(service::verify_webhook_signature(header, body, secrets, t + tolerance + 1)) << "a replay";
  EXPECT_FALSE(service::verify_webhook_signature(header, body, secrets, t - tolerance - 1))
      << "from the future";
  // The timestamp is signed: moving it forward breaks the signature.
  std::string moved = header;
  moved.replace(2, 10, std::to_string(t + 100));
  EXPECT_FALSE(service::verify_webhook_signature(moved, body, secrets, t + 100));
  for (const std::string& bad :
       std::vector<std::string>{"", "t=", "v1=abc", "t=x,v1=" + header.substr(header.find("v1=") + 3),
                                "t=1765100000", "t=1765100000,v1="})
    EXPECT_FALSE(service::verify_webhook_signature(bad, body, secrets, t)) << bad;
}

TEST(WebhookRetry, ScheduleIsTenSecondsToSixHoursThenGivesUp) {
  const std::chrono::milliseconds first = 10s;
  EXPECT_EQ(service::webhook_retry_delay(1, first), std::nullopt) << "attempt 1 is not a retry";
  EXPECT_EQ(service::webhook_retry_delay(2, first), std::chrono::milliseconds(10s));
  EXPECT_EQ(service::webhook_retry_delay(3, first), std::chrono::milliseconds(1min));
  EXPECT_EQ(service::webhook_retry_delay(4, first), std::chrono::milliseconds(5min));
  EXPECT_EQ(service::webhook_retry_delay(5, first), std::chrono::milliseconds(30min));
  EXPECT_EQ(service::webhook_retry_delay(6, first), std::chrono::milliseconds(2h));
  EXPECT_EQ(service::webhook_retry_delay(7, first), std::chrono::milliseconds(6h));
  EXPECT_EQ(service::max_webhook_attempts, 7);
  EXPECT_EQ(service::webhook_retry_delay(8, first), std::nullopt) << "after the 7th attempt: failed";
  // The first wait scales the whole schedule (what the HTTP tests use).
  EXPECT_EQ(service::webhook_retry_delay(3, 20ms), std::chrono::milliseconds(120));
}

RevisionInfo rev(const std::string& action, const std::string& status, const std::string& hash = "h2") {
  RevisionInfo r;
  r.slug = "akun/otp";
  r.revision = 2;
  r.action = action;
  r.status = status;
  r.hash = hash;
  return r;
}

TEST(WebhookEvents, RevisionsMakeTheEventOfTheirLiveStateChange) {
  using service::article_event_type;
  // New article, published at once or a draft published later.
  EXPECT_EQ(article_event_type(rev("create", "published"), "", "", false, false), "article.published");
  EXPECT_EQ(article_event_type(rev("update", "published"), "", "", true, false), "article.published");
  EXPECT_EQ(article_event_type(rev("create", "draft"), "", "", false, false), "");
  // A live article edited, a draft beside it, the same bytes again.
  EXPECT_EQ(article_event_type(rev("update", "published"), "published", "h1", true, false),
            "article.changed");
  EXPECT_EQ(article_event_type(rev("update", "draft"), "published", "h1", true, false), "");
  EXPECT_EQ(article_event_type(rev("update", "published", "h1"), "published", "h1", true, false), "");
  // Archived and restored.
  EXPECT_EQ(article_event_type(rev("archive", "archived"), "published", "h1", true, false),
            "article.archived");
  EXPECT_EQ(article_event_type(rev("restore", "published"), "archived", "h1", true, false),
            "article.restored");
  EXPECT_EQ(article_event_type(rev("archive", "archived"), "", "", true, false), "") << "never live";
  // Files: a baseline record of a file already there is no news; an outside edit is.
  EXPECT_EQ(article_event_type(rev("external", "published"), "", "", false, false), "");
  EXPECT_EQ(article_event_type(rev("external", "published"), "published", "h1", true, false),
            "article.changed");
  EXPECT_EQ(article_event_type(rev("delete", ""), "published", "h1", true, false), "article.deleted");
  EXPECT_EQ(article_event_type(rev("delete", ""), "published", "h1", true, true), "") << "deleted twice";
  EXPECT_EQ(article_event_type(rev("external", "published"), "published", "h1", true, true),
            "article.published")
      << "a file put back after its deletion";
}

TEST(WebhookConfig, ReadsSubscriptions) {
  testing::TempDir dir;
  const auto path = dir.write("solusi.yaml",
                              "webhook_retry_first_ms: 50\n"
                              "webhooks:\n"
                              "  - id: helpdesk\n"
                              "    url: http://127.0.0.1:9000/hooks/solusi\n"
                              "    events: [article.published, gap.created]\n"
                              "    secrets: [whsec_new_0123456789, whsec_old_0123456789]\n"
                              "  - id: audit-log\n"
                              "    url: https://audit.example/in\n"
                              "    secrets: [whsec_audit_0123456789]\n");
  auto c = service::load_config(path, service::Config{});
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->webhook_retry_first_ms, 50);
  ASSERT_EQ(c->webhooks.size(), 2u);
  EXPECT_EQ(c->webhooks[0].id, "helpdesk");
  EXPECT_EQ(c->webhooks[0].url, "http://127.0.0.1:9000/hooks/solusi");
  EXPECT_THAT(c->webhooks[0].events, ::testing::ElementsAre("article.published", "gap.created"));
  EXPECT_EQ(c->webhooks[0].secrets.size(), 2u);
  EXPECT_TRUE(c->webhooks[1].events.empty()) << "no events: all of them";
}

TEST(WebhookConfig, RefusesBadSubscriptionsWithTheLine) {
  testing::TempDir dir;
  const std::string good_secret = "[whsec_0123456789abcdef]";
  const std::pair<std::string, std::string> bad[] = {
      {"  - id: a\n    url: ftp://x/\n    secrets: " + good_secret, "http"},
      {"  - id: a\n    url: http://x/\n    secrets: [short]", "at least 16 bytes"},
      {"  - id: a\n    url: http://x/\n    secrets: []", "secrets"},
      {"  - id: a\n    url: http://x/\n", "secrets"},
      {"  - id: a b\n    url: http://x/\n    secrets: " + good_secret, "letters"},
      {"  - id: a\n    url: http://x/\n    events: [article.eaten]\n    secrets: " + good_secret,
       "unknown event 'article.eaten'"},
      {"  - id: a\n    url: http://x/\n    secrets: " + good_secret + "\n    colour: red",
       "unknown webhook key"},
      {"  - id: a\n    url: http://x/\n    secrets: " + good_secret +
           "\n  - id: a\n    url: http://y/\n    secrets: " + good_secret,
       "used twice"},
  };
  for (const auto& [yaml, message] : bad) {
    SCOPED_TRACE(yaml);
    auto c = service::load_config(dir.write("bad.yaml", "threads: 2\nwebhooks:\n" + yaml + "\n"),
                                  service::Config{});
    ASSERT_FALSE(c);
    EXPECT_THAT(c.error().message, ::testing::HasSubstr(message));
    EXPECT_GT(c.error().line, 1);
  }
  auto c = service::load_config(dir.write("bad.yaml", "webhook_retry_first_ms: 0\n"), service::Config{});
  EXPECT_FALSE(c);
}

std::int64_t count_rows(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  return n;
}

TEST(WebhookQueue, EventsAreQueuedWithTheRevisionForEachSubscriptionThatWantsThem) {
  testing::TempDir dir;
  const auto path = dir.path() / "events.db";
  auto store = service::EventStore::open(path);
  ASSERT_TRUE(store) << store.error().describe();
  service::Config config;
  config.webhooks = {{"all", "http://127.0.0.1:9/", {}, {"whsec_0123456789abcdef"}},
                     {"gaps-only", "http://127.0.0.1:9/", {"gap.created"}, {"whsec_0123456789abcdef"}}};
  {
    service::Webhooks hooks(config, **store);  // not started: nothing is sent
    const std::string text = "---\ntitle: Kode OTP\nlang: id\naudience: public\n---\nIsi.\n";
    ASSERT_TRUE((*store)->add_revision("akun/otp", "budi", "create", "published", "", text, "h1"));
    ASSERT_TRUE((*store)->add_revision("akun/otp", "budi", "update", "draft", "", text + "x", "h2"));
    service::SuggestionLog gap;
    gap.ticket_id = "T-1";
    gap.gap = true;
    gap.source = service::EventSource::ticket_system;
    ASSERT_TRUE((*store)->log_suggestion(gap));
    ASSERT_TRUE((*store)->log_suggestion(gap)) << "the same ticket again: no second gap";
    gap.source = service::EventSource::api;
    gap.ticket_id = "T-2";
    ASSERT_TRUE((*store)->log_suggestion(gap)) << "not counted by the gap report: no gap";
  }
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM webhook_queue WHERE kind = 'article.published'"), 1);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM webhook_queue WHERE kind = 'gap.created'"), 2);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM webhook_queue WHERE state = 'pending'"), 3);
  EXPECT_EQ(
      count_rows(
          path,
          "SELECT count(*) FROM webhook_queue WHERE kind = 'article.published' AND "
          "json_extract(body, '$.data.title') = 'Kode OTP' AND json_extract(body, '$.data.revision') = 1 "
          "AND json_extract(body, '$.data.url') = '/?a=akun/otp'"),
      1);
  // Without subscriptions nothing is queued.
  ASSERT_TRUE((*store)->add_revision("akun/otp", "budi", "archive", "archived", "", "", "h3"));
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM webhook_queue"), 3);
}

}  // namespace
}  // namespace solusi
