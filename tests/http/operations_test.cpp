// /healthz, /readyz and /metrics through real HTTP on loopback, and CORS for browser clients.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class Operations : public testing::HttpTest {};

TEST_F(Operations, HealthzSaysOk) {
  start();
  const auto r = get("/healthz");
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.json, nlohmann::json({{"status", "ok"}}));
}

TEST_F(Operations, ProbesIgnoreQueryParameters) {
  // Load balancers and uptime checkers add cache-busting parameters to their probes.
  start();
  for (const std::string target : {"/healthz?x=1", "/healthz?_=1700000000&verbose", "/readyz?probe=lb",
                                   "/metrics?name=solusi_index_documents"}) {
    const auto r = get(target);
    EXPECT_EQ(r.status, 200) << target << " → " << r.describe();
    EXPECT_FALSE(r.is_error_body()) << target << " → " << r.describe();
  }
  EXPECT_EQ(get("/healthz?x=1").json, nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(get("/readyz?x=1").json["status"], "ready");
}

TEST_F(Operations, ReadyzGivesDocumentCountAndRevision) {
  start();
  const auto body = get_ok("/readyz");
  EXPECT_EQ(body["status"], "ready");
  EXPECT_EQ(body["documents"], testing::fixture_articles().size());
  EXPECT_GE(body["revision"].get<int>(), 1);
}

TEST_F(Operations, ReadyzIs503WhenTheIndexFolderHasNoIndex) {
  auto config = base_config();
  config.index_dir = dir_ / "empty-index";
  std::filesystem::create_directories(config.index_dir);
  start(config);
  const auto r = get("/readyz");
  EXPECT_EQ(r.status, 503) << r.describe();
  ASSERT_TRUE(r.is_error_body()) << r.describe();
  EXPECT_EQ(r.error_code(), "index_unavailable");
  // Alive all the same, and the other routes say the same as readiness.
  EXPECT_EQ(get("/healthz").status, 200);
  const auto search = get("/v1/search?q=refund");
  EXPECT_EQ(search.status, 503) << search.describe();
  EXPECT_TRUE(search.is_error_body()) << search.describe();
  EXPECT_EQ(get("/v1/articles/akun/otp-tidak-masuk").status, 503);
  EXPECT_EQ(get("/v1/articles").status, 503);
  const auto metrics = get("/metrics");
  EXPECT_EQ(metrics.status, 200) << metrics.describe();
  EXPECT_THAT(metrics.body, HasSubstr("\nsolusi_index_documents 0"));
}

TEST_F(Operations, ReadyzTurnsReadyOnceAnIndexAppears) {
  auto config = base_config();
  config.index_dir = dir_ / "later-index";
  std::filesystem::create_directories(config.index_dir);
  start(config);
  EXPECT_EQ(get("/readyz").status, 503);
  testing::build_index(articles_dir(), dir_ / "later-index");
  EXPECT_TRUE(testing::eventually([&] { return get("/readyz").status == 200; }, 5s))
      << get("/readyz").describe();
  EXPECT_EQ(get("/v1/search?q=refund").status, 200);
}

/// The value of the sample with exactly this name and label set, or nullopt.
std::optional<double> sample(const std::string& metrics, const std::string& series) {
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

TEST_F(Operations, MetricsCountRequestsByRouteAndStatus) {
  start();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get("/v1/search?q=refund").status, 200);
  EXPECT_EQ(get("/v1/search?q=").status, 400);
  EXPECT_EQ(get("/v1/search?limit=abc&q=x").status, 400);
  EXPECT_EQ(get("/v1/articles/akun/otp-tidak-masuk").status, 200);
  EXPECT_EQ(get("/v1/articles/akun/tidak-ada").status, 404);
  EXPECT_EQ(get("/v1/articles").status, 200);
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/no/such/route").status, 404);

  const auto r = get("/metrics");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_THAT(r.header("Content-Type"), StartsWith("text/plain"));
  const std::string& m = r.body;
  const std::pair<std::string, double> expected[] = {
      {R"(solusi_http_requests_total{route="search",method="GET",status="200"})", 3},
      {R"(solusi_http_requests_total{route="search",method="GET",status="400"})", 2},
      {R"(solusi_http_requests_total{route="article",method="GET",status="200"})", 1},
      {R"(solusi_http_requests_total{route="article",method="GET",status="404"})", 1},
      {R"(solusi_http_requests_total{route="articles",method="GET",status="200"})", 1},
      {R"(solusi_http_requests_total{route="healthz",method="GET",status="200"})", 1},
      {R"(solusi_http_requests_total{route="unmatched",method="GET",status="404"})", 1},
      {R"(solusi_http_errors_total{route="search",status="400"})", 2},
      {R"(solusi_http_errors_total{route="article",status="404"})", 1},
      {R"(solusi_http_request_duration_seconds_bucket{route="search",le="+Inf"})", 5},
      {R"(solusi_http_request_duration_seconds_count{route="search"})", 5},
      {R"(solusi_http_request_duration_seconds_count{route="article"})", 2},
  };
  for (const auto& [series, value] : expected) {
    const auto v = sample(m, series);
    ASSERT_TRUE(v) << series << " missing in\n" << m;
    EXPECT_EQ(*v, value) << series;
  }
  EXPECT_THAT(m, HasSubstr("# TYPE solusi_http_requests_total counter"));
  EXPECT_THAT(m, HasSubstr("# TYPE solusi_http_request_duration_seconds histogram"));
  EXPECT_FALSE(sample(m, R"(solusi_http_errors_total{route="search",status="200"})")) << "200 is no error";

  // Histogram buckets are cumulative and end in the count.
  double previous = 0;
  for (const char* le : {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
                         "1", "2.5", "+Inf"}) {
    const auto v = sample(
        m, std::string(R"(solusi_http_request_duration_seconds_bucket{route="search",le=")") + le + "\"}");
    ASSERT_TRUE(v) << "bucket le=" << le << " missing";
    EXPECT_GE(*v, previous) << le;
    previous = *v;
  }
  const auto sum = sample(m, R"(solusi_http_request_duration_seconds_sum{route="search"})");
  ASSERT_TRUE(sum);
  EXPECT_GT(*sum, 0);

  const auto documents = sample(m, "solusi_index_documents");
  ASSERT_TRUE(documents) << m;
  EXPECT_EQ(*documents, static_cast<double>(testing::fixture_articles().size()));
  const auto revision = sample(m, "solusi_index_revision");
  ASSERT_TRUE(revision) << m;
  EXPECT_GE(*revision, 1);
  const auto age = sample(m, "solusi_index_last_commit_age_seconds");
  ASSERT_TRUE(age) << m;
  EXPECT_GE(*age, 0);
  EXPECT_LT(*age, 600);
  EXPECT_THAT(m, HasSubstr("# TYPE solusi_index_documents gauge"));
}

TEST_F(Operations, MetricsRevisionFollowsACommit) {
  start();
  const auto before = sample(get("/metrics").body, "solusi_index_revision");
  ASSERT_TRUE(before);
  testing::write_file(articles_dir() / "en/new-article.md",
                      "---\ntitle: Gift card balance\nlang: en\nowner: payments-team\n---\nGift cards never "
                      "expire.\n");
  ASSERT_TRUE(testing::reindex(articles_dir(), index_dir()));
  EXPECT_TRUE(testing::eventually(
      [&] {
        const auto m = get("/metrics").body;
        return sample(m, "solusi_index_revision") > before &&
               sample(m, "solusi_index_documents") ==
                   static_cast<double>(testing::fixture_articles().size() + 1);
      },
      5s))
      << get("/metrics").body;
}

TEST_F(Operations, MetricsHaveOneSamplePerSeries) {
  start();
  EXPECT_EQ(testing::to_reply(client_->Post("/v1/search", "", "text/plain")).status, 405);
  EXPECT_EQ(testing::to_reply(client_->Delete("/v1/search")).status, 405);
  EXPECT_EQ(get("/v1/search?q=").status, 400);
  EXPECT_EQ(testing::to_reply(client_->Head("/v1/search?q=")).status, 400);
  const std::string m = get("/metrics").body;
  std::map<std::string, int> seen;
  std::istringstream in(m);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') ++seen[line.substr(0, line.rfind(' '))];
  for (const auto& [series, n] : seen) EXPECT_EQ(n, 1) << series << " appears " << n << " times in\n" << m;
}

// ------------------------------------------------------------------------------------------------
// CORS

class Cors : public testing::HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    auto config = base_config();
    config.cors_origins = {"https://desk.example"};
    start(config);
  }
};

