// The web page's static files through real HTTP on loopback (service/web.cpp): content types, the
// Content-Security-Policy and other security headers, ETag revalidation, path traversal refused, JSON
// 404s for unknown files, the page open without a token, GET /v1/whoami, and the real web/ folder
// served whole by the real `solusi serve`.
#include "web.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

namespace fs = std::filesystem;

/// Files of the test's own web folder, and a secret beside it that must never be served.
const std::pair<const char*, const char*> web_files[] = {
    {"index.html", "<!doctype html><title>Solusi</title><script type=module src=/assets/app.js></script>"},
    {"assets/app.js", "import './i18n/en.js';\n"},
    {"assets/i18n/en.js", "export default { 'a': 'b' };\n"},
    {"assets/style.css", "body { color: black }\n"},
    {"assets/icon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"},
    {"assets/logo.png", "\x89PNG\r\n\x1a\n"},
    {"assets/notes.txt", "plain text\n"},
    {"assets/tool.exe", "MZ not served"},
    {"assets/.hidden.js", "HIDDEN-FILE"},
    {"secret.txt", "SECRET-BESIDE-ASSETS"},
};

class Web : public testing::HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    for (const auto& [path, text] : web_files) dir_.write("web/" + std::string(path), text);
    dir_.write("secret.js", "SECRET-OUTSIDE-WEB");
  }

  fs::path web_dir() const { return dir_ / "web"; }

  service::Config web_config() const {
    auto c = base_config();
    c.web_dir = web_dir();
    return c;
  }

  /// A raw request (no client-side path normalisation): the status line and the whole response.
  std::string raw_get(const std::string& target) {
    return testing::raw_exchange(
        port_, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  }
};

int status_of(const std::string& raw_response) {
  if (raw_response.size() < 12 || !raw_response.starts_with("HTTP/1.1 ")) return 0;
  return std::stoi(raw_response.substr(9, 3));
}

TEST_F(Web, PageShellIsHtmlWithCspAndSecurityHeaders) {
  start(web_config());
  const auto r = get("/");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr("<title>Solusi</title>"));
  const std::string csp = r.header("Content-Security-Policy");
  EXPECT_EQ(csp, service::web::content_security_policy);
  EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
  EXPECT_THAT(csp, HasSubstr("script-src 'self';"));
  EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(csp, HasSubstr("require-trusted-types-for 'script'"));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline")));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe-eval")));
  EXPECT_THAT(csp, Not(HasSubstr("http")));  // no other origin is allowed anything
  EXPECT_EQ(r.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r.header("Cross-Origin-Opener-Policy"), "same-origin");
  // The handler's headers replace the service's defaults rather than doubling them.
  EXPECT_EQ(r.headers.count("Cache-Control"), 1u);
  EXPECT_EQ(r.header("Cache-Control"), "no-cache");
  EXPECT_EQ(r.headers.count("X-Content-Type-Options"), 1u);
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_THAT(r.header("ETag"), ::testing::MatchesRegex("\"[0-9a-f]{32}\""));
}

