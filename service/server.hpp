// `solusi serve`: the HTTP service (cpp-httplib) over the index.
#pragma once

#include <memory>

#include "config.hpp"
#include "error.hpp"

namespace solusi::service {

class Server {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds config.host:config.port (port 0: any free port) and serves from background threads.
  /// Returns the bound port. Refuses a non-loopback address when no tokens are configured.
  Result<int> start();

  /// Stops accepting connections, lets requests in flight finish, and joins every thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace solusi::service
