// The real `solusi serve` and `solusi token` binaries as child processes: graceful shutdown on SIGTERM
// and SIGINT, a token made by `solusi token` accepted through a YAML config file, and config files
// with mistakes refused with their file and line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;

using testing::ChildProcess;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

/// Start-up includes indexing; the ASan build is several times slower than the normal one.
constexpr auto startup_timeout = 30s;

class ServeCommand : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_fixture_articles(articles_dir()); }

  std::filesystem::path articles_dir() const { return dir_ / "articles"; }
  std::filesystem::path index_dir() const { return dir_ / "index"; }

  /// `solusi serve --listen 127.0.0.1:0 …` plus @p more; the port it prints, or a fatal failure.
  std::unique_ptr<ChildProcess> serve(std::vector<std::string> more, int& port) {
    std::vector<std::string> args{SOLUSI_BINARY, "serve"};
    args.insert(args.end(), more.begin(), more.end());
    auto child = std::make_unique<ChildProcess>(args, dir_.path());
    EXPECT_TRUE(child->spawned()) << child->spawn_error();
    port = testing::wait_for_port(*child, startup_timeout);
    EXPECT_GT(port, 0) << "no port printed; exit " << child->exit_code() << "\n" << child->err();
    return child;
  }
  std::unique_ptr<ChildProcess> serve_default(int& port) {
    return serve(
        {"--listen", "127.0.0.1:0", "--articles", articles_dir().string(), "--index", index_dir().string()},
        port);
  }

  /// Sends @p sig while a client thread keeps using one keep-alive connection; checks that every
  /// answer the client got is whole and that the process exits 0 within 5 s, saying it stopped.
  void stop_while_busy(int sig, const std::string& name) {
    // The client loops as fast as it can from one address: the rate limit is off.
    const auto config = dir_ / "no-rate-limit.yaml";
    testing::write_file(config, "rate_limit_per_second: 0\n");
    int port = 0;
    auto child = serve({"--config", config.string(), "--listen", "127.0.0.1:0", "--articles",
                        articles_dir().string(), "--index", index_dir().string()},
                       port);
    ASSERT_GT(port, 0);

    auto client = testing::make_client(port);
    client->set_keep_alive(true);
    // Requests made before the signal: whole answers on the one connection.
    for (int i = 0; i < 5; ++i) {
      const auto r = testing::get(*client, "/v1/search?q=refund+belum+masuk");
      ASSERT_EQ(r.status, 200) << r.describe();
      ASSERT_FALSE(r.json.is_discarded()) << "a truncated answer: " << r.body;
      ASSERT_FALSE(testing::hit_slugs(r.json).empty());
    }

    std::atomic<bool> signalled{false}, done{false};
    std::atomic<int> whole{0}, broken{0}, refused{0};
    std::string broken_example;
    std::thread user([&] {
      // Keeps the keep-alive connection busy across the signal, until the server is gone.
      for (int i = 0; i < 100000 && !done; ++i) {
        const auto r = testing::get(*client, "/v1/search?q=paket+terlambat");
        if (!r.answered) {
          if (signalled) break;  // the server went away: fine, after the signal
          ++refused;
          continue;
        }
        if (r.status == 200 && !r.json.is_discarded() && r.json.contains("hits")) {
          ++whole;
        } else {
          if (broken_example.empty()) broken_example = r.describe();
          ++broken;
        }
      }
    });
    std::this_thread::sleep_for(100ms);
    const int before_signal = whole.load();
    signalled = true;
    const auto t0 = std::chrono::steady_clock::now();
    child->signal(sig);
    const auto status = child->wait(5s);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    done = true;
    user.join();

    ASSERT_TRUE(status) << "still running 5 s after " << name << "\n" << child->err();
    EXPECT_TRUE(WIFEXITED(*status)) << "killed by signal " << (WIFSIGNALED(*status) ? WTERMSIG(*status) : 0);
    EXPECT_EQ(child->exit_code(), 0) << child->err();
    EXPECT_LT(seconds, 5.0);
    EXPECT_GT(before_signal, 0) << "the client made no request before the signal";
    EXPECT_EQ(broken.load(), 0) << "answers cut short or failed: " << broken_example;
    EXPECT_EQ(refused.load(), 0) << "requests refused before the signal";
    const std::string err = child->err();
    EXPECT_THAT(err, HasSubstr(name + ": finishing requests in flight"));
    EXPECT_THAT(err, HasSubstr("solusi: stopped"));
    RecordProperty("exit_seconds", std::to_string(seconds));
  }

  testing::TempDir dir_;
};

