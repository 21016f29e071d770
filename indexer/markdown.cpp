#include "markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

namespace solusi::markdown {
namespace {

/// The extensions every parse attaches, in cmark-gfm's names.
constexpr const char* extension_names[] = {"table", "strikethrough", "autolink", "tasklist", "tagfilter"};

/// cmark_gfm_core_extensions_ensure_registered() is not safe to call from two threads at once.
void register_extensions() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

/// cmark-gfm 0.29 (Debian bookworm) adds the attached extensions' special inline characters to a
/// process-wide table before it parses a document's inlines and removes them after: two parses at
/// once would see each other's characters come and go (strikethrough recognised or not by chance).
std::mutex& parse_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

Document::Document(std::string_view markdown) {
  register_extensions();
  // cmark reads LF, CRLF and a lone CR alike; the extensions are fed LF only so that they cannot differ.
  std::string lf;
  if (markdown.find('\r') != std::string_view::npos) {
    lf.reserve(markdown.size());
    for (size_t i = 0; i < markdown.size(); ++i)
      if (markdown[i] != '\r')
        lf += markdown[i];
      else if (i + 1 == markdown.size() || markdown[i + 1] != '\n')
        lf += '\n';
    markdown = lf;
  }
  std::lock_guard lock(parse_mutex());
  parser_ = cmark_parser_new(options);
  if (!parser_) throw std::bad_alloc();
  for (const char* name : extension_names)
    if (cmark_syntax_extension* e = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser_, e);
  cmark_parser_feed(parser_, markdown.data(), markdown.size());
  root_ = cmark_parser_finish(parser_);
  if (!root_) {
    cmark_parser_free(parser_);
    throw std::bad_alloc();
  }
}

Document::~Document() {
  cmark_node_free(root_);
  cmark_parser_free(parser_);
}

std::string Document::html() const {
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> html(
      cmark_render_html(root_, options, cmark_parser_get_syntax_extensions(parser_)));
  return html ? std::string(html.get()) : std::string();
}

Extension extension_of(cmark_node* node) {
  if (!cmark_node_get_syntax_extension(node)) return Extension::none;
  const char* type = cmark_node_get_type_string(node);
  if (!type) return Extension::other;
  if (std::strcmp(type, "table") == 0) return Extension::table;
  // A header row is "table_header", a body row "table_row".
  if (std::strcmp(type, "table_row") == 0 || std::strcmp(type, "table_header") == 0)
    return Extension::table_row;
  if (std::strcmp(type, "table_cell") == 0) return Extension::table_cell;
  if (std::strcmp(type, "strikethrough") == 0) return Extension::strikethrough;
  return Extension::other;
}

}  // namespace solusi::markdown
