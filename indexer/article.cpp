#include "article.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "markdown.hpp"
#include "text.hpp"

namespace solusi {
namespace {

// ---------------------------------------------------------------------------------------------
// Front matter

struct Split {
  std::string_view yaml;  ///< between the fences (empty when there is no front matter)
  std::string_view body;  ///< everything after the closing fence
  int body_line = 1;      ///< 1-based line of the body's first line
  bool has_front_matter = false;
};

std::string lf_line_ends(std::string_view raw) {
  std::string normalized;
  normalized.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r') {
      if (i + 1 < raw.size() && raw[i + 1] == '\n') continue;
      normalized += '\n';
    } else {
      normalized += raw[i];
    }
  }
  return normalized;
}

bool is_fence(std::string_view line, bool closing) {
  line = text::trim(line);
  return line == "---" || (closing && line == "...");
}

Result<Split> split_front_matter(std::string_view s, const std::string& file) {
  Split out;
  out.body = s;
  const auto first_eol = s.find('\n');
  if (!s.starts_with("---") || first_eol == std::string_view::npos ||
      !is_fence(s.substr(0, first_eol), false))
    return out;
  size_t pos = first_eol + 1;
  int line = 2;
  while (pos <= s.size()) {
    const auto eol = s.find('\n', pos);
    const auto current = s.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (is_fence(current, true)) {
      out.yaml = s.substr(first_eol + 1, pos - first_eol - 1);
      out.body = eol == std::string_view::npos ? std::string_view{} : s.substr(eol + 1);
      out.body_line = line + 1;
      out.has_front_matter = true;
      return out;
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
    ++line;
  }
  return fail(ErrorCode::invalid_article, "front matter opened with '---' but never closed", file, 1);
}

/// A front matter limit was exceeded: thrown out of yaml-cpp's parser (through the event handler) and
/// out of the bounded traversals, caught in read_front_matter.
struct LimitExceeded {
  int line = 0;  ///< 0-based line in the YAML text
  std::string message;
};

/// Walks the YAML events once before any node is built: fails at the first list or mapping nested
/// deeper than limits::front_matter_depth (so yaml-cpp's recursive parser never goes deeper), and
/// when there are more than limits::front_matter_nodes nodes as written.
class ShapeCheck : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { count(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { count(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    count(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open(mark);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void count(const YAML::Mark& mark) {
    if (++nodes_ > limits::front_matter_nodes)
      throw LimitExceeded{mark.line, "front matter has more than " +
                                         std::to_string(limits::front_matter_nodes) +
                                         " values (limit of front matter values)"};
  }
  void open(const YAML::Mark& mark) {
    count(mark);
    if (++depth_ > limits::front_matter_depth)
      throw LimitExceeded{mark.line, "front matter is nested deeper than " +
                                         std::to_string(limits::front_matter_depth) +
                                         " levels of lists and mappings (limit of front matter nesting)"};
  }
  size_t nodes_ = 0;
  int depth_ = 0;
};

/// What a traversal of the loaded YAML may still visit: aliases are shared nodes, so a walk expands
/// them (eight levels of nine aliases are 43 million nodes); every node visited and every byte of
/// value copied counts.
class YamlBudget {
 public:
  void visit(const YAML::Node& node) {
    if (++nodes_ > limits::front_matter_nodes)
      throw LimitExceeded{node.Mark().line, "front matter expands (through aliases '*') to more than " +
                                                std::to_string(limits::front_matter_nodes) +
                                                " values (limit of front matter values)"};
  }
  void copy(const YAML::Node& node, size_t bytes) {
    bytes_ += bytes;
    if (bytes_ > limits::front_matter_expanded_bytes)
      throw LimitExceeded{node.Mark().line, "front matter expands (through aliases '*') to more than " +
                                                std::to_string(limits::front_matter_expanded_bytes) +
                                                " bytes (limit of front matter size)"};
  }

 private:
  size_t nodes_ = 0;
  size_t bytes_ = 0;
};

nlohmann::json yaml_to_json(const YAML::Node& node, YamlBudget& budget, int depth) {
  budget.visit(node);
  // The ShapeCheck already refused deeper lists and mappings; kept so that the walk is bounded alone.
  if ((node.IsSequence() || node.IsMap()) && depth > limits::front_matter_depth)
    throw LimitExceeded{node.Mark().line, "front matter is nested deeper than " +
                                              std::to_string(limits::front_matter_depth) + " levels"};
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      budget.copy(node, node.Scalar().size());
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      auto arr = nlohmann::json::array();
      for (const auto& item : node) arr.push_back(yaml_to_json(item, budget, depth + 1));
      return arr;
    }
    case YAML::NodeType::Map: {
      auto obj = nlohmann::json::object();
      for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        budget.copy(kv.first, key.size());
        obj[std::move(key)] = yaml_to_json(kv.second, budget, depth + 1);
      }
      return obj;
    }
    default:
      return nullptr;
  }
}

class FrontMatterReader {
 public:
  FrontMatterReader(const std::string& file, int first_line) : file_(file), first_line_(first_line) {}

  int line_of(const YAML::Node& node) const { return first_line_ + node.Mark().line; }

  tl::unexpected<Error> type_error(const YAML::Node& node, std::string_view field,
                                   std::string_view expected) const {
    return fail(ErrorCode::invalid_article,
                "front matter field '" + std::string(field) + "' must be " + std::string(expected), file_,
                line_of(node));
  }

  Result<std::string> scalar(const YAML::Node& node, std::string_view field) const {
    if (node.IsNull()) return std::string();
    if (!node.IsScalar()) return type_error(node, field, "a single value");
    std::string value(text::trim(node.Scalar()));
    if (!text::is_valid_utf8(value))
      return fail(ErrorCode::invalid_article,
                  "front matter field '" + std::string(field) + "' is not valid UTF-8", file_, line_of(node));
    return value;
  }

  /// A value that becomes a search term: at most limits::term_value_bytes, never cut.
  Result<void> term_value(const YAML::Node& node, std::string_view field, std::string_view value) const {
    if (value.size() <= limits::term_value_bytes) return {};
    return fail(ErrorCode::invalid_article,
                "front matter field '" + std::string(field) + "': '" + preview(value) + "' is " +
                    std::to_string(value.size()) + " bytes; at most " +
                    std::to_string(limits::term_value_bytes) +
                    " bytes are allowed (each tag, category and owner becomes a search term)",
                file_, line_of(node));
  }

  Result<std::optional<Date>> date(const YAML::Node& node, std::string_view field) const {
    auto value = scalar(node, field);
    if (!value) return tl::unexpected(value.error());
    if (value->empty()) return std::optional<Date>{};
    auto parsed = Date::parse(*value);
    if (!parsed)
      return fail(ErrorCode::invalid_article,
                  "front matter field '" + std::string(field) + "': " + parsed.error().message, file_,
                  line_of(node));
    return std::optional<Date>(*parsed);
  }

  Result<std::vector<std::string>> list(const YAML::Node& node, std::string_view field) const {
    std::vector<std::string> out;
    auto add = [&](std::string_view item) {
      std::string v = text::to_lower(text::trim(item));
      if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
    };
    if (node.IsNull()) return out;
    if (node.IsScalar()) {  // "a, b, c" as real-world front matter often writes it
      const std::string s = node.Scalar();
      for (const auto item : text::split(s, ',')) {
        if (auto ok = term_value(node, field, text::trim(item)); !ok) return tl::unexpected(ok.error());
        add(item);
      }
      return out;
    }
    if (!node.IsSequence()) return type_error(node, field, "a list");
    for (const auto& item : node) {
      if (!item.IsScalar()) return type_error(item, field, "a list of words");
      if (auto ok = term_value(item, field, text::trim(item.Scalar())); !ok)
        return tl::unexpected(ok.error());
      add(item.Scalar());
    }
    return out;
  }

 private:
  /// The start of an over-long value, for the message.
  static std::string preview(std::string_view value) {
    if (value.size() <= 40) return std::string(value);
    size_t cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;  // whole characters
    return std::string(value.substr(0, cut)) + "…";
  }

  const std::string& file_;
  int first_line_;
};

// Field aliases real-world front matter uses for the review date, in order of preference.
constexpr std::string_view review_date_keys[] = {"reviewed", "last_reviewed", "updated",
                                                 "ms.date",  "date",          "lastmod"};
constexpr std::string_view lang_keys[] = {"lang", "language", "locale", "ms.contentlocale"};
constexpr std::string_view owner_keys[] = {"owner", "ms.author", "author"};
constexpr std::string_view summary_keys[] = {"summary", "description"};
constexpr std::string_view known_keys[] = {"title",    "tags",       "category", "review_every", "status",
                                           "audience", "publish_at", "valid_to", "draft"};

template <size_t N>
bool in(const std::string_view (&list)[N], std::string_view key) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

/// Loads the YAML between the fences: depth and size first, from the parser's events (yaml-cpp builds
/// nodes recursively), then the nodes. Errors carry the file line (the YAML starts on line 2).
Result<YAML::Node> load_front_matter(std::string_view yaml_text, const std::string& file) {
  const std::string yaml(yaml_text);
  try {
    std::istringstream in(yaml);
    YAML::Parser parser(in);
    ShapeCheck shape;
    parser.HandleNextDocument(shape);
    return YAML::Load(yaml);
  } catch (const LimitExceeded& e) {
    return fail(ErrorCode::invalid_article, e.message, file, 2 + std::max(0, e.line));
  } catch (const YAML::Exception& e) {
    std::string message = "front matter is not valid YAML: " + e.msg;
    if (e.msg.find("map value") != std::string::npos) message += " (put values that contain ': ' in quotes)";
    return fail(ErrorCode::invalid_article, message, file, 2 + std::max(0, e.mark.line));
  }
}

Result<void> read_front_matter(Article& a, const Split& split, const ParseOptions& options) {
  a.lang = options.default_lang;
  if (!split.has_front_matter || text::trim(split.yaml).empty()) return {};
  auto loaded = load_front_matter(split.yaml, a.path);
  if (!loaded) return tl::unexpected(loaded.error());
  const YAML::Node root = *loaded;
  if (root.IsNull()) return {};
  if (!root.IsMap())
    return fail(ErrorCode::invalid_article, "front matter must be a mapping of fields", a.path, 2);

  const FrontMatterReader r(a.path, 2);
  // Find a field, trying its aliases in order.
  auto find = [&]<size_t N>(const std::string_view(&keys)[N]) -> std::pair<YAML::Node, std::string_view> {
    for (std::string_view k : keys) {
      YAML::Node n = root[std::string(k)];
      if (n.IsDefined()) return {n, k};
    }
    return {YAML::Node(YAML::NodeType::Undefined), {}};
  };

  YamlBudget budget;
  try {
    for (const auto& kv : root) {
      if (!kv.first.IsScalar())
        return fail(ErrorCode::invalid_article, "front matter keys must be plain words", a.path,
                    r.line_of(kv.first));
      const std::string key = kv.first.Scalar();
      if (in(known_keys, key) || in(review_date_keys, key) || in(lang_keys, key) || in(owner_keys, key) ||
          in(summary_keys, key))
        continue;
      a.extra[key] = yaml_to_json(kv.second, budget, 2);
    }

    if (auto n = root["title"]; n.IsDefined()) {
      auto v = r.scalar(n, "title");
      if (!v) return tl::unexpected(v.error());
      a.title = text::collapse_whitespace(*v);
    }
    if (auto [n, key] = find(lang_keys); n.IsDefined()) {
      auto v = r.scalar(n, key);
      if (!v) return tl::unexpected(v.error());
      if (!v->empty()) {
        auto lang = parse_lang(*v);
        if (!lang)
          return fail(ErrorCode::invalid_article, "unknown lang '" + *v + "' (expected id or en)", a.path,
                      r.line_of(n));
        a.lang = *lang;
      }
    }
    if (auto n = root["tags"]; n.IsDefined()) {
      auto v = r.list(n, "tags");
      if (!v) return tl::unexpected(v.error());
      a.tags = std::move(*v);
    }
    if (auto n = root["category"]; n.IsDefined()) {
      auto v = r.scalar(n, "category");
      if (!v) return tl::unexpected(v.error());
      a.category = text::to_lower(*v);
      if (auto ok = r.term_value(n, "category", a.category); !ok) return tl::unexpected(ok.error());
    }
    if (auto [n, key] = find(owner_keys); n.IsDefined()) {
      auto v = r.scalar(n, key);
      if (!v) return tl::unexpected(v.error());
      if (auto ok = r.term_value(n, key, text::to_lower(*v)); !ok) return tl::unexpected(ok.error());
      a.owner = *v;
    }
    if (auto [n, key] = find(review_date_keys); n.IsDefined()) {
      auto v = r.date(n, key);
      if (!v) return tl::unexpected(v.error());
      a.reviewed = *v;
    }
    if (auto n = root["review_every"]; n.IsDefined() && !n.IsNull()) {
      auto v = r.scalar(n, "review_every");
      if (!v) return tl::unexpected(v.error());
      auto days = parse_interval_days(*v);
      if (!days)
        return fail(ErrorCode::invalid_article, "front matter field 'review_every': " + days.error().message,
                    a.path, r.line_of(n));
      a.review_every_days = *days;
    }
    if (auto n = root["status"]; n.IsDefined() && !n.IsNull()) {
      auto v = r.scalar(n, "status");
      if (!v) return tl::unexpected(v.error());
      auto s = parse_status(*v);
      if (!s)
        return fail(ErrorCode::invalid_article,
                    "unknown status '" + *v + "' (expected draft, review, published or archived)", a.path,
                    r.line_of(n));
      a.status = *s;
    } else if (auto d = root["draft"]; d.IsDefined() && d.IsScalar()) {
      const std::string v = text::to_lower(d.Scalar());
      if (v == "true" || v == "yes") a.status = Status::draft;
    }
    if (auto n = root["audience"]; n.IsDefined() && !n.IsNull()) {
      auto v = r.scalar(n, "audience");
      if (!v) return tl::unexpected(v.error());
      if (auto aud = parse_audience(*v)) {
        a.audience = *aud;
      } else {
        // Real-world front matter uses "audience" for other things ("Admin"): keep the value, stay internal.
        a.extra["audience"] = *v;
        a.warnings.push_back({Diagnostic::Severity::warning, a.path, r.line_of(n), "unknown_audience",
                              "audience '" + *v + "' is neither internal nor public; treated as internal"});
      }
    }
    if (auto n = root["publish_at"]; n.IsDefined()) {
      auto v = r.date(n, "publish_at");
      if (!v) return tl::unexpected(v.error());
      a.publish_at = *v;
    }
    if (auto n = root["valid_to"]; n.IsDefined()) {
      auto v = r.date(n, "valid_to");
      if (!v) return tl::unexpected(v.error());
      a.valid_to = *v;
    }
    if (auto [n, key] = find(summary_keys); n.IsDefined()) {
      auto v = r.scalar(n, key);
      if (!v) return tl::unexpected(v.error());
      a.summary = text::collapse_whitespace(*v);
    }
  } catch (const LimitExceeded& e) {
    return fail(ErrorCode::invalid_article, e.message, a.path, 2 + std::max(0, e.line));
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::invalid_article, "front matter: " + e.msg, a.path, 2 + std::max(0, e.mark.line));
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// Removes tags from an HTML fragment and decodes the common entities: what a reader would see.
std::string strip_html(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        out += ' ';
      }
    } else if (c == '<') {
      in_tag = true;
    } else if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> entities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (auto [name, value] : entities) {
        if (html.substr(i, name.size()) == name) {
          out += value;
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (!done) out += c;
    } else {
      out += c;
    }
  }
  return out;
}

/// Table rows as the indexer keeps them: a row a line, its non-empty cells joined by ", ", a full stop
/// at the end (so the words of two cells never read as one phrase and no "|" or "---" is left).
void add_table_row(std::string& out, const std::vector<std::string>& cells) {
  std::string row;
  for (const auto& cell : cells) {
    if (cell.empty()) continue;
    if (!row.empty()) row += ", ";
    row += cell;
  }
  if (!row.empty()) out += row + ".\n";
}

/// The body line of @p node. cmark-gfm leaves some positions out: autolinks found in a text node have
/// none (the text before them has its line), and a paragraph the table extension split off before a
/// table has none, its inlines counted from 0 (@p shift is then the table's line, where it began).
int source_line(cmark_node* node, int shift) {
  for (cmark_node* n = node; n; n = cmark_node_parent(n)) {
    const bool inline_node = (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE;
    if (!inline_node) {
      if (const int line = cmark_node_get_start_line(n); line > 0) return line;
      if (shift > 0 && cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH) return shift;
      continue;
    }
    for (cmark_node* s = n; s; s = cmark_node_previous(s))
      if (const int line = cmark_node_get_start_line(s); line > 0) return line + shift;
  }
  return 1;
}

void extract_markdown(Article& a) {
  const markdown::Document doc(a.markdown);
  struct IterFree {
    void operator()(cmark_iter* i) const { cmark_iter_free(i); }
  };
  std::unique_ptr<cmark_iter, IterFree> it(cmark_iter_new(doc.root()));

  std::string block;    // text of the current leaf block
  std::string heading;  // text of the current heading
  int heading_level = 0, heading_line = 0;
  std::vector<Link*> open_links;  // links being read (nested images inside links)
  std::string first_paragraph;
  std::string cell;  // text of the current table cell
  bool in_cell = false;
  std::vector<std::string> cells;  // cells of the current table row
  int line_shift = 0;              // see source_line

  auto sink = [&](std::string_view s) {
    if (heading_level > 0)
      heading += s;
    else if (in_cell)
      cell += s;
    else
      block += s;
    for (Link* l : open_links) l->text += s;
  };
  auto line_of = [&](cmark_node* n) { return a.body_line + source_line(n, line_shift) - 1; };
  auto end_block = [&] {
    if (first_paragraph.empty()) first_paragraph = text::collapse_whitespace(block);
    a.text += block;
    a.text += '\n';
    block.clear();
  };

  cmark_event_type ev;
  while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
    cmark_node* node = cmark_iter_get_node(it.get());
    const bool enter = ev == CMARK_EVENT_ENTER;
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_TEXT:
        sink(cmark_node_get_literal(node));
        break;
      case CMARK_NODE_CODE: {
        const char* lit = cmark_node_get_literal(node);
        sink(lit);
        a.code += lit;
        a.code += '\n';
        break;
      }
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        sink("\n");
        break;
      case CMARK_NODE_HTML_INLINE:
        // Inline HTML is markup (e.g. "<a name=…></a>" anchors in headings): never indexed as words.
        break;
      case CMARK_NODE_HTML_BLOCK:
        a.text += text::collapse_whitespace(strip_html(cmark_node_get_literal(node)));
        a.text += '\n';
        break;
      case CMARK_NODE_CODE_BLOCK:
        a.code += cmark_node_get_literal(node);
        a.code += '\n';
        break;
      case CMARK_NODE_HEADING:
        if (enter) {
          heading.clear();
          heading_level = cmark_node_get_heading_level(node);
          heading_line = line_of(node);
        } else {
          std::string h = text::collapse_whitespace(heading);
          if (!h.empty()) a.headings.push_back({heading_level, std::move(h), heading_line});
          heading_level = 0;
        }
        break;
      case CMARK_NODE_LINK:
      case CMARK_NODE_IMAGE:
        if (enter) {
          Link l;
          l.url = cmark_node_get_url(node) ? cmark_node_get_url(node) : "";
          l.line = line_of(node);
          l.is_image = cmark_node_get_type(node) == CMARK_NODE_IMAGE;
          a.links.push_back(std::move(l));
          // Only the innermost link collects text; push_back may move the vector, so never keep an older
          // pointer.
          open_links.clear();
          open_links.push_back(&a.links.back());
        } else {
          open_links.clear();
        }
        break;
      case CMARK_NODE_PARAGRAPH:
        if (enter) {
          cmark_node* next = cmark_node_next(node);
          line_shift = cmark_node_get_start_line(node) == 0 && next &&
                               markdown::extension_of(next) == markdown::Extension::table
                           ? cmark_node_get_start_line(next)
                           : 0;
        } else {
          end_block();
          line_shift = 0;
        }
        break;
      default:
        // The table extension's nodes: each cell's text, each row a line of the block, the table a block.
        switch (markdown::extension_of(node)) {
          case markdown::Extension::table:
            if (!enter) end_block();
            break;
          case markdown::Extension::table_row:
            if (enter)
              cells.clear();
            else
              add_table_row(block, cells);
            break;
          case markdown::Extension::table_cell:
            in_cell = enter;
            if (enter)
              cell.clear();
            else
              cells.emplace_back(text::trim(cell));
            break;
          default:  // strikethrough, task list items: their text is read like any other
            break;
        }
        break;
    }
  }
  if (a.summary.empty()) a.summary = text::truncate_words(first_paragraph, 240);
  for (auto& l : a.links) l.text = text::collapse_whitespace(l.text);
}