TEST_F(Web, AssetsCarryTheirContentTypeAndTheSameHeaders) {
  start(web_config());
  const std::pair<const char*, const char*> expected[] = {
      {"/assets/app.js", "text/javascript; charset=utf-8"},
      {"/assets/i18n/en.js", "text/javascript; charset=utf-8"},
      {"/assets/style.css", "text/css; charset=utf-8"},
      {"/assets/icon.svg", "image/svg+xml"},
      {"/assets/logo.png", "image/png"},
      {"/assets/notes.txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [target, type] : expected) {
    const auto r = get(target);
    ASSERT_EQ(r.status, 200) << target << " → " << r.describe();
    EXPECT_EQ(r.header("Content-Type"), type) << target;
    EXPECT_EQ(r.header("Content-Security-Policy"), service::web::content_security_policy) << target;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << target;
    EXPECT_EQ(r.header("Cache-Control"), "no-cache") << target;
    EXPECT_FALSE(r.header("ETag").empty()) << target;
  }
  EXPECT_EQ(get("/assets/i18n/en.js").body, "export default { 'a': 'b' };\n");
  EXPECT_EQ(get("/assets/logo.png").body, std::string("\x89PNG\r\n\x1a\n"));
}

TEST_F(Web, ContentTypeTable) {
  using service::web::content_type_for;
  EXPECT_EQ(content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("APP.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("x.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("font.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("favicon.ico"), "image/x-icon");
  EXPECT_FALSE(content_type_for("tool.exe"));
  EXPECT_FALSE(content_type_for("package.json"));  // web/package.json is for Node, not the browser
  EXPECT_FALSE(content_type_for("Makefile"));
  EXPECT_FALSE(content_type_for(".js"));
}

TEST_F(Web, PathTraversalIsRefused) {
  dir_.write("web/assets/i18n/placeholder.js", "x");
  start(web_config());
  // Raw targets: no client normalises "..", and %2e / %2f reach the server encoded.
  for (const std::string target : {
           "/assets/../secret.txt",
           "/assets/../../secret.js",
           "/assets/%2e%2e/secret.txt",
           "/assets/%2E%2E%2Fsecret.txt",
           "/assets/..%2f..%2fsecret.js",
           "/assets/i18n/../../secret.txt",
           "/assets/i18n/..%2F..%2Fsecret.txt",
           "/assets/.hidden.js",
           "/assets/./app.js",
           "/assets//app.js",
           "/assets/app.js%00.txt",
           "/assets/..%5csecret.txt",
           "/assets/%2Fetc%2Fpasswd",
           "/assets/~/secret.txt",
           "/assets/i18n/",
       }) {
    const std::string raw = raw_get(target);
    const int status = status_of(raw);
    EXPECT_TRUE(status == 400 || status == 404) << target << " → " << raw.substr(0, 300);
    EXPECT_THAT(raw, Not(HasSubstr("SECRET"))) << target;
    EXPECT_THAT(raw, Not(HasSubstr("HIDDEN-FILE"))) << target;
    EXPECT_THAT(raw, HasSubstr("\"error\":{")) << target << ": not a JSON error";
  }
  // The refusal says why for a malformed path.
  const auto r = get("/assets/%2e%2e/secret.txt");
  EXPECT_EQ(r.status, 400) << r.describe();
  EXPECT_EQ(r.error_code(), "invalid_argument");
  EXPECT_THAT(r.error_message(), HasSubstr("invalid asset path"));
}

TEST_F(Web, SymbolicLinkOutOfTheFolderIsNotFollowed) {
  fs::create_symlink(dir_ / "secret.js", web_dir() / "assets" / "link.js");
  fs::create_directory_symlink(dir_.path(), web_dir() / "assets" / "up");
  start(web_config());
  for (const std::string target : {"/assets/link.js", "/assets/up/secret.js"}) {
    const auto r = get(target);
    EXPECT_EQ(r.status, 404) << target << " → " << r.describe();
    EXPECT_THAT(r.body, Not(HasSubstr("SECRET"))) << target;
  }
}

TEST_F(Web, UnknownFilesAreJson404s) {
  start(web_config());
  for (const std::string target : {"/assets/missing.js", "/assets/tool.exe", "/assets/i18n", "/assets",
                                   "/index.html", "/secret.txt", "/favicon.ico"}) {
    const auto r = get(target);
    EXPECT_EQ(r.status, 404) << target << " → " << r.describe();
    ASSERT_TRUE(r.is_error_body()) << target << " → " << r.describe();
    EXPECT_EQ(r.error_code(), "not_found") << target;
    EXPECT_THAT(r.header("Content-Type"), StartsWith("application/json")) << target;
  }
}

TEST_F(Web, MatchingEtagIs304WithoutBody) {
  start(web_config());
  const auto first = get("/assets/app.js");
  ASSERT_EQ(first.status, 200) << first.describe();
  const std::string etag = first.header("ETag");
  for (const std::string& inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    const auto r = get("/assets/app.js", {{"If-None-Match", inm}});
    EXPECT_EQ(r.status, 304) << inm << " → " << r.describe();
    EXPECT_EQ(r.body, "") << inm;
    EXPECT_EQ(r.header("ETag"), etag) << inm;
    EXPECT_EQ(r.header("Content-Security-Policy"), service::web::content_security_policy);
  }
  const auto stale = get("/assets/app.js", {{"If-None-Match", "\"0123\""}});
  EXPECT_EQ(stale.status, 200) << stale.describe();
  EXPECT_EQ(stale.body, "import './i18n/en.js';\n");
  // A changed file has a new tag, and the old one no longer matches.
  dir_.write("web/assets/app.js", "import './i18n/en.js'; // v2\n");
  const auto changed = get("/assets/app.js", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200) << changed.describe();
  EXPECT_NE(changed.header("ETag"), etag);
  // The API's JSON is not touched by If-None-Match.
  EXPECT_EQ(get("/v1/search?q=refund", {{"If-None-Match", "*"}}).status, 200);
}

TEST_F(Web, EtagMatching) {
  using service::web::etag_matches;
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches(" W/\"abc\" ", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\",\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
  EXPECT_FALSE(etag_matches("*", ""));
  EXPECT_FALSE(etag_matches(",", "\"abc\""));
}

TEST_F(Web, HeadHasTheHeadersAndNoBody) {
  start(web_config());
  const auto r = testing::to_reply(client_->Head("/"));
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("Content-Security-Policy"), service::web::content_security_policy);
}

TEST_F(Web, PageIgnoresQueryParametersAndIsGetOnly) {
  start(web_config());
  EXPECT_EQ(get("/?q=refund+belum&a=akun/otp-tidak-masuk").status, 200);
  EXPECT_EQ(get("/assets/app.js?v=2").status, 200);
  const auto post = testing::to_reply(client_->Post("/", "x", "text/plain"));
  EXPECT_EQ(post.status, 405) << post.describe();
  EXPECT_EQ(post.header("Allow"), "GET");
}

TEST_F(Web, NoWebFolderMeansNoPage) {
  start();  // base_config(): web_dir empty
  const auto r = get("/");
  EXPECT_EQ(r.status, 404) << r.describe();
  ASSERT_TRUE(r.is_error_body()) << r.describe();
  EXPECT_THAT(r.error_message(), HasSubstr("web_dir"));
  EXPECT_EQ(get("/assets/app.js").status, 404);
  EXPECT_EQ(get("/v1/search?q=refund").status, 200);
}

TEST_F(Web, PageNeedsNoTokenButWhoamiDoes) {
  auto config = web_config();
  config.tokens.push_back({"rina", service::Role::agent, service::sha256_hex("sol_agent-rina")});
  config.tokens.push_back({"situs", service::Role::public_, service::sha256_hex("sol_public-situs")});
  start(config);
  EXPECT_EQ(get("/").status, 200);
  EXPECT_EQ(get("/assets/app.js").status, 200);
  // The lead's and the editor's pages are the same shell (the page asks whoami what to show).
  for (const std::string page : {"/lead", "/edit", "/edit/akun/otp-tidak-masuk"}) {
    const auto r = get(page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.body, get("/").body) << page;
  }
  EXPECT_EQ(get("/leads").status, 404);
  EXPECT_EQ(get("/edit/").status, 404);

  const auto anonymous = get("/v1/whoami");
  EXPECT_EQ(anonymous.status, 401) << anonymous.describe();
  EXPECT_EQ(get("/v1/whoami", {{"Authorization", "Bearer sol_wrong"}}).status, 401);

  const auto agent = get_ok("/v1/whoami", {{"Authorization", "Bearer sol_agent-rina"}});
  EXPECT_EQ(agent["name"], "rina");
  EXPECT_EQ(agent["role"], "agent");
  EXPECT_EQ(agent["tokens_required"], true);
  EXPECT_EQ(agent["can"],
            nlohmann::json({"search", "articles", "article", "suggest", "feedback", "feedback_withdraw"}));

  const auto visitor = get_ok("/v1/whoami", {{"Authorization", "Bearer sol_public-situs"}});
  EXPECT_EQ(visitor["role"], "public");
  EXPECT_EQ(visitor["can"], nlohmann::json({"search", "articles", "article"}));
}

TEST_F(Web, WhoamiInOpenMode) {
  start(web_config());
  const auto me = get_ok("/v1/whoami");
  EXPECT_EQ(me["name"], "anonymous");
  EXPECT_TRUE(me["role"].is_null());
  EXPECT_EQ(me["tokens_required"], false);
  // Everything but article writes and the leads' actions, which need a token.
  EXPECT_EQ(me["can"], nlohmann::json({"search",
                                       "articles",
                                       "revisions",
                                       "revision",
                                       "diff",
                                       "draft",
                                       "article_merge",
                                       "article",
                                       "preview",
                                       "suggest",
                                       "feedback",
                                       "feedback_withdraw",
                                       "feedback_withdraw_bulk",
                                       "ticket_delete",
                                       "reports_stale",
                                       "reports_gaps",
                                       "reports_searches",
                                       "webhook_deliveries",
                                       "webhook_redeliver",
                                       "webhook_test"}));
  EXPECT_EQ(get("/v1/whoami?x=1").status, 400);  // like every /v1 route: no unknown parameters
}

TEST_F(Web, ConfigKeyWebDir) {
  const auto file = dir_.write("solusi.yaml", "web_dir: /srv/solusi/web\n");
  auto config = service::load_config(file, {});
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->web_dir, fs::path("/srv/solusi/web"));
  const auto bad = dir_.write("bad.yaml", "web_dir: [a, b]\n");
  EXPECT_FALSE(service::load_config(bad, {}));
}

// ------------------------------------------------------------------------------------------------
// The real web/ folder, served by the real binary with its compiled-in default

/// Every path the shell references (src= and href= attributes).
std::set<std::string> referenced_paths(const std::string& html) {
  std::set<std::string> out;
  const std::regex attribute(R"re((?:src|href)="([^"]+)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), attribute); it != std::sregex_iterator();
       ++it)
    out.insert((*it)[1].str());
  return out;
}

TEST(WebFolder, RealServeServesEveryFileOfTheWebFolder) {
  testing::TempDir dir;
  testing::write_fixture_articles(dir / "articles");
  std::vector<std::string> args{SOLUSI_BINARY, "serve",
                                "--listen",    "127.0.0.1:0",
                                "--articles",  (dir / "articles").string(),
                                "--index",     (dir / "index").string()};
  testing::ChildProcess child(args, dir.path());
  ASSERT_TRUE(child.spawned()) << child.spawn_error();
  const int port = testing::wait_for_port(child, 30s);
  ASSERT_GT(port, 0) << child.err();
  EXPECT_THAT(child.err(), HasSubstr("web page: open http://127.0.0.1:" + std::to_string(port) + "/"));
  auto client = testing::make_client(port);

  const auto shell = testing::get(*client, "/");
  ASSERT_EQ(shell.status, 200) << shell.describe();
  EXPECT_EQ(shell.header("Content-Security-Policy"), service::web::content_security_policy);
  EXPECT_EQ(shell.body, testing::read_text(fs::path(SOLUSI_WEB_DIR) / "index.html"));

  // Everything the shell references is served; nothing it references is on another origin.
  const auto referenced = referenced_paths(shell.body);
  EXPECT_FALSE(referenced.empty());
  for (const auto& path : referenced) {
    if (path.starts_with("#")) continue;  // the skip link
    EXPECT_TRUE(path.starts_with("/") && !path.starts_with("//")) << path;
    EXPECT_EQ(testing::get(*client, path).status, 200) << path;
  }
  // Every file of web/assets is served with a content type, byte for byte.
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(SOLUSI_WEB_DIR) / "assets")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string rel = fs::relative(entry.path(), fs::path(SOLUSI_WEB_DIR) / "assets").generic_string();
    const auto r = testing::get(*client, "/assets/" + rel);
    EXPECT_EQ(r.status, 200) << rel;
    EXPECT_FALSE(r.header("Content-Type").empty()) << rel;
    EXPECT_EQ(r.body, testing::read_text(entry.path())) << rel;
  }
  EXPECT_GE(files, 8u);
  child.signal(SIGTERM);
  ASSERT_TRUE(child.wait(10s)) << "solusi serve did not stop";
  EXPECT_EQ(child.exit_code(), 0) << child.err();
}

TEST(WebFolder, EveryModuleIsPreloadedByTheShell) {
  // The shell preloads the whole module graph (one round trip, not one per level of imports): a
  // module added without its <link rel="modulepreload"> would slow the first paint.
  const fs::path web = SOLUSI_WEB_DIR;
  const auto referenced = referenced_paths(testing::read_text(web / "index.html"));
  for (const auto& entry : fs::recursive_directory_iterator(web / "assets")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".js") continue;
    const std::string path = "/assets/" + fs::relative(entry.path(), web / "assets").generic_string();
    EXPECT_TRUE(referenced.count(path)) << path << " is not preloaded by web/index.html";
  }
}

}  // namespace
}  // namespace solusi
