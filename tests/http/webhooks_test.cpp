// Outgoing webhooks through real HTTP on loopback: a receiver (httplib::Server on 127.0.0.1, a free
// port) gets a signed event when an editor publishes, archives, restores or changes an article through
// the API, and when a ticket gets no confident suggestion; a 500 is retried; a pending delivery survives
// kill -9 of the real `solusi serve`; the delivery log, the test ping and redelivery routes.
#include "webhooks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>

#include "http_support.hpp"
#include "webhook_receiver.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using service::Role;
using ::testing::HasSubstr;
using testing::Reply;
using testing::WebhookReceiver;

/// Generous: deliveries are immediate, but the ASan build and a loaded machine are slow.
constexpr auto delivery_deadline = 20s;
constexpr auto startup_timeout = 30s;

const std::string new_secret = "whsec_new_0123456789abcdef";
const std::string old_secret = "whsec_old_0123456789abcdef";

struct Token {
  std::string name;
  Role role;
  std::string secret;
};
const Token tokens[] = {
    {"budi", Role::editor, "sol_editor-budi-0123456789"},
    {"sari", Role::lead, "sol_lead-sari-0123456789"},
    {"helpdesk", Role::ticket_system, "sol_ticket-helpdesk-0123456789"},
};

httplib::Headers as(const std::string& name) {
  for (const auto& t : tokens)
    if (t.name == name) return {{"Authorization", "Bearer " + t.secret}};
  throw std::logic_error("no token " + name);
}

std::string article(const std::string& title, const std::string& status = "published") {
  return "---\ntitle: " + title +
         "\nlang: id\ntags: [uji]\ncategory: akun\nowner: tim-akun\nreviewed: 2026-10-01\nstatus: " + status +
         "\naudience: public\n---\nPelanggan menanyakan " + title + ".\n";
}

Reply put(httplib::Client& c, const std::string& slug, const std::string& text,
          const std::string& who = "budi") {
  return testing::to_reply(c.Put(("/v1/articles/" + slug).c_str(), as(who), text, "text/markdown"));
}

/// The received events, parsed, with the signature header checked against @p secrets.
struct Event {
  json body;
  std::string signature, type_header, event_id, attempt;
  bool signed_ok = false;
};
std::vector<Event> events_of(const WebhookReceiver& r, const std::vector<std::string>& secrets) {
  std::vector<Event> out;
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  for (const auto& got : r.received()) {
    Event e;
    e.body = json::parse(got.body, nullptr, false);
    auto header = [&](const std::string& name) {
      auto it = got.headers.find(name);
      return it == got.headers.end() ? std::string() : it->second;
    };
    e.signature = header("X-Solusi-Signature");
    e.type_header = header("X-Solusi-Event");
    e.event_id = header("X-Solusi-Event-Id");
    e.attempt = header("X-Solusi-Attempt");
    e.signed_ok = service::verify_webhook_signature(e.signature, got.body, secrets, now);
    out.push_back(std::move(e));
  }
  return out;
}

const Event* find_event(const std::vector<Event>& events, const std::string& type, const std::string& key,
                        const json& value) {
  for (const auto& e : events)
    if (e.body.is_object() && e.body.value("type", "") == type && e.body["data"].value(key, json()) == value)
      return &e;
  return nullptr;
}

class Webhooks : public testing::HttpTest {
 protected:
  service::Config config_for(const WebhookReceiver& receiver, std::vector<std::string> events = {}) const {
    auto c = base_config();
    for (const auto& t : tokens) c.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
    c.webhooks = {{"helpdesk", receiver.url("/hooks/solusi"), std::move(events), {new_secret, old_secret}}};
    c.webhook_retry_first_ms = 50;
    c.public_url_base = "https://help.example/";
    return c;
  }
};

