// The JSON Schema subset validator (service/json_schema.hpp) the OpenAPI document and the HTTP tests use.
#include "json_schema.hpp"

#include <gtest/gtest.h>

namespace solusi::service {
namespace {

using nlohmann::json;

const json root = json::parse(R"({
  "components": {"schemas": {
    "Thing": {"type": "object", "additionalProperties": false, "required": ["name"],
              "properties": {"name": {"type": "string"}, "size": {"type": ["integer", "null"]},
                             "kind": {"enum": ["a", "b"]}, "tags": {"type": "array", "items": {"type": "string"}},
                             "inner": {"$ref": "#/components/schemas/Inner"}}},
    "Inner": {"type": "object", "additionalProperties": {"type": "number"}},
    "Loop": {"$ref": "#/components/schemas/Loop"}
  }}
})");

json thing() {
  return {{"$ref", "#/components/schemas/Thing"}};
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

TEST(JsonSchema, AcceptsAValueThatMatches) {
  const json v = {
      {"name", "x"}, {"size", nullptr}, {"kind", "a"}, {"tags", {"p", "q"}}, {"inner", {{"w", 1.5}}}};
  EXPECT_TRUE(validate_json(root, thing(), v).empty()) << joined(validate_json(root, thing(), v));
}

TEST(JsonSchema, AMemberMissingFromTheDescriptionIsReported) {
  const auto problems = validate_json(root, thing(), {{"name", "x"}, {"colour", "red"}});
  ASSERT_EQ(problems.size(), 1u) << joined(problems);
  EXPECT_NE(problems[0].find("'colour' is not in the description"), std::string::npos) << problems[0];
}

TEST(JsonSchema, ARequiredMemberMissingIsReported) {
  const auto problems = validate_json(root, thing(), json::object());
  ASSERT_EQ(problems.size(), 1u) << joined(problems);
  EXPECT_NE(problems[0].find("'name' is missing"), std::string::npos);
}

TEST(JsonSchema, TypesEnumsItemsAndNullableAreChecked) {
  EXPECT_FALSE(validate_json(root, thing(), {{"name", 3}}).empty());                   // not a string
  EXPECT_FALSE(validate_json(root, thing(), {{"name", "x"}, {"size", 1.5}}).empty());  // not an integer
  EXPECT_TRUE(validate_json(root, thing(), {{"name", "x"}, {"size", 7}}).empty());
  EXPECT_FALSE(validate_json(root, thing(), {{"name", "x"}, {"kind", "c"}}).empty());
  const auto bad_item = validate_json(root, thing(), {{"name", "x"}, {"tags", {"p", 2}}});
  ASSERT_EQ(bad_item.size(), 1u) << joined(bad_item);
  EXPECT_EQ(bad_item[0].substr(0, 8), "/tags/1:") << bad_item[0];
  // additionalProperties as a schema: every other member must match it.
  EXPECT_FALSE(validate_json(root, thing(), {{"name", "x"}, {"inner", {{"w", "heavy"}}}}).empty());
}

TEST(JsonSchema, OneOfNeedsExactlyOneAnyOfAtLeastOne) {
  const json one = {{"oneOf", {{{"type", "integer"}}, {{"type", "number"}}}}};
  EXPECT_TRUE(validate_json(root, one, 1.5).empty());
  EXPECT_FALSE(validate_json(root, one, 2).empty());  // an integer is a number too: two match
  EXPECT_FALSE(validate_json(root, one, "x").empty());
  const json any = {{"anyOf", {{{"type", "integer"}}, {{"type", "number"}}}}};
  EXPECT_TRUE(validate_json(root, any, 2).empty());
  EXPECT_FALSE(validate_json(root, any, "x").empty());
}

TEST(JsonSchema, ConstMinimumAndFalseSchemas) {
  EXPECT_TRUE(validate_json(root, {{"const", "ok"}}, "ok").empty());
  EXPECT_FALSE(validate_json(root, {{"const", "ok"}}, "ko").empty());
  EXPECT_FALSE(validate_json(root, {{"type", "integer"}, {"minimum", 1}}, 0).empty());
  EXPECT_FALSE(validate_json(root, false, 0).empty());
  EXPECT_TRUE(validate_json(root, true, 0).empty());
}

TEST(JsonSchema, UnresolvedAndCyclicReferencesAreReportedNotFollowedForever) {
  EXPECT_FALSE(validate_json(root, {{"$ref", "#/components/schemas/Nothing"}}, 1).empty());
  EXPECT_FALSE(validate_json(root, {{"$ref", "#/components/schemas/Loop"}}, 1).empty());
  EXPECT_FALSE(validate_json(root, {{"$ref", "http://elsewhere/x.json"}}, 1).empty());
}

TEST(JsonSchema, SchemaProblemsFindsUnknownKeywordsAndBrokenReferences) {
  EXPECT_TRUE(schema_problems(root, root["components"]["schemas"]["Thing"]).empty())
      << joined(schema_problems(root, root["components"]["schemas"]["Thing"]));
  EXPECT_FALSE(schema_problems(root, {{"type", "string"}, {"pattern", "^a"}}).empty());  // not validated
  EXPECT_FALSE(schema_problems(root, {{"items", {{"$ref", "#/nowhere"}}}}).empty());
  EXPECT_FALSE(schema_problems(root, {{"type", "text"}}).empty());
  EXPECT_FALSE(
      schema_problems(root, {{"properties", {{"a", {{"type", "string"}}}}}, {"required", {"b"}}}).empty());
  EXPECT_TRUE(schema_problems(root, {{"type", "string"}, {"description", "d"}, {"x-note", 1}}).empty());
}

}  // namespace
}  // namespace solusi::service