std::string title_from_slug(std::string_view slug) {
  const auto slash = slug.rfind('/');
  std::string t(slash == std::string_view::npos ? slug : slug.substr(slash + 1));
  std::replace(t.begin(), t.end(), '-', ' ');
  std::replace(t.begin(), t.end(), '_', ' ');
  if (!t.empty() && t[0] >= 'a' && t[0] <= 'z') t[0] = static_cast<char>(t[0] - 'a' + 'A');
  return t;
}

}  // namespace

std::string Diagnostic::describe() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += severity == Severity::error ? ": error: " : ": warning: ";
  out += message;
  if (!code.empty()) out += " [" + code + "]";
  return out;
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::draft:
      return "draft";
    case Status::review:
      return "review";
    case Status::published:
      return "published";
    case Status::archived:
      return "archived";
  }
  return "published";
}

std::string_view to_string(Audience a) {
  return a == Audience::public_ ? "public" : "internal";
}

std::optional<Status> parse_status(std::string_view s) {
  const std::string v = text::to_lower(text::trim(s));
  if (v == "draft") return Status::draft;
  if (v == "review" || v == "in_review" || v == "in-review") return Status::review;
  if (v == "published" || v == "publish" || v == "live") return Status::published;
  if (v == "archived" || v == "archive" || v == "retired") return Status::archived;
  return std::nullopt;
}