TEST_F(Webhooks, PublishArchiveRestoreAndChangeEachPostASignedEvent) {
  WebhookReceiver receiver;
  start(config_for(receiver));
  const std::string slug = "akun/kata-sandi-webhook";
  const Reply created = put(*client_, slug, article("Lupa kata sandi"));
  ASSERT_EQ(created.status, 201) << created.describe();
  const int revision = created.json["revision"].get<int>();

  const Event* published = nullptr;
  std::vector<Event> got;
  ASSERT_TRUE(testing::eventually(
      [&] {
        got = events_of(receiver, {new_secret});
        published = find_event(got, "article.published", "slug", slug);
        return published != nullptr;
      },
      delivery_deadline))
      << receiver.received().size() << " requests received";
  EXPECT_TRUE(published->signed_ok) << published->signature;
  EXPECT_EQ(published->type_header, "article.published");
  EXPECT_EQ(published->event_id, published->body["id"]);
  EXPECT_EQ(published->attempt, "1");
  const json& data = published->body["data"];
  EXPECT_EQ(data["revision"], revision);
  EXPECT_EQ(data["title"], "Lupa kata sandi");
  EXPECT_EQ(data["author"], "budi");
  EXPECT_EQ(data["etag"], created.header("ETag"));
  EXPECT_EQ(data["url"], "/?a=" + slug);
  EXPECT_EQ(data["public_url"], "https://help.example/" + slug);
  // Key rotation: the receiver that still has the old key accepts the same request.
  EXPECT_TRUE(events_of(receiver, {old_secret}).front().signed_ok);
  EXPECT_FALSE(events_of(receiver, {"whsec_someone_else_0123456789"}).front().signed_ok);
  EXPECT_EQ(receiver.received().front().path, "/hooks/solusi");
  EXPECT_EQ(receiver.received().front().content_type, "application/json");

  const Reply archived = testing::to_reply(client_->Delete(("/v1/articles/" + slug).c_str(), as("budi")));
  ASSERT_EQ(archived.status, 200) << archived.describe();
  const Reply restored =
      testing::post_json(*client_, "/v1/articles/" + slug + "/restore", json::object(), as("budi"));
  ASSERT_EQ(restored.status, 200) << restored.describe();
  const Reply changed = put(*client_, slug, article("Lupa kata sandi akun"));
  ASSERT_EQ(changed.status, 200) << changed.describe();
  // A draft does not go out.
  ASSERT_EQ(put(*client_, "akun/rancangan-webhook", article("Rancangan", "draft")).status, 201);

  ASSERT_TRUE(testing::eventually(
      [&] {
        got = events_of(receiver, {new_secret});
        return find_event(got, "article.archived", "revision", archived.json["revision"]) &&
               find_event(got, "article.restored", "revision", restored.json["revision"]) &&
               find_event(got, "article.changed", "revision", changed.json["revision"]);
      },
      delivery_deadline))
      << got.size() << " events received";
  for (const auto& e : got) {
    EXPECT_TRUE(e.signed_ok) << e.body.dump();
    EXPECT_NE(e.body["data"].value("slug", ""), "akun/rancangan-webhook") << e.body.dump();
  }

  // The delivery log has each of them, delivered at the first attempt.
  const json log = get_ok("/v1/webhooks/deliveries?subscription=helpdesk&state=delivered", as("sari"));
  EXPECT_EQ(log["total"], 4);
  ASSERT_EQ(log["deliveries"].size(), 4u);
  EXPECT_EQ(log["deliveries"][0]["type"], "article.changed") << "newest first";
  for (const auto& d : log["deliveries"]) {
    EXPECT_EQ(d["attempts"], 1);
    ASSERT_EQ(d["attempt_log"].size(), 1u);
    EXPECT_EQ(d["attempt_log"][0]["status"], 200);
    EXPECT_EQ(d["last_status"], 200);
  }
  EXPECT_EQ(get("/v1/webhooks/deliveries", as("budi")).status, 403) << "lead only";
  EXPECT_EQ(get("/v1/webhooks/deliveries?state=lost", as("sari")).status, 400);
}

TEST_F(Webhooks, AFailedDeliveryIsRetriedAndTheLogShowsEveryAttempt) {
  WebhookReceiver receiver({500, 503});
  start(config_for(receiver, {"article.published"}));
  const std::string slug = "akun/coba-lagi-webhook";
  ASSERT_EQ(put(*client_, slug, article("Coba lagi")).status, 201);
  std::vector<Event> got;
  ASSERT_TRUE(testing::eventually(
      [&] {
        got = events_of(receiver, {new_secret});
        return got.size() >= 3;
      },
      delivery_deadline))
      << got.size() << " requests received";
  EXPECT_EQ(got[0].event_id, got[2].event_id) << "the same event, tried again";
  EXPECT_EQ(got[0].attempt, "1");
  EXPECT_EQ(got[2].attempt, "3");
  for (const auto& e : got) EXPECT_TRUE(e.signed_ok);

  json delivery;
  ASSERT_TRUE(testing::eventually(
      [&] {
        const json log = get_ok("/v1/webhooks/deliveries", as("sari"));
        if (log["deliveries"].empty()) return false;
        delivery = log["deliveries"][0];
        return delivery["state"] == "delivered";
      },
      delivery_deadline))
      << delivery.dump();
  EXPECT_EQ(delivery["attempts"], 3);
  ASSERT_EQ(delivery["attempt_log"].size(), 3u);
  EXPECT_EQ(delivery["attempt_log"][0]["status"], 500);
  EXPECT_EQ(delivery["attempt_log"][0]["error"], "HTTP 500");
  EXPECT_EQ(delivery["attempt_log"][1]["status"], 503);
  EXPECT_EQ(delivery["attempt_log"][2]["status"], 200);
  EXPECT_EQ(delivery["payload"]["data"]["slug"], slug);

  // Redelivery sends it once more.
  const Reply again = testing::to_reply(client_->Post(
      ("/v1/webhooks/deliveries/" + std::to_string(delivery["id"].get<int>()) + "/redeliver").c_str(),
      as("sari"), "", "application/json"));
  ASSERT_EQ(again.status, 202) << again.describe();
  EXPECT_EQ(again.json["delivery"]["state"], "pending");
  EXPECT_TRUE(testing::eventually([&] { return receiver.received().size() >= 4; }, delivery_deadline));
  EXPECT_EQ(testing::to_reply(
                client_->Post("/v1/webhooks/deliveries/999999/redeliver", as("sari"), "", "application/json"))
                .status,
            404);
}

