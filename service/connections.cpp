#include "connections.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

namespace solusi::service {
namespace {

using Clock = std::chrono::steady_clock;

const char* reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

/// A complete response the loop sends itself (framing errors, overload): JSON error body, then close.
std::string canned_response(int status, std::string_view code, std::string_view message) {
  const std::string body = nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n";
  if (status == 503) out += "Retry-After: 1\r\n";
  out += "\r\n" + body;
  return out;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// RFC 9110 token characters (method and header names).
bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

/// What the loop needs to know of a request head to frame the request.
struct Head {
  size_t end = 0;  ///< offset just past the blank line
  std::optional<size_t> content_length;
  bool chunked = false;
  bool expect_continue = false;
  bool probe = false;  ///< a health probe: served by the probe worker first
};

struct Reject {
  int status;
  std::string code;
  std::string message;
};

/// The methods the service routes; any other is a 501 before it reaches a handler or a metric label.
bool known_method(std::string_view m) {
  for (std::string_view k : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    if (m == k) return true;
  return false;
}

/// Parses the head buf[0, end) (end is past "\r\n\r\n").
std::variant<Head, Reject> parse_head(std::string_view buf, size_t end, const ConnectionLimits& limits) {
  Head h;
  h.end = end;
  std::string_view head = buf.substr(0, end - 2);  // every line ends with "\r\n"
  const size_t eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  if (line.size() > limits.max_request_line_bytes)
    return Reject{
        414, "uri_too_long",
        "the request line is longer than " + std::to_string(limits.max_request_line_bytes) + " bytes"};
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == 0 || sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp2 == sp1 + 1 ||
      line.find(' ', sp2 + 1) != std::string_view::npos)
    return Reject{400, "bad_request", "malformed request line"};
  const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                         version = line.substr(sp2 + 1);
  if (!std::all_of(method.begin(), method.end(), is_tchar))
    return Reject{400, "bad_request", "malformed request method"};
  if (version != "HTTP/1.1" && version != "HTTP/1.0")
    return Reject{505, "http_version_not_supported", "only HTTP/1.1 and HTTP/1.0 are served"};
  if (!known_method(method))
    return Reject{501, "not_implemented",
                  "this server implements GET, HEAD, POST, PUT, DELETE, PATCH and OPTIONS"};
  const std::string_view path = target.substr(0, target.find('?'));
  h.probe = method == "GET" && (path == "/healthz" || path == "/readyz");

  size_t count = 0;
  std::optional<std::string_view> length;
  bool has_te = false;
  for (size_t pos = eol == std::string_view::npos ? head.size() : eol + 2; pos < head.size();) {
    size_t next = head.find("\r\n", pos);
    if (next == std::string_view::npos) next = head.size();
    const std::string_view field = head.substr(pos, next - pos);
    pos = next + 2;
    if (++count > limits.max_header_count)
      return Reject{431, "headers_too_large",
                    "more than " + std::to_string(limits.max_header_count) + " request headers"};
    const size_t colon = field.find(':');
    if (colon == 0 || colon == std::string_view::npos ||
        !std::all_of(field.begin(), field.begin() + static_cast<std::ptrdiff_t>(colon), is_tchar))
      return Reject{400, "bad_request", "malformed request header"};
    const std::string_view name = field.substr(0, colon), value = trim(field.substr(colon + 1));
    if (iequals(name, "Content-Length")) {
      if (value.empty() || value.size() > 18 ||
          value.find_first_not_of("0123456789") != std::string_view::npos)
        return Reject{400, "bad_request", "invalid Content-Length '" + std::string(value) + "'"};
      if (length) return Reject{400, "bad_request", "more than one Content-Length header"};
      length = value;
    } else if (iequals(name, "Transfer-Encoding")) {
      if (has_te || !iequals(value, "chunked"))
        return Reject{501, "not_implemented", "the only transfer coding accepted is chunked"};
      has_te = true;
    } else if (iequals(name, "Expect")) {
      h.expect_continue = iequals(value, "100-continue");
    }
  }
  if (length && has_te) return Reject{400, "bad_request", "both Content-Length and Transfer-Encoding"};
  h.chunked = has_te;
  if (length) {
    const auto n = std::stoull(std::string(*length));
    if (n > limits.max_body_bytes)
      return Reject{413, "payload_too_large",
                    "request body is larger than " + std::to_string(limits.max_body_bytes) + " bytes"};
    h.content_length = static_cast<size_t>(n);
  }
  return h;
}

/// Walks a chunked body from @p pos: the offset just past its last trailer line when it is all
/// here, nullopt while more is needed, a Reject when it is malformed or too large.
std::variant<std::optional<size_t>, Reject> chunked_end(std::string_view buf, size_t pos, size_t max_body) {
  size_t total = 0;
  for (;;) {
    const size_t eol = buf.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      if (buf.size() - pos > 1024) return Reject{400, "bad_request", "malformed chunk size line"};
      return std::optional<size_t>{};
    }
    std::string_view size_text = buf.substr(pos, eol - pos);
    size_text = trim(size_text.substr(0, size_text.find(';')));
    if (size_text.empty() || size_text.size() > 8 ||
        size_text.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
      return Reject{400, "bad_request", "malformed chunk size"};
    const size_t size = std::stoul(std::string(size_text), nullptr, 16);
    total += size;
    if (total > max_body)
      return Reject{413, "payload_too_large",
                    "request body is larger than " + std::to_string(max_body) + " bytes"};
    pos = eol + 2;
    if (size == 0) {  // trailer lines, then a blank line
      for (;;) {
        const size_t end = buf.find("\r\n", pos);
        if (end == std::string_view::npos) return std::optional<size_t>{};
        if (end == pos) return std::optional<size_t>{end + 2};
        pos = end + 2;
      }
    }
    if (buf.size() < pos + size + 2) return std::optional<size_t>{};
    if (buf.substr(pos + size, 2) != "\r\n") return Reject{400, "bad_request", "malformed chunk"};
    pos += size + 2;
  }
}

/// Sends as much of @p data as the socket takes now (the loop never blocks on a client).
void send_now(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

std::pair<std::string, int> address_of(int fd, bool peer) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                      : ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return {"", 0};
  char ip[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
    return {ip, ntohs(a->sin_port)};
  }
  if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    return {ip, ntohs(a->sin6_port)};
  }
  return {"", 0};
}

/// One whole request as the loop framed it, for cpp-httplib to parse, and the socket to answer on.
class RequestStream final : public httplib::Stream {
 public:
  RequestStream(int fd, const std::string& buf, Clock::time_point write_deadline)
      : fd_(fd), buf_(buf), deadline_(write_deadline) {}