std::optional<Audience> parse_audience(std::string_view s) {
  const std::string v = text::to_lower(text::trim(s));
  if (v == "internal" || v == "agents" || v == "agent") return Audience::internal;
  if (v == "public" || v == "customers" || v == "external") return Audience::public_;
  return std::nullopt;
}

std::string slug_from_path(std::string_view relative_path) {
  std::string s(relative_path);
  std::replace(s.begin(), s.end(), '\\', '/');
  if (s.ends_with(".md"))
    s.resize(s.size() - 3);
  else if (s.ends_with(".markdown"))
    s.resize(s.size() - 9);
  return s;
}

Result<void> check_slug(std::string_view slug) {
  auto bad = [&](std::string why) { return fail(ErrorCode::invalid_argument, "invalid slug: " + why); };
  if (slug.empty()) return bad("empty");
  if (slug.size() > limits::slug_bytes)
    return bad("longer than " + std::to_string(limits::slug_bytes) + " bytes");
  if (slug.front() == '/') return bad("must not be an absolute path");
  if (slug.back() == '/') return bad("must not end with '/'");
  std::string_view last;
  for (auto segment : text::split(slug, '/')) {
    if (segment.empty()) return bad("empty path segment");
    if (segment == "..") return bad("'..' is not allowed");
    if (segment.front() == '.') return bad("hidden segments (starting with '.') are not allowed");
    if (segment.front() == '-') return bad("segments must start with a letter or a digit");
    for (char c : segment)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        return bad("only lowercase letters, digits, '-' and '/' are allowed");
    last = segment;
  }
  if (last == "revisions" || last == "diff" || last == "draft" || last == "restore" || last == "merge")
    return bad("the last segment must not be '" + std::string(last) + "' (a sub-resource of articles)");
  return {};
}

