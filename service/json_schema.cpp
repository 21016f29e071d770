#include "json_schema.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace solusi::service {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 13> checked_keywords = {
    "type",    "properties", "required", "additionalProperties",
    "items",   "enum",       "const",    "oneOf",
    "anyOf",   "$ref",       "minimum",  "maximum",
    "minItems"};
constexpr std::array<std::string_view, 7> annotations = {"description", "examples", "example", "format",
                                                         "deprecated",  "title",    "readOnly"};
constexpr std::array<std::string_view, 7> type_names = {"null",   "boolean", "object", "array",
                                                        "number", "string",  "integer"};

bool has_type(const json& value, std::string_view type) {
  if (type == "null") return value.is_null();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") return value.is_number_integer();
  return false;
}

std::string type_of(const json& value) {
  if (value.is_number_integer()) return "integer";
  return value.type_name();
}

std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

struct Validator {
  const json& root;
  std::vector<std::string> problems;

  void add(const std::string& at, const std::string& what) {
    problems.push_back((at.empty() ? "/" : at) + ": " + what);
  }

  void check(const json& schema, const json& value, const std::string& at, int depth) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) add(at, "no value is allowed here");
      return;
    }
    if (!schema.is_object()) return;
    if (auto r = schema.find("$ref"); r != schema.end()) {
      if (depth >= max_schema_ref_depth) {
        add(at, "$ref nested deeper than " + std::to_string(max_schema_ref_depth));
        return;
      }
      const json* target = r->is_string() ? resolve_ref(root, r->get<std::string>()) : nullptr;
      if (!target) {
        add(at, "unresolved $ref " + r->dump());
        return;
      }
      check(*target, value, at, depth + 1);
    }
    if (auto t = schema.find("type"); t != schema.end()) {
      bool ok = false;
      if (t->is_string()) ok = has_type(value, t->get<std::string>());
      if (t->is_array())
        ok = std::any_of(t->begin(), t->end(), [&](const json& n) {
          return n.is_string() && has_type(value, n.get<std::string>());
        });
      if (!ok) {
        add(at, "expected type " + t->dump() + ", got " + type_of(value));
        return;  // the rest would only repeat it
      }
    }
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
      if (std::find(e->begin(), e->end(), value) == e->end())
        add(at, "value " + value.dump() + " is not one of " + e->dump());
    }
    if (auto c = schema.find("const"); c != schema.end() && *c != value)
      add(at, "value " + value.dump() + " is not " + c->dump());
    if (value.is_number()) {
      if (auto m = schema.find("minimum");
          m != schema.end() && m->is_number() && value.get<double>() < m->get<double>())
        add(at, "value " + value.dump() + " is below the minimum " + m->dump());
      if (auto m = schema.find("maximum");
          m != schema.end() && m->is_number() && value.get<double>() > m->get<double>())
        add(at, "value " + value.dump() + " is above the maximum " + m->dump());
    }
    if (value.is_object()) {
      const json* props = nullptr;
      if (auto p = schema.find("properties"); p != schema.end() && p->is_object()) props = &*p;
      if (auto req = schema.find("required"); req != schema.end() && req->is_array())
        for (const auto& name : *req)
          if (name.is_string() && !value.contains(name.get<std::string>()))
            add(at, "required member '" + name.get<std::string>() + "' is missing");
      const auto extra = schema.find("additionalProperties");
      for (const auto& [key, member] : value.items()) {
        const std::string here = at + "/" + escape_pointer(key);
        if (props && props->contains(key)) {
          check((*props)[key], member, here, depth);
        } else if (extra != schema.end()) {
          if (extra->is_boolean() && !extra->get<bool>())
            add(at, "member '" + key + "' is not in the description");
          else
            check(*extra, member, here, depth);
        }
      }
    }
    if (value.is_array()) {
      if (auto m = schema.find("minItems");
          m != schema.end() && m->is_number_integer() && value.size() < m->get<size_t>())
        add(at, "fewer than " + m->dump() + " items");
      if (auto items = schema.find("items"); items != schema.end())
        for (size_t i = 0; i < value.size(); ++i)
          check(*items, value[i], at + "/" + std::to_string(i), depth);
    }
    for (const char* which : {"oneOf", "anyOf"}) {
      auto list = schema.find(which);
      if (list == schema.end() || !list->is_array()) continue;
      size_t matching = 0;
      std::vector<std::string> first_reasons;
      for (const auto& alternative : *list) {
        Validator sub{root, {}};
        sub.check(alternative, value, at, depth + 1);
        if (sub.problems.empty())
          ++matching;
        else if (first_reasons.empty())
          first_reasons = std::move(sub.problems);
      }
      const bool one = std::string_view(which) == "oneOf";
      if (matching == 0) {
        std::string why;
        for (const auto& r : first_reasons) why += (why.empty() ? "" : "; ") + r;
        add(at, std::string("matches none of ") + which + " (first: " + why + ")");
      } else if (one && matching > 1) {
        add(at, "matches " + std::to_string(matching) + " alternatives of oneOf, not exactly one");
      }
    }
  }
};

