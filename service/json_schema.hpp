// A validator for the JSON Schema subset the OpenAPI document (openapi.hpp) uses: type (a name or a list
// of names, "null" among them for a nullable value), properties, required, additionalProperties (false
// or a schema), items, enum, const, oneOf, anyOf, minimum, maximum, and $ref to "#/…" in the document.
// Annotations (description, examples, format, deprecated, title) are ignored; any other keyword is a
// problem of the schema, reported by schema_problems(), so a schema never claims more than is checked.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace solusi::service {

/// $ref chains followed at most this deep while validating one value (a cycle is reported, not followed).
inline constexpr int max_schema_ref_depth = 32;

/// The places where @p value does not match @p schema, each "JSON pointer: what is wrong"; empty when
/// it matches. @p root is the document "#/…" references resolve against.
std::vector<std::string> validate_json(const nlohmann::json& root, const nlohmann::json& schema,
                                       const nlohmann::json& value);

/// Problems of a schema itself: keywords outside the subset, a "$ref" that does not resolve in @p root,
/// a malformed "type", "required" or "enum". Walks nested schemas.
std::vector<std::string> schema_problems(const nlohmann::json& root, const nlohmann::json& schema,
                                         const std::string& where = "#");

/// The value at "#/a/b" in @p root; null pointer when it does not resolve.
const nlohmann::json* resolve_ref(const nlohmann::json& root, const std::string& ref);

}  // namespace solusi::service