std::string printable_path(std::string_view path) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c >= 0x80) {  // a whole valid UTF-8 character is kept; a stray byte is escaped
      const size_t bad = text::first_invalid_utf8(path.substr(i));
      const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (bad == std::string_view::npos || bad >= len) {
        out.append(path.substr(i, len));
        i += len;
        continue;
      }
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

std::optional<std::string> resolve_local_link(std::string_view from_path, std::string_view url) {
  url = text::trim(url);
  if (url.empty() || url.front() == '#' || url.starts_with("//")) return std::nullopt;
  // A scheme ("https:", "mailto:", "javascript:") means not ours.
  const auto colon = url.find(':');
  const auto slash = url.find('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash))
    return std::nullopt;
  if (const auto cut = url.find_first_of("#?"); cut != std::string_view::npos) url = url.substr(0, cut);
  if (url.empty()) return std::nullopt;

  std::string decoded;
  for (size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '%' && i + 2 < url.size()) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int hi = hex(url[i + 1]), lo = hex(url[i + 2]);
      if (hi >= 0 && lo >= 0) {
        decoded += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    decoded += url[i];
  }

  std::vector<std::string> parts;
  if (decoded.front() != '/') {
    const auto dir_end = from_path.rfind('/');
    if (dir_end != std::string_view::npos) {
      for (const auto segment : text::split(from_path.substr(0, dir_end), '/'))
        if (!segment.empty()) parts.emplace_back(segment);
    }
  }
  for (const auto part : text::split(decoded, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return std::nullopt;  // escapes the articles folder
      parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  if (parts.empty()) return std::nullopt;
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

Result<Article> parse_article(const std::string& path, std::string_view raw, const ParseOptions& options) {
  Article a;
  a.path = path;
  a.slug = slug_from_path(path);

  if (raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);  // UTF-8 byte order mark
  if (const size_t bad = text::first_invalid_utf8(raw); bad != std::string_view::npos) {
    const int line =
        1 + static_cast<int>(std::count(raw.begin(), raw.begin() + static_cast<long>(bad), '\n'));
    return fail(ErrorCode::invalid_article, "file is not valid UTF-8", path, line);
  }
  if (raw.find('\0') != std::string_view::npos)
    return fail(ErrorCode::invalid_article, "file contains NUL bytes (binary?)", path, 1);

  // CRLF and lone CR → LF, so line numbers and fences work for Windows files
  const std::string normalized = lf_line_ends(raw);

  auto split = split_front_matter(normalized, path);
  if (!split) return tl::unexpected(split.error());
  if (auto ok = read_front_matter(a, *split, options); !ok) return tl::unexpected(ok.error());

  a.markdown = std::string(split->body);
  a.body_line = split->body_line;
  extract_markdown(a);

  if (a.title.empty()) {
    for (const auto& h : a.headings) {
      if (h.level == 1) {
        a.title = h.text;
        break;
      }
    }
  }
  if (text::trim(a.text).empty() && text::trim(a.code).empty()) {
    const bool only_title = !a.headings.empty();
    return fail(ErrorCode::invalid_article,
                only_title ? "article has headings but no body text" : "article body is empty", path,
                a.body_line);
  }
  if (a.title.empty()) {
    a.title = title_from_slug(a.slug);
    a.warnings.push_back({Diagnostic::Severity::warning, path, 1, "missing_title",
                          "no title in front matter and no '#' heading; using '" + a.title + "'"});
  }
  if (a.owner.empty())
    a.warnings.push_back(
        {Diagnostic::Severity::warning, path, 1, "missing_owner", "no owner: nobody is accountable"});
  if (!a.reviewed)
    a.warnings.push_back({Diagnostic::Severity::warning, path, 1, "missing_review_date",
                          "no review date (reviewed): it will count as never reviewed"});

  for (auto& l : a.links) {
    auto local = resolve_local_link(path, l.url);
    if (!local) continue;
    const bool root_relative = text::trim(l.url).starts_with("/");
    const auto last_slash = local->rfind('/');
    const auto dot = local->rfind('.');
    const bool has_extension =
        dot != std::string::npos && (last_slash == std::string::npos || dot > last_slash);
    if (!l.is_image && (local->ends_with(".md") || local->ends_with(".markdown"))) {
      l.article_slug = slug_from_path(*local);
    } else if (has_extension) {
      l.local_file = *local;
    } else if (!l.is_image && !root_relative) {
      l.article_slug = *local;  // "[x](otp-tidak-masuk)": a slug written without ".md"
    }
    // Root-relative paths without extension ("/sharepoint/…") are site links of another system: not ours.
  }
  return a;
}

Result<FrontMatterYaml> read_front_matter_yaml(std::string_view raw) {
  FrontMatterYaml out;
  if (raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);
  out.text = lf_line_ends(raw);
  const std::string file = "front matter";
  auto split = split_front_matter(out.text, file);
  if (!split) return tl::unexpected(split.error());
  out.present = split->has_front_matter;
  const std::string_view all = out.text;
  out.yaml_begin = split->has_front_matter ? static_cast<size_t>(split->yaml.data() - all.data()) : 0;
  out.yaml_end = out.yaml_begin + split->yaml.size();
  out.body_begin = split->body.empty() ? all.size() : static_cast<size_t>(split->body.data() - all.data());
  if (!out.present || text::trim(split->yaml).empty()) return out;
  auto root = load_front_matter(split->yaml, file);
  if (!root) return tl::unexpected(root.error());
  out.root = *root;
  return out;
}

}  // namespace solusi
