// Soak benchmark: the real `solusi serve` under mixed load for minutes, with slow-header and idle
// connections beside it and SIGKILLs in between; then a final SIGKILL, a restart and a check that
// every acknowledged write is still there. See bench/README.md ("Soak benchmark").
//
// Only loopback traffic. The service is a child process of this program and is ended by its pid.
#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "query_set.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using namespace std::chrono_literals;

extern char** environ;

namespace {

// ---- Limits and fixed intervals (named so the report can list them) ----
constexpr auto kProbeInterval = 250ms;       // health probe period
constexpr double kProbeDeadlineS = 1.0;      // a probe must be answered within this
constexpr double kProbeTimeoutS = 5.0;       // a probe gives up after this (counted as unanswered)
constexpr auto kRssInterval = 5s;            // RSS sampling period
constexpr double kRssTolerance = 0.10;       // minutes 2..N: max RSS <= (1 + this) * min RSS
constexpr double kConnectTimeoutS = 2.0;     // worker connect timeout
constexpr auto kErrorBackoff = 100ms;        // a worker's pause after a failed request
constexpr auto kReadyPoll = 50ms;            // /readyz polling period while (re)starting
constexpr double kReadyProbeTimeoutS = 5.0;  // each /readyz poll's timeout (ready = the first 200)
constexpr auto kSlowByteInterval = 1s;       // a slow client sends one byte per this
constexpr auto kRawConnectTimeout = 5s;      // slow/idle connect timeout
constexpr auto kRawReconnectDelay = 1s;      // slow/idle: wait this (plus jitter up to 1 s) to reconnect
constexpr int kSoakArticles = 4;             // articles the publishers rewrite
constexpr auto kKillMarginAtEnd = 10s;       // no kill this close to the end of the run
constexpr auto kStopTimeout = 30s;           // SIGTERM at the end: SIGKILL after this
constexpr int kMetricsTimeoutS = 2;          // reading /metrics before a kill
constexpr size_t kExamplesPerClient = 50;    // error examples kept per client thread
constexpr size_t kExamplesReported = 12;     // error examples in the report

// ---- Options ----
struct Options {
  std::string solusi = SOLUSI_DEFAULT_BINARY;
  std::string articles = SOLUSI_SOURCE_DIR "/articles";
  int corpus = 0;  // > 0: bench/make-corpus N articles instead of --articles
  double minutes = 10;
  int connections = 64;
  int slow = 500;
  int idle = 500;
  double kill_every = 150;
  double grace = 2;
  double timeout = 10;
  double ready_timeout = 120;
  unsigned threads = 0;  // 0: the service's default
  std::string queries = SOLUSI_SOURCE_DIR "/tests/data/queries.tsv";
  std::string tickets = SOLUSI_SOURCE_DIR "/tests/data/tickets-dev.jsonl";
  std::string json_out = "soak-report.json";
  std::string work;
  bool keep = false;
  unsigned seed = 1;
  std::string mix = "search=60,suggest=15,feedback=12,publish=8,bad=5";
};

double secs(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// ---- Request kinds and samples ----
enum Kind : uint8_t { kSearch, kSuggest, kFeedback, kPublish, kBad, kProbe, kKinds };
const char* const kKindNames[kKinds] = {"search", "suggest", "feedback", "publish", "bad", "probe"};

enum Outcome : uint8_t {
  kOk,           // 2xx (or 200 for a probe)
  kDeliberate,   // a 4xx the request was built to get (412 on a stale If-Match, the "bad" kind)
  kServerError,  // status >= 500
  kUnexpected4xx,
  kConnError,  // connection refused / reset / closed
  kTimeout,    // no answer within --timeout
};
const char* const kOutcomeNames[] = {"ok",         "deliberate_4xx", "5xx", "unexpected_4xx",
                                     "connection", "timeout"};

struct Sample {
  double start = 0, end = 0;  // seconds since the load started
  int status = 0;
  Kind kind = kSearch;
  Outcome outcome = kOk;
};

struct ErrorExample {  // the first few errors of each client, for the report
  double at = 0, end = 0;
  Kind kind = kSearch;
  std::string what;
};

struct Window {  // kill-to-ready, plus grace when classifying
  double kill = 0, ready = 0;
  bool became_ready = true;
};

// A PUT attempt on a soak article.
struct WriteAttempt {
  std::string slug, text;
  double start = 0, end = 0;
  enum { acked, rejected, unknown } state = unknown;
  long revision = 0;
  std::string etag;
};

struct FeedbackAck {
  std::string ticket, slug, kind;
};

struct Ticket {
  std::string subject, body, lang;
};

// ---- Shared state ----
struct Shared {
  Options opt;
  int port = 0;
  Clock::time_point t0;
  std::atomic<bool> stop{false};
  std::atomic<bool> raw_stop{false};
  std::string agent_token, ticket_token, editor_token, lead_token;
  std::vector<std::string> queries;
  std::vector<Ticket> tickets;
  std::vector<std::pair<Kind, int>> weights;
  std::string run_id;

  std::mutex mu;  // guards what follows
  std::vector<WriteAttempt> writes;
  std::vector<FeedbackAck> feedback_acks;
  std::map<std::string, std::string> last_etag;  // slug -> an ETag seen last (for If-Match)

  double now() const { return secs(Clock::now() - t0); }
};

std::string soak_slug(int i) {
  return "soak/soak-artikel-" + std::to_string(i + 1);
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// Prefixes of a query as someone types it: after 3 characters, at word ends and mid-word.
std::vector<std::string> typed_prefixes(const std::string& q) {
  std::vector<std::string> out;
  for (size_t i = 3; i <= q.size(); ++i) {
    if (i < q.size() && (static_cast<unsigned char>(q[i]) & 0xC0) == 0x80) continue;  // UTF-8 middle
    const bool word_end = i == q.size() || q[i] == ' ';
    const bool mid = i + 2 < q.size() && q[i] != ' ' && q[i - 1] != ' ' && i % 4 == 0;
    if ((word_end || mid) && (out.empty() || out.back() != q.substr(0, i)) && q[i - 1] != ' ')
      out.push_back(q.substr(0, i));
  }
  return out;
}

std::string article_text(const Shared& s, int index, const std::string& nonce, const std::string& words) {
  std::ostringstream o;
  o << "---\ntitle: Soak artikel " << index + 1 << "\nlang: id\ntags: [soak, uji-beban]\ncategory: soak\n"
    << "owner: tim-soak\nreviewed: 2026-11-01\nreview_every: 90d\nstatus: published\naudience: "
       "internal\n---\n"
    << "## Masalah\n\nArtikel uji beban " << index + 1 << " dari run " << s.run_id << ", versi " << nonce
    << ".\n\n## Solusi\n\nKata kunci versi ini: " << words << ".\n";
  return o.str();
}

// ---- The service as a child process ----
class Service {
 public:
  Service(const Shared& s, fs::path work) : s_(s), work_(std::move(work)) {}

  void start() {
    ++generation_;
    const fs::path log = work_ / ("serve-" + std::to_string(generation_) + ".log");
    std::vector<std::string> args{s_.opt.solusi, "serve", "--config", (work_ / "config.yaml").string()};
    if (s_.opt.threads) {
      args.push_back("--threads");
      args.push_back(std::to_string(s_.opt.threads));
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    // The clients' sockets must not live on in the service: a socket we close would stay open.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &def);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("cannot start " + s_.opt.solusi + ": " + std::strerror(rc));
    pid_.store(pid);
  }

  /// Polls /readyz until 200: true when it answered within @p timeout_s (false also when the child died).
  bool wait_ready(double timeout_s) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
    while (Clock::now() < deadline) {
      int status = 0;
      const pid_t p = pid_.load();
      if (p > 0 && waitpid(p, &status, WNOHANG) == p) {
        pid_.store(-1);
        std::cerr << "soak: the service exited during start (see " << (work_ / "serve-*.log").string()
                  << ")\n";
        return false;
      }
      const double left = std::max(
          0.05,
          std::min(kReadyProbeTimeoutS, std::chrono::duration<double>(deadline - Clock::now()).count()));
      httplib::Client c("127.0.0.1", s_.port);
      c.set_connection_timeout(std::chrono::duration<double>(left));
      c.set_read_timeout(std::chrono::duration<double>(left));
      if (auto r = c.Get("/readyz"); r && r->status == 200) return true;
      std::this_thread::sleep_for(kReadyPoll);
    }
    return false;
  }

  void kill9() {
    const pid_t p = pid_.exchange(-1);
    if (p <= 0) return;
    ::kill(p, SIGKILL);
    int status = 0;
    waitpid(p, &status, 0);
  }

  /// SIGTERM, then SIGKILL after kStopTimeout. Returns the exit status (or -1 when it had to be killed).
  int stop(double* took) {
    const pid_t p = pid_.exchange(-1);
    if (p <= 0) return -1;
    const auto t = Clock::now();
    ::kill(p, SIGTERM);
    int status = 0;
    while (Clock::now() - t < kStopTimeout) {
      if (waitpid(p, &status, WNOHANG) == p) {
        *took = secs(Clock::now() - t);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    ::kill(p, SIGKILL);
    waitpid(p, &status, 0);
    *took = secs(Clock::now() - t);
    return -1;
  }

  pid_t pid() const { return pid_.load(); }
  int generation() const { return generation_; }

 private:
  const Shared& s_;
  fs::path work_;
  std::atomic<pid_t> pid_{-1};
  int generation_ = 0;
};

long rss_kb(pid_t pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

/// The sum of each named metric's series in one read of /metrics; nullopt where /metrics did not
/// answer (within kMetricsTimeoutS) or the metric is absent.
std::vector<std::optional<double>> metric_sums(int port, const std::vector<std::string>& names) {
  std::vector<std::optional<double>> out(names.size());
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(kMetricsTimeoutS, 0);
  c.set_read_timeout(kMetricsTimeoutS, 0);
  auto r = c.Get("/metrics");
  if (!r || r->status != 200) return out;
  std::istringstream in(r->body);
  std::string line;
  while (std::getline(in, line)) {
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      if (line.rfind(name, 0) != 0) continue;
      const char after = line.size() > name.size() ? line[name.size()] : '\0';
      if (after != ' ' && after != '{') continue;
      out[i] = out[i].value_or(0) + std::atof(line.c_str() + line.rfind(' ') + 1);
    }
  }
  return out;
}

// ---- Load workers ----
class Worker {
 public:
  Worker(Shared& s, int id) : s_(s), id_(id), rng_(s.opt.seed * 7919u + static_cast<unsigned>(id)) {
    cli_ = std::make_unique<httplib::Client>("127.0.0.1", s.port);
    cli_->set_keep_alive(true);
    cli_->set_connection_timeout(std::chrono::duration<double>(kConnectTimeoutS));
    cli_->set_read_timeout(std::chrono::duration<double>(s.opt.timeout));
    cli_->set_write_timeout(std::chrono::duration<double>(s.opt.timeout));
  }

  void run() {
    int total = 0;
    for (const auto& w : s_.weights) total += w.second;
    while (!s_.stop.load()) {
      int pick = std::uniform_int_distribution<int>(0, total - 1)(rng_);
      Kind kind = kSearch;
      for (const auto& [k, w] : s_.weights) {
        if (pick < w) {
          kind = k;
          break;
        }
        pick -= w;
      }
      switch (kind) {
        case kSearch:
          search();
          break;
        case kSuggest:
          suggest();
          break;
        case kFeedback:
          feedback();
          break;
        case kPublish:
          publish();
          break;
        default:
          bad();
          break;
      }
    }
  }

  std::vector<Sample> samples;
  std::vector<ErrorExample> examples;

 private:
  using Headers = httplib::Headers;

  Headers auth(const std::string& token) const { return {{"Authorization", "Bearer " + token}}; }

  /// Records one request's sample; @p deliberate is the set of 4xx this request was built to get.
  Sample& record(Kind kind, double start, const httplib::Result& r, std::initializer_list<int> deliberate) {
    Sample x;
    x.kind = kind;
    x.start = start;
    x.end = s_.now();
    if (!r) {
      x.status = 0;
      x.outcome = r.error() == httplib::Error::ConnectionTimeout || x.end - x.start >= s_.opt.timeout - 0.05
                      ? kTimeout
                      : kConnError;
    } else {
      x.status = r->status;
      if (r->status >= 500)
        x.outcome = kServerError;
      else if (r->status >= 400)
        x.outcome = std::find(deliberate.begin(), deliberate.end(), r->status) != deliberate.end()
                        ? kDeliberate
                        : kUnexpected4xx;
      else
        x.outcome = kOk;
    }
    samples.push_back(x);
    if (x.outcome != kOk && x.outcome != kDeliberate && examples.size() < kExamplesPerClient)
      examples.push_back(
          {x.start, x.end, kind,
           r ? std::to_string(r->status) + " " + r->body.substr(0, 160)
             : httplib::to_string(r.error()) + " after " + std::to_string(x.end - x.start) + " s"});
    if (x.outcome == kConnError || x.outcome == kTimeout || x.outcome == kServerError)
      std::this_thread::sleep_for(kErrorBackoff);
    return samples.back();
  }

  void search() {
    if (s_.queries.empty()) return;
    const auto& q = s_.queries[std::uniform_int_distribution<size_t>(0, s_.queries.size() - 1)(rng_)];
    for (const auto& prefix : typed_prefixes(q)) {
      if (s_.stop.load()) return;
      const double t = s_.now();
      auto r = cli_->Get("/v1/search?q=" + url_encode(prefix) + "&limit=10", auth(s_.agent_token));
      if (record(kSearch, t, r, {}).outcome != kOk) return;  // a failed keystroke ends the typing
    }
  }

  void suggest() {
    if (s_.tickets.empty()) return;
    const auto& tk = s_.tickets[std::uniform_int_distribution<size_t>(0, s_.tickets.size() - 1)(rng_)];
    const std::string ticket_id =
        "soak-" + s_.run_id + "-" + std::to_string(id_) + "-" + std::to_string(++n_);
    json body{{"ticket_id", ticket_id}, {"subject", tk.subject}, {"body", tk.body}, {"limit", 5}};
    const double t = s_.now();
    auto r = cli_->Post("/v1/suggest", auth(s_.ticket_token), body.dump(), "application/json");
    if (record(kSuggest, t, r, {}).outcome != kOk) return;
    try {
      const json j = json::parse(r->body);
      std::string slug;
      if (j.contains("suggestions") && !j["suggestions"].empty())
        slug = j["suggestions"][0].value("slug", "");
      else if (j.contains("best_below_threshold") && j["best_below_threshold"].is_object())
        slug = j["best_below_threshold"].value("slug", "");
      if (!slug.empty()) pending_.push_back({ticket_id, slug});
      if (pending_.size() > 50) pending_.erase(pending_.begin());
    } catch (const std::exception&) {
      samples.back().outcome = kUnexpected4xx;  // a 2xx that is not the documented JSON: an error
    }
  }

  void feedback() {
    if (pending_.empty()) {
      suggest();
      if (pending_.empty()) return;
    }
    auto [ticket, slug] = pending_.back();
    pending_.pop_back();
    const std::string kind = std::uniform_int_distribution<int>(0, 9)(rng_) < 7 ? "resolved" : "helpful";
    json body{{"ticket_id", ticket}, {"slug", slug}, {"kind", kind}, {"agent", "soak-agent"}};
    const double t = s_.now();
    auto r = cli_->Post("/v1/feedback", auth(s_.ticket_token), body.dump(), "application/json");
    if (record(kFeedback, t, r, {}).outcome == kOk) {
      std::lock_guard lk(s_.mu);
      s_.feedback_acks.push_back({ticket, slug, kind});
    }
  }

  void publish() {
    const int index = std::uniform_int_distribution<int>(0, kSoakArticles - 1)(rng_);
    const std::string slug = soak_slug(index);
    const std::string nonce = std::to_string(id_) + "." + std::to_string(++n_);
    std::string words;
    for (int i = 0; i < 3 && !s_.queries.empty(); ++i)
      words +=
          (i ? ", " : "") + s_.queries[std::uniform_int_distribution<size_t>(0, s_.queries.size() - 1)(rng_)];
    WriteAttempt w;
    w.slug = slug;
    w.text = article_text(s_, index, nonce, words);
    Headers h = auth(s_.editor_token);
    const bool conditional = std::uniform_int_distribution<int>(0, 1)(rng_) == 0;
    if (conditional) {
      std::lock_guard lk(s_.mu);
      if (auto it = s_.last_etag.find(slug); it != s_.last_etag.end()) h.emplace("If-Match", it->second);
    }
    w.start = s_.now();
    auto r = cli_->Put("/v1/articles/" + slug + "?note=soak", h, w.text, "text/markdown");
    const Sample& x = record(kPublish, w.start, r, {412});
    w.end = x.end;
    std::lock_guard lk(s_.mu);
    if (x.outcome == kOk) {
      w.state = WriteAttempt::acked;
      try {
        const json j = json::parse(r->body);
        w.revision = j.value("revision", 0L);
        w.etag = j.value("etag", "");
      } catch (const std::exception&) {
      }
      if (w.etag.empty()) w.etag = r->get_header_value("ETag");
      s_.last_etag[slug] = w.etag;
    } else if (x.outcome == kDeliberate || x.outcome == kUnexpected4xx) {
      w.state = WriteAttempt::rejected;
      if (r) {
        const std::string current = r->get_header_value("ETag");
        if (!current.empty()) s_.last_etag[slug] = current;
      }
    }
    s_.writes.push_back(std::move(w));
  }

  // Requests built to be refused with a 4xx: the error paths under load.
  void bad() {
    const int which = std::uniform_int_distribution<int>(0, 2)(rng_);
    const double t = s_.now();
    if (which == 0) {
      auto r = cli_->Get("/v1/search?q=refund&limit=-1", auth(s_.agent_token));
      record(kBad, t, r, {400});
    } else if (which == 1) {
      auto r = cli_->Get("/v1/articles/soak/tidak-ada-" + std::to_string(n_), auth(s_.agent_token));
      record(kBad, t, r, {404});
    } else {
      json body{{"ticket_id", "soak-bad"}, {"slug", soak_slug(0)}, {"kind", "bogus"}};
      auto r = cli_->Post("/v1/feedback", auth(s_.ticket_token), body.dump(), "application/json");
      record(kBad, t, r, {400});
    }
  }

  Shared& s_;
  int id_;
  std::mt19937 rng_;
  std::unique_ptr<httplib::Client> cli_;
  std::vector<std::pair<std::string, std::string>> pending_;  // (ticket id, slug) suggested
  long n_ = 0;
};

// ---- Health probe: a new connection every kProbeInterval ----
void probe_loop(Shared& s, std::vector<Sample>& out) {
  auto next = Clock::now();
  while (!s.stop.load()) {
    std::this_thread::sleep_until(next);
    next = std::max(next + kProbeInterval, Clock::now());
    httplib::Client c("127.0.0.1", s.port);
    c.set_connection_timeout(std::chrono::duration<double>(kProbeTimeoutS));
    c.set_read_timeout(std::chrono::duration<double>(kProbeTimeoutS));
    Sample x;
    x.kind = kProbe;
    x.start = s.now();
    auto r = c.Get("/healthz");
    x.end = s.now();
    x.status = r ? r->status : 0;
    x.outcome =
        !r ? (r.error() == httplib::Error::ConnectionTimeout || x.end - x.start >= kProbeTimeoutS - 0.05
                  ? kTimeout
                  : kConnError)
           : (r->status == 200 ? kOk : (r->status >= 500 ? kServerError : kUnexpected4xx));
    out.push_back(x);
  }
}

// ---- Slow-header and idle connections, one epoll thread ----
struct RawEvent {  // a raw connection closed by the other side, or failing to connect
  double at = 0;
  bool slow = false;
  enum { closed, connect_failed } what = closed;
  double lifetime = 0;
};

struct RawStats {
  std::vector<RawEvent> events;
  std::vector<std::pair<double, std::array<int, 2>>> open_samples;  // (time, {slow open, idle open})
  long bytes_sent = 0, responses = 0, connects = 0;
};

void raw_loop(Shared& s, RawStats& st) {
  struct Conn {
    int fd = -1;
    bool slow = false, sends_request = false, connected = false;
    size_t sent = 0;
    Clock::time_point next, opened;
  };
  const std::string slow_head =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: solusi-soak-slow-header\r\nX-Soak-Padding: " +
      std::string(120, 'a') + "\r\n\r\n";
  const std::string idle_request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const int n = s.opt.slow + s.opt.idle;
  std::vector<Conn> conns(static_cast<size_t>(n));
  std::mt19937 rng(s.opt.seed);
  auto jitter = [&] { return std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 999)(rng)); };
  const auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto& c = conns[static_cast<size_t>(i)];
    c.slow = i < s.opt.slow;
    c.sends_request = !c.slow && i % 2 == 0;
    c.next = start + jitter();
  }
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(s.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto drop = [&](Conn& c, bool by_peer) {
    if (c.fd >= 0) {
      epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
    }
    if (by_peer)
      st.events.push_back({s.now(), c.slow, c.connected ? RawEvent::closed : RawEvent::connect_failed,
                           secs(Clock::now() - c.opened)});
    c.fd = -1;
    c.connected = false;
    c.sent = 0;
    c.next = Clock::now() + kRawReconnectDelay + jitter();
  };
  auto last_sample = Clock::now() - 10s;
  std::vector<epoll_event> evs(256);
  while (!s.raw_stop.load()) {
    const auto now = Clock::now();
    for (int i = 0; i < n; ++i) {
      auto& c = conns[static_cast<size_t>(i)];
      if (c.fd < 0 && now >= c.next) {
        c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
          c.next = now + kRawReconnectDelay;
          continue;
        }
        c.opened = now;
        c.next = now + kRawConnectTimeout;
        const int rc = ::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        if (rc < 0 && errno != EINPROGRESS) {
          drop(c, true);
          continue;
        }
        epoll_event e{};
        e.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
        e.data.u32 = static_cast<uint32_t>(i);
        epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &e);
      } else if (c.fd >= 0 && !c.connected && now >= c.next) {
        drop(c, true);  // connect timed out
      } else if (c.fd >= 0 && c.connected && c.slow && now >= c.next) {
        const char byte = slow_head[c.sent % slow_head.size()];
        if (::send(c.fd, &byte, 1, MSG_NOSIGNAL) == 1) {
          ++c.sent;
          ++st.bytes_sent;
        } else if (errno != EAGAIN) {
          drop(c, true);
          continue;
        }
        c.next += kSlowByteInterval;
      }
    }
    const int k = epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 50);
    for (int j = 0; j < k; ++j) {
      auto& c = conns[evs[static_cast<size_t>(j)].data.u32];
      if (c.fd < 0) continue;
      const uint32_t what = evs[static_cast<size_t>(j)].events;
      if (!c.connected) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (what & (EPOLLERR | EPOLLHUP))) {
          drop(c, true);
          continue;
        }
        c.connected = true;
        ++st.connects;
        c.opened = Clock::now();
        c.next = c.opened + kSlowByteInterval;
        epoll_event e{};
        e.events = EPOLLIN | EPOLLRDHUP;
        e.data.u32 = evs[static_cast<size_t>(j)].data.u32;
        epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &e);
        if (c.sends_request) ::send(c.fd, idle_request.data(), idle_request.size(), MSG_NOSIGNAL);
        continue;
      }
      char buf[4096];
      bool closed = (what & (EPOLLERR | EPOLLHUP)) != 0;
      for (;;) {
        const ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
        if (got > 0) {
          if (std::string_view(buf, static_cast<size_t>(got)).starts_with("HTTP/")) ++st.responses;
          continue;
        }
        if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) closed = true;
        break;
      }
      if (closed) drop(c, true);
    }
    if (Clock::now() - last_sample >= 1s) {
      last_sample = Clock::now();
      std::array<int, 2> open{0, 0};
      for (const auto& c : conns)
        if (c.connected) ++open[c.slow ? 0 : 1];
      st.open_samples.push_back({s.now(), open});
    }
  }
  for (auto& c : conns)
    if (c.fd >= 0) ::close(c.fd);
  ::close(ep);
}

