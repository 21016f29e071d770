#pragma once
// Markdown as editors write it on GitHub, GitLab and Document360: CommonMark with the GitHub Flavored
// Markdown extensions (tables, strikethrough, autolinks, task lists, tagfilter), parsed by Debian's
// cmark-gfm. The indexer (text, headings, links) and the safe renderer (render_markdown) read the same
// parse, so what is indexed is what is shown.
#include <cmark-gfm.h>

#include <string>
#include <string_view>

namespace solusi::markdown {

/// The options of every parse and render: input validated as UTF-8 (bad bytes become U+FFFD), the
/// safe renderer (no CMARK_OPT_UNSAFE: raw HTML is omitted, javascript:/vbscript:/file:/data: URLs are
/// emptied), and strikethrough only between two tildes, so "~3 hari … ~5 hari" stays text.
inline constexpr int options = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;

/// What an extension's node is (the extensions' node types are not constants of cmark-gfm's headers).
enum class Extension { none, table, table_row, table_cell, strikethrough, other };

/// One parsed Markdown text. cmark-gfm keeps the extensions' special characters in one table for the
/// whole process and changes it during every parse, so parses are serialised by a mutex inside; a
/// Document, once made, is read without one.
class Document {
 public:
  /// Parses @p markdown (CRLF and lone CR read as LF) with every extension attached.
  explicit Document(std::string_view markdown);
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  /// The document node; never null.
  cmark_node* root() const { return root_; }

  /// Safe HTML: cmark-gfm's renderer with the extensions (tables with align attributes, <del>,
  /// disabled task-list checkboxes, tagfilter), raw HTML omitted, unsafe URLs emptied.
  std::string html() const;

 private:
  cmark_parser* parser_ = nullptr;
  cmark_node* root_ = nullptr;
};

/// Which extension made @p node (Extension::none for CommonMark's own nodes).
Extension extension_of(cmark_node* node);

}  // namespace solusi::markdown