TEST_F(ServeCommand, SigtermWhileAClientUsesAKeepAliveConnectionExitsZero) {
  stop_while_busy(SIGTERM, "SIGTERM");
}

TEST_F(ServeCommand, SigintWhileAClientUsesAKeepAliveConnectionExitsZero) {
  stop_while_busy(SIGINT, "SIGINT");
}

TEST_F(ServeCommand, SigtermWithAnIdleKeepAliveConnectionExitsPromptly) {
  int port = 0;
  auto child = serve_default(port);
  ASSERT_GT(port, 0);
  auto client = testing::make_client(port);
  client->set_keep_alive(true);
  const auto r = testing::get(*client, "/v1/search?q=refund");
  ASSERT_EQ(r.status, 200) << r.describe();
  // The connection stays open and idle, as a browser's or a proxy's does.
  const auto t0 = std::chrono::steady_clock::now();
  child->signal(SIGTERM);
  const auto status = child->wait(10s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(status);
  EXPECT_EQ(child->exit_code(), 0) << child->err();
  EXPECT_LT(seconds, 3.0) << "an idle connection held the shutdown";  // keep-alive timeout 1 s, was 5 s
}

TEST_F(ServeCommand, SignalWithNoConnectionsExitsAtOnce) {
  int port = 0;
  auto child = serve_default(port);
  ASSERT_GT(port, 0);
  {
    auto client = testing::make_client(port);
    EXPECT_EQ(testing::get(*client, "/healthz").status, 200);
  }
  const auto t0 = std::chrono::steady_clock::now();
  child->signal(SIGTERM);
  ASSERT_TRUE(child->wait(5s)) << child->err();
  EXPECT_EQ(child->exit_code(), 0);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 3.0);
  // After the exit nothing listens on the port any more.
  auto client = testing::make_client(port);
  client->set_connection_timeout(1, 0);
  EXPECT_FALSE(testing::get(*client, "/healthz").answered);
}

TEST_F(ServeCommand, AccessLogHasOneJsonLinePerRequestWithoutTheQuery) {
  int port = 0;
  auto child = serve_default(port);
  ASSERT_GT(port, 0);
  auto client = testing::make_client(port);
  EXPECT_EQ(testing::get(*client, "/v1/search?q=rahasia+pelanggan").status, 200);
  EXPECT_EQ(testing::get(*client, "/v1/articles/akun/tidak-ada").status, 404);
  child->signal(SIGTERM);
  ASSERT_TRUE(child->wait(10s));
  std::vector<nlohmann::json> lines;
  std::istringstream in(child->err());
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("{")) lines.push_back(nlohmann::json::parse(line, nullptr, false));
  ASSERT_EQ(lines.size(), 2u) << child->err();
  EXPECT_EQ(lines[0]["method"], "GET");
  EXPECT_EQ(lines[0]["path"], "/v1/search");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[1]["status"], 404);
  for (const char* key : {"time", "duration_ms", "bytes", "route"})
    EXPECT_TRUE(lines[0].contains(key)) << key;
  EXPECT_THAT(child->err(), ::testing::Not(HasSubstr("rahasia"))) << "the query string must not be logged";
}

// ------------------------------------------------------------------------------------------------
// Tokens and config files

struct PrintedToken {
  std::string token, sha256;
};

PrintedToken parse_token_output(const std::string& out) {
  PrintedToken t;
  t.token = testing::word_after(out, "token:");
  t.sha256 = testing::word_after(out, "sha256:");
  return t;
}

TEST_F(ServeCommand, TokenPrintsATokenAndItsSha256) {
  const auto r = testing::run_solusi({"token", "--name", "x", "--role", "agent"}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto t = parse_token_output(r.out);
  ASSERT_FALSE(t.token.empty()) << r.out;
  EXPECT_THAT(t.token, MatchesRegex("sol_[A-Za-z0-9_-]{43}"));
  EXPECT_EQ(t.sha256, service::sha256_hex(t.token));
  EXPECT_EQ(t.sha256.size(), 64u);
  EXPECT_THAT(r.out, HasSubstr("name: x"));
  EXPECT_THAT(r.out, HasSubstr("role: agent"));
  // Two runs, two different tokens.
  const auto again = parse_token_output(testing::run_solusi({"token", "--name", "x"}, dir_.path()).out);
  EXPECT_NE(again.token, t.token);

  const auto bad = testing::run_solusi({"token", "--name", "x", "--role", "admin"}, dir_.path());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("role"));
}