TEST_F(Cors, AllowedOriginGetsTheHeader) {
  const auto r = get("/v1/search?q=refund", {{"Origin", "https://desk.example"}});
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "https://desk.example");
  EXPECT_THAT(r.header("Vary"), HasSubstr("Origin"));
  // Errors too, or the browser hides them from the page.
  const auto bad = get("/v1/search?q=", {{"Origin", "https://desk.example"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.header("Access-Control-Allow-Origin"), "https://desk.example");
}

TEST_F(Cors, OtherOriginGetsNoHeader) {
  for (const std::string origin :
       {"https://evil.example", "https://desk.example.evil.example", "null", "http://desk.example"}) {
    const auto r = get("/v1/search?q=refund", {{"Origin", origin}});
    EXPECT_EQ(r.status, 200) << r.describe();
    EXPECT_FALSE(r.has_header("Access-Control-Allow-Origin")) << origin;
  }
  EXPECT_FALSE(get("/v1/search?q=refund").has_header("Access-Control-Allow-Origin"));
}

TEST_F(Cors, PreflightIs204WithTheAllowHeaders) {
  const auto r = testing::to_reply(
      client_->Options("/v1/search", {{"Origin", "https://desk.example"},
                                      {"Access-Control-Request-Method", "GET"},
                                      {"Access-Control-Request-Headers", "authorization"}}));
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "https://desk.example");
  EXPECT_THAT(r.header("Access-Control-Allow-Methods"), HasSubstr("GET"));
  EXPECT_THAT(r.header("Access-Control-Allow-Headers"), HasSubstr("Authorization"));
  EXPECT_TRUE(r.body.empty());

  const auto other = testing::to_reply(client_->Options(
      "/v1/search", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}}));
  EXPECT_FALSE(other.has_header("Access-Control-Allow-Origin")) << other.describe();
}

