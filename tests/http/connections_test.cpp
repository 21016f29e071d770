// The connection level, below the routes: garbage on the wire, keep-alive latency, and idle
// connections. Raw sockets where httplib::Client would not send what a broken or hostile client does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>

#include "auth.hpp"
#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class Connections : public testing::HttpTest {};

/// Everything the server sends on @p fd until it closes the connection (@p closed: it did, rather than
/// the socket's 10 s receive timeout or an error ending the read); then closes @p fd.
std::string read_until_closed(int fd, bool* closed = nullptr) {
  std::string out;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  if (closed) *closed = n == 0;
  ::close(fd);
  return out;
}

TEST_F(Connections, GarbageOnTheWireGetsA4xxAndNeverCrashesTheServer) {
  start();
  const std::string requests[] = {
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "POST /v1/search HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: "
      "close\r\n\r\nzz\r\n",
      "GET /v1/articles/akun/otp-tidak-masuk\x01\x02 HTTP/1.1\r\nHost: localhost\r\nConnection: "
      "close\r\n\r\n",
      std::string("GET /v1/search?q=a") + '\0' + "b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
  };
  for (const auto& raw : requests) {
    const std::string answer = testing::raw_exchange(port_, raw);
    EXPECT_THAT(answer.substr(0, 40), StartsWith("HTTP/1.1 4")) << testing::url_encode(raw);
    EXPECT_EQ(get("/healthz").status, 200) << "after " << testing::url_encode(raw);
  }
  // A connection that sends half a request and closes.
  const int fd = testing::connect_raw(port_);
  ASSERT_GE(fd, 0);
  const std::string half = "GET /v1/search?q=ref";
  (void)::send(fd, half.data(), half.size(), MSG_NOSIGNAL);
  ::close(fd);
  EXPECT_EQ(get("/v1/search?q=refund").status, 200);
}

TEST_F(Connections, InvalidContentLengthIsA400) {
  start();
  const std::string requests[] = {
      "GET /v1/search?q=refund HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\nConnection: "
      "close\r\n\r\n",
      "GET /v1/search?q=refund HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
      "99999999999999999999\r\nConnection: "
      "close\r\n\r\n",
      "GET /v1/search?q=refund HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: "
      "7\r\nConnection: "
      "close\r\n\r\nabcdefg",
      "GET /v1/search?q=refund HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: "
      "3\r\nConnection: close\r\n\r\n0\r\n\r\n",
  };
  for (const auto& raw : requests)
    EXPECT_THAT(testing::raw_exchange(port_, raw).substr(0, 40), StartsWith("HTTP/1.1 400"))
        << testing::url_encode(raw);
}

TEST_F(Connections, KeepAliveAnswersAreNotDelayed) {
  start();
  auto client = testing::make_client(port_);
  client->set_keep_alive(true);
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = testing::get(*client, "/healthz");  // no work: what is left is the connection
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ASSERT_EQ(r.status, 200) << r.describe();
  }
  std::sort(ms.begin(), ms.end());
  EXPECT_LT(ms[ms.size() / 2], 20.0) << "median of 20 kept-alive requests, ms (Nagle made it ~40)";
}

TEST_F(Connections, AKeptAliveConnectionOutlivesErrorAnswers) {
  // A 400 or 404 from a handler is an answer like any other: the connection stays open for the next
  // request (a client that reuses it must not find it closed).
  start();
  auto client = testing::make_client(port_);
  client->set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(testing::get(*client, "/v1/search").status, 400);
    EXPECT_EQ(testing::get(*client, "/v1/articles/tidak/ada").status, 404);
    EXPECT_EQ(testing::get(*client, "/v1/search?q=refund").status, 200);
  }
  // A request whose header line cpp-httplib refuses: the next request on the connection is read
  // from where the loop framed the bad one to end, not from the middle of it.
  const int fd = testing::connect_raw(port_);
  ASSERT_GE(fd, 0);
  const std::string bad = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Long: " + std::string(9000, 'a') +
                          "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  (void)::send(fd, bad.data(), bad.size(), MSG_NOSIGNAL);
  const std::string answer = read_until_closed(fd);
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(answer, HasSubstr("{\"status\":\"ok\"}")) << answer.substr(0, 600);
}

