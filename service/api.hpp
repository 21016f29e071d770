// The HTTP API as plain values: a request struct in, a response struct out. Only server.cpp touches
// cpp-httplib; handlers here are unit-testable without a socket.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth.hpp"
#include "error.hpp"

namespace solusi::service {

/// Something the service did not use of a request, reported in the response's "warnings" array.
struct ApiWarning {
  std::string code;     ///< "unknown_field"
  std::string field;    ///< the member it is about
  std::string message;  ///< for people
};

struct ApiRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;  ///< decoded query parameters, in order
  std::vector<std::string> path_args;                       ///< captures of the route pattern
  std::string body;
  std::string content_type;  ///< the Content-Type header, as sent
  std::optional<std::string> if_match, if_none_match;
  /// The X-Solusi-Client header, as sent ("web" from the agent page): classifies usage for the
  /// reports (EventSource), never trusted for access.
  std::string client;
  Principal principal;
  /// ?strict=true: an unknown JSON body field is a 400 rather than ignored with a warning.
  bool strict = false;
  /// Filled while the handler reads the request (json_object_body); the adapter adds them to a
  /// successful JSON response as "warnings". Mutable: handlers get the request as const.
  mutable std::vector<ApiWarning> warnings;

  /// The value of a parameter given once; an error if it is given more than once.
  Result<std::optional<std::string>> single(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiResponse json(const nlohmann::json& j, int status = 200);
};

/// A handler answers with a response or a domain error (mapped to an HTTP status by the adapter).
using Handler = std::function<Result<ApiResponse>(const ApiRequest&)>;

enum class Access {
  open,    ///< no token needed, ever (health probes, metrics)
  read,    ///< agent, lead, editor, ticket-system, public
  ticket,  ///< suggestions and feedback: agent, ticket-system, editor, lead (not public)
  review,  ///< revisions, drafts, previews: editor and lead
  write,   ///< article writes: editor only, and never without tokens configured
  report,  ///< the team leads' reports: lead, editor
  lead,    ///< taking back what others filed, erasing a customer's ticket: lead only
  act,     ///< the leads' actions on report items: lead and editor, never without tokens configured
};

/// True when routes of @p access are refused while no tokens are configured (writes name their author).
bool needs_tokens(Access access);

/// True when @p role may use a route with @p access.
bool allowed(Access access, Role role);

struct Route {
  std::string method;
  std::string pattern;  ///< ECMAScript regex over the path
  std::string name;     ///< label in metrics and logs
  Access access;
  std::vector<std::string> params;  ///< accepted query parameter names; others are a 400
  Handler handler;
};

/// HTTP status for a domain error code.
int http_status(ErrorCode code);

/// {"error":{"code":…,"message":…}}
nlohmann::json error_body(std::string_view code, std::string_view message);

/// Parses a non-negative integer parameter in [min, max]; the error names the parameter.
Result<size_t> parse_count(const std::string& name, const std::string& value, size_t min, size_t max);

/// Deepest nesting of arrays and objects in a request's JSON body (the body's own object is depth 1).
/// Checked before the body is parsed, so nothing that walks the JSON afterwards (front matter to YAML,
/// dump()) recurses deeper.
inline constexpr int max_json_depth = 32;

/// Unknown fields of one request body listed one by one in "warnings" at most; the rest are counted
/// in one more warning ("unknown_fields_not_listed").
inline constexpr size_t max_warnings = 20;

/// The request body as a JSON object: 415 unless the Content-Type is JSON, 400 when it does not
/// parse, is nested deeper than max_json_depth or is not an object. A member not in @p accepted is
/// removed and reported in request.warnings ("unknown_field"), or with request.strict a 400 naming it.
/// @p always_strict: refused whatever the request says, for routes that take something back, where a
/// field the route does not know may have been meant to narrow what it takes.
Result<nlohmann::json> json_object_body(const ApiRequest& request, const std::vector<std::string>& accepted,
                                        bool always_strict = false);

/// A string member: absent → nullopt; wrong type, invalid UTF-8, NUL bytes or over @p max_bytes → 400.
Result<std::optional<std::string>> string_member(const nlohmann::json& object, const std::string& name,
                                                 size_t max_bytes);

/// A ticket id member: a string as string_member() takes it, or an integer (Zendesk and Freshdesk ids
/// are numbers) as its decimal string; a number with a fraction, or over 2^53 in magnitude when it is
/// not an exact integer in the JSON, is a 400 (it would have lost digits).
Result<std::optional<std::string>> ticket_id_member(const nlohmann::json& object, const std::string& name,
                                                    size_t max_bytes);

/// Parses "true"/"false"/"1"/"0".
Result<bool> parse_flag(const std::string& name, const std::string& value);

}  // namespace solusi::service