  bool is_readable() const override { return pos_ < buf_.size(); }
  bool is_writable() const override {
    pollfd p{fd_, POLLOUT, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLOUT);
  }
  /// Only the bytes the loop framed: the whole request is here before a worker sees it.
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, buf_.size() - pos_);
    std::memcpy(ptr, buf_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    const std::string_view data(ptr, size);
    // The body is here already: the loop answered an Expect: 100-continue itself, or the client did
    // not wait for one.
    if (data.starts_with("HTTP/1.1 100 ")) return static_cast<ssize_t>(size);
    // A response that says "Connection: close" ends the connection; any other keeps it (the loop
    // frames the next request by its own boundaries, whatever this one was).
    if (data.starts_with("HTTP/1.1 ") &&
        data.substr(0, data.find("\r\n\r\n")).find("\r\nConnection: close\r\n") != std::string_view::npos)
      close_ = true;
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
        pollfd p{fd_, POLLOUT, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        continue;
      }
      break;
    }
    if (done < size) {
      failed_ = true;
      return -1;
    }
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    std::tie(ip, port) = address_of(fd_, true);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    std::tie(ip, port) = address_of(fd_, false);
  }
  socket_t socket() const override { return fd_; }

  bool must_close() const { return close_ || failed_; }

 private:
  int fd_;
  const std::string& buf_;
  size_t pos_ = 0;
  Clock::time_point deadline_;
  bool close_ = false;
  bool failed_ = false;
};

}  // namespace

struct HttpServer::Loop {
  struct Conn {
    int fd = -1;
    std::string buf;         ///< bytes read and not yet answered
    size_t scanned = 0;      ///< where the search for the end of the head resumes
    size_t request_end = 0;  ///< where the request framed in buf ends (the next one starts there)
    std::optional<Head> head;
    Clock::time_point since;  ///< the first byte of the request in progress, or when it became idle
    bool sent_continue = false;
    /// Answered with an error and shut for writing: what the client still sends is read and dropped
    /// for a moment, so that closing does not reset the connection before the client reads the answer.
    bool draining = false;
    size_t drained = 0;
    bool idle() const { return buf.empty() && !draining; }
  };

