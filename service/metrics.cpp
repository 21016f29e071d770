#include "metrics.hpp"

#include <sstream>

namespace solusi::service {

namespace {

/// The method as a label: one of a fixed set, so a client cannot add series or break the format.
const std::string& method_label(const std::string& method) {
  static const std::string known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "-"};
  static const std::string other = "other";
  for (const auto& k : known)
    if (method == k) return k;
  return other;
}

}  // namespace

void Metrics::record(const std::string& route, const std::string& method, int status, double seconds) {
  std::lock_guard lk(mu_);
  ++requests_[{route, method_label(method), status}];
  auto& h = latency_[route];
  for (size_t i = 0; i < buckets.size(); ++i)
    if (seconds <= buckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::count(const std::string& name) {
  std::lock_guard lk(mu_);
  ++counters_[name];
}

std::string Metrics::render(const std::string& gauges) const {
  std::ostringstream out;
  std::lock_guard lk(mu_);
  out << "# HELP solusi_http_requests_total HTTP requests by route, method and status.\n"
      << "# TYPE solusi_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out << "solusi_http_requests_total{route=\"" << route << "\",method=\"" << method << "\",status=\""
        << status << "\"} " << n << "\n";
  }
  out << "# HELP solusi_http_errors_total HTTP responses with a 4xx or 5xx status by route and status.\n"
      << "# TYPE solusi_http_errors_total counter\n";
  std::map<std::pair<std::string, int>, unsigned long> errors;  // one series per (route, status)
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    if (status >= 400) errors[{route, status}] += n;
  }
  for (const auto& [key, n] : errors)
    out << "solusi_http_errors_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n
        << "\n";
  out << "# HELP solusi_http_request_duration_seconds Time from request to response, by route.\n"
      << "# TYPE solusi_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < buckets.size(); ++i)
      out << "solusi_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << buckets[i]
          << "\"} " << h.counts[i] << "\n";
    out << "solusi_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count
        << "\n"
        << "solusi_http_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum << "\n"
        << "solusi_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count << "\n";
  }
  if (!counters_.empty()) {
    out << "# HELP solusi_events_total Internal events by kind.\n# TYPE solusi_events_total counter\n";
    for (const auto& [name, n] : counters_)
      out << "solusi_events_total{kind=\"" << name << "\"} " << n << "\n";
  }
  out << gauges;
  return out.str();
}

}  // namespace solusi::service
