// GET /v1/openapi.json through real HTTP on loopback, and the check every HTTP test runs on the /v1
// responses it receives (http_support.hpp: openapi_mismatches(), installed by make_client()).
#include <gtest/gtest-spi.h>

#include "http_support.hpp"

namespace solusi::testing {
namespace {

class OpenApi : public HttpTest {};

TEST_F(OpenApi, TheServedDocumentIsTheGeneratedOneAndNeedsNoToken) {
  auto config = base_config();
  config.tokens.push_back({"rina", service::Role::agent, service::sha256_hex("sol_agent-rina-0123456789")});
  start(config);
  EXPECT_EQ(get("/v1/search?q=refund").status, 401);  // tokens are on…
  const Reply r = get("/v1/openapi.json");            // …and the description is open, like the probes
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.json, openapi_document());
  EXPECT_EQ(r.json["openapi"], "3.1.0");
  EXPECT_TRUE(r.json["paths"].contains("/v1/suggest"));
}

TEST_F(OpenApi, AMemberMissingFromTheDescriptionOrARequiredOneAbsentIsAMismatch) {
  start();
  const Reply r = get("/v1/search?q=refund");
  ASSERT_EQ(r.status, 200) << r.describe();
  const std::string type = r.header("Content-Type");
  EXPECT_TRUE(openapi_mismatches("GET", "/v1/search?q=refund", 200, type, r.body).empty());

  nlohmann::json extra = r.json;
  extra["hits"][0]["colour"] = "red";
  const auto problems = openapi_mismatches("GET", "/v1/search?q=refund", 200, type, extra.dump());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("'colour' is not in the description"), std::string::npos) << problems[0];

  nlohmann::json missing = r.json;
  missing.erase("total_estimate");
  EXPECT_FALSE(openapi_mismatches("GET", "/v1/search", 200, type, missing.dump()).empty());
  // A status the route does not answer, and an error body of the wrong shape.
  EXPECT_FALSE(openapi_mismatches("GET", "/v1/search", 202, type, r.body).empty());
  EXPECT_FALSE(openapi_mismatches("GET", "/v1/search", 400, type, R"({"error":"bad"})").empty());
  EXPECT_FALSE(
      openapi_mismatches("GET", "/v1/nothing", 404, type, R"({"error":{"code":"nope","message":"x"}})")
          .empty());  // not a listed error code
}

TEST_F(OpenApi, TheClientsCheckFailsTheTestOnAMismatch) {
  httplib::Request req;
  req.method = "GET";
  req.path = "/v1/whoami";
  httplib::Response res;
  res.status = 200;
  res.set_content(R"({"name":"anonymous","role":null,"tokens_required":false,"can":[],"extra":1})",
                  "application/json");
  EXPECT_NONFATAL_FAILURE(check_against_openapi(req, res), "'extra' is not in the description");
  res.set_content(R"({"name":"anonymous","role":null,"tokens_required":false,"can":[]})", "application/json");
  check_against_openapi(req, res);  // matches: no failure
}

TEST_F(OpenApi, TheClientCallsItsLoggerWithEveryResponse) {
  start();
  // make_client() installs check_against_openapi() as the client's logger: httplib calls it once per
  // response, with the request's method and target.
  auto c = make_client(port_);
  std::vector<std::string> seen;
  c->set_logger([&seen](const httplib::Request& req, const httplib::Response& res) {
    seen.push_back(req.method + " " + req.path + " " + std::to_string(res.status));
    check_against_openapi(req, res);
  });
  EXPECT_EQ(testing::get(*c, "/v1/whoami").status, 200);
  EXPECT_EQ(post_json(*c, "/v1/suggest", {{"subject", "refund"}}).status, 200);
  EXPECT_EQ(seen, (std::vector<std::string>{"GET /v1/whoami 200", "POST /v1/suggest 200"}));
}

TEST_F(OpenApi, ErrorsOfEveryKindMatchTheDescription) {
  start();
  // Each of these passes through make_client()'s check; the statuses say the errors really happened.
  EXPECT_EQ(get("/v1/search").status, 400);
  EXPECT_EQ(get("/v1/articles/no/such-article").status, 404);
  EXPECT_EQ(get("/v1/nothing").status, 404);
  EXPECT_EQ(to_reply(client_->Delete("/v1/search")).status, 405);
  EXPECT_EQ(to_reply(client_->Post("/v1/suggest", "x", "text/plain")).status, 415);
  EXPECT_EQ(post_json(*client_, "/v1/feedback", {{"ticket_id", "1"}}).status, 400);
}

}  // namespace
}  // namespace solusi::testing