  /// How long, and how much, a rejected connection is drained before it is closed.
  static constexpr auto drain_time = std::chrono::seconds(2);
  static constexpr size_t drain_bytes = 4 << 20;

  HttpServer& owner;
  ConnectionLimits limits;
  int listen_fd = -1, epoll_fd = -1, event_fd = -1;
  std::thread loop;
  std::vector<std::thread> workers;
  std::atomic<bool> stopping{false};
  bool running = false;

  // Loop thread only.
  std::unordered_map<int, std::unique_ptr<Conn>> conns;
  Clock::time_point accept_paused_until{};
  bool accept_paused = false;

  // Workers hand kept-alive connections back through this.
  std::mutex back_mu;
  std::vector<std::unique_ptr<Conn>> returned;
  bool loop_done = false;

  // Whole requests waiting for a worker.
  mutable std::mutex queue_mu;
  std::condition_variable queue_cv, probe_cv;
  std::deque<std::unique_ptr<Conn>> queue, probes;
  bool workers_stop = false;

  std::atomic<std::uint64_t> open{0}, accepted{0}, evicted{0}, refused{0}, timed_out{0}, too_large{0},
      malformed{0}, overloaded{0};

  Loop(HttpServer& o, ConnectionLimits l) : owner(o), limits(l) {}

  void wake() const {
    const std::uint64_t one = 1;
    (void)!::write(event_fd, &one, sizeof one);
  }

  void close_fd(int fd) {
    ::close(fd);
    open.fetch_sub(1, std::memory_order_relaxed);
  }

  /// Drops a connection the loop owns, after sending @p response if given.
  void drop(int fd, std::string_view response = {}) {
    if (!response.empty()) send_now(fd, response);
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    conns.erase(fd);
    close_fd(fd);
  }

  void reject(Conn& c, const Reject& r) {
    if (r.status == 408)
      timed_out.fetch_add(1, std::memory_order_relaxed);
    else if (r.status == 413 || r.status == 414 || r.status == 431)
      too_large.fetch_add(1, std::memory_order_relaxed);
    else if (r.status == 503)
      overloaded.fetch_add(1, std::memory_order_relaxed);
    else
      malformed.fetch_add(1, std::memory_order_relaxed);
    if (owner.on_reject_) owner.on_reject_(r.status);
    send_now(c.fd, canned_response(r.status, r.code, r.message));
    ::shutdown(c.fd, SHUT_WR);
    c.draining = true;
    c.since = Clock::now();
    c.buf.clear();
    c.buf.shrink_to_fit();
  }

