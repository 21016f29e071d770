// Roles through real HTTP on loopback: tokens (401 without a valid one), what each role reads, the
// public role seeing only `audience: public` articles in search, listing and view alike, and the
// refusal to serve open reads on a non-loopback address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::hit_slugs;
using testing::listed_slugs;
using ::testing::Not;

struct Token {
  std::string name;
  service::Role role;
  std::string secret;
};

const Token tokens[] = {
    {"rina", service::Role::agent, "sol_agent-rina-0123456789"},
    {"budi", service::Role::editor, "sol_editor-budi-0123456789"},
    {"sari", service::Role::lead, "sol_lead-sari-0123456789"},
    {"helpdesk", service::Role::ticket_system, "sol_ticket-helpdesk-0123456789"},
    {"website", service::Role::public_, "sol_public-website-0123456789"},
};

httplib::Headers bearer(const std::string& secret) {
  return {{"Authorization", "Bearer " + secret}};
}

class Roles : public testing::HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    auto config = base_config();
    for (const auto& t : tokens) config.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
    start(config);
  }

  const std::string& secret(service::Role role) {
    return std::find_if(std::begin(tokens), std::end(tokens), [&](const Token& t) { return t.role == role; })
        ->secret;
  }
};

TEST_F(Roles, NoTokenIs401WithWwwAuthenticate) {
  for (const std::string target :
       {"/v1/search?q=refund", "/v1/articles", "/v1/articles/akun/otp-tidak-masuk"}) {
    const auto r = get(target);
    EXPECT_EQ(r.status, 401) << target << " → " << r.describe();
    EXPECT_THAT(r.header("WWW-Authenticate"), HasSubstr("Bearer")) << target;
    ASSERT_TRUE(r.is_error_body()) << r.describe();
    EXPECT_EQ(r.error_code(), "unauthorized");
    EXPECT_THAT(r.error_message(), HasSubstr("Authorization"));
  }
}

TEST_F(Roles, WrongTokenIs401) {
  const httplib::Headers wrong[] = {
      bearer("sol_not-a-token"),
      bearer(tokens[0].secret + "x"),
      bearer(tokens[0].secret.substr(1)),
      bearer(""),
      {{"Authorization", tokens[0].secret}},             // no scheme
      {{"Authorization", "Basic " + tokens[0].secret}},  // wrong scheme
      {{"Authorization", "Bearer" + tokens[0].secret}},  // no space
      bearer(service::sha256_hex(tokens[0].secret)),     // the hash is not the token
  };
  for (const auto& headers : wrong) {
    const auto r = get("/v1/search?q=refund", headers);
    EXPECT_EQ(r.status, 401) << headers.begin()->second << " → " << r.describe();
    EXPECT_TRUE(r.has_header("WWW-Authenticate"));
    EXPECT_TRUE(r.is_error_body()) << r.describe();
  }
}

TEST_F(Roles, InternalRolesReadEverythingPublishedEditorsAndLeadsAlsoUnpublished) {
  std::vector<std::string> all = testing::public_slugs;
  all.insert(all.end(), testing::internal_slugs.begin(), testing::internal_slugs.end());
  std::sort(all.begin(), all.end());
  for (const auto role :
       {service::Role::agent, service::Role::editor, service::Role::lead, service::Role::ticket_system}) {
    SCOPED_TRACE(std::string(service::to_string(role)));
    const auto auth = bearer(secret(role));
    EXPECT_THAT(hit_slugs(get_ok("/v1/search?q=virtual+account", auth)),
                Contains("pembayaran/virtual-account"));
    EXPECT_THAT(hit_slugs(get_ok("/v1/search?q=escalate", auth)), Contains("en/escalation-policy"));
    // Editors and leads also see drafts, review copies and archived articles (issue 5); others do not.
    const bool sees_unpublished = role == service::Role::editor || role == service::Role::lead;
    std::vector<std::string> listed = all;
    if (sees_unpublished) {
      listed.insert(listed.end(), testing::unpublished_slugs.begin(), testing::unpublished_slugs.end());
      std::sort(listed.begin(), listed.end());
    }
    EXPECT_EQ(listed_slugs(get_ok("/v1/articles", auth)), listed);
    for (const auto& slug : testing::internal_slugs)
      EXPECT_EQ(get_ok("/v1/articles/" + slug, auth)["slug"], slug);
    for (const auto& slug : testing::unpublished_slugs)
      EXPECT_EQ(get("/v1/articles/" + slug, auth).status, sees_unpublished ? 200 : 404) << slug;
  }
}