TEST_F(Connections, IdleConnectionsDoNotBlockOtherClientsForLong) {
  // cpp-httplib pins a worker to each open connection; the 1 s keep-alive timeout bounds how long a
  // connection that sends nothing holds one (it was 5 s).
  auto config = base_config();
  config.threads = 2;
  start(config);
  std::vector<int> idle;
  for (int i = 0; i < 2; ++i) {
    idle.push_back(testing::connect_raw(port_));
    ASSERT_GE(idle.back(), 0);
  }
  std::this_thread::sleep_for(200ms);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = get("/healthz");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (int fd : idle) ::close(fd);
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_LT(seconds, 3.0) << "a request waited behind idle connections";
}

TEST_F(Connections, SlowClientsDoNotBlockOtherClients) {
  // Each of these connections sends the first line of a request and stalls: they wait in the
  // connection loop, not in a worker, so two workers are enough for everyone else.
  auto config = base_config();
  config.threads = 2;
  start(config);
  std::vector<int> slow;
  const std::string first_line = "GET /healthz HTTP/1.1\r\n";
  for (int i = 0; i < 50; ++i) {
    slow.push_back(testing::connect_raw(port_));
    ASSERT_GE(slow.back(), 0);
    (void)::send(slow.back(), first_line.data(), first_line.size(), MSG_NOSIGNAL);
  }
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/v1/search?q=refund").status, 200);
  // A byte now and then does not hold a worker either.
  for (int round = 0; round < 3; ++round) {
    for (int fd : slow) (void)::send(fd, "X", 1, MSG_NOSIGNAL);
    EXPECT_EQ(get("/healthz").status, 200) << "round " << round;
    EXPECT_EQ(get("/v1/search?q=paket").status, 200) << "round " << round;
  }
  for (int fd : slow) ::close(fd);
}

TEST_F(Connections, ARequestHeadThatDoesNotArriveInTimeIsA408AndClosed) {
  auto config = base_config();
  config.header_timeout_ms = 300;
  start(config);
  const int fd = testing::connect_raw(port_);
  ASSERT_GE(fd, 0);
  // A byte every 50 ms: each read is quick, the head as a whole is not.
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: aaaaaaaaaaaaaaaa\r\n\r\n";
  for (char c : head) {
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) break;  // the server answered (and closes)
  }
  bool closed = false;
  const std::string answer = read_until_closed(fd, &closed);
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 408"));
  EXPECT_THAT(answer, HasSubstr("\"request_timeout\""));
  EXPECT_TRUE(closed) << "the connection is closed after the 408";
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(Connections, ManyIdleConnectionsCostNoWorker) {
  auto config = base_config();
  config.threads = 2;
  start(config);
  std::vector<int> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(testing::connect_raw(port_));
    ASSERT_GE(idle.back(), 0);
  }
  // Kept-alive clients that made a request and went quiet, too.
  std::vector<std::unique_ptr<httplib::Client>> kept;
  for (int i = 0; i < 20; ++i) {
    kept.push_back(testing::make_client(port_));
    kept.back()->set_keep_alive(true);
    ASSERT_EQ(testing::get(*kept.back(), "/healthz").status, 200);
  }
  for (int i = 0; i < 10; ++i) EXPECT_EQ(get("/v1/search?q=refund").status, 200);
  // The kept-alive connections still work.
  for (auto& c : kept) EXPECT_EQ(testing::get(*c, "/v1/search?q=otp").status, 200);
  for (int fd : idle) ::close(fd);
}

