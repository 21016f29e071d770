#include "editing.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>

#include "text.hpp"

namespace solusi::service {
namespace {

/// Most node visits when comparing front matter before and after an edit (aliases expand): more than
/// any front matter the parser accepts (limits::front_matter_nodes, counted as expanded) needs twice.
constexpr size_t max_front_matter_compare_steps = 4 * limits::front_matter_nodes;

/// A byte a YAML writer must not write raw: a C0 control (line ends and tabs included) or DEL. The
/// article parser reads a CR as a line end, so an unquoted one changes or breaks the value.
bool has_control_character(std::string_view v) {
  return std::any_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  if (v.front() == ' ' || v.back() == ' ') return true;
  static constexpr std::string_view special = ":#{}[],&*!|>'\"%@`";
  if (special.find(v.front()) != std::string_view::npos || v.front() == '-' || v.front() == '?') return true;
  return v.find(": ") != std::string_view::npos || v.find(" #") != std::string_view::npos ||
         has_control_character(v);
}

std::string yaml_scalar(std::string_view v) {
  if (!needs_quotes(v)) return std::string(v);
  std::string out = "\"";
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xF];
    } else {
      out += c;
    }
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

/// Writes @p node as yaml-cpp's emitter does, except that a string holding a control character is
/// written double-quoted with escapes: the emitter writes a CR raw (and the article parser reads a
/// raw CR as a line end), which would break or change the value.
void emit(YAML::Emitter& out, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (const auto& kv : node) {
        out << YAML::Key;
        emit(out, kv.first);
        out << YAML::Value;
        emit(out, kv.second);
      }
      out << YAML::EndMap;
      return;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : node) emit(out, item);
      out << YAML::EndSeq;
      return;
    case YAML::NodeType::Scalar:
      if (has_control_character(node.Scalar())) {
        out << YAML::DoubleQuoted << node.Scalar();
        return;
      }
      break;
    default:
      break;
  }
  out << node;
}

}  // namespace

Result<void> validate_write_slug(std::string_view slug) {
  return check_slug(slug);
}