bool is_one_of(std::string_view key, const auto& list) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

}  // namespace

const nlohmann::json* resolve_ref(const nlohmann::json& root, const std::string& ref) {
  if (ref == "#") return &root;
  if (!ref.starts_with("#/")) return nullptr;
  try {
    const json::json_pointer pointer(ref.substr(1));
    if (!root.contains(pointer)) return nullptr;
    return &root.at(pointer);
  } catch (const json::exception&) {
    return nullptr;
  }
}

std::vector<std::string> validate_json(const nlohmann::json& root, const nlohmann::json& schema,
                                       const nlohmann::json& value) {
  Validator v{root, {}};
  v.check(schema, value, "", 0);
  return std::move(v.problems);
}

std::vector<std::string> schema_problems(const nlohmann::json& root, const nlohmann::json& schema,
                                         const std::string& where) {
  std::vector<std::string> out;
  if (schema.is_boolean()) return out;
  if (!schema.is_object()) {
    out.push_back(where + ": a schema must be an object or a boolean");
    return out;
  }
  for (const auto& [key, value] : schema.items()) {
    const std::string here = where + "/" + escape_pointer(key);
    if (key.starts_with("x-") || is_one_of(key, annotations)) continue;
    if (!is_one_of(key, checked_keywords)) {
      out.push_back(here + ": keyword outside the validated subset");
      continue;
    }
    if (key == "$ref") {
      if (!value.is_string() || !resolve_ref(root, value.get<std::string>()))
        out.push_back(here + ": unresolved $ref " + value.dump());
    } else if (key == "type") {
      const auto ok_name = [](const json& n) {
        return n.is_string() && is_one_of(n.get<std::string>(), type_names);
      };
      if (!(ok_name(value) ||
            (value.is_array() && !value.empty() && std::all_of(value.begin(), value.end(), ok_name))))
        out.push_back(here + ": unknown type " + value.dump());
    } else if (key == "required") {
      if (!value.is_array() ||
          !std::all_of(value.begin(), value.end(), [](const json& n) { return n.is_string(); }))
        out.push_back(here + ": must be a list of names");
      else if (auto p = schema.find("properties"); p != schema.end())
        for (const auto& n : value)
          if (!p->contains(n.get<std::string>()))
            out.push_back(here + ": required '" + n.get<std::string>() + "' is not among the properties");
    } else if (key == "enum") {
      if (!value.is_array() || value.empty()) out.push_back(here + ": must be a non-empty list");
    } else if (key == "properties") {
      if (!value.is_object()) {
        out.push_back(here + ": must be an object");
        continue;
      }
      for (const auto& [name, sub] : value.items()) {
        auto more = schema_problems(root, sub, here + "/" + escape_pointer(name));
        out.insert(out.end(), more.begin(), more.end());
      }
    } else if (key == "items" || key == "additionalProperties") {
      auto more = schema_problems(root, value, here);
      out.insert(out.end(), more.begin(), more.end());
    } else if (key == "oneOf" || key == "anyOf") {
      if (!value.is_array() || value.empty()) {
        out.push_back(here + ": must be a non-empty list");
        continue;
      }
      for (size_t i = 0; i < value.size(); ++i) {
        auto more = schema_problems(root, value[i], here + "/" + std::to_string(i));
        out.insert(out.end(), more.begin(), more.end());
      }
    }
  }
  return out;
}

}  // namespace solusi::service