// ---- Setup helpers ----
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind failed");
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (::pclose(p) != 0) throw std::runtime_error("failed: " + cmd);
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// `solusi token --name N --role R` -> (token, sha256).
std::pair<std::string, std::string> make_token(const Options& o, const std::string& name,
                                               const std::string& role) {
  const std::string out =
      run_capture(shell_quote(o.solusi) + " token --name " + name + " --role " + role + " 2>/dev/null");
  std::string token, hash;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("token:", 0) == 0) token = line.substr(line.find_first_not_of(' ', 6));
    if (line.rfind("sha256:", 0) == 0) hash = line.substr(line.find_first_not_of(' ', 7));
  }
  if (token.empty() || hash.empty()) throw std::runtime_error("cannot read the output of `solusi token`");
  return {token, hash};
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

std::vector<Ticket> read_tickets(const fs::path& p) {
  std::vector<Ticket> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line);
    out.push_back({j.value("subject", ""), j.value("body", ""), j.value("lang", "")});
  }
  return out;
}

std::vector<std::pair<Kind, int>> parse_mix(const std::string& mix) {
  std::vector<std::pair<Kind, int>> out;
  std::istringstream in(mix);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw std::runtime_error("--mix: '" + item + "' is not kind=weight");
    const std::string name = item.substr(0, eq);
    const int w = std::stoi(item.substr(eq + 1));
    int k = 0;
    while (k < kProbe && name != kKindNames[k]) ++k;
    if (k == kProbe) throw std::runtime_error("--mix: unknown kind '" + name + "'");
    if (w < 0) throw std::runtime_error("--mix: negative weight");
    if (w > 0) out.push_back({static_cast<Kind>(k), w});
  }
  if (out.empty()) throw std::runtime_error("--mix: no kind with a positive weight");
  return out;
}

