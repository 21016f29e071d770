#include "editing.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "text.hpp"

namespace solusi::service {
namespace {

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  if (v.front() == ' ' || v.back() == ' ') return true;
  static constexpr std::string_view special = ":#{}[],&*!|>'\"%@`";
  if (special.find(v.front()) != std::string_view::npos || v.front() == '-' || v.front() == '?') return true;
  return v.find(": ") != std::string_view::npos || v.find(" #") != std::string_view::npos ||
         v.find('\n') != std::string_view::npos;
}

std::string yaml_scalar(std::string_view v) {
  if (!needs_quotes(v)) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

Result<YAML::Node> to_yaml(const nlohmann::json& j, const std::string& where) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return YAML::Node(YAML::NodeType::Null);
    case nlohmann::json::value_t::boolean:
      return YAML::Node(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return YAML::Node(j.get<long long>());
    case nlohmann::json::value_t::number_unsigned:
      return YAML::Node(j.get<unsigned long long>());
    case nlohmann::json::value_t::number_float:
      return YAML::Node(j.get<double>());
    case nlohmann::json::value_t::string:
      return YAML::Node(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      YAML::Node n(YAML::NodeType::Sequence);
      for (size_t i = 0; i < j.size(); ++i) {
        auto item = to_yaml(j[i], where + "[" + std::to_string(i) + "]");
        if (!item) return item;
        n.push_back(*item);
      }
      return n;
    }
    case nlohmann::json::value_t::object: {
      YAML::Node n(YAML::NodeType::Map);
      for (const auto& [k, v] : j.items()) {
        auto item = to_yaml(v, where + "." + k);
        if (!item) return item;
        n[k] = *item;
      }
      return n;
    }
    default:
      break;
  }
  return fail(ErrorCode::invalid_argument, "front matter member " + where + " has an unusable type");
}

}  // namespace

Result<void> validate_write_slug(std::string_view slug) {
  return check_slug(slug);
}

std::string slugify(std::string_view title, size_t max_bytes) {
  std::string out;
  bool dash = false;
  for (const auto& w : text::words(title)) {
    for (char c : w) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!ok) {
        dash = !out.empty();
        continue;
      }
      if (dash) out += '-';
      dash = false;
      out += c;
    }
    dash = !out.empty();
  }
  if (out.size() > max_bytes) {
    out.resize(max_bytes);
    if (const auto cut = out.rfind('-'); cut != std::string::npos && cut > max_bytes / 2) out.resize(cut);
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "artikel" : out;
}

std::string set_front_matter_field(std::string_view text, std::string_view key, std::string_view value) {
  const std::string line = std::string(key) + ": " + yaml_scalar(value);
  std::string_view t = text;
  std::string bom;
  if (t.starts_with("\xEF\xBB\xBF")) {
    bom = "\xEF\xBB\xBF";
    t.remove_prefix(3);
  }
  if (!(t.starts_with("---\n") || t.starts_with("---\r\n")))
    return bom + "---\n" + line + "\n---\n" + std::string(t);
  const size_t first_end = t.find('\n') + 1;
  // Find the closing delimiter and the key's top-level line.
  size_t pos = first_end, key_line = std::string_view::npos, key_end = 0;
  bool in_value = false;
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? t.size() : nl + 1;
    std::string_view l = t.substr(pos, end - pos);
    std::string_view trimmed = text::trim(l);
    if (trimmed == "---" || trimmed == "...") {
      std::string out = bom;
      if (key_line != std::string_view::npos) {
        // Also drop the key's continuation lines (indented values such as a block list).
        out += std::string(t.substr(0, key_line)) + line + "\n" + std::string(t.substr(key_end));
      } else {
        out += std::string(t.substr(0, pos)) + line + "\n" + std::string(t.substr(pos));
      }
      return out;
    }
    if (in_value) {
      // The key's value goes on over indented lines (a block list or scalar), including blank lines
      // between them; blank lines after its last line stay.
      if (trimmed.empty()) {
        pos = end;
        continue;
      }
      if (l[0] == ' ' || l[0] == '\t' || l[0] == '-') {
        key_end = end;
        pos = end;
        continue;
      }
      in_value = false;
    }
    if (key_line == std::string_view::npos && l.starts_with(std::string(key) + ":")) {
      key_line = pos;
      key_end = end;
      in_value = true;
    }
    pos = end;
  }
  return bom + std::string(t);  // unterminated front matter: leave it for the parser to report
}