TEST_F(Connections, AtTheConnectionCapTheLongestIdleConnectionMakesRoom) {
  auto config = base_config();
  config.max_connections = 16;
  start(config);
  std::vector<int> idle;
  for (int i = 0; i < 16; ++i) {
    idle.push_back(testing::connect_raw(port_));
    ASSERT_GE(idle.back(), 0);
    std::this_thread::sleep_for(5ms);  // the first is the longest idle
  }
  std::this_thread::sleep_for(100ms);
  const auto r = get("/healthz");
  EXPECT_EQ(r.status, 200) << r.describe();
  char c;
  EXPECT_EQ(::recv(idle.front(), &c, 1, 0), 0) << "the longest-idle connection was closed for the new one";
  for (int fd : idle) ::close(fd);
  const std::string metrics = get("/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("solusi_connections_total{outcome=\"evicted_at_cap\"} "));
  EXPECT_THAT(metrics, Not(HasSubstr("solusi_connections_total{outcome=\"evicted_at_cap\"} 0\n")));
}

TEST_F(Connections, PipelinedRequestsAreAnsweredInOrder) {
  start();
  const int fd = testing::connect_raw(port_);
  ASSERT_GE(fd, 0);
  const std::string two =
      "GET /v1/search?q=refund HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  (void)::send(fd, two.data(), two.size(), MSG_NOSIGNAL);
  const std::string answer = read_until_closed(fd);
  const auto first = answer.find("HTTP/1.1 200");
  const auto second = answer.find("HTTP/1.1 200", first + 1);
  ASSERT_NE(first, std::string::npos) << answer.substr(0, 300);
  ASSERT_NE(second, std::string::npos) << answer.substr(0, 300);
  EXPECT_NE(answer.find("\"hits\""), std::string::npos);
  EXPECT_GT(answer.find("{\"status\":\"ok\"}"), answer.find("\"hits\"")) << "answers in request order";
}

TEST_F(Connections, ChunkedAndExpectContinueBodiesAreRead) {
  start();
  const std::string body = R"({"subject":"Refund belum masuk","body":"refund saldo RayaPay belum masuk"})";
  // Chunked, in two chunks.
  std::ostringstream chunked;
  chunked << "POST /v1/suggest HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          << "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
          << std::hex << 10 << "\r\n"
          << body.substr(0, 10) << "\r\n"
          << std::hex << body.size() - 10 << "\r\n"
          << body.substr(10) << "\r\n0\r\n\r\n";
  const std::string a = testing::raw_exchange(port_, chunked.str());
  EXPECT_THAT(a, StartsWith("HTTP/1.1 200")) << a.substr(0, 300);
  // Expect: 100-continue: the body is sent only after the interim answer.
  const int fd = testing::connect_raw(port_);
  ASSERT_GE(fd, 0);
  const std::string head =
      "POST /v1/suggest HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  (void)::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  char buf[8192];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ASSERT_GT(n, 0);
  EXPECT_THAT(std::string(buf, static_cast<size_t>(n)), StartsWith("HTTP/1.1 100 Continue\r\n\r\n"));
  const std::string rest = testing::raw_exchange_on(fd, body);
  ::close(fd);
  EXPECT_THAT(rest, StartsWith("HTTP/1.1 200")) << rest.substr(0, 300);
  EXPECT_THAT(rest, Not(HasSubstr("100 Continue"))) << "one interim answer only";
}

TEST_F(Connections, UnknownMethodsAre501AndNeverAMetricLabel) {
  start();
  for (int i = 0; i < 50; ++i) {
    const std::string raw =
        "X" + std::to_string(i) + "\"} 999\r\n /healthz HTTP/1.1\r\nConnection: close\r\n\r\n";
    EXPECT_THAT(testing::raw_exchange(port_, raw).substr(0, 20), StartsWith("HTTP/1.1 4")) << i;
    const std::string method = "BREW" + std::to_string(i);
    const std::string answer = testing::raw_exchange(
        port_, method + " /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    EXPECT_THAT(answer, StartsWith("HTTP/1.1 501")) << answer.substr(0, 200);
    EXPECT_THAT(answer, HasSubstr("\"not_implemented\""));
  }
  const std::string metrics = get("/metrics").body;
  EXPECT_THAT(metrics, Not(HasSubstr("BREW")));
  EXPECT_THAT(metrics, Not(HasSubstr("999")));
  // Every sample line is `name{labels} value` or `name value`.
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.starts_with("# ")) continue;
    const auto space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    EXPECT_NE(line.substr(space + 1).find_first_of("0123456789"), std::string::npos) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
    const auto brace = line.find('{');
    if (brace != std::string::npos) {
      EXPECT_EQ(line[space - 1], '}') << line;
    }
  }
}