TEST_F(Webhooks, AnUnansweredTicketPostsGapCreatedOnce) {
  WebhookReceiver receiver;
  start(config_for(receiver, {"gap.created"}));
  const json ticket = {
      {"ticket_id", 90017}, {"subject", "zorbleflax quintaroo"}, {"body", "zorbleflax gagal terus"}};
  const Reply r = testing::post_json(*client_, "/v1/suggest", ticket, as("helpdesk"));
  ASSERT_EQ(r.status, 200) << r.describe();
  ASSERT_TRUE(r.json["gap"].get<bool>()) << r.describe();
  ASSERT_EQ(testing::post_json(*client_, "/v1/suggest", ticket, as("helpdesk")).status, 200);
  std::vector<Event> got;
  ASSERT_TRUE(testing::eventually(
      [&] {
        got = events_of(receiver, {new_secret});
        return find_event(got, "gap.created", "ticket_id", "90017") != nullptr;
      },
      delivery_deadline));
  const Event* gap = find_event(got, "gap.created", "ticket_id", "90017");
  EXPECT_TRUE(gap->signed_ok);
  EXPECT_THAT(gap->body["data"]["text"].get<std::string>(), HasSubstr("zorbleflax"));
  EXPECT_EQ(gap->body["data"]["source"], "ticket_system");
  // The same ticket again queued nothing: only one delivery is in the log.
  const json log = get_ok("/v1/webhooks/deliveries", as("sari"));
  EXPECT_EQ(log["total"], 1) << log.dump();
}

TEST_F(Webhooks, TheTestRouteSendsAPingAndSaysHowItWent) {
  WebhookReceiver receiver({500});
  start(config_for(receiver));
  const Reply failed =
      testing::to_reply(client_->Post("/v1/webhooks/helpdesk/test", as("sari"), "", "application/json"));
  ASSERT_EQ(failed.status, 200) << failed.describe();
  EXPECT_EQ(failed.json["delivery"]["state"], "failed") << "a ping is not retried";
  EXPECT_EQ(failed.json["delivery"]["last_status"], 500);
  const Reply ok =
      testing::to_reply(client_->Post("/v1/webhooks/helpdesk/test", as("sari"), "", "application/json"));
  ASSERT_EQ(ok.status, 200) << ok.describe();
  EXPECT_EQ(ok.json["delivery"]["state"], "delivered");
  EXPECT_EQ(ok.json["delivery"]["type"], "ping");
  ASSERT_EQ(receiver.received().size(), 2u);
  const auto got = events_of(receiver, {old_secret});
  EXPECT_TRUE(got[1].signed_ok);
  EXPECT_EQ(got[1].body["type"], "ping");
  EXPECT_EQ(got[1].body["data"]["subscription"], "helpdesk");

  // A receiver whose answer never ends is cut off: a failed attempt, not a stuck thread.
  httplib::Server chatty;
  chatty.Post(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(service::max_webhook_response_bytes + 1, 'x'), "text/plain");
  });
  const int chatty_port = chatty.bind_to_any_port("127.0.0.1");
  ASSERT_GT(chatty_port, 0);
  std::thread chatty_thread([&] { chatty.listen_after_bind(); });
  server_->stop();
  server_.reset();  // a second server on the same folders, with one more webhook
  auto c = config_for(receiver);
  c.webhooks.push_back({"chatty", "http://127.0.0.1:" + std::to_string(chatty_port) + "/", {}, {new_secret}});
  start(c);
  const Reply cut =
      testing::to_reply(client_->Post("/v1/webhooks/chatty/test", as("sari"), "", "application/json"));
  chatty.stop();
  chatty_thread.join();
  ASSERT_EQ(cut.status, 200) << cut.describe();
  EXPECT_EQ(cut.json["delivery"]["state"], "failed");
  EXPECT_THAT(cut.json["delivery"]["last_error"].get<std::string>(), HasSubstr("over"));

  // /metrics counts the deliveries by state.
  const Reply metrics = get("/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("solusi_webhook_deliveries{state=\"failed\"} 2\n"));
  EXPECT_THAT(metrics.body, HasSubstr("solusi_webhook_deliveries{state=\"delivered\"} 1\n"));
  EXPECT_THAT(metrics.body, HasSubstr("solusi_webhook_deliveries{state=\"pending\"} 0\n"));

  const Reply unknown =
      testing::to_reply(client_->Post("/v1/webhooks/nobody/test", as("sari"), "", "application/json"));
  EXPECT_EQ(unknown.status, 404) << unknown.describe();
  EXPECT_EQ(testing::to_reply(client_->Post("/v1/webhooks/helpdesk/test", as("budi"), "", "application/json"))
                .status,
            403);
}

