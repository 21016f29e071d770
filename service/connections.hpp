// The connection model of `solusi serve`: one event loop owns every connection until a whole request
// (head and body) has arrived, a bounded pool of workers answers whole requests, and a kept-alive
// connection goes back to the loop between requests. Slow and idle clients cost a file descriptor and
// a buffer, never a worker thread. cpp-httplib parses and routes each request (Server::process_request
// over a stream of the bytes the loop read); the loop only frames requests and enforces the limits.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "error.hpp"

namespace solusi::service {

/// The limits of the connection model (docs/limits.md lists them with the others).
struct ConnectionLimits {
  /// Open client connections at most; at the cap the longest-idle kept-alive connection is closed
  /// for a new one, and when none is idle the new one gets 503.
  size_t max_connections = 1024;
  /// A request's head (request line and headers) must arrive within this time of its first byte.
  std::chrono::milliseconds head_timeout{10'000};
  /// A whole request (head and body) must arrive within this time of its first byte.
  std::chrono::milliseconds request_timeout{30'000};
  /// A kept-alive connection with no request in progress is closed after this time.
  std::chrono::milliseconds idle_timeout{30'000};
  /// Writing one response may take at most this long (a client that does not read is dropped).
  std::chrono::milliseconds write_timeout{10'000};
  size_t max_head_bytes = 64 * 1024;
  size_t max_header_count = 100;
  size_t max_request_line_bytes = 8192;
  size_t max_body_bytes = 1 << 20;
  /// Whole requests waiting for a worker at most; more get 503 with Retry-After.
  size_t max_queued_requests = 1024;
  /// Workers for ordinary requests; one more worker serves only health probes.
  unsigned workers = 8;
};

/// Counters of the connection layer, for /metrics.
struct ConnectionStats {
  std::uint64_t open = 0;        ///< connections now open
  std::uint64_t queued = 0;      ///< whole requests waiting for a worker
  std::uint64_t accepted = 0;    ///< connections accepted since start
  std::uint64_t evicted = 0;     ///< idle connections closed to make room at the cap
  std::uint64_t refused = 0;     ///< connections answered 503 at the cap
  std::uint64_t timed_out = 0;   ///< requests whose head or body did not arrive in time (408)
  std::uint64_t too_large = 0;   ///< heads or bodies over their limits (413, 414, 431)
  std::uint64_t malformed = 0;   ///< unparseable framing (400, 501)
  std::uint64_t overloaded = 0;  ///< requests refused because the queue was full (503)
};

/// cpp-httplib's Server with its request processing driven by our own event loop and workers.
/// Configure handlers as on any httplib::Server, then listen() instead of listen_after_bind().
class HttpServer : public httplib::Server {
 public:
  explicit HttpServer(ConnectionLimits limits);
  ~HttpServer() override;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds host:port (port 0: any free port; SO_REUSEADDR only, never SO_REUSEPORT, so a second
  /// server on a port in use fails here) and starts the loop and the workers. Returns the port.
  Result<int> listen(const std::string& host, int port);
  /// Stops accepting, finishes the requests workers have, closes every connection, joins. Idempotent.
  void shutdown();

  ConnectionStats stats() const;
  /// Called with the status of every response the connection layer sends itself (408, 413, 431,
  /// 501, 503 …), for the request metrics. Set before listen().
  void on_reject(std::function<void(int status)> observer);

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
  std::function<void(int)> on_reject_;
};

}  // namespace solusi::service