std::string draft_title(std::string_view words) {
  // Written in capitals (a customer in a panic): lower case, like the rest of the knowledge base.
  size_t upper = 0, lower = 0;
  for (char c : words) {
    upper += c >= 'A' && c <= 'Z';
    lower += c >= 'a' && c <= 'z';
  }
  const bool shouting = upper > lower;
  std::string out;
  size_t n = 0;
  size_t at = 0;
  while (at < words.size() && n < max_draft_title_words) {
    const size_t end = std::min(words.find_first_of(" \t\r\n", at), words.size());
    std::string_view w = words.substr(at, end - at);
    at = end + 1;
    // A word keeps its letters and digits and the joiners inside it ("e-wallet", "1.500", "H+1"); the
    // customer's punctuation around it and every '!', '?' and quote go.
    auto edge = [](char c) {
      return std::string_view("-./+',;:!?\"()[]*_~").find(c) != std::string_view::npos;
    };
    constexpr std::string_view ellipsis = "\xE2\x80\xA6";
    for (bool cut = true; cut;) {
      cut = false;
      while (!w.empty() && edge(w.front())) w.remove_prefix(1), cut = true;
      while (!w.empty() && edge(w.back())) w.remove_suffix(1), cut = true;
      if (w.ends_with(ellipsis)) w.remove_suffix(ellipsis.size()), cut = true;
      if (w.starts_with(ellipsis)) w.remove_prefix(ellipsis.size()), cut = true;
    }
    std::string kept;
    for (char c : w)
      if (c != '!' && c != '?' && c != '"')
        kept += shouting && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    if (kept.empty()) continue;
    if (!out.empty()) out += ' ';
    out += kept;
    ++n;
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
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

/// The editors' way: the key's line (and its indented continuation lines) replaced, or a line added
/// before the closing fence. Keeps everything else byte for byte, but only knows lines: a value that
/// goes on over unindented lines defeats it (set_front_matter_field checks the result).
std::string edit_by_lines(std::string_view text, std::string_view key, std::string_view value) {
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

bool is_key(const YAML::Node& k, std::string_view key) {
  return k.IsScalar() && k.Scalar() == key;
}

/// Whether two loaded YAML nodes are the same value, spending at most @p budget node visits (aliases
/// are shared nodes: a walk expands them).
bool same_node(const YAML::Node& a, const YAML::Node& b, size_t& budget) {
  if (budget == 0) return false;
  --budget;
  if (a.Type() != b.Type() || a.Tag() != b.Tag()) return false;
  switch (a.Type()) {
    case YAML::NodeType::Scalar:
      return a.Scalar() == b.Scalar();
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map: {
      if (a.size() != b.size()) return false;
      auto i = a.begin(), j = b.begin();
      for (; i != a.end() && j != b.end(); ++i, ++j) {
        if (a.IsSequence()
                ? !same_node(*i, *j, budget)
                : !same_node(i->first, j->first, budget) || !same_node(i->second, j->second, budget))
          return false;
      }
      return i == a.end() && j == b.end();
    }
    default:
      return true;
  }
}

/// The top-level entries of front matter other than @p key, in order.
std::vector<std::pair<YAML::Node, YAML::Node>> other_entries(const YAML::Node& root, std::string_view key) {
  std::vector<std::pair<YAML::Node, YAML::Node>> out;
  if (!root.IsMap()) return out;
  for (const auto& kv : root)
    if (!is_key(kv.first, key)) out.emplace_back(kv.first, kv.second);
  return out;
}

/// Whether @p edited is the article @p before with only the top-level @p key set to @p value, as the
/// article parser reads both: the front matter parses, holds @p key once with that value, every other
/// top-level entry is the same in the same order, and the body is unchanged.
bool is_exact_edit(const FrontMatterYaml& before, std::string_view edited, std::string_view key,
                   std::string_view value) {
  auto after = read_front_matter_yaml(edited);
  if (!after || !after->present || !after->root.IsMap()) return false;
  if (std::string_view(after->text).substr(after->body_begin) !=
      std::string_view(before.text).substr(before.body_begin))
    return false;
  size_t found = 0;
  for (const auto& kv : after->root) {
    if (!is_key(kv.first, key)) continue;
    if (++found > 1 || !kv.second.IsScalar() || kv.second.Scalar() != value) return false;
  }
  if (found != 1) return false;
  const auto a = other_entries(before.root, key), b = other_entries(after->root, key);
  if (a.size() != b.size()) return false;
  size_t budget = max_front_matter_compare_steps;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same_node(a[i].first, b[i].first, budget) || !same_node(a[i].second, b[i].second, budget))
      return false;
  return true;
}

/// The fallback edit, by the parser's positions rather than by lines: each top-level key of a block
/// mapping starts a line, and its entry (value, continuation lines, comments after it) runs to the
/// next key's line. The key's entry is replaced by the new line; a missing key goes before the first
/// key, where no value can swallow it. Works on the parser's view of the file (line ends made LF,
/// no byte order mark). nullopt when the front matter is not laid out so (a flow mapping, a key
/// after other text on its line).
std::optional<std::string> edit_by_marks(const FrontMatterYaml& fm, std::string_view key,
                                         std::string_view value) {
  const std::string line = std::string(key) + ": " + yaml_scalar(value) + "\n";
  const std::string_view text = fm.text;
  if (!fm.present) return "---\n" + line + "---\n" + fm.text;
  const std::string_view yaml = text.substr(fm.yaml_begin, fm.yaml_end - fm.yaml_begin);
  std::string out;
  if (fm.root.IsNull()) {  // only comments, or an explicit null: keep the comments
    for (const auto& l : text::split(yaml, '\n')) {
      const auto t = text::trim(l);
      if (t.empty() || t.starts_with('#')) out += std::string(l) + "\n";
    }
    out += line;
  } else {
    if (!fm.root.IsMap() || fm.root.Style() == YAML::EmitterStyle::Flow || fm.root.size() == 0)
      return std::nullopt;
    std::vector<size_t> starts;  // line start of each top-level key
    std::vector<bool> matches;
    int column = -1;
    for (const auto& kv : fm.root) {
      const YAML::Mark m = kv.first.Mark();
      if (m.pos < 0 || m.column < 0 || static_cast<size_t>(m.pos) >= yaml.size()) return std::nullopt;
      if (column >= 0 && m.column != column) return std::nullopt;
      column = m.column;
      const auto pos = static_cast<size_t>(m.pos), col = static_cast<size_t>(m.column);
      if (col > pos || yaml.substr(pos - col, col).find_first_not_of(' ') != std::string_view::npos)
        return std::nullopt;
      if (!starts.empty() && pos - col <= starts.back()) return std::nullopt;
      starts.push_back(pos - col);
      matches.push_back(is_key(kv.first, key));
    }
    const std::string indented = std::string(static_cast<size_t>(column), ' ') + line;
    out = std::string(yaml.substr(0, starts[0]));
    bool placed = std::find(matches.begin(), matches.end(), true) == matches.end();
    if (placed) out += indented;
    for (size_t i = 0; i < starts.size(); ++i) {
      const size_t end = i + 1 < starts.size() ? starts[i + 1] : yaml.size();
      if (!matches[i]) {
        out += yaml.substr(starts[i], end - starts[i]);
      } else if (!placed) {
        out += indented;
        placed = true;
      }
    }
  }
  return std::string(text.substr(0, fm.yaml_begin)) + out + std::string(text.substr(fm.yaml_end));
}

Result<std::string> set_front_matter_field(std::string_view text, std::string_view key,
                                           std::string_view value) {
  std::string edited = edit_by_lines(text, key, value);
  auto before = read_front_matter_yaml(text);
  // Front matter the parser already refuses (never closed, not YAML) cannot be checked: the line edit
  // is the best there is, and the parser goes on reporting the problem.
  if (!before) return edited;
  if (is_exact_edit(*before, edited, key, value)) return edited;
  if (auto marked = edit_by_marks(*before, key, value); marked && is_exact_edit(*before, *marked, key, value))
    return std::move(*marked);
  return fail(ErrorCode::invalid_argument, "cannot set front matter field '" + std::string(key) +
                                               "' in this article's front matter; edit the file by hand");
}

Result<std::string> article_from_json(const nlohmann::json& front_matter, std::string_view body) {
  if (!front_matter.is_object())
    return fail(ErrorCode::invalid_argument, "field 'front_matter' must be an object");
  auto node = to_yaml(front_matter, "front_matter");
  if (!node) return tl::unexpected(node.error());
  YAML::Emitter out;
  emit(out, *node);
  if (!out.good())
    return fail(ErrorCode::invalid_argument, "front matter cannot be written: " + out.GetLastError());
  std::string yaml = out.c_str();
  if (front_matter.empty()) yaml.clear();
  std::string text = "---\n" + yaml + (yaml.empty() || yaml.back() == '\n' ? "" : "\n") + "---\n";
  text += body;
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
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
