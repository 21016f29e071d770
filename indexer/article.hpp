// An article: the parsed form of one Markdown file with YAML front matter.
#pragma once

#include <yaml-cpp/node/node.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "date.hpp"
#include "error.hpp"
#include "language.hpp"

namespace solusi {

/// Limits on what an article may be: the same for `solusi check`, the indexer and the write API.
namespace limits {
/// Largest article file (front matter + body, bytes). Bigger files are skipped by the indexer and
/// `solusi check`, and refused by the write API.
inline constexpr size_t article_bytes = 512 * 1024;
/// Longest slug (bytes): the path under the articles folder without ".md".
inline constexpr size_t slug_bytes = 150;
/// Deepest nesting of lists and mappings in front matter (the top-level mapping is depth 1).
inline constexpr int front_matter_depth = 32;
/// Most YAML nodes (values, lists, mappings, aliases) front matter may hold, counted as written and
/// again as read, where every alias counts as often as it is expanded.
inline constexpr size_t front_matter_nodes = 10'000;
/// Most bytes of values front matter may expand to through aliases.
inline constexpr size_t front_matter_expanded_bytes = 512 * 1024;
/// Longest tag, category or owner (bytes): each becomes a search term, and Xapian refuses terms over
/// 245 bytes (prefix included; the longest prefix is 3 bytes).
inline constexpr size_t term_value_bytes = 100;
}  // namespace limits

/// A finding about an article that does not stop it from being indexed (missing owner, …).
struct Diagnostic {
  enum class Severity { warning, error };
  Severity severity = Severity::warning;
  std::string file;  ///< path relative to the articles folder
  int line = 0;
  std::string code;  ///< stable machine-readable code, e.g. "missing_owner"
  std::string message;

  std::string describe() const;
};

/// A link found in the Markdown body.
struct Link {
  std::string url;   ///< as written
  std::string text;  ///< the link text
  int line = 0;
  /// For links to another article (a relative or root-relative "….md" path): its slug.
  std::optional<std::string> article_slug;
  /// For links and images pointing at a local file that is not an article: path relative to the
  /// articles folder.
  std::optional<std::string> local_file;
  bool is_image = false;
};

struct Heading {
  int level = 0;
  std::string text;
  int line = 0;
};

enum class Status { draft, review, published, archived };
enum class Audience { internal, public_ };

std::string_view to_string(Status s);
std::string_view to_string(Audience a);
std::optional<Status> parse_status(std::string_view s);
std::optional<Audience> parse_audience(std::string_view s);

struct Article {
  std::string slug;  ///< path under the articles folder without ".md", '/' separated
  std::string path;  ///< path relative to the articles folder, e.g. "akun/otp-tidak-masuk.md"

  // Front matter (with the design's defaults applied).
  std::string title;
  Lang lang = Lang::id;
  std::vector<std::string> tags;  ///< lowercased, de-duplicated, in order
  std::string category;
  std::string owner;
  std::optional<Date> reviewed;
  int review_every_days = 0;  ///< 0 = not set (the configured default applies)
  Status status = Status::published;
  Audience audience = Audience::internal;
  std::optional<Date> publish_at;
  std::optional<Date> valid_to;
  std::string summary;  ///< front matter "summary"/"description", else the first paragraph
  nlohmann::json extra = nlohmann::json::object();  ///< unknown front matter fields, kept as written

  // Markdown body.
  std::string markdown;  ///< the body as written (after the front matter)
  int body_line = 1;     ///< line of the file where the body starts
  std::vector<Heading> headings;
  std::string text;  ///< plain text of the body: paragraphs, list items, tables, quotes
  std::string code;  ///< text of code spans and code blocks
  std::vector<Link> links;

  std::vector<Diagnostic> warnings;  ///< non-fatal findings made while parsing
};

struct ParseOptions {
  Lang default_lang = Lang::id;
};

/// Parses one article. @p path is relative to the articles folder and gives the slug; @p text is
/// the file's bytes. Errors (bad YAML, wrong types, impossible dates, unknown lang, empty body, bad
/// UTF-8) carry the file and line.
Result<Article> parse_article(const std::string& path, std::string_view text,
                              const ParseOptions& options = {});

/// An article's front matter exactly as parse_article finds and reads it, for code that edits it
/// (set_front_matter_field checks its edits with it).
struct FrontMatterYaml {
  std::string text;       ///< the file without the byte order mark, CRLF and lone CR made LF
  bool present = false;   ///< the file opens with a front matter fence
  size_t yaml_begin = 0;  ///< the YAML between the fences: text[yaml_begin, yaml_end)
  size_t yaml_end = 0;
  size_t body_begin = 0;  ///< the body after the closing fence: text[body_begin, end)
  YAML::Node root;        ///< the loaded YAML: Null when there is none or it is empty
};

/// Splits @p raw (a file's bytes) and loads its front matter as parse_article does (same fences, same
/// limits on depth and size). Errors: front matter never closed, not valid YAML, over a limit.
Result<FrontMatterYaml> read_front_matter_yaml(std::string_view raw);

/// "akun/otp-tidak-masuk.md" → "akun/otp-tidak-masuk".
std::string slug_from_path(std::string_view relative_path);

/// The one slug rule of Solusi (indexer, `solusi check` and the API): lowercase letters, digits and
/// '-' in '/'-separated segments, each starting with a letter or digit; no "..", no absolute or
/// hidden paths, at most limits::slug_bytes, and no last segment that names a sub-resource of the
/// API ("revisions", "diff", "draft", "restore", "merge"). The error (invalid_argument) says which part
/// fails.
Result<void> check_slug(std::string_view slug);

/// @p path with control bytes shown as escapes ("\n", "\x7f"), for reports that name a file.
std::string printable_path(std::string_view path);

/// Resolves a link URL written in the article at @p from_path to a path relative to the articles
/// folder; nullopt for external links (scheme, "//host", "mailto:"), fragments only, or paths that
/// escape the folder.
std::optional<std::string> resolve_local_link(std::string_view from_path, std::string_view url);

}  // namespace solusi