  void drain(Conn& c) {
    char tmp[16384];
    for (;;) {
      const ssize_t n = ::recv(c.fd, tmp, sizeof tmp, 0);
      if (n > 0) {
        c.drained += static_cast<size_t>(n);
        if (c.drained > drain_bytes) break;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      break;
    }
    drop(c.fd);
  }

  /// At the cap: closes the connection idle longest, else the slowest request still arriving.
  bool evict_one() {
    Conn* victim = nullptr;
    for (auto& [fd, c] : conns)
      if (c->draining) {
        drop(fd);  // already answered
        return true;
      }
    for (auto& [fd, c] : conns)
      if (c->idle() && (!victim || c->since < victim->since)) victim = c.get();
    if (!victim)
      for (auto& [fd, c] : conns)
        if (!victim || c->since < victim->since) victim = c.get();
    if (!victim) return false;
    evicted.fetch_add(1, std::memory_order_relaxed);
    if (!victim->idle()) {
      timed_out.fetch_add(1, std::memory_order_relaxed);
      send_now(victim->fd, canned_response(408, "request_timeout", "the server is at its connection limit"));
    }
    drop(victim->fd);
    return true;
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: stop listening a moment rather than spin on the pending connection.
          ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
          accept_paused = true;
          accept_paused_until = Clock::now() + std::chrono::milliseconds(100);
        }
        return;
      }
      accepted.fetch_add(1, std::memory_order_relaxed);
      open.fetch_add(1, std::memory_order_relaxed);
      if (open.load(std::memory_order_relaxed) > limits.max_connections && !evict_one()) {
        refused.fetch_add(1, std::memory_order_relaxed);
        if (owner.on_reject_) owner.on_reject_(503);
        send_now(fd, canned_response(503, "overloaded", "the server is at its connection limit"));
        close_fd(fd);
        continue;
      }
      const int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      c->since = Clock::now();
      if (!watch(*c)) {
        close_fd(fd);
        continue;
      }
      conns.emplace(fd, std::move(c));
    }
  }

  bool watch(Conn& c) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = c.fd;
    return ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &ev) == 0;
  }

  void on_readable(int fd) {
    const auto it = conns.find(fd);
    if (it == conns.end()) return;
    Conn& c = *it->second;
    if (c.draining) return drain(c);
    // A request in progress may hold its head, its body and the start of the next request.
    const size_t cap = limits.max_head_bytes + limits.max_body_bytes * 2 + 4096;
    char tmp[16384];
    bool eof = false;
    while (c.buf.size() < cap) {
      const ssize_t n = ::recv(fd, tmp, std::min(sizeof tmp, cap - c.buf.size()), 0);
      if (n > 0) {
        if (c.idle()) c.since = Clock::now();
        c.buf.append(tmp, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      eof = true;  // the client closed (or reset) its side
      break;
    }
    if (!c.buf.empty()) advance(c);  // a whole request sent before a half-close is still answered
    if (eof && conns.count(fd)) drop(fd);
  }

  /// Frames what the connection has read: hands a whole request to the workers, rejects a bad one.
  void advance(Conn& c) {
    if (!c.head) {
      // Blank lines before a request line are ignored (RFC 9112 2.2).
      size_t lead = 0;
      while (lead + 1 < c.buf.size() && c.buf[lead] == '\r' && c.buf[lead + 1] == '\n') lead += 2;
      if (lead) {
        c.buf.erase(0, lead);
        c.scanned = 0;
      }
      const size_t from = c.scanned > 3 ? c.scanned - 3 : 0;
      const size_t end = c.buf.find("\r\n\r\n", from);
      if (end == std::string::npos) {
        c.scanned = c.buf.size();
        if (c.buf.size() > limits.max_head_bytes)
          return reject(c, Reject{431, "headers_too_large",
                                  "the request head is larger than " + std::to_string(limits.max_head_bytes) +
                                      " bytes"});
        if (c.buf.find("\r\n") == std::string::npos && c.buf.size() > limits.max_request_line_bytes)
          return reject(c, Reject{414, "uri_too_long",
                                  "the request line is longer than " +
                                      std::to_string(limits.max_request_line_bytes) + " bytes"});
        return;
      }
      if (end + 4 > limits.max_head_bytes)
        return reject(
            c, Reject{431, "headers_too_large",
                      "the request head is larger than " + std::to_string(limits.max_head_bytes) + " bytes"});
      auto parsed = parse_head(c.buf, end + 4, limits);
      if (auto* r = std::get_if<Reject>(&parsed)) return reject(c, *r);
      c.head = std::get<Head>(parsed);
    }
    const Head& h = *c.head;
    bool complete = true;
    c.request_end = h.end;
    if (h.content_length) {
      c.request_end = h.end + *h.content_length;
      complete = c.buf.size() >= c.request_end;
    } else if (h.chunked) {
      auto end = chunked_end(c.buf, h.end, limits.max_body_bytes);
      if (auto* r = std::get_if<Reject>(&end)) return reject(c, *r);
      const auto& at = std::get<std::optional<size_t>>(end);
      complete = at.has_value();
      if (at) c.request_end = *at;
    }
    if (!complete) {
      // Acknowledge at once: a client with Nagle's algorithm holds back the rest of the body until the
      // head is acknowledged, and a delayed ACK would add 40 ms to every such POST.
      const int yes = 1;
      ::setsockopt(c.fd, IPPROTO_TCP, TCP_QUICKACK, &yes, sizeof yes);
      if (h.expect_continue && !c.sent_continue) {
        send_now(c.fd, "HTTP/1.1 100 Continue\r\n\r\n");
        c.sent_continue = true;
      }
      return;
    }
    dispatch(c.fd);
  }

  void dispatch(int fd) {
    auto node = conns.extract(fd);
    std::unique_ptr<Conn> c = std::move(node.mapped());
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    std::unique_lock lk(queue_mu);
    const bool probe = c->head->probe;
    if (!probe && queue.size() >= limits.max_queued_requests) {
      lk.unlock();
      overloaded.fetch_add(1, std::memory_order_relaxed);
      if (owner.on_reject_) owner.on_reject_(503);
      send_now(fd, canned_response(503, "overloaded", "too many requests are waiting; try again"));
      close_fd(fd);
      return;
    }
    (probe ? probes : queue).push_back(std::move(c));
    lk.unlock();
    if (probe) probe_cv.notify_one();
    queue_cv.notify_one();
  }

  /// Closes connections idle too long and rejects requests that did not arrive in time.
  void sweep() {
    const auto now = Clock::now();
    std::vector<std::pair<int, std::optional<Reject>>> expired;
    for (auto& [fd, c] : conns) {
      if (c->draining) {
        if (now - c->since > drain_time) expired.emplace_back(fd, std::nullopt);
      } else if (c->idle()) {
        if (now - c->since > limits.idle_timeout) expired.emplace_back(fd, std::nullopt);
      } else if ((!c->head && now - c->since > limits.head_timeout) ||
                 now - c->since > limits.request_timeout) {
        expired.emplace_back(fd, Reject{408, "request_timeout",
                                        c->head ? "the request body did not arrive in time"
                                                : "the request head did not arrive in time"});
      }
    }
    for (auto& [fd, r] : expired) {
      if (r)
        reject(*conns.at(fd), *r);
      else
        drop(fd);
    }
  }

  void take_returned() {
    std::vector<std::unique_ptr<Conn>> back;
    {
      std::lock_guard lk(back_mu);
      back.swap(returned);
    }
    for (auto& c : back) {
      const int fd = c->fd;
      if (!watch(*c)) {
        close_fd(fd);
        continue;
      }
      Conn& ref = *c;
      conns.emplace(fd, std::move(c));
      if (!ref.buf.empty()) advance(ref);  // a pipelined request already read
    }
  }

  void run() {
    epoll_event events[256];
    auto next_sweep = Clock::now();
    while (!stopping.load(std::memory_order_acquire)) {
      const int n = ::epoll_wait(epoll_fd, events, 256, 100);
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == listen_fd) {
          accept_all();
        } else if (fd == event_fd) {
          std::uint64_t v;
          (void)!::read(event_fd, &v, sizeof v);
          take_returned();
        } else {
          on_readable(fd);
        }
      }
      const auto now = Clock::now();
      if (accept_paused && now >= accept_paused_until) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = listen_fd;
        ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
        accept_paused = false;
      }
      if (now >= next_sweep) {
        sweep();
        next_sweep = now + std::chrono::milliseconds(100);
      }
    }
    std::lock_guard lk(back_mu);
    loop_done = true;
    for (auto& c : returned) close_fd(c->fd);
    returned.clear();
    for (auto& [fd, c] : conns) close_fd(fd);
    conns.clear();
  }

  /// Answers the request a connection holds; a kept-alive connection goes back to the loop.
  void serve(std::unique_ptr<Conn> c) {
    RequestStream stream(c->fd, c->buf, Clock::now() + limits.write_timeout);
    bool closed = false, ok = false;
    try {
      ok = owner.process_request(stream, stopping.load(std::memory_order_acquire), closed, {});
    } catch (const std::exception& e) {
      std::cerr << "solusi: connection: request failed: " << e.what() << "\n";
    } catch (...) {
      std::cerr << "solusi: connection: request failed\n";
    }
    if (!ok || closed || stream.must_close() || stopping.load(std::memory_order_acquire)) {
      close_fd(c->fd);
      return;
    }
    // The next request starts where the loop framed this one to end, whatever the parser read of it.
    c->buf.erase(0, c->request_end);
    if (c->buf.capacity() > limits.max_head_bytes) c->buf.shrink_to_fit();  // a large body's buffer
    c->scanned = 0;
    c->head.reset();
    c->sent_continue = false;
    c->since = Clock::now();
    std::lock_guard lk(back_mu);
    if (loop_done) {
      close_fd(c->fd);
      return;
    }
    returned.push_back(std::move(c));
    wake();
  }

  void work(bool probes_only) {
    for (;;) {
      std::unique_ptr<Conn> c;
      {
        std::unique_lock lk(queue_mu);
        auto& cv = probes_only ? probe_cv : queue_cv;
        cv.wait(lk, [&] { return workers_stop || !probes.empty() || (!probes_only && !queue.empty()); });
        if (!probes.empty()) {
          c = std::move(probes.front());
          probes.pop_front();
        } else if (!probes_only && !queue.empty()) {
          c = std::move(queue.front());
          queue.pop_front();
        } else {
          return;  // stopping, and nothing left to answer
        }
      }
      serve(std::move(c));
    }
  }
};