TEST_F(Roles, PublicRoleSeesOnlyPublicArticlesEverywhere) {
  const auto auth = bearer(secret(service::Role::public_));
  // Search: internal articles are not there, whatever the query asks for.
  for (const std::string q : {"refund", "virtual+account", "escalate", "card+declined", "ongkos+kirim",
                              "skrip+catatan", "pesanan+order+paket+kode"}) {
    for (const std::string extra : {"", "&audience=all", "&limit=50"}) {
      const auto body = get_ok("/v1/search?q=" + q + extra, auth);
      for (const auto& h : body["hits"]) {
        EXPECT_EQ(h["audience"], "public") << q << extra << ": " << h["slug"];
        EXPECT_THAT(testing::public_slugs, Contains(h["slug"].get<std::string>())) << q << extra;
      }
      // Facets count only what this reader may see.
      for (const auto& f : body["facets"]["categories"])
        EXPECT_NE(f["value"], "internal") << q << extra << ": facets leak internal articles";
    }
  }
  EXPECT_FALSE(hit_slugs(get_ok("/v1/search?q=refund", auth)).empty());
  EXPECT_TRUE(hit_slugs(get_ok("/v1/search?q=escalate", auth)).empty());

  // Listing: only public articles, whatever the filter.
  EXPECT_EQ(listed_slugs(get_ok("/v1/articles", auth)), testing::public_slugs);
  EXPECT_EQ(get_ok("/v1/articles", auth)["total"], testing::public_slugs.size());
  EXPECT_TRUE(listed_slugs(get_ok("/v1/articles?category=internal", auth)).empty());
  EXPECT_EQ(listed_slugs(get_ok("/v1/articles?owner=payments-team", auth)),
            std::vector<std::string>{"en/refund-not-received"});

  // View: an internal article is a 404, exactly like a missing one (its existence must not leak).
  for (const auto& slug : testing::internal_slugs) {
    const auto r = get("/v1/articles/" + slug, auth);
    EXPECT_EQ(r.status, 404) << slug << " → " << r.describe();
    EXPECT_TRUE(r.is_error_body()) << r.describe();
    const auto missing = get("/v1/articles/" + slug + "-missing", auth);
    EXPECT_EQ(r.error_code(), missing.error_code());
  }
  for (const auto& slug : testing::public_slugs)
    EXPECT_EQ(get_ok("/v1/articles/" + slug, auth)["slug"], slug);
  for (const auto& slug : testing::unpublished_slugs)
    EXPECT_EQ(get("/v1/articles/" + slug, auth).status, 404);
}

TEST_F(Roles, SpellingSuggestionsDoNotRevealWordsTheReaderCannotSee) {
  const auto pub = bearer(secret(service::Role::public_));
  for (const std::string q : {"zamrut", "obsidain", "safiir", "eskalate"}) {
    const auto body = get_ok("/v1/search?q=" + q, pub);
    EXPECT_TRUE(body["corrected"].is_null()) << q << " → corrected " << body["corrected"];
  }
  const auto agent = get_ok("/v1/search?q=zamrut", bearer(secret(service::Role::agent)));
  EXPECT_TRUE(agent["corrected"].is_null()) << "zamrud is only in a draft: " << agent["corrected"];
}

TEST_F(Roles, AgentCanAskForPublicOnly) {
  const auto body = get_ok("/v1/search?q=refund+card+escalate&audience=public&limit=50",
                           bearer(secret(service::Role::agent)));
  ASSERT_FALSE(body["hits"].empty());
  for (const auto& h : body["hits"]) EXPECT_EQ(h["audience"], "public") << h["slug"];
}

TEST_F(Roles, HealthReadinessAndMetricsStayOpen) {
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/readyz").status, 200);
  EXPECT_EQ(get("/metrics").status, 200);
  EXPECT_EQ(get("/healthz", bearer("sol_not-a-token")).status, 200);
}

TEST_F(Roles, AuthSchemeIsCaseInsensitive) {
  for (const std::string scheme : {"bearer ", "BEARER "})
    EXPECT_EQ(get("/v1/search?q=refund", {{"Authorization", scheme + secret(service::Role::agent)}}).status,
              200)
        << scheme;
}

TEST_F(Roles, TokenWithSurroundingSpaceStillWorks) {
  EXPECT_EQ(get("/v1/search?q=refund", bearer(secret(service::Role::agent) + "  ")).status, 200);
}

TEST(NoTokens, ReadsAreOpenOnLoopback) {
  testing::TempDir dir;
  testing::write_fixture_articles(dir / "articles");
  testing::build_index(dir / "articles", dir / "index");
  service::Config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.articles_dir = dir / "articles";
  config.index_dir = dir / "index";
  config.access_log = false;
  service::Server server(config);
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().describe();
  auto client = testing::make_client(*port);
  const auto r = testing::get(*client, "/v1/articles/pembayaran/virtual-account");
  EXPECT_EQ(r.status, 200) << r.describe();  // internal: open reads are agent reads
  server.stop();
}

TEST(NoTokens, NonLoopbackHostIsRefused) {
  testing::TempDir dir;
  for (const std::string host : {"0.0.0.0", "::", "192.0.2.10", "example.com"}) {
    service::Config config;
    config.host = host;
    config.port = 0;
    config.index_dir = dir / "index";
    config.access_log = false;
    service::Server server(config);
    auto port = server.start();
    ASSERT_FALSE(port) << host << " was accepted on port " << *port;
    EXPECT_THAT(port.error().message, HasSubstr(host));
    EXPECT_THAT(port.error().message, HasSubstr("token"));
  }
}

TEST(NoTokens, LoopbackNamesAreAccepted) {
  testing::TempDir dir;
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    service::Config config;
    config.host = host;
    config.port = 0;
    config.index_dir = dir / "index";
    config.access_log = false;
    service::Server server(config);
    auto port = server.start();
    EXPECT_TRUE(port) << host << ": " << port.error().describe();
    server.stop();
  }
}

}  // namespace
}  // namespace solusi
