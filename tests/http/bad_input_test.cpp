// Every bad request of the issue, through real HTTP on loopback: each gets the right 4xx and a JSON
// error naming the problem, and the server keeps serving afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hostile_articles.hpp"
#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using ::testing::HasSubstr;

class BadInput : public testing::HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    auto config = base_config();
    config.max_body_bytes = 1024;
    start(config);
  }

  void TearDown() override {
    // Whatever a test sent, the server must still answer.
    if (client_) {
      const auto health = get("/healthz");
      EXPECT_EQ(health.status, 200) << "after the test: " << health.describe();
      const auto search = get("/v1/search?q=refund");
      EXPECT_EQ(search.status, 200) << "after the test: " << search.describe();
    }
    HttpTest::TearDown();
  }

  /// Expects @p status with an error body whose code is @p code and whose message mentions @p names.
  void expect_error(const std::string& target, int status, const std::string& code,
                    const std::string& names) {
    const auto r = get(target);
    EXPECT_EQ(r.status, status) << target << " → " << r.describe();
    ASSERT_TRUE(r.is_error_body()) << target << " → " << r.describe();
    EXPECT_EQ(r.error_code(), code) << target;
    EXPECT_THAT(r.error_message(), HasSubstr(names)) << target;
    EXPECT_THAT(r.header("Content-Type"), HasSubstr("application/json")) << target;
  }
};

struct BadRequest {
  std::string label;
  std::string target;
  int status;
  std::string code;
  std::string message;  ///< a part of the error message that names the problem
};