HttpServer::HttpServer(ConnectionLimits limits) : loop_(std::make_unique<Loop>(*this, limits)) {
  set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(limits.idle_timeout.count() / 1000)));
  set_keep_alive_max_count(1000000);
  set_payload_max_length(limits.max_body_bytes);
}

HttpServer::~HttpServer() {
  shutdown();
}

void HttpServer::on_reject(std::function<void(int)> observer) {
  on_reject_ = std::move(observer);
}

Result<int> HttpServer::listen(const std::string& host, int port) {
  Loop& l = *loop_;
  if (l.running) return fail(ErrorCode::invalid_argument, "already listening");
  // Every connection is a descriptor: take what the hard limit allows.
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 65536);
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    const size_t usable = rl.rlim_cur > 512 ? static_cast<size_t>(rl.rlim_cur) - 256 : 256;
    if (l.limits.max_connections > usable) {
      std::cerr << "solusi: at most " << usable << " connections (open file limit " << rl.rlim_cur << ")\n";
      l.limits.max_connections = usable;
    }
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const std::string where = host + ":" + service;
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return fail(ErrorCode::invalid_argument, "cannot listen on " + where + ": " + ::gai_strerror(rc));
  std::string why = "no address";
  for (addrinfo* a = found; a && l.listen_fd < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int yes = 1;
    // SO_REUSEADDR lets a restart bind while old connections linger in TIME_WAIT; SO_REUSEPORT
    // (cpp-httplib's default) would let a second server share the port and its traffic.
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) {
      l.listen_fd = fd;
    } else {
      why = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (l.listen_fd < 0) return fail(ErrorCode::invalid_argument, "cannot listen on " + where + ": " + why);
  const int bound = address_of(l.listen_fd, false).second;

  l.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  l.event_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = l.listen_fd;
  ::epoll_ctl(l.epoll_fd, EPOLL_CTL_ADD, l.listen_fd, &ev);
  ev.data.fd = l.event_fd;
  ::epoll_ctl(l.epoll_fd, EPOLL_CTL_ADD, l.event_fd, &ev);
  l.running = true;
  l.loop = std::thread([&l] {
    try {
      l.run();
    } catch (const std::exception& e) {
      std::cerr << "solusi: connection loop failed: " << e.what() << "\n";
    }
  });
  for (unsigned i = 0; i < l.limits.workers; ++i) l.workers.emplace_back([&l] { l.work(false); });
  l.workers.emplace_back([&l] { l.work(true); });
  return bound;
}

