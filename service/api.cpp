#include "api.hpp"

#include <charconv>

namespace solusi::service {

Result<std::optional<std::string>> ApiRequest::single(const std::string& name) const {
  std::optional<std::string> found;
  for (const auto& [k, v] : params) {
    if (k != name) continue;
    if (found) return fail(ErrorCode::invalid_argument, "parameter '" + name + "' is given more than once");
    found = v;
  }
  return found;
}

std::vector<std::string> ApiRequest::all(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : params)
    if (k == name) out.push_back(v);
  return out;
}

ApiResponse ApiResponse::json(const nlohmann::json& j, int status) {
  ApiResponse r;
  r.status = status;
  // Replace invalid UTF-8 rather than throw: bodies may echo what a client sent.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::invalid_query:
      return 400;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::invalid_article:
      return 422;
    case ErrorCode::index_unavailable:
      return 503;
    case ErrorCode::io_error:
      return 500;
  }
  return 500;
}

nlohmann::json error_body(std::string_view code, std::string_view message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

Result<size_t> parse_count(const std::string& name, const std::string& value, size_t min, size_t max) {
  size_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || n < min || n > max)
    return fail(ErrorCode::invalid_argument, "parameter '" + name + "' must be an integer between " +
                                                 std::to_string(min) + " and " + std::to_string(max) +
                                                 " (got '" + value + "')");
  return n;
}

Result<bool> parse_flag(const std::string& name, const std::string& value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return fail(ErrorCode::invalid_argument,
              "parameter '" + name + "' must be true or false (got '" + value + "')");
}

}  // namespace solusi::service
