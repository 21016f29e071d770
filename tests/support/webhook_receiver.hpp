// A loopback webhook receiver for the notification tests: an httplib::Server on 127.0.0.1 and a free
// port, answering POST /hook with the statuses it is told to (200 once those run out) and keeping
// every request it received (with its headers). No network beyond loopback.
#pragma once

#include <httplib.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace solusi::testing {

class WebhookReceiver {
 public:
  struct Received {
    std::string path;
    std::string content_type;
    std::string body;
    httplib::Headers headers;
  };

  /// @p statuses: the answers to the first requests, in order.
  explicit WebhookReceiver(std::deque<int> statuses = {}) : statuses_(std::move(statuses)) {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lk(mu_);
      received_.push_back({req.path, req.get_header_value("Content-Type"), req.body, req.headers});
      res.status = default_status_;
      if (!statuses_.empty()) {
        res.status = statuses_.front();
        statuses_.pop_front();
      }
      res.set_content(res.status == 200 ? "ok" : "no", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a loopback port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~WebhookReceiver() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  /// The answer once the statuses given to the constructor have run out (200 unless set).
  void set_default_status(int status) {
    std::lock_guard lk(mu_);
    default_status_ = status;
  }
  std::vector<Received> received() const {
    std::lock_guard lk(mu_);
    return received_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::deque<int> statuses_;
  int default_status_ = 200;
  std::vector<Received> received_;
};

}  // namespace solusi::testing