void HttpServer::shutdown() {
  Loop& l = *loop_;
  if (!l.running) return;
  l.running = false;
  l.stopping.store(true, std::memory_order_release);
  l.wake();
  if (l.loop.joinable()) l.loop.join();
  ::close(l.listen_fd);
  l.listen_fd = -1;
  {
    std::lock_guard lk(l.queue_mu);
    l.workers_stop = true;
  }
  l.queue_cv.notify_all();
  l.probe_cv.notify_all();
  for (auto& t : l.workers) t.join();
  l.workers.clear();
  ::close(l.epoll_fd);
  ::close(l.event_fd);
}

ConnectionStats HttpServer::stats() const {
  const Loop& l = *loop_;
  ConnectionStats s;
  s.open = l.open.load(std::memory_order_relaxed);
  {
    std::lock_guard lk(l.queue_mu);
    s.queued = l.queue.size() + l.probes.size();
  }
  s.accepted = l.accepted.load(std::memory_order_relaxed);
  s.evicted = l.evicted.load(std::memory_order_relaxed);
  s.refused = l.refused.load(std::memory_order_relaxed);
  s.timed_out = l.timed_out.load(std::memory_order_relaxed);
  s.too_large = l.too_large.load(std::memory_order_relaxed);
  s.malformed = l.malformed.load(std::memory_order_relaxed);
  s.overloaded = l.overloaded.load(std::memory_order_relaxed);
  return s;
}

}  // namespace solusi::service
