#include "api.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "text.hpp"

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

bool allowed(Access access, Role role) {
  switch (access) {
    case Access::open:
    case Access::read:
      return true;
    case Access::ticket:
      return role != Role::public_;
    case Access::review:
      return role == Role::editor || role == Role::lead;
    case Access::write:
      return role == Role::editor;
    case Access::report:
      return role == Role::lead || role == Role::editor;
    case Access::lead:
      return role == Role::lead;
    case Access::act:
      return role == Role::lead || role == Role::editor;
  }
  return false;
}

bool needs_tokens(Access access) {
  return access == Access::write || access == Access::act;
}

namespace {

/// True when @p body nests arrays and objects deeper than @p max (brackets inside strings do not count).
bool nested_deeper_than(std::string_view body, int max) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<nlohmann::json> json_object_body(const ApiRequest& r, const std::vector<std::string>& accepted,
                                        bool always_strict) {
  const std::string type = text::to_lower(text::trim(r.content_type.substr(0, r.content_type.find(';'))));
  if (type != "application/json")
    return fail(ErrorCode::unsupported_media_type,
                "the request body must be JSON (Content-Type: application/json)" +
                    (r.content_type.empty() ? std::string() : ", got '" + r.content_type + "'"));
  if (!text::is_valid_utf8(r.body))
    return fail(ErrorCode::invalid_argument, "the request body is not valid UTF-8");
  if (nested_deeper_than(r.body, max_json_depth))
    return fail(ErrorCode::invalid_argument, "the request body is nested deeper than " +
                                                 std::to_string(max_json_depth) +
                                                 " levels of arrays and objects");
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return fail(ErrorCode::invalid_argument, "the request body is not valid JSON");
  if (!j.is_object()) return fail(ErrorCode::invalid_argument, "the request body must be a JSON object");
  std::vector<std::string> unknown;
  for (const auto& [key, value] : j.items())
    if (std::find(accepted.begin(), accepted.end(), key) == accepted.end()) unknown.push_back(key);
  if (unknown.empty()) return j;
  std::string list;
  for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
  if (r.strict || always_strict)
    return fail(ErrorCode::invalid_argument, "unknown field '" + unknown.front() + "' (accepted: " + list +
                                                 (always_strict ? "; this route refuses unknown fields)"
                                                                : "; strict=true refuses others)"));
  for (const auto& key : unknown) {
    if (r.warnings.size() < max_warnings)
      r.warnings.push_back(
          {"unknown_field", key, "unknown field '" + key + "' ignored (accepted: " + list + ")"});
    j.erase(key);
  }
  if (unknown.size() > max_warnings)
    r.warnings.push_back({"unknown_fields_not_listed", "",
                          std::to_string(unknown.size() - max_warnings) +
                              " more unknown fields ignored and not listed one by one"});
  return j;
}

Result<std::optional<std::string>> string_member(const nlohmann::json& object, const std::string& name,
                                                 size_t max_bytes) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return fail(ErrorCode::invalid_argument, "field '" + name + "' must be a string");
  std::string v = it->get<std::string>();
  if (v.size() > max_bytes)
    return fail(ErrorCode::invalid_argument,
                "field '" + name + "' is longer than " + std::to_string(max_bytes) + " bytes");
  if (v.find('\0') != std::string::npos)
    return fail(ErrorCode::invalid_argument, "field '" + name + "' contains a NUL byte");
  return std::optional<std::string>(std::move(v));
}

Result<std::optional<std::string>> ticket_id_member(const nlohmann::json& object, const std::string& name,
                                                    size_t max_bytes) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null() || it->is_string()) return string_member(object, name, max_bytes);
  if (!it->is_number())
    return fail(ErrorCode::invalid_argument, "field '" + name + "' must be a string or an integer");
  if (it->is_number_unsigned()) return std::optional<std::string>(std::to_string(it->get<std::uint64_t>()));
  if (it->is_number_integer()) return std::optional<std::string>(std::to_string(it->get<std::int64_t>()));
  // A float: JSON numbers past 2^64 and numbers written with a fraction or an exponent.
  constexpr double exact_limit = 9007199254740992.0;  // 2^53: every integer up to it is exact
  const double d = it->get<double>();
  if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > exact_limit)
    return fail(ErrorCode::invalid_argument, "field '" + name + "' must be a string or an integer (got " +
                                                 it->dump() +
                                                 "; send an id with a fraction or over 2^53 as a string)");
  return std::optional<std::string>(std::to_string(static_cast<std::int64_t>(d)));
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
    case ErrorCode::unsupported_media_type:
      return 415;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::precondition_failed:
      return 412;
    case ErrorCode::too_large:
      return 413;
    case ErrorCode::index_unavailable:
      return 503;
    case ErrorCode::io_error:
      return 500;
    case ErrorCode::symlink_in_path:
      return 409;
    case ErrorCode::insufficient_storage:
      return 507;
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