Result<std::string> article_from_json(const nlohmann::json& front_matter, std::string_view body) {
  if (!front_matter.is_object())
    return fail(ErrorCode::invalid_argument, "field 'front_matter' must be an object");
  auto node = to_yaml(front_matter, "front_matter");
  if (!node) return tl::unexpected(node.error());
  YAML::Emitter out;
  out << *node;
  std::string yaml = out.c_str();
  if (front_matter.empty()) yaml.clear();
  std::string text = "---\n" + yaml + (yaml.empty() || yaml.back() == '\n' ? "" : "\n") + "---\n";
  text += body;
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

std::vector<DiffLine> line_diff(std::string_view before, std::string_view after) {
  auto lines = [](std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start < s.size()) {
      size_t nl = s.find('\n', start);
      if (nl == std::string_view::npos) nl = s.size();
      out.push_back(s.substr(start, nl - start));
      start = nl + 1;
    }
    return out;
  };
  const auto a = lines(before), b = lines(after);
  const long n = static_cast<long>(a.size()), m = static_cast<long>(b.size());
  const long max = n + m;
  const long offset = max + 1;
  std::vector<long> v(static_cast<size_t>(2 * max + 3), 0);
  std::vector<std::vector<long>> trace;
  long found_d = -1;
  for (long d = 0; d <= max && found_d < 0; ++d) {
    trace.push_back(v);
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (k == -d ||
          (k != d && v[static_cast<size_t>(offset + k - 1)] < v[static_cast<size_t>(offset + k + 1)]))
        x = v[static_cast<size_t>(offset + k + 1)];
      else
        x = v[static_cast<size_t>(offset + k - 1)] + 1;
      long y = x - k;
      while (x < n && y < m && a[static_cast<size_t>(x)] == b[static_cast<size_t>(y)]) {
        ++x;
        ++y;
      }
      v[static_cast<size_t>(offset + k)] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
  }
  // Walk the trace backwards.
  std::vector<DiffLine> out;
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const auto& vd = trace[static_cast<size_t>(d)];
    const long k = x - y;
    long prev_k;
    if (k == -d ||
        (k != d && vd[static_cast<size_t>(offset + k - 1)] < vd[static_cast<size_t>(offset + k + 1)]))
      prev_k = k + 1;
    else
      prev_k = k - 1;
    const long prev_x = vd[static_cast<size_t>(offset + prev_k)];
    const long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      out.push_back({' ', std::string(a[static_cast<size_t>(x - 1)])});
      --x;
      --y;
    }
    if (x == prev_x)
      out.push_back({'+', std::string(b[static_cast<size_t>(y - 1)])});
    else
      out.push_back({'-', std::string(a[static_cast<size_t>(x - 1)])});
    x = prev_x;
    y = prev_y;
  }
  while (x > 0 && y > 0) {
    out.push_back({' ', std::string(a[static_cast<size_t>(x - 1)])});
    --x;
    --y;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string kcs_draft(std::string_view title, std::string_view customer_words, Lang lang,
                      std::string_view owner, std::string_view today_iso,
                      const std::vector<std::string>& tags) {
  const bool id = lang == Lang::id;
  std::string tag_list;
  for (const auto& t : tags) {  // always quoted: ',' and ']' mean something in a flow list
    std::string quoted = "\"";
    for (char c : t) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c == '\n' ? ' ' : c;
    }
    tag_list += (tag_list.empty() ? "" : ", ") + quoted + "\"";
  }
  std::string out = "---\n";
  out += "title: " + yaml_scalar(title) + "\n";
  out += std::string("lang: ") + (id ? "id" : "en") + "\n";
  out += "status: draft\n";
  out += "audience: internal\n";
  out += "owner: " + yaml_scalar(owner) + "\n";
  out += "tags: [" + tag_list + "]\n";
  out += "updated: " + std::string(today_iso) + "\n";
  out += "---\n\n";
  out += id ? "## Masalah\n\n" : "## Problem\n\n";
  out += id ? "_Jelaskan masalahnya dalam satu atau dua kalimat._\n\n"
            : "_Describe the problem in one or two sentences._\n\n";
  out += id ? "## Bagaimana pelanggan menyebutnya\n\n" : "## How customers describe it\n\n";
  for (const auto& line : text::split(customer_words, '\n')) {
    const auto t = text::trim(line);
    if (!t.empty()) out += "> " + std::string(t) + "\n";
  }
  out += "\n";
  out += id ? "## Penyebab\n\n_Apa penyebabnya?_\n\n" : "## Cause\n\n_What causes it?_\n\n";
  out += id ? "## Solusi\n\n1. _Langkah pertama._\n" : "## Resolution\n\n1. _First step._\n";
  return out;
}

}  // namespace solusi::service
