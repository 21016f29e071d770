// The OpenAPI document (service/openapi.cpp) checked as a document: every route of the table in it,
// every $ref resolving, every schema inside the validated subset, every example matching its schema.
#include "openapi.hpp"

#include <gtest/gtest.h>

#include <set>

#include "error.hpp"
#include "json_schema.hpp"
#include "server.hpp"

namespace solusi::service {
namespace {

using nlohmann::json;

const json& document() {
  static const json doc = Server::describe_api();
  return doc;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

/// Every "$ref" anywhere under @p j, with where it is.
void collect_refs(const json& j, const std::string& at,
                  std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == "$ref" && v.is_string()) out.emplace_back(at, v.get<std::string>());
      collect_refs(v, at + "/" + k, out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) collect_refs(j[i], at + "/" + std::to_string(i), out);
  }
}

TEST(OpenApi, IsAnOpenApi31DocumentWithInfoPathsAndComponents) {
  const json& doc = document();
  EXPECT_EQ(doc.value("openapi", ""), "3.1.0");
  EXPECT_TRUE(doc["info"].contains("title"));
  EXPECT_TRUE(doc["info"].contains("version"));
  EXPECT_TRUE(doc["paths"].is_object());
  EXPECT_TRUE(doc["components"]["schemas"].is_object());
  EXPECT_TRUE(doc["components"]["securitySchemes"].contains("bearerAuth"));
}

TEST(OpenApi, EveryRouteOfTheTableIsDescribedOnceAndEveryDescriptionIsARoute) {
  const json& doc = document();
  const json& routes = doc["x-solusi-routes"];
  ASSERT_TRUE(routes.is_array());
  EXPECT_EQ(routes.size(), route_docs().size()) << "route_docs() has an entry of a route that is gone";
  std::set<std::string> ids;
  for (const auto& r : routes) {
    const std::string method = r["method"], pattern = r["pattern"], path = r["path"];
    bool documented = false;
    for (const auto& d : route_docs())
      documented = documented || (d.method == method && d.pattern == pattern);
    EXPECT_TRUE(documented) << method << " " << pattern << " has no entry in route_docs()";
    EXPECT_EQ(path.find('('), std::string::npos) << "a regex, not a path template: " << path;
    std::string lower = method;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    ASSERT_TRUE(doc["paths"][path].contains(lower)) << method << " " << path;
    const json& op = doc["paths"][path][lower];
    EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second) << "duplicate " << op["operationId"];
    EXPECT_EQ(op["x-solusi-pattern"], pattern);
    ASSERT_TRUE(op["responses"].contains("default")) << path;
  }
  EXPECT_TRUE(doc["paths"].contains("/v1/openapi.json"));
}

TEST(OpenApi, EveryReferenceResolves) {
  std::vector<std::pair<std::string, std::string>> refs;
  collect_refs(document(), "#", refs);
  EXPECT_GT(refs.size(), 50u);
  for (const auto& [at, ref] : refs) EXPECT_NE(resolve_ref(document(), ref), nullptr) << at << ": " << ref;
}

TEST(OpenApi, EverySchemaStaysInsideTheValidatedSubset) {
  const json& doc = document();
  for (const auto& [name, schema] : doc["components"]["schemas"].items())
    EXPECT_TRUE(schema_problems(doc, schema, name).empty()) << joined(schema_problems(doc, schema, name));
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) {
      std::vector<json> media;
      if (op.contains("requestBody"))
        for (const auto& [type, m] : op["requestBody"]["content"].items()) media.push_back(m);
      for (const auto& [status, response] : op["responses"].items())
        if (response.contains("content"))
          for (const auto& [type, m] : response["content"].items()) media.push_back(m);
      for (const auto& m : media) {
        if (m.contains("schema")) {
          EXPECT_TRUE(schema_problems(doc, m["schema"], method + " " + path).empty())
              << joined(schema_problems(doc, m["schema"], method + " " + path));
        }
      }
      for (const auto& p : op.value("parameters", json::array()))
        EXPECT_TRUE(schema_problems(doc, p["schema"]).empty()) << path << " " << p["name"];
    }
}

TEST(OpenApi, EveryExampleMatchesItsSchema) {
  const json& doc = document();
  size_t examples = 0;
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) {
      std::vector<json> media;
      if (op.contains("requestBody"))
        for (const auto& [type, m] : op["requestBody"]["content"].items()) media.push_back(m);
      for (const auto& [status, response] : op["responses"].items())
        if (response.contains("content"))
          for (const auto& [type, m] : response["content"].items()) media.push_back(m);
      for (const auto& m : media)
        if (m.contains("example") && m.contains("schema")) {
          ++examples;
          const auto problems = validate_json(doc, m["schema"], m["example"]);
          EXPECT_TRUE(problems.empty()) << method << " " << path << ":\n" << joined(problems);
        }
    }
  EXPECT_GE(examples, 10u);
  for (const auto& [name, schema] : doc["components"]["schemas"].items())
    for (const auto& e : schema.value("examples", json::array()))
      EXPECT_TRUE(validate_json(doc, schema, e).empty()) << name;
}

TEST(OpenApi, EveryDomainErrorCodeIsListed) {
  const json& codes = document()["components"]["schemas"]["ErrorCode"]["enum"];
  for (int c = 0; c <= static_cast<int>(ErrorCode::insufficient_storage); ++c) {
    const std::string code(to_string(static_cast<ErrorCode>(c)));
    EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end()) << code;
  }
  EXPECT_EQ(document()["x-error-codes"].size(), codes.size());
}

TEST(OpenApi, RoutesNotYetDescribedAreMarkedAndListed) {
  const json& doc = document();
  std::set<std::string> marked;
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items())
      if (op.value("x-not-yet-described", false)) {
        std::string upper = method;
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        marked.insert(upper + " " + path);
      }
  std::set<std::string> listed;
  for (const auto& s : doc["x-not-yet-described"]) listed.insert(s.get<std::string>());
  EXPECT_EQ(marked, listed);
  // The routes integrators use first are described.
  for (const char* must : {"GET /v1/search", "POST /v1/suggest", "POST /v1/feedback", "GET /v1/articles"})
    EXPECT_EQ(listed.count(must), 0u) << must;
}

}  // namespace
}  // namespace solusi::service