TEST_F(Connections, ASecondServerOnAPortInUseDoesNotStart) {
  start();
  auto config = base_config();
  config.port = port_;
  service::Server second(config);
  const auto r = second.start();
  ASSERT_FALSE(r) << "a second server shares port " << port_;
  EXPECT_THAT(r.error().message, HasSubstr(std::to_string(port_)));
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(Connections, WithoutTokensOnlyLoopbackHostNamesAreAnswered) {
  // DNS rebinding: a page on evil.example points its name at 127.0.0.1; the browser then sends
  // "Host: evil.example" to this port, and must not read internal articles or post feedback.
  start();
  for (const std::string& host :
       std::vector<std::string>{"evil.example", "evil.example:" + std::to_string(port_), "10.1.2.3"}) {
    const auto r = get("/v1/search?q=refund", {{"Host", host}});
    EXPECT_EQ(r.status, 421) << host << " → " << r.describe();
    EXPECT_TRUE(r.is_error_body()) << r.describe();
    EXPECT_EQ(
        testing::post_json(*client_, "/v1/feedback",
                           {{"ticket_id", "T-1"}, {"slug", "akun/otp-tidak-masuk"}, {"kind", "helpful"}},
                           {{"Host", host}})
            .status,
        421);
  }
  for (const std::string& host : std::vector<std::string>{"localhost", "localhost:" + std::to_string(port_),
                                                          "127.0.0.1:" + std::to_string(port_), "[::1]:80"})
    EXPECT_EQ(get("/v1/search?q=refund", {{"Host", host}}).status, 200) << host;
  EXPECT_EQ(get("/healthz", {{"Host", "evil.example"}}).status, 200) << "probes answer any host";
  // An operator names the hosts a proxy in front uses.
  server_->stop();
  auto config = base_config();
  config.allowed_hosts = {"kb.example.co.id"};
  start(config);
  EXPECT_EQ(get("/v1/search?q=refund", {{"Host", "kb.example.co.id"}}).status, 200);
  EXPECT_EQ(get("/v1/search?q=refund", {{"Host", "evil.example"}}).status, 421);
}

TEST_F(Connections, SuggestionsDoNotFailWhileFeedbackIsLearned) {
  // Each resolved ticket makes the learner commit; a reader two commits behind is refreshed and the
  // suggestion tried again rather than answered 503.
  start();
  std::atomic<bool> done{false};
  std::atomic<int> feedback_ok{0};
  std::thread feedback([&] {
    auto c = testing::make_client(port_);
    for (int i = 0; i < 200 && !done; ++i) {
      const std::string ticket = "T-" + std::to_string(i);
      const auto s = testing::post_json(*c, "/v1/suggest",
                                        {{"ticket_id", ticket},
                                         {"subject", "refund saldo belum masuk " + ticket},
                                         {"body", "kata" + std::to_string(i) + " refund"}});
      const auto f = testing::post_json(
          *c, "/v1/feedback",
          {{"ticket_id", ticket}, {"slug", "pembayaran/refund-belum-masuk"}, {"kind", "resolved"}});
      if (s.status == 200 && (f.status == 200 || f.status == 201)) ++feedback_ok;
    }
  });
  std::vector<std::thread> askers;
  std::atomic<int> failures{0}, answered{0};
  std::mutex mu;
  std::string first_failure;
  for (int t = 0; t < 3; ++t)
    askers.emplace_back([&] {
      auto c = testing::make_client(port_);
      for (int i = 0; i < 150; ++i) {
        const auto r = testing::post_json(
            *c, "/v1/suggest", {{"subject", "Refund belum masuk"}, {"body", "saldo RayaPay refund"}});
        if (r.status == 200) {
          ++answered;
        } else {
          ++failures;
          std::lock_guard lk(mu);
          if (first_failure.empty()) first_failure = r.describe();
        }
      }
    });
  for (auto& t : askers) t.join();
  done = true;
  feedback.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_EQ(answered.load(), 450);
  EXPECT_GT(feedback_ok.load(), 0);
}

TEST_F(Connections, PublishesAreAnsweredWhileManyClientsSearch) {
  // Searches keep every worker busy; a publish waits its turn in the queue, not behind connections,
  // and the usage log never holds the events store for long.
  auto config = base_config();
  config.tokens.push_back({"budi", service::Role::editor, service::sha256_hex("sol_editor-budi-0123456789")});
  config.tokens.push_back({"rina", service::Role::agent, service::sha256_hex("sol_agent-rina-0123456789")});
  config.usage_flush_ms = 50;
  start(config);
  const httplib::Headers agent{{"Authorization", "Bearer sol_agent-rina-0123456789"}};
  const httplib::Headers editor{{"Authorization", "Bearer sol_editor-budi-0123456789"}};
  std::atomic<bool> done{false};
  std::atomic<int> searches{0}, search_errors{0};
  std::vector<std::thread> searchers;
  for (int t = 0; t < 16; ++t)
    searchers.emplace_back([&, t] {
      auto c = testing::make_client(port_);
      c->set_keep_alive(true);
      const std::string words[] = {"r", "re", "ref", "refu", "refund", "refund b", "refund belum"};
      for (int i = 0; !done; ++i) {
        const auto r = testing::get(*c, "/v1/search?q=" + testing::url_encode(words[(i + t) % 7]), agent);
        (r.status == 200 ? searches : search_errors)++;
      }
    });
  auto c = testing::make_client(port_);
  for (int i = 0; i < 10; ++i) {
    const std::string text = "---\ntitle: Uji beban " + std::to_string(i) +
                             "\nlang: id\nstatus: published\n---\nKata unik bebanuji" + std::to_string(i) +
                             ".\n";
    const auto r = testing::to_reply(c->Put("/v1/articles/uji/beban", editor, text, "text/markdown"));
    EXPECT_TRUE(r.status == 200 || r.status == 201) << r.describe();
  }
  done = true;
  for (auto& t : searchers) t.join();
  EXPECT_EQ(search_errors.load(), 0);
  EXPECT_GT(searches.load(), 0);
  EXPECT_TRUE(testing::eventually(
      [&] {
        return testing::hit_slugs(get("/v1/search?q=bebanuji9", agent).json) ==
               std::vector<std::string>{"uji/beban"};
      },
      5s));
}

TEST_F(Connections, ADamagedIndexNeverEndsTheProcess) {
  // The report warm-up thread reads every article after each index change; a table it cannot read
  // is reported and the service goes on answering (searches get a JSON 503, not a crash).
  start();
  std::string generation;
  std::ifstream(index_dir() / "XAPIANDB") >> generation >> generation;
  const fs::path postlist = index_dir() / generation / "postlist.glass";
  ASSERT_TRUE(fs::exists(postlist)) << postlist;
  {
    std::fstream f(postlist, std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(fs::file_size(postlist), '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  // The index looks committed anew: every reader and the warm-up read it again.
  fs::last_write_time(index_dir() / generation / "iamglass", fs::file_time_type::clock::now());
  std::this_thread::sleep_for(3500ms);  // past the warm-up's 2 s of quiet
  EXPECT_EQ(get("/healthz").status, 200);
  for (const char* target : {"/v1/search?q=refund", "/v1/reports/stale", "/metrics"}) {
    const auto r = get(target);
    EXPECT_TRUE(r.answered) << target;
    if (r.status >= 500) {
      EXPECT_TRUE(r.is_error_body()) << target << " → " << r.describe();
    }
  }
}

}  // namespace
}  // namespace solusi
