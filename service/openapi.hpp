// The OpenAPI 3.1 description of the HTTP API, generated from the route table (server.cpp: method,
// pattern, name, access, query parameters) and the table next to it here (route_docs(): path template,
// request and response schemas, error statuses, examples). Served at GET /v1/openapi.json; the HTTP
// tests validate every /v1 JSON response they receive against it (json_schema.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api.hpp"

namespace solusi::service {

/// What the route table does not say about one route. Keyed by method and pattern, as in the table.
struct RouteDoc {
  std::string method;
  std::string pattern;       ///< the route table's regex, exactly
  std::string path;          ///< OpenAPI path template: "/v1/articles/{slug}"
  std::string operation_id;  ///< unique; the route's name when empty
  std::string summary;
  /// False: the success responses are not described yet (x-not-yet-described); the tests then check
  /// only its error bodies.
  bool described = true;
  std::string request_type;  ///< media type of the body ("application/json"); empty: no body
  nlohmann::json request;    ///< schema of the body
  nlohmann::json request_example;
  /// Success statuses and their JSON schemas (null schema: a body of content_type, not JSON).
  std::vector<std::pair<int, nlohmann::json>> responses;
  nlohmann::json response_example;                ///< of the first success status
  std::string content_type = "application/json";  ///< of the success responses
  std::vector<int> errors;    ///< statuses this route answers besides those every /v1 route may answer
  bool markdown_too = false;  ///< the body may also be the article as text/markdown
};

/// One entry per route of the table (tests/unit/openapi_test.cpp checks that).
const std::vector<RouteDoc>& route_docs();

/// The OpenAPI 3.1 document for @p routes (the server's route table, in order).
nlohmann::json openapi_document(const std::vector<Route>& routes);

}  // namespace solusi::service
