// `solusi serve`: the HTTP service (cpp-httplib) over the index.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "config.hpp"
#include "error.hpp"

namespace solusi::service {

class Server {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The OpenAPI 3.1 document of the routes (openapi.hpp), as GET /v1/openapi.json serves it.
  static nlohmann::json describe_api();

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