// ---- Report ----
struct Stats {
  long n = 0, ok = 0, deliberate = 0, errors = 0, in_window_failed = 0, in_window = 0;
  std::array<long, 6> by_outcome{};
  std::vector<double> lat;  // ms, outside the windows
};

std::string fmt(double v, int prec = 1) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(prec) << v;
  return o.str();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Soak benchmark: `solusi serve` under mixed load, slow and idle connections, and SIGKILLs"};
  app.add_option("--solusi", o.solusi, "The solusi binary to run")->capture_default_str();
  app.add_option("--articles", o.articles, "Articles folder copied into the work dir")->capture_default_str();
  app.add_option("--corpus", o.corpus, "Use N articles generated by bench/make-corpus instead of --articles");
  app.add_option("--minutes", o.minutes, "Length of the load phase")->capture_default_str();
  app.add_option("--connections", o.connections, "Keep-alive client threads")->capture_default_str();
  app.add_option("--slow", o.slow, "Slow-header connections (one byte a second)")->capture_default_str();
  app.add_option("--idle", o.idle, "Idle connections")->capture_default_str();
  app.add_option("--kill-every", o.kill_every, "Seconds between SIGKILLs of the service (0: none)")
      ->capture_default_str();
  app.add_option("--grace", o.grace, "Seconds after ready still inside a kill window")->capture_default_str();
  app.add_option("--timeout", o.timeout, "Per-request read/write timeout, seconds")->capture_default_str();
  app.add_option("--ready-timeout", o.ready_timeout, "Seconds a (re)start may take to answer /readyz")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Pass --threads N to solusi serve (default: its own default)");
  app.add_option("--queries", o.queries, "Queries (TSV, first column)")->capture_default_str();
  app.add_option("--tickets", o.tickets, "Tickets (JSON lines: subject, body)")->capture_default_str();
  app.add_option("--mix", o.mix, "Weights of the request kinds")->capture_default_str();
  app.add_option("--json", o.json_out, "Write the JSON report here")->capture_default_str();
  app.add_option("--work", o.work, "Work directory (default: a new temporary one)");
  app.add_flag("--keep", o.keep, "Keep the work directory (logs, index, events.db)");
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  ::signal(SIGPIPE, SIG_IGN);
  // 64 clients + slow + idle + probes in this process, and as many in the service (which inherits it).
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  const rlim_t want = static_cast<rlim_t>(o.connections + o.slow + o.idle) * 2 + 1024;
  lim.rlim_cur = std::min(lim.rlim_max, std::max(lim.rlim_cur, want));
  setrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < want)
    std::cerr << "soak: warning: RLIMIT_NOFILE is " << lim.rlim_cur << ", wanted " << want << "\n";

  Shared s;
  s.opt = o;
  fs::path work;
  try {
    s.weights = parse_mix(o.mix);
    if (!fs::exists(o.solusi)) throw std::runtime_error("no solusi binary at " + o.solusi + " (--solusi)");
    s.queries = solusi::bench::read_tsv_queries(o.queries);
    s.tickets = read_tickets(o.tickets);
    {
      std::random_device rd;
      s.run_id = std::to_string(rd() % 100000);
    }
    if (o.work.empty()) {
      char tmpl[] = "/tmp/solusi-soak-XXXXXX";
      if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot make a temporary directory");
      work = tmpl;
    } else {
      work = o.work;
      fs::create_directories(work);
    }
    // The articles: a copy, since the publishers write into it.
    fs::path source = o.articles;
    if (o.corpus > 0) {
      source = work / ("corpus-" + std::to_string(o.corpus));
      const fs::path make = fs::path(SOLUSI_SOURCE_DIR) / "bench" / "make-corpus";
      if (!fs::exists(make)) throw std::runtime_error("--corpus needs " + make.string());
      if (!fs::exists(source)) {
        std::cerr << "soak: generating " << o.corpus << " articles with bench/make-corpus\n";
        run_capture(shell_quote(make.string()) + " " + std::to_string(o.corpus) + " " +
                    shell_quote(source.string()) + " >/dev/null");
      }
    }
    fs::remove_all(work / "articles");
    fs::copy(source, work / "articles", fs::copy_options::recursive);
    s.port = free_port();
    const auto agent = make_token(o, "soak-agent", "agent");
    const auto ticket = make_token(o, "soak-ticket-system", "ticket-system");
    const auto editor = make_token(o, "soak-editor", "editor");
    const auto lead = make_token(o, "soak-lead", "lead");
    s.agent_token = agent.first;
    s.ticket_token = ticket.first;
    s.editor_token = editor.first;
    s.lead_token = lead.first;
    {
      std::ofstream cfg(work / "config.yaml");
      cfg << "listen: 127.0.0.1:" << s.port << "\narticles: " << (work / "articles").string()
          << "\nindex: " << (work / "index").string() << "\nevents: " << (work / "events.db").string()
          << "\nrate_limit_per_second: 0"  // the soak loads the service; the limit would answer 429
          << "\ntokens:\n";
      for (const auto& [name, role, hash] : std::vector<std::tuple<std::string, std::string, std::string>>{
               {"soak-agent", "agent", agent.second},
               {"soak-ticket-system", "ticket-system", ticket.second},
               {"soak-editor", "editor", editor.second},
               {"soak-lead", "lead", lead.second}})
        cfg << "  - name: " << name << "\n    role: " << role << "\n    sha256: " << hash << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "soak: " << e.what() << "\n";
    return 2;
  }

  Service service(s, work);
  std::cerr << "soak: work dir " << work.string() << ", port " << s.port << ", " << o.minutes << " min, "
            << o.connections << " connections, " << o.slow << " slow, " << o.idle << " idle, kill every "
            << o.kill_every << " s\n";
  const auto t_start = Clock::now();
  service.start();
  if (!service.wait_ready(std::max(o.ready_timeout, 600.0))) {
    std::cerr << "soak: the service did not become ready (log: " << (work / "serve-1.log").string() << ")\n";
    service.kill9();
    return 2;
  }
  const double first_ready = secs(Clock::now() - t_start);
  std::cerr << "soak: ready after " << fmt(first_ready, 2) << " s\n";

  // The soak articles, created before the load (acknowledged writes like any other).
  s.t0 = Clock::now();
  {
    httplib::Client c("127.0.0.1", s.port);
    c.set_read_timeout(std::chrono::duration<double>(o.timeout));
    for (int i = 0; i < kSoakArticles; ++i) {
      WriteAttempt w;
      w.slug = soak_slug(i);
      w.text = article_text(s, i, "0", "awal");
      auto r = c.Put("/v1/articles/" + w.slug, {{"Authorization", "Bearer " + s.editor_token}}, w.text,
                     "text/markdown");
      if (!r || r->status / 100 != 2) {
        std::cerr << "soak: cannot create " << w.slug << ": "
                  << (r ? std::to_string(r->status) + " " + r->body : httplib::to_string(r.error())) << "\n";
        service.kill9();
        return 2;
      }
      const json j = json::parse(r->body);
      w.state = WriteAttempt::acked;
      w.revision = j.value("revision", 0L);
      w.etag = j.value("etag", "");
      s.last_etag[w.slug] = w.etag;
      s.writes.push_back(std::move(w));
    }
  }

  // ---- The load phase ----
  s.t0 = Clock::now();
  for (auto& w : s.writes) w.start = w.end = 0;
  const double duration = o.minutes * 60;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  for (int i = 0; i < o.connections; ++i) workers.push_back(std::make_unique<Worker>(s, i));
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
  std::vector<Sample> probes;
  std::thread prober([&] { probe_loop(s, probes); });
  RawStats raw;
  std::thread raw_thread([&] { raw_loop(s, raw); });

  std::vector<Window> windows;
  std::vector<std::pair<double, long>> rss;  // (time, kB)
  std::vector<json> kills;
  double dropped_total = 0, queue_at_kills = 0;
  int metrics_unread = 0;  // lives of the service whose /metrics did not answer before the kill
  bool all_ready = true;
  std::mutex rss_mu;
  std::thread rss_thread([&] {  // its own thread: samples go on while a restart is awaited
    auto next = Clock::now();
    while (!s.stop.load()) {
      if (Clock::now() >= next) {
        const long kb = rss_kb(service.pid());
        std::lock_guard lk(rss_mu);
        if (kb > 0) rss.push_back({s.now(), kb});
        next += kRssInterval;
      }
      std::this_thread::sleep_for(100ms);
    }
  });
  auto next_kill =
      o.kill_every > 0
          ? s.t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.kill_every))
          : Clock::time_point::max();
  const auto end =
      s.t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  int last_minute = -1;
  while (Clock::now() < end) {
    const auto wake = std::min({next_kill, end, Clock::now() + 10s});  // 10 s: the progress lines
    std::this_thread::sleep_until(wake);
    const auto now = Clock::now();
    if (const int minute = static_cast<int>(s.now() / 60); minute != last_minute) {
      last_minute = minute;
      std::cerr << "soak: minute " << minute + 1 << " (" << fmt(s.now(), 0) << " s)\n";
    }
    if (now >= next_kill) {
      next_kill += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.kill_every));
      if (end - now < kKillMarginAtEnd) continue;
      const auto m = metric_sums(s.port, {"solusi_events_dropped_total", "solusi_events_queue_depth"});
      const auto& dropped = m[0];
      const auto& queued = m[1];
      dropped_total += dropped.value_or(0);
      queue_at_kills += queued.value_or(0);
      metrics_unread += !dropped;
      Window w;
      w.kill = s.now();
      service.kill9();
      service.start();
      std::cerr << "soak: SIGKILL at " << fmt(w.kill, 1) << " s, restarting\n";
      // The wait ends with the load at the latest (but gets at least kKillMarginAtEnd).
      w.became_ready = service.wait_ready(
          std::min(o.ready_timeout, std::max(secs(end - Clock::now()), secs(kKillMarginAtEnd))));
      w.ready = s.now();
      all_ready = all_ready && w.became_ready;
      windows.push_back(w);
      json k{{"at_s", w.kill},
             {"restart_to_ready_s", w.ready - w.kill},
             {"ready", w.became_ready},
             {"events_dropped_before", dropped ? json(*dropped) : json(nullptr)},
             {"events_queued_at_kill", queued ? json(*queued) : json(nullptr)}};
      kills.push_back(k);
      std::cerr << "soak: " << (w.became_ready ? "ready again after " : "NOT ready after ")
                << fmt(w.ready - w.kill, 2) << " s\n";
    }
  }
  const double load_end = s.now();
  s.stop.store(true);
  std::cerr << "soak: load done, waiting for the clients' requests in flight\n";
  for (auto& t : threads) t.join();
  prober.join();
  rss_thread.join();
  const auto dropped_end = metric_sums(s.port, {"solusi_events_dropped_total"})[0];
  dropped_total += dropped_end.value_or(0);
  metrics_unread += !dropped_end;
  s.raw_stop.store(true);
  raw_thread.join();

  // ---- Final SIGKILL, restart, and the check of every acknowledged write ----
  const double final_kill = s.now();
  service.kill9();
  service.start();
  const bool final_ready = service.wait_ready(std::max(o.ready_timeout, 60.0));
  const double final_restart = s.now() - final_kill;
  all_ready = all_ready && final_ready;
  std::cerr << "soak: final SIGKILL and restart: " << (final_ready ? "ready after " : "NOT ready after ")
            << fmt(final_restart, 2) << " s; checking acknowledged writes\n";

  long publish_acked = 0, publish_lost = 0, publish_in_flight_landed = 0, feedback_lost = 0,
       feedback_checked = 0;
  std::vector<std::string> lost_notes;
  {
    httplib::Client c("127.0.0.1", s.port);
    c.set_keep_alive(true);
    c.set_read_timeout(std::chrono::duration<double>(o.timeout));
    const httplib::Headers editor{{"Authorization", "Bearer " + s.editor_token}};
    const httplib::Headers lead{{"Authorization", "Bearer " + s.lead_token}};
    std::map<std::string, std::vector<const WriteAttempt*>> by_slug;
    for (const auto& w : s.writes) by_slug[w.slug].push_back(&w);
    for (const auto& [slug, attempts] : by_slug) {
      const WriteAttempt* last = nullptr;
      std::set<std::pair<long, std::string>> acked_revisions;
      for (const auto* w : attempts) {
        if (w->state != WriteAttempt::acked) continue;
        ++publish_acked;
        acked_revisions.insert({w->revision, w->etag});
        if (!last || w->revision > last->revision) last = w;
      }
      if (!last) continue;
      // 1. The file on disk is the last acknowledged text, or a write whose answer never came.
      const std::string on_disk = read_file(work / "articles" / (slug + ".md"));
      bool disk_ok = on_disk == last->text;
      if (!disk_ok) {
        for (const auto* w : attempts)
          if (w->state == WriteAttempt::unknown && w->text == on_disk) {
            disk_ok = true;
            ++publish_in_flight_landed;
            break;
          }
        if (!disk_ok) {
          ++publish_lost;
          lost_notes.push_back(slug + ": the file is not the last acknowledged version (revision " +
                               std::to_string(last->revision) + ")");
        }
      } else {
        // 2. The service serves it: GET's ETag is the acknowledged one.
        auto r = c.Get("/v1/articles/" + slug, editor);
        if (!r || r->status != 200 || r->get_header_value("ETag") != last->etag) {
          ++publish_lost;
          lost_notes.push_back(slug + ": GET answers " +
                               (r ? std::to_string(r->status) + " ETag " + r->get_header_value("ETag")
                                  : httplib::to_string(r.error())) +
                               ", acknowledged ETag " + last->etag);
        }
      }
      // 3. Every acknowledged revision is in the history with its ETag.
      auto h = c.Get("/v1/articles/" + slug + "/revisions", lead);
      std::set<std::pair<long, std::string>> history;
      if (h && h->status == 200) {
        const json list = json::parse(h->body);
        for (const auto& v : list.at("revisions"))
          history.insert({v.value("revision", 0L), v.value("etag", "")});
      } else {
        lost_notes.push_back(slug + ": the revision history cannot be read: " +
                             (h ? std::to_string(h->status) + " " + h->body : httplib::to_string(h.error())));
      }
      for (const auto& rev : acked_revisions)
        if (!history.count(rev)) {
          ++publish_lost;
          lost_notes.push_back(slug + ": acknowledged revision " + std::to_string(rev.first) + " " +
                               rev.second + " is not in the history");
        }
    }
    // 4. Every acknowledged feedback is there: sent again, it must be a duplicate.
    for (const auto& f : s.feedback_acks) {
      json body{{"ticket_id", f.ticket}, {"slug", f.slug}, {"kind", f.kind}, {"agent", "soak-agent"}};
      auto r = c.Post("/v1/feedback", {{"Authorization", "Bearer " + s.ticket_token}}, body.dump(),
                      "application/json");
      ++feedback_checked;
      bool duplicate = false;
      if (r && r->status / 100 == 2) {
        try {
          duplicate = json::parse(r->body).value("duplicate", false);
        } catch (const std::exception&) {
        }
      }
      if (!duplicate) {
        ++feedback_lost;
        if (feedback_lost <= 10)
          lost_notes.push_back(
              "feedback " + f.ticket + " " + f.slug + " " + f.kind + ": " +
              (r ? std::to_string(r->status) + " " + r->body : httplib::to_string(r.error())));
      }
    }
  }
  double stop_took = 0;
  const int stop_status = service.stop(&stop_took);

  // ---- Classification ----
  auto in_window = [&](const Sample& x) {
    for (const auto& w : windows)
      if (x.end >= w.kill && x.start <= w.ready + o.grace) return true;
    return false;
  };
  const int minutes = std::max(1, static_cast<int>(std::ceil(o.minutes - 1e-9)));
  auto minute_of = [&](double t) { return std::clamp(static_cast<int>(t / 60), 0, minutes - 1); };
  std::vector<std::array<Stats, kKinds>> per_minute(static_cast<size_t>(minutes));
  std::array<Stats, kKinds> total;
  long probes_late = 0;
  double probe_max = 0;
  std::vector<double> probe_max_minute(static_cast<size_t>(minutes), 0);
  std::vector<long> probe_late_minute(static_cast<size_t>(minutes), 0);
  auto account = [&](const Sample& x) {
    const bool window = in_window(x);
    const double ms = (x.end - x.start) * 1000;
    for (Stats* st : {&per_minute[static_cast<size_t>(minute_of(x.start))][x.kind], &total[x.kind]}) {
      ++st->n;
      if (window) {
        ++st->in_window;
        if (x.outcome != kOk && x.outcome != kDeliberate) ++st->in_window_failed;
        continue;
      }
      ++st->by_outcome[x.outcome];
      if (x.outcome == kOk)
        ++st->ok;
      else if (x.outcome == kDeliberate)
        ++st->deliberate;
      else
        ++st->errors;
      st->lat.push_back(ms);
    }
    if (x.kind == kProbe && !window) {
      const bool late = x.outcome != kOk || x.end - x.start > kProbeDeadlineS;
      probes_late += late;
      probe_late_minute[static_cast<size_t>(minute_of(x.start))] += late;
      probe_max = std::max(probe_max, ms);
      auto& m = probe_max_minute[static_cast<size_t>(minute_of(x.start))];
      m = std::max(m, ms);
    }
  };
  for (const auto& w : workers)
    for (const auto& x : w->samples) account(x);
  for (const auto& x : probes) account(x);

  std::vector<long> rss_minute(static_cast<size_t>(minutes), 0);
  for (const auto& [t, kb] : rss) {
    bool window = false;
    for (const auto& w : windows) window = window || (t >= w.kill && t <= w.ready + o.grace);
    if (!window && t < load_end) {
      auto& m = rss_minute[static_cast<size_t>(minute_of(t))];
      m = std::max(m, kb);
    }
  }
  long rss_lo = 0, rss_hi = 0;
  for (int m = 1; m < minutes; ++m) {  // minutes 2..N
    const long v = rss_minute[static_cast<size_t>(m)];
    if (!v) continue;
    rss_lo = rss_lo ? std::min(rss_lo, v) : v;
    rss_hi = std::max(rss_hi, v);
  }
  const bool rss_ok = minutes < 2 || (rss_lo > 0 && static_cast<double>(rss_hi) <=
                                                        (1 + kRssTolerance) * static_cast<double>(rss_lo));
  long errors = 0, deliberate = 0, in_window_failed = 0, requests = 0;
  for (int k = 0; k < kProbe; ++k) {
    errors += total[static_cast<size_t>(k)].errors;
    deliberate += total[static_cast<size_t>(k)].deliberate;
    in_window_failed += total[static_cast<size_t>(k)].in_window_failed;
    requests += total[static_cast<size_t>(k)].n;
  }
  const long lost = publish_lost + feedback_lost;
  const bool probes_ok = probes_late == 0;
  const bool pass = lost == 0 && errors == 0 && rss_ok && probes_ok && all_ready;

  // Raw connections per minute.
  std::vector<std::array<long, 4>> raw_minute(static_cast<size_t>(minutes), {0, 0, 0, 0});
  for (const auto& e : raw.events)
    if (e.at < load_end)
      ++raw_minute[static_cast<size_t>(minute_of(e.at))]
                  [(e.slow ? 0 : 2) + (e.what == RawEvent::closed ? 0 : 1)];
  std::vector<std::array<int, 2>> raw_open_minute(static_cast<size_t>(minutes), {0, 0});
  for (const auto& [t, open] : raw.open_samples)
    if (t < load_end) raw_open_minute[static_cast<size_t>(minute_of(t))] = open;  // the minute's last sample

  // Every 10 s of the load: requests (not probes) answered (ok or deliberate 4xx), errors, overlapping a
  // kill window.
  const size_t buckets = static_cast<size_t>(std::ceil(duration / 10));
  std::vector<std::array<long, 3>> tl(std::max<size_t>(buckets, 1), {0, 0, 0});
  for (const auto& w : workers)
    for (const auto& x : w->samples) {
      auto& b = tl[std::min(tl.size() - 1, static_cast<size_t>(x.start / 10))];
      ++b[in_window(x) ? 2 : (x.outcome == kOk || x.outcome == kDeliberate ? 0 : 1)];
    }

  // ---- Markdown ----
  auto pct = [](const Stats& st, double p) { return solusi::bench::nearest_rank(st.lat, p); };
  auto maxv = [](const Stats& st) {
    return st.lat.empty() ? 0.0 : *std::max_element(st.lat.begin(), st.lat.end());
  };
  std::ostringstream md;
  md << "## Soak: " << fmt(load_end / 60, 1) << " min, " << o.connections << " connections, " << o.slow
     << " slow-header, " << o.idle << " idle, SIGKILL every " << fmt(o.kill_every, 0) << " s\n\n"
     << "Binary `" << o.solusi << "`; articles `"
     << (o.corpus > 0 ? "make-corpus " + std::to_string(o.corpus) : o.articles) << "`; mix `" << o.mix
     << "`; request timeout " << fmt(o.timeout, 0) << " s; kill windows = kill to ready + " << fmt(o.grace, 0)
     << " s.\n\n";
  md << "### By minute (outside the kill windows; latencies in ms)\n\n"
     << "| min | kind | requests | ok | deliberate 4xx | errors | in kill window (failed) | p50 | p99 | max "
        "|\n"
     << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (int m = 0; m < minutes; ++m)
    for (int k = 0; k < kKinds; ++k) {
      const Stats& st = per_minute[static_cast<size_t>(m)][static_cast<size_t>(k)];
      if (!st.n) continue;
      md << "| " << m + 1 << " | " << kKindNames[k] << " | " << st.n << " | " << st.ok << " | "
         << st.deliberate << " | " << st.errors << " | " << st.in_window << " (" << st.in_window_failed
         << ") | "
         << (st.lat.empty() ? "– | – | –"
                            : fmt(pct(st, 50)) + " | " + fmt(pct(st, 99)) + " | " + fmt(maxv(st)))
         << " |\n";
    }
  md << "\nRequests answered / errors per 10 s, by the second they started in (`k`: some overlapped a kill "
        "window):\n";
  for (size_t i = 0; i < tl.size(); ++i) {
    if (i % 6 == 0) md << "\n- minute " << (i / 6 + 1) << ":";
    md << " " << tl[i][0] << "/" << tl[i][1] << (tl[i][2] ? "k" : "");
  }
  md << "\n";
  md << "\n| min | RSS max (MB) | probe max (ms) | probes late or failed | slow open / closed by server / "
        "connect failed | idle open / closed by server / connect failed |\n"
     << "|---|---|---|---|---|---|\n";
  for (int m = 0; m < minutes; ++m) {
    const auto& r = raw_minute[static_cast<size_t>(m)];
    const auto& op = raw_open_minute[static_cast<size_t>(m)];
    md << "| " << m + 1 << " | " << fmt(static_cast<double>(rss_minute[static_cast<size_t>(m)]) / 1024)
       << " | " << fmt(probe_max_minute[static_cast<size_t>(m)]) << " | "
       << probe_late_minute[static_cast<size_t>(m)] << " | " << op[0] << " / " << r[0] << " / " << r[1]
       << " | " << op[1] << " / " << r[2] << " / " << r[3] << " |\n";
  }
  md << "\n### Errors by cause (outside the kill windows)\n\n| kind | 5xx | unexpected 4xx | connection | "
        "timeout |\n|---|---|---|---|---|\n";
  for (int k = 0; k < kKinds; ++k) {
    const Stats& st = total[static_cast<size_t>(k)];
    if (!st.n) continue;
    md << "| " << kKindNames[k] << " | " << st.by_outcome[kServerError] << " | "
       << st.by_outcome[kUnexpected4xx] << " | " << st.by_outcome[kConnError] << " | "
       << st.by_outcome[kTimeout] << " |\n";
  }
  md << "\n### Restarts\n\n| SIGKILL at (s) | restart to ready (s) | events dropped before | events queued "
        "at kill |\n|---|---|---|---|\n";
  auto metric = [](const json& v) {
    return v.is_null() ? std::string("? (no /metrics)") : fmt(v.get<double>(), 0);
  };
  for (const auto& k : kills)
    md << "| " << fmt(k["at_s"].get<double>()) << " | " << fmt(k["restart_to_ready_s"].get<double>(), 2)
       << (k["ready"].get<bool>() ? "" : " (not ready)") << " | " << metric(k["events_dropped_before"])
       << " | " << metric(k["events_queued_at_kill"]) << " |\n";
  md << "| final (after the load) | " << fmt(final_restart, 2) << (final_ready ? "" : " (not ready)") << " | "
     << (dropped_end ? fmt(*dropped_end, 0) : "? (no /metrics)") << " | |\n";
  auto verdict = [](bool ok) { return ok ? "**met**" : "**not met**"; };
  md << "\n### Totals\n\n| what | value | criterion |\n|---|---|---|\n"
     << "| requests (load, all kinds) | " << requests << " | |\n"
     << "| errors outside the kill windows (5xx, unexpected 4xx, connection, timeout) | " << errors << " | "
     << verdict(errors == 0) << " (0) |\n"
     << "| deliberate 4xx | " << deliberate << " | |\n"
     << "| failed inside kill windows (not errors) | " << in_window_failed << " | |\n"
     << "| acknowledged publishes / feedback | " << publish_acked << " / " << s.feedback_acks.size()
     << " | |\n"
     << "| acknowledged writes lost | " << lost << " (publish " << publish_lost << ", feedback "
     << feedback_lost << ") | " << verdict(lost == 0) << " (0) |\n"
     << "| unacknowledged publishes that landed anyway | " << publish_in_flight_landed << " | |\n"
     << "| events dropped (sum over the service's lives) | " << fmt(dropped_total, 0)
     << (metrics_unread ? " (+ unknown: /metrics did not answer for " + std::to_string(metrics_unread) +
                              " of " + std::to_string(kills.size() + 1) + " lives)"
                        : std::string())
     << " | |\n"
     << "| events queued at the kills (lost with the process) | " << fmt(queue_at_kills, 0)
     << (metrics_unread ? " (+ unknown)" : "") << " | |\n"
     << "| every restart ready (within " << fmt(o.ready_timeout, 0) << " s, and before the load ended) | "
     << (all_ready ? "yes" : "no") << " | " << verdict(all_ready) << " |\n"
     << "| RSS minutes 2.." << minutes << " (max of each minute) | "
     << (minutes < 2 ? std::string("n/a (a run under 2 minutes)")
         : rss_lo
             ? fmt(static_cast<double>(rss_lo) / 1024) + "–" + fmt(static_cast<double>(rss_hi) / 1024) + " MB"
             : std::string("no sample outside the kill windows"))
     << " | " << verdict(rss_ok) << " (within 10%) |\n"
     << "| health probes outside kill windows not answered within 1 s | " << probes_late << " of "
     << total[kProbe].n - total[kProbe].in_window << " (max " << fmt(probe_max) << " ms) | "
     << verdict(probes_ok) << " (0) |\n"
     << "| graceful stop (SIGTERM) at the end | exit " << stop_status << " after " << fmt(stop_took, 2)
     << " s | |\n"
     << "\n**Result: " << (pass ? "PASS" : "FAIL") << "**\n";
  std::vector<ErrorExample> examples;
  for (const auto& w : workers) examples.insert(examples.end(), w->examples.begin(), w->examples.end());
  std::erase_if(examples, [&](const ErrorExample& e) {
    Sample x;
    x.start = e.at;
    x.end = e.end;
    return in_window(x);
  });
  std::sort(examples.begin(), examples.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  {  // the first of each kind of error: request kind, and the status or transport error
    std::set<std::string> seen;
    std::erase_if(examples, [&](const ErrorExample& e) {
      return !seen.insert(std::string(kKindNames[e.kind]) + " " + e.what.substr(0, e.what.find(' '))).second;
    });
  }
  if (examples.size() > kExamplesReported) examples.resize(kExamplesReported);
  if (!examples.empty()) {
    md << "\nFirst error of each kind (request kind, status or transport error) outside the kill "
          "windows:\n\n";
    for (const auto& e : examples) {
      std::string what = e.what;
      std::replace(what.begin(), what.end(), '\n', ' ');
      md << "- " << fmt(e.at) << " s " << kKindNames[e.kind] << ": " << what << "\n";
    }
  }
  if (!lost_notes.empty()) {
    md << "\nLost writes:\n\n";
    for (const auto& n : lost_notes) md << "- " << n << "\n";
  }
  std::cout << md.str() << std::flush;

  // ---- JSON ----
  json j;
  j["options"] = {{"solusi", o.solusi},
                  {"articles", o.articles},
                  {"corpus", o.corpus},
                  {"minutes", o.minutes},
                  {"connections", o.connections},
                  {"slow", o.slow},
                  {"idle", o.idle},
                  {"kill_every_s", o.kill_every},
                  {"grace_s", o.grace},
                  {"timeout_s", o.timeout},
                  {"mix", o.mix},
                  {"threads", o.threads}};
  j["minutes"] = json::array();
  for (int m = 0; m < minutes; ++m) {
    json jm{{"minute", m + 1},
            {"rss_kb", rss_minute[static_cast<size_t>(m)]},
            {"probe_max_ms", probe_max_minute[static_cast<size_t>(m)]},
            {"probes_late", probe_late_minute[static_cast<size_t>(m)]},
            {"slow_open", raw_open_minute[static_cast<size_t>(m)][0]},
            {"slow_closed_by_server", raw_minute[static_cast<size_t>(m)][0]},
            {"slow_connect_failed", raw_minute[static_cast<size_t>(m)][1]},
            {"idle_open", raw_open_minute[static_cast<size_t>(m)][1]},
            {"idle_closed_by_server", raw_minute[static_cast<size_t>(m)][2]},
            {"idle_connect_failed", raw_minute[static_cast<size_t>(m)][3]}};
    for (int k = 0; k < kKinds; ++k) {
      const Stats& st = per_minute[static_cast<size_t>(m)][static_cast<size_t>(k)];
      json by;
      for (int c = 0; c < 6; ++c) by[kOutcomeNames[c]] = st.by_outcome[static_cast<size_t>(c)];
      jm["kinds"][kKindNames[k]] = {{"requests", st.n},
                                    {"ok", st.ok},
                                    {"deliberate_4xx", st.deliberate},
                                    {"errors", st.errors},
                                    {"in_window", st.in_window},
                                    {"in_window_failed", st.in_window_failed},
                                    {"by_outcome", by},
                                    {"p50_ms", pct(st, 50)},
                                    {"p99_ms", pct(st, 99)},
                                    {"max_ms", maxv(st)}};
    }
    j["minutes"].push_back(jm);
  }
  {
    j["timeline_10s"] = json::array();
    for (size_t i = 0; i < tl.size(); ++i)
      j["timeline_10s"].push_back(
          {{"t_s", i * 10}, {"ok", tl[i][0]}, {"errors", tl[i][1]}, {"in_window", tl[i][2]}});
  }
  j["rss_samples"] = json::array();
  for (const auto& [t, kb] : rss) j["rss_samples"].push_back({{"t_s", t}, {"kb", kb}});
  j["kills"] = kills;
  j["error_examples"] = json::array();
  for (const auto& e : examples)
    j["error_examples"].push_back({{"t_s", e.at}, {"kind", kKindNames[e.kind]}, {"what", e.what}});
  j["totals"] = {{"requests", requests},
                 {"errors", errors},
                 {"deliberate_4xx", deliberate},
                 {"in_window_failed", in_window_failed},
                 {"publish_acked", publish_acked},
                 {"feedback_acked", s.feedback_acks.size()},
                 {"feedback_checked", feedback_checked},
                 {"acknowledged_writes_lost", lost},
                 {"publish_lost", publish_lost},
                 {"feedback_lost", feedback_lost},
                 {"unacknowledged_publishes_landed", publish_in_flight_landed},
                 {"lost_notes", lost_notes},
                 {"events_dropped", dropped_total},
                 {"events_queued_at_kills", queue_at_kills},
                 {"metrics_unread", metrics_unread},
                 {"first_ready_s", first_ready},
                 {"final_restart_to_ready_s", final_restart},
                 {"all_ready", all_ready},
                 {"rss_min_kb", rss_lo},
                 {"rss_max_kb", rss_hi},
                 {"rss_ok", rss_ok},
                 {"probes_late", probes_late},
                 {"probe_max_ms", probe_max},
                 {"probes_ok", probes_ok},
                 {"raw_connects", raw.connects},
                 {"slow_bytes_sent", raw.bytes_sent},
                 {"raw_responses", raw.responses},
                 {"stop_exit_status", stop_status},
                 {"stop_s", stop_took},
                 {"pass", pass}};
  if (!o.json_out.empty()) {
    std::ofstream out(o.json_out);
    out << j.dump(2) << "\n";
    if (!out) std::cerr << "soak: cannot write " << o.json_out << "\n";
  }
  if (!o.keep && o.work.empty()) {
    std::error_code ec;
    fs::remove_all(work, ec);
  } else {
    std::cerr << "soak: kept " << work.string() << "\n";
  }
  return pass ? 0 : 1;
}