TEST_F(Cors, PreflightNamesOnlyTheMethodsOfThePath) {
  const std::pair<std::string, std::string> cases[] = {
      {"/v1/search", "GET, OPTIONS"},
      {"/v1/articles", "GET, OPTIONS"},
      {"/v1/articles/akun/otp-tidak-masuk", "GET, PUT, DELETE, OPTIONS"},  // editors write articles
      {"/v1/articles/akun/tidak-ada", "GET, PUT, DELETE, OPTIONS"},
      {"/v1/suggest", "POST, OPTIONS"},
      {"/healthz", "GET, OPTIONS"},
      {"/metrics", "GET, OPTIONS"}};
  for (const auto& [path, methods] : cases) {
    const auto r = testing::to_reply(client_->Options(
        path, {{"Origin", "https://desk.example"}, {"Access-Control-Request-Method", "GET"}}));
    EXPECT_EQ(r.status, 204) << path << " → " << r.describe();
    // Only the methods the path's routes take are offered.
    EXPECT_EQ(r.header("Access-Control-Allow-Methods"), methods) << path;
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "https://desk.example") << path;
  }
}

TEST_F(Cors, PreflightOfAnUnknownPathIs404) {
  for (const std::string path : {"/v1/nothing", "/index.htm", "/v1/articles/", "/healthz/extra"}) {
    const auto r = testing::to_reply(client_->Options(
        path, {{"Origin", "https://desk.example"}, {"Access-Control-Request-Method", "POST"}}));
    EXPECT_EQ(r.status, 404) << path << " → " << r.describe();
    EXPECT_EQ(r.error_code(), "not_found") << path << " → " << r.describe();
    EXPECT_FALSE(r.has_header("Access-Control-Allow-Methods")) << path;
    // Still readable by the page that asked.
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "https://desk.example") << path;
  }
}

TEST(CorsWithTokens, PreflightNeedsNoToken) {
  testing::TempDir dir;
  testing::write_fixture_articles(dir / "articles");
  testing::build_index(dir / "articles", dir / "index");
  service::Config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.articles_dir = dir / "articles";
  config.index_dir = dir / "index";
  config.access_log = false;
  config.index_poll_ms = 20;
  config.cors_origins = {"*"};
  config.tokens = {{"rina", service::Role::agent, service::sha256_hex("secret-agent-token")}};
  service::Server server(config);
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().describe();
  auto client = testing::make_client(*port);
  // Browsers send preflights without credentials.
  const auto pre = testing::to_reply(client->Options(
      "/v1/search", {{"Origin", "https://any.example"}, {"Access-Control-Request-Method", "GET"}}));
  EXPECT_EQ(pre.status, 204) << pre.describe();
  EXPECT_EQ(pre.header("Access-Control-Allow-Origin"), "*");
  const auto denied = testing::get(*client, "/v1/search?q=refund", {{"Origin", "https://any.example"}});
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.header("Access-Control-Allow-Origin"), "*");
  const auto ok =
      testing::get(*client, "/v1/search?q=refund",
                   {{"Origin", "https://any.example"}, {"Authorization", "Bearer secret-agent-token"}});
  EXPECT_EQ(ok.status, 200) << ok.describe();
  EXPECT_EQ(ok.header("Access-Control-Allow-Origin"), "*");
  server.stop();
}

}  // namespace
}  // namespace solusi
