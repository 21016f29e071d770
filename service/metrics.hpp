// Request counters and latency histograms, rendered in the Prometheus text format.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>

namespace solusi::service {

class Metrics {
 public:
  /// Upper bounds (seconds) of the latency histogram buckets.
  static constexpr std::array<double, 12> buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                  0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void record(const std::string& route, const std::string& method, int status, double seconds);
  /// Events that were dropped or failed off the request path, by kind.
  void count(const std::string& name);

  /// Prometheus text for the HTTP metrics; @p gauges lines are appended as given.
  std::string render(const std::string& gauges) const;

 private:
  struct Histogram {
    std::array<unsigned long, buckets.size()> counts{};
    unsigned long count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, unsigned long> requests_;  // route, method, status
  std::map<std::string, Histogram> latency_;                                     // by route
  std::map<std::string, unsigned long> counters_;
};

}  // namespace solusi::service
