// Pure helpers of the editor API: slugs for new articles, front matter edits, JSON to article text,
// line diffs between revisions (diff.hpp), and the Knowledge-Centered Service draft made from a ticket.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "article.hpp"
#include "diff.hpp"  // line_diff, merge3
#include "error.hpp"
#include "language.hpp"

namespace solusi::service {

/// Largest article accepted by the write API (bytes of front matter + body): the indexer's limit.
inline constexpr size_t max_article_bytes = limits::article_bytes;

/// A slug an article may be written under: the one slug rule, check_slug() (article.hpp).
Result<void> validate_write_slug(std::string_view slug);

/// "Refund belum masuk ke BCA!" → "refund-belum-masuk-ke-bca" (ASCII letters and digits, at most
/// @p max_bytes, cut at a '-'); "artikel" when nothing is left.
std::string slugify(std::string_view title, size_t max_bytes = 60);

/// The article text with the top-level front matter key @p key set to @p value (a plain YAML scalar,
/// quoted when needed): the key's line replaced, or a line added at the end of the front matter.
/// Other lines, comments and order are kept. Text without front matter gets one.
/// The edit is checked with the article parser: it must read the key with that value, every other
/// top-level field and the body unchanged. When the line edit fails that (a value going on over
/// unindented lines, a quoted value left open), the entry is rewritten by the parser's positions of
/// the keys (line ends then become LF). Front matter the parser refuses gets the line edit unchecked.
/// Error (invalid_argument) when no edit reads back right: the result would not parse or not hold
/// the value.
Result<std::string> set_front_matter_field(std::string_view text, std::string_view key,
                                           std::string_view value);

/// The article text for a JSON write: {"front_matter": {…}, "body": "…"} → "---\n<YAML>---\n<body>".
/// An error names the member that is not usable.
Result<std::string> article_from_json(const nlohmann::json& front_matter, std::string_view body);

/// Longest title made for a draft from a customer's words, in words.
inline constexpr size_t max_draft_title_words = 10;
/// Longest slug made for such a draft (after "draft/"), in bytes.
inline constexpr size_t max_draft_slug_bytes = 48;

/// A title for a draft made from a customer's @p words (already in standard spelling): at most
/// max_draft_title_words of its words, without the customer's punctuation ("!!!", "??", quotes, an
/// ellipsis), the first letter upper case. Empty when @p words has no word.
std::string draft_title(std::string_view words);

/// A draft in the Knowledge-Centered Service shape (Masalah / Penyebab / Solusi, or Problem / Cause /
/// Resolution) from a ticket, with the customer's own words kept in a section of their own.
std::string kcs_draft(std::string_view title, std::string_view customer_words, Lang lang,
                      std::string_view owner, std::string_view today_iso,
                      const std::vector<std::string>& tags);

}  // namespace solusi::service