// ------------------------------------------------------------------------------------------------
// Durability: a pending delivery survives kill -9 of the real `solusi serve`

TEST(WebhooksServe, APendingDeliverySurvivesKillDashNine) {
  testing::TempDir dir;
  const fs::path articles = dir.path() / "articles", config = dir.path() / "solusi.yaml";
  testing::write_fixture_articles(articles);
  WebhookReceiver receiver;
  receiver.set_default_status(500);  // down until the service was killed
  std::string yaml = "listen: 127.0.0.1:0\narticles: " + articles.string() +
                     "\nindex: " + (dir.path() / "kb" / "index").string() +
                     "\nevents: " + (dir.path() / "kb" / "events.db").string() +
                     "\nthreads: 2\naccess_log: false\nindex_poll_ms: 20\nwebhook_retry_first_ms: 300\n"
                     "webhooks:\n  - id: helpdesk\n    url: " +
                     receiver.url() + "\n    secrets: [" + new_secret + "]\ntokens:\n";
  for (const auto& t : tokens)
    yaml += "  - name: " + t.name + "\n    role: " + std::string(service::to_string(t.role)) +
            "\n    sha256: " + service::sha256_hex(t.secret) + "\n";
  testing::write_file(config, yaml);
  auto serve = [&](int& port) {
    auto child = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{SOLUSI_BINARY, "serve", "--config", config.string()}, dir.path());
    EXPECT_TRUE(child->spawned()) << child->spawn_error();
    port = testing::wait_for_port(*child, startup_timeout);
    EXPECT_GT(port, 0) << child->err();
    return child;
  };

  int port = 0;
  auto child = serve(port);
  ASSERT_GT(port, 0);
  auto client = testing::make_client(port);
  const std::string slug = "akun/tahan-webhook";
  const Reply r = put(*client, slug, article("Tahan banting"));
  ASSERT_EQ(r.status, 201) << r.describe();
  ASSERT_TRUE(testing::eventually([&] { return !receiver.received().empty(); }, delivery_deadline));
  child->signal(SIGKILL);
  ASSERT_TRUE(child->wait(10s)) << "still running after SIGKILL";
  receiver.set_default_status(200);
  const size_t before = receiver.received().size();

  child = serve(port);
  ASSERT_GT(port, 0);
  client = testing::make_client(port);
  std::vector<Event> got;
  ASSERT_TRUE(testing::eventually(
      [&] {
        got = events_of(receiver, {new_secret});
        return got.size() > before;
      },
      delivery_deadline));
  const Event& last = got.back();
  EXPECT_TRUE(last.signed_ok);
  EXPECT_EQ(last.body["type"], "article.published");
  EXPECT_EQ(last.body["data"]["slug"], slug);
  EXPECT_EQ(last.body["data"]["revision"], r.json["revision"]);
  EXPECT_EQ(last.event_id, got.front().event_id) << "the same event, not a new one";
  json delivery;
  EXPECT_TRUE(testing::eventually(
      [&] {
        const Reply log = testing::get(*client, "/v1/webhooks/deliveries", as("sari"));
        if (log.status != 200 || log.json["deliveries"].empty()) return false;
        delivery = log.json["deliveries"][0];
        return delivery["state"] == "delivered";
      },
      delivery_deadline))
      << delivery.dump();
  EXPECT_EQ(delivery["attempt_log"].back()["status"], 200);
  child->signal(SIGTERM);
  EXPECT_TRUE(child->wait(20s));
}

}  // namespace
}  // namespace solusi