TEST_F(BadInput, SearchParametersAreChecked) {
  const std::string long_q(1025, 'a');
  const BadRequest cases[] = {
      {"missing q", "/v1/search", 400, "invalid_argument", "'q' is required"},
      {"missing q with other parameters", "/v1/search?lang=id&limit=5", 400, "invalid_argument", "'q'"},
      {"empty q", "/v1/search?q=", 400, "invalid_argument", "'q' is empty"},
      {"blank q", "/v1/search?q=%20%20%09", 400, "invalid_argument", "'q' is empty"},
      {"q of 1,025 bytes", "/v1/search?q=" + long_q, 400, "invalid_argument", "1024 bytes"},
      {"q of 1,025 bytes of UTF-8",
       "/v1/search?q=" + testing::url_encode(std::string(341, 'x') + "é" + std::string(341 * 2, 'y')), 400,
       "invalid_argument", "1024 bytes"},
      {"invalid UTF-8", "/v1/search?q=%ff%fe", 400, "invalid_argument", "UTF-8"},
      {"overlong UTF-8", "/v1/search?q=%c0%af", 400, "invalid_argument", "UTF-8"},
      {"truncated UTF-8", "/v1/search?q=refund%e2%80", 400, "invalid_argument", "UTF-8"},
      {"NUL in q", "/v1/search?q=ref%00und", 400, "invalid_argument", "'q'"},
      {"lang=xx", "/v1/search?q=refund&lang=xx", 400, "invalid_argument", "'lang'"},
      {"lang=ID", "/v1/search?q=refund&lang=ID", 400, "invalid_argument", "'lang'"},
      {"limit=-1", "/v1/search?q=refund&limit=-1", 400, "invalid_argument", "'limit'"},
      {"limit=abc", "/v1/search?q=refund&limit=abc", 400, "invalid_argument", "'limit'"},
      {"limit=51", "/v1/search?q=refund&limit=51", 400, "invalid_argument", "'limit'"},
      {"limit=0", "/v1/search?q=refund&limit=0", 400, "invalid_argument", "'limit'"},
      {"limit empty", "/v1/search?q=refund&limit=", 400, "invalid_argument", "'limit'"},
      {"limit 1e1", "/v1/search?q=refund&limit=1e1", 400, "invalid_argument", "'limit'"},
      {"limit overflow", "/v1/search?q=refund&limit=18446744073709551617", 400, "invalid_argument",
       "'limit'"},
      {"offset=9999999", "/v1/search?q=refund&offset=9999999", 400, "invalid_argument", "'offset'"},
      {"offset=-1", "/v1/search?q=refund&offset=-1", 400, "invalid_argument", "'offset'"},
      {"offset+limit over 1000", "/v1/search?q=refund&offset=990&limit=11", 400, "invalid_argument",
       "'offset' + 'limit'"},
      {"offset+default limit over 1000", "/v1/search?q=refund&offset=999", 400, "invalid_argument",
       "'offset' + 'limit'"},
      {"unknown parameter", "/v1/search?q=refund&sort=date", 400, "invalid_argument",
       "unknown parameter 'sort'"},
      {"repeated q", "/v1/search?q=refund&q=saldo", 400, "invalid_argument", "'q' is given more than once"},
      {"repeated limit", "/v1/search?q=refund&limit=5&limit=6", 400, "invalid_argument", "'limit'"},
      {"repeated lang", "/v1/search?q=refund&lang=id&lang=en", 400, "invalid_argument", "'lang'"},
      {"repeated offset", "/v1/search?q=refund&offset=0&offset=5", 400, "invalid_argument", "'offset'"},
      {"repeated category", "/v1/search?q=refund&category=a&category=b", 400, "invalid_argument",
       "'category'"},
      {"facets=maybe", "/v1/search?q=refund&facets=maybe", 400, "invalid_argument", "'facets'"},
      {"audience=everyone", "/v1/search?q=refund&audience=everyone", 400, "invalid_argument", "'audience'"},
      {"%zz", "/v1/search?q=%zz", 400, "invalid_argument", "percent-encoding"},
      {"%4 at the end", "/v1/search?q=refund%4", 400, "invalid_argument", "percent-encoding"},
      {"% at the end", "/v1/search?q=refund%", 400, "invalid_argument", "percent-encoding"},
      {"%g1 in a name", "/v1/search?q=refund&x%g1=1", 400, "invalid_argument", "percent-encoding"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    expect_error(c.target, c.status, c.code, c.message);
  }
}

TEST_F(BadInput, SlugsThatCouldEscapeTheIndexAreRefused) {
  const BadRequest cases[] = {
      {"dot dot", "/v1/articles/../etc/passwd", 400, "invalid_argument", "invalid slug"},
      {"dot dot inside", "/v1/articles/akun/../pembayaran/refund-belum-masuk", 400, "invalid_argument",
       "invalid slug"},
      {"encoded dot dot", "/v1/articles/%2e%2e/%2e%2e/etc/passwd", 400, "invalid_argument", "invalid slug"},
      {"encoded slashes", "/v1/articles/..%2F..%2Fetc%2Fpasswd", 400, "invalid_argument", "invalid slug"},
      {"absolute path", "/v1/articles//etc/passwd", 400, "invalid_argument", "invalid slug"},
      {"encoded absolute path", "/v1/articles/%2Fetc%2Fpasswd", 400, "invalid_argument", "invalid slug"},
      {"NUL", "/v1/articles/akun/otp-tidak-masuk%00.md", 400, "invalid_argument", "invalid slug"},
      {"hidden segment", "/v1/articles/.git/config", 400, "invalid_argument", "invalid slug"},
      {"hidden last segment", "/v1/articles/akun/.otp-tidak-masuk", 400, "invalid_argument", "invalid slug"},
      {"trailing slash", "/v1/articles/akun/", 400, "invalid_argument", "invalid slug"},
      {"empty segment", "/v1/articles/akun//otp-tidak-masuk", 400, "invalid_argument", "invalid slug"},
      {"backslash", "/v1/articles/akun%5Cotp-tidak-masuk", 400, "invalid_argument", "invalid slug"},
      {"300-byte slug", "/v1/articles/" + std::string(300, 'a'), 400, "invalid_argument", "150 bytes"},
      {"unknown parameter on the view", "/v1/articles/akun/otp-tidak-masuk?format=raw", 400,
       "invalid_argument", "unknown parameter 'format'"},
      {"percent-encoding in the path", "/v1/articles/akun/otp%zz", 400, "invalid_argument",
       "percent-encoding"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    expect_error(c.target, c.status, c.code, c.message);
  }
  // A 150-byte slug is not too long, only unknown (the one slug rule: check_slug()).
  expect_error("/v1/articles/" + std::string(150, 'a'), 404, "not_found", "no article");
  expect_error("/v1/articles/" + std::string(151, 'a'), 400, "invalid_argument", "150 bytes");
  expect_error("/v1/articles/akun/tidak-ada", 404, "not_found", "akun/tidak-ada");
}

TEST_F(BadInput, ListingParametersAreChecked) {
  const BadRequest cases[] = {
      {"limit=0", "/v1/articles?limit=0", 400, "invalid_argument", "'limit'"},
      {"limit=201", "/v1/articles?limit=201", 400, "invalid_argument", "'limit'"},
      {"limit=abc", "/v1/articles?limit=abc", 400, "invalid_argument", "'limit'"},
      {"offset=-1", "/v1/articles?offset=-1", 400, "invalid_argument", "'offset'"},
      {"unknown parameter", "/v1/articles?q=refund", 400, "invalid_argument", "unknown parameter 'q'"},
      {"repeated tag", "/v1/articles?tag=refund&tag=saldo", 400, "invalid_argument", "'tag'"},
      {"%zz", "/v1/articles?tag=%zz", 400, "invalid_argument", "percent-encoding"},
      {"lang=xx", "/v1/articles?lang=xx", 400, "invalid_argument", "'lang' must be id or en (got 'xx')"},
      {"lang=ID", "/v1/articles?lang=ID", 400, "invalid_argument", "'lang'"},
      {"lang=english", "/v1/articles?lang=english", 400, "invalid_argument", "'lang'"},
      {"repeated lang", "/v1/articles?lang=id&lang=en", 400, "invalid_argument", "'lang'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    expect_error(c.target, c.status, c.code, c.message);
  }
}

TEST_F(BadInput, ReadRoutesStillRefuseUnknownParameters) {
  // Only the open routes ignore parameters (see Operations.ProbesIgnoreQueryParameters).
  expect_error("/v1/articles/akun/otp-tidak-masuk?_=1", 400, "invalid_argument", "unknown parameter '_'");
  expect_error("/v1/articles?cache=no", 400, "invalid_argument", "unknown parameter 'cache'");
}

TEST_F(BadInput, UnknownRouteIsAJson404) {
  for (const std::string target : {"/index.htm", "/v2/search?q=refund", "/v1/searchx?q=refund",
                                   "/v1/articles/", "/v1", "/healthz/extra", "/%2e%2e/etc/passwd"}) {
    SCOPED_TRACE(target);
    expect_error(target, 404, "not_found", "no such route");
  }
}

TEST_F(BadInput, OtherMethodsOnKnownRoutesAre405WithAllow) {
  const auto post = testing::to_reply(client_->Post("/v1/search?q=refund", "", "application/json"));
  EXPECT_EQ(post.status, 405) << post.describe();
  EXPECT_EQ(post.header("Allow"), "GET");
  ASSERT_TRUE(post.is_error_body()) << post.describe();
  EXPECT_EQ(post.error_code(), "method_not_allowed");
  EXPECT_THAT(post.error_message(), HasSubstr("POST"));

  const auto put = testing::to_reply(client_->Put("/v1/search", "x", "text/markdown"));
  EXPECT_EQ(put.status, 405) << put.describe();
  EXPECT_EQ(put.header("Allow"), "GET");
  EXPECT_TRUE(put.is_error_body());
  const auto del = testing::to_reply(client_->Delete("/v1/articles"));
  EXPECT_EQ(del.status, 405) << del.describe();
  EXPECT_TRUE(del.is_error_body());
  // An unknown path with another method is a 404, not a 405.
  const auto post_unknown = testing::to_reply(client_->Post("/v1/nothing", "", "application/json"));
  EXPECT_EQ(post_unknown.status, 404) << post_unknown.describe();
  EXPECT_TRUE(post_unknown.is_error_body());
}

TEST_F(BadInput, OtherMethodsWithoutContentLengthAre405AtOnce) {
  // Without Content-Length or Transfer-Encoding a request has no body; cpp-httplib used to wait for
  // one until its 5 s read timeout and then answer 400.
  struct Case {
    std::string method, target, status_line, allow;
  };
  const Case cases[] = {
      {"POST", "/v1/search?q=refund", "HTTP/1.1 405 ", "GET"},
      {"PUT", "/v1/search", "HTTP/1.1 405 ", "GET"},
      {"POST", "/v1/suggest", "HTTP/1.1 411 ", ""},  // a route that takes POST: the body length is needed
      {"PATCH", "/v1/articles", "HTTP/1.1 405 ", "GET"},
      {"DELETE", "/healthz", "HTTP/1.1 405 ", "GET"},
      {"POST", "/v1/nothing", "HTTP/1.1 404 ", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    const auto t0 = std::chrono::steady_clock::now();
    const std::string reply =
        testing::raw_exchange(port_, c.method + " " + c.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_TRUE(reply.starts_with(c.status_line)) << reply;
    if (!c.allow.empty()) {
      EXPECT_THAT(reply, HasSubstr("\r\nAllow: " + c.allow + "\r\n"));
      EXPECT_THAT(reply, HasSubstr("\"code\":\"method_not_allowed\""));
    } else if (c.status_line.find("411") != std::string::npos) {
      EXPECT_THAT(reply, HasSubstr("\"code\":\"length_required\""));
    } else {
      EXPECT_THAT(reply, HasSubstr("\"code\":\"not_found\""));
    }
    EXPECT_LT(seconds, 2.0) << "the server waited for a body";
  }
  // The request ends at its headers: the connection stays open for the next request.
  const int fd = testing::connect_raw(port_);
  ASSERT_GE(fd, 0);
  const std::string first =
      testing::raw_exchange_on(fd, "POST /v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string second = testing::raw_exchange_on(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ::close(fd);
  EXPECT_TRUE(first.starts_with("HTTP/1.1 405 ")) << first;
  EXPECT_TRUE(second.starts_with("HTTP/1.1 200 ")) << second;
  EXPECT_THAT(second, HasSubstr("{\"status\":\"ok\"}")) << second;
}

TEST_F(BadInput, BodyOverTheLimitIs413) {
  const std::string body(4096, 'x');
  const auto r = testing::to_reply(client_->Post("/v1/search", body, "application/json"));
  ASSERT_TRUE(r.answered) << r.describe();
  EXPECT_EQ(r.status, 413) << r.describe();
  ASSERT_TRUE(r.is_error_body()) << r.describe();
  EXPECT_EQ(r.error_code(), "payload_too_large");
  EXPECT_THAT(r.error_message(), HasSubstr("1024 bytes"));
  // A body within the limit on the same route is only a 405.
  EXPECT_EQ(testing::to_reply(client_->Post("/v1/search", std::string(512, 'x'), "text/plain")).status, 405);
}

TEST_F(BadInput, HugeHeaderIsA4xxAndTheServerKeepsServing) {
  const std::string big(20 * 1024, 'a');
  const auto r = get("/v1/search?q=refund", {{"X-Padding", big}});
  ASSERT_TRUE(r.answered) << r.describe();
  EXPECT_GE(r.status, 400) << r.describe();
  EXPECT_LT(r.status, 500) << r.describe();
  EXPECT_TRUE(r.is_error_body()) << r.describe();
  // A request line (URL) of 20 KB.
  const auto r3 = get("/v1/search?q=" + std::string(20 * 1024, 'q'));
  ASSERT_TRUE(r3.answered) << r3.describe();
  EXPECT_GE(r3.status, 400) << r3.describe();
  EXPECT_LT(r3.status, 500) << r3.describe();
}

TEST_F(BadInput, RepeatedParameterWithTheSameValueIsRefusedToo) {
  expect_error("/v1/search?q=refund&offset=0&offset=0", 400, "invalid_argument",
               "'offset' is given more than once");
  expect_error("/v1/search?q=refund&q=refund", 400, "invalid_argument", "'q' is given more than once");
  expect_error("/v1/articles?tag=refund&tag=refund", 400, "invalid_argument",
               "'tag' is given more than once");
}

TEST_F(BadInput, HugeHeadersInTotalAreRefused) {
  httplib::Headers many;
  for (int i = 0; i < 20000; ++i) many.emplace("X-H" + std::to_string(i), std::string(100, 'b'));
  const auto r = get("/healthz", many);
  ASSERT_TRUE(r.answered) << r.describe();
  EXPECT_GE(r.status, 400) << r.describe();
  EXPECT_LT(r.status, 500) << r.describe();
}

TEST_F(BadInput, ServerIsHealthyAfterAllOfThem) {
  // A burst of every kind of bad request, then ordinary ones.
  for (int i = 0; i < 3; ++i) {
    get("/v1/search?q=%ff%fe");
    get("/v1/search?q=" + std::string(5000, 'z'));
    get("/v1/articles/../../etc/shadow");
    get("/v1/articles/%00");
    get("/v1/search?q=refund", {{"X-Padding", std::string(20 * 1024, 'a')}});
    client_->Post("/v1/search", std::string(4096, 'x'), "text/plain");
  }
  const auto ready = get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.describe();
  EXPECT_FALSE(testing::hit_slugs(get_ok("/v1/search?q=refund")).empty());
  EXPECT_EQ(get_ok("/v1/articles/akun/otp-tidak-masuk")["slug"], "akun/otp-tidak-masuk");
}

// ------------------------------------------------------------------------------------------------
// Articles and JSON bodies over the limits, sent by an editor

const std::string editor_secret = "sol_editor-budi-0123456789";

class BadArticle : public testing::HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    auto config = base_config();
    config.tokens.push_back({"budi", service::Role::editor, service::sha256_hex(editor_secret)});
    config.max_body_bytes = 700 * 1024;
    start(config);
  }

  void TearDown() override {
    if (client_) {
      const auto health = get("/healthz");
      EXPECT_EQ(health.status, 200) << "after the test: " << health.describe();
      const auto search = get("/v1/search?q=refund", editor());
      EXPECT_EQ(search.status, 200) << "after the test: " << search.describe();
    }
    HttpTest::TearDown();
  }

  static httplib::Headers editor() { return {{"Authorization", "Bearer " + editor_secret}}; }

  testing::Reply put(const std::string& slug, const std::string& body,
                     const std::string& content_type = "text/markdown") {
    return testing::to_reply(
        client_->Put(("/v1/articles/" + slug).c_str(), editor(), body, content_type.c_str()));
  }
  testing::Reply post(const std::string& path, const std::string& body,
                      const std::string& content_type = "application/json") {
    return testing::to_reply(client_->Post(path.c_str(), editor(), body, content_type.c_str()));
  }

  /// The write left nothing behind: no file, no revision.
  void expect_nothing_written(const std::string& slug) {
    EXPECT_FALSE(fs::exists(articles_dir() / (slug + ".md"))) << slug;
    const auto revisions = get("/v1/articles/" + slug + "/revisions", editor());
    EXPECT_EQ(revisions.status, 404) << revisions.describe();
  }
};

TEST_F(BadArticle, BillionLaughsInAPutIs422WithTheLimitAndLine) {
  const auto r = put("uji/tawa", testing::billion_laughs());
  ASSERT_TRUE(r.answered) << r.describe();
  EXPECT_EQ(r.status, 422) << r.describe();
  ASSERT_TRUE(r.is_error_body()) << r.describe();
  EXPECT_EQ(r.error_code(), "invalid_article");
  EXPECT_THAT(r.error_message(), HasSubstr("more than 10000 values"));
  EXPECT_EQ(r.json["error"]["line"], 3) << r.describe();
  expect_nothing_written("uji/tawa");
}

TEST_F(BadArticle, BillionLaughsInAPreviewIsAnErrorFindingWithTheLimit) {
  const auto r = post("/v1/preview", testing::billion_laughs(), "text/markdown");
  ASSERT_TRUE(r.answered) << r.describe();
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.json["valid"], false) << r.describe();
  ASSERT_EQ(r.json["findings"].size(), 1u) << r.describe();
  EXPECT_EQ(r.json["findings"][0]["severity"], "error");
  EXPECT_EQ(r.json["findings"][0]["line"], 3);
  EXPECT_THAT(r.json["findings"][0]["message"].get<std::string>(), HasSubstr("more than 10000 values"));
}

TEST_F(BadArticle, FrontMatterNestedTooDeeplyIs422) {
  const std::string text = "---\ntitle: Dalam\nx: " + std::string(10000, '[') + "\n---\nIsi.\n";
  const auto r = put("uji/dalam", text);
  EXPECT_EQ(r.status, 422) << r.describe();
  EXPECT_THAT(r.error_message(), HasSubstr("nested deeper than 32"));
  EXPECT_EQ(r.json["error"]["line"], 3) << r.describe();
  expect_nothing_written("uji/dalam");
}

TEST_F(BadArticle, JsonNestedTooDeeplyIs400) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const struct {
    std::string label, method, path, body;
  } cases[] = {
      {"PUT front_matter", "PUT", "/v1/articles/uji/dalam",
       R"({"front_matter": {"x": )" + deep + R"(}, "body": "Isi."})"},
      {"PUT with a 20 KB body of '['", "PUT", "/v1/articles/uji/dalam", std::string(20 * 1024, '[')},
      {"preview", "POST", "/v1/preview", R"({"front_matter": )" + deep + R"(, "body": "Isi."})"},
      {"suggest", "POST", "/v1/suggest", R"({"subject": "refund", "tags": )" + deep + "}"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    const auto r = c.method == "PUT" ? put("uji/dalam", c.body, "application/json") : post(c.path, c.body);
    ASSERT_TRUE(r.answered) << r.describe();
    EXPECT_EQ(r.status, 400) << r.describe();
    EXPECT_EQ(r.error_code(), "invalid_argument") << r.describe();
    EXPECT_THAT(r.error_message(), HasSubstr("nested deeper than 32")) << r.describe();
    ASSERT_EQ(get("/healthz").status, 200);
  }
  expect_nothing_written("uji/dalam");
  // Brackets inside strings are text, not nesting; nesting within the limit is taken.
  std::string ok_nesting = "1";
  for (int i = 0; i < 28; ++i) ok_nesting = "[" + ok_nesting + "]";
  const auto fine =
      put("uji/dalam",
          R"({"front_matter": {"title": "Kurung [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "x": )" +
              ok_nesting + R"(}, "body": "Isi artikel tentang kurung."})",
          "application/json");
  EXPECT_EQ(fine.status, 201) << fine.describe();
}

TEST_F(BadArticle, OverLongTermValuesAre422NamingFieldAndLineAndNothingIsWritten) {
  const std::string long_value(101, 'k');
  const struct {
    std::string field, front_matter;
    int line;
  } cases[] = {
      {"tags", "tags: [refund, " + long_value + "]\n", 3},
      {"tags", "tags: refund, " + long_value + "\n", 3},
      {"tags", "tags:\n  - refund\n  - " + long_value + "\n", 5},
      {"category", "category: " + long_value + "\n", 3},
      {"owner", "owner: " + long_value + "\n", 3},
      {"author", "author: " + long_value + "\n", 3},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.front_matter);
    const auto r = put("uji/panjang", "---\ntitle: Panjang\n" + c.front_matter + "---\nIsi artikel.\n");
    EXPECT_EQ(r.status, 422) << r.describe();
    EXPECT_EQ(r.error_code(), "invalid_article") << r.describe();
    EXPECT_THAT(r.error_message(), HasSubstr("field '" + c.field + "'"));
    EXPECT_THAT(r.error_message(), HasSubstr("at most 100 bytes"));
    EXPECT_EQ(r.json["error"]["line"], c.line) << r.describe();
    expect_nothing_written("uji/panjang");
  }
  // 100 bytes is within the limit, and a later full reindex of the folder has no errors.
  const auto ok = put("uji/panjang", "---\ntitle: Panjang\ntags: [" + std::string(100, 'k') +
                                         "]\ncategory: " + std::string(100, 'c') +
                                         "\nowner: " + std::string(100, 'o') + "\n---\nIsi artikel.\n");
  EXPECT_EQ(ok.status, 201) << ok.describe();
  auto report = testing::reindex(articles_dir(), index_dir());
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_TRUE(report->errors.empty()) << report->errors.front().describe();
}

TEST_F(BadArticle, AVeryLongLinkTargetIsKeptAndIndexed) {
  // Long link targets are normal (generated URLs): the article is taken, its link term is hashed.
  const std::string target(400, 'p');
  const auto r =
      put("uji/tautan", "---\ntitle: Tautan panjang\n---\nBaca [panduan](" + target +
                            ") dan [situs](https://contoh.test/" + std::string(2000, 'q') + ").\n");
  EXPECT_EQ(r.status, 201) << r.describe();
  auto report = testing::reindex(articles_dir(), index_dir());
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_TRUE(report->errors.empty()) << report->errors.front().describe();
  const auto article = get("/v1/articles/uji/tautan", editor());
  EXPECT_EQ(article.status, 200) << article.describe();
}

TEST_F(BadArticle, OneSlugRuleForReadsAndWrites) {
  for (const std::string& slug :
       std::vector<std::string>{"Akun/otp", "akun/otp_lama", "akun/x.y", std::string(151, 'a')}) {
    SCOPED_TRACE(slug);
    const auto read = get("/v1/articles/" + slug, editor());
    EXPECT_EQ(read.status, 400) << read.describe();
    EXPECT_THAT(read.error_message(), HasSubstr("invalid slug"));
    const auto write = put(slug, "---\ntitle: X\n---\nIsi.\n");
    EXPECT_EQ(write.status, 400) << write.describe();
    EXPECT_THAT(write.error_message(), HasSubstr("invalid slug"));
  }
}

}  // namespace
}  // namespace solusi