TEST_F(ServeCommand, ServerFromAConfigFileAcceptsTheTokenItMade) {
  const auto agent =
      parse_token_output(testing::run_solusi({"token", "--name", "x", "--role", "agent"}, dir_.path()).out);
  const auto web = parse_token_output(
      testing::run_solusi({"token", "--name", "website", "--role", "public"}, dir_.path()).out);
  ASSERT_FALSE(agent.token.empty());
  ASSERT_FALSE(web.token.empty());
  const auto config = dir_ / "solusi.yaml";
  testing::write_file(config,
                      "# Solusi for the test\n"
                      "listen: 127.0.0.1:0\n"
                      "articles: " +
                          articles_dir().string() +
                          "\n"
                          "index: " +
                          index_dir().string() +
                          "\n"
                          "threads: 2\n"
                          "access_log: false\n"
                          "index_poll_ms: 50\n"
                          "tokens:\n"
                          "  - name: x\n"
                          "    role: agent\n"
                          "    sha256: " +
                          agent.sha256 +
                          "\n"
                          "  - name: website\n"
                          "    role: public\n"
                          "    sha256: " +
                          web.sha256 + "\n");
  int port = 0;
  auto child = serve({"--config", config.string()}, port);
  ASSERT_GT(port, 0);
  auto client = testing::make_client(port);
  const auto ok = testing::get(*client, "/v1/articles/pembayaran/virtual-account",
                               {{"Authorization", "Bearer " + agent.token}});
  EXPECT_EQ(ok.status, 200) << ok.describe();
  EXPECT_EQ(testing::get(*client, "/v1/search?q=refund").status, 401);
  EXPECT_EQ(
      testing::get(*client, "/v1/search?q=refund", {{"Authorization", "Bearer " + agent.sha256}}).status,
      401);
  // The public token from the same file reads public articles only.
  EXPECT_EQ(testing::get(*client, "/v1/articles/pembayaran/virtual-account",
                         {{"Authorization", "Bearer " + web.token}})
                .status,
            404);
  EXPECT_EQ(testing::get(*client, "/v1/articles/pembayaran/refund-belum-masuk",
                         {{"Authorization", "Bearer " + web.token}})
                .status,
            200);
  child->signal(SIGTERM);
  ASSERT_TRUE(child->wait(10s));
  EXPECT_EQ(child->exit_code(), 0);
}

TEST_F(ServeCommand, ConfigFileMistakesAreRefusedWithFileAndLine) {
  struct Case {
    std::string label;
    std::string yaml;
    int line;  ///< where the mistake is
    std::string message;
  };
  const std::string paths =
      "articles: " + articles_dir().string() + "\nindex: " + index_dir().string() + "\n";
  const std::string head = paths + "listen: 127.0.0.1:0\n";
  const std::string hash(64, 'a');
  const Case cases[] = {
      {"unknown key", head + "threads: 2\nlisten_port: 8080\n", 5, "unknown config key 'listen_port'"},
      {"bad role", head + "tokens:\n  - name: x\n    role: admin\n    sha256: " + hash + "\n", 5, "role"},
      {"short hash", head + "tokens:\n  - name: x\n    role: agent\n    sha256: abc\n", 5, "sha256"},
      {"threads out of range", head + "threads: 0\n", 4, "threads"},
      {"wrong type", head + "threads: many\n", 4, ""},
      {"bad listen", paths + "listen: 127.0.0.1:99999\n", 3, "port"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    const auto file = dir_ / ("bad-" + std::to_string(&c - cases) + ".yaml");
    testing::write_file(file, c.yaml);
    const auto r = testing::run_solusi({"serve", "--config", file.string()}, dir_.path(), 30s);
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_NE(r.exit_code, -1) << "did not exit (still serving?): " << r.err;
    EXPECT_THAT(r.err, HasSubstr(file.string() + ":" + std::to_string(c.line))) << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << r.err;
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr("serving on")));
  }
}

}  // namespace
}  // namespace solusi
