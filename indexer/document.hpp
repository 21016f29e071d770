// Turning an Article into a Xapian document, and reading back what a result list shows.
#pragma once

#include <xapian.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "article.hpp"

namespace solusi {

/// What the index stores for a document (its data): all a result list or a report needs, so a search
/// never reads a file.
struct StoredArticle {
  std::string slug;
  std::string path;
  std::string title;
  std::string summary;
  std::string lang;
  std::vector<std::string> tags;
  std::string category;
  std::string owner;
  std::string status;
  std::string audience;
  std::optional<std::string> reviewed;    ///< ISO date
  int review_every_days = 0;              ///< effective interval (the default applied)
  std::optional<std::string> review_due;  ///< ISO date
  std::optional<std::string> updated;     ///< ISO date of the last content change
  std::optional<std::string> publish_at;
  std::optional<std::string> valid_to;
  std::vector<std::string> links;  ///< slugs of linked articles
  std::vector<std::string> files;  ///< local files (images, attachments) referenced
  std::string text;                ///< plain body text (capped) for snippets
  std::string markdown;            ///< the Markdown body as written, for the article view
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
  static StoredArticle from_json(const nlohmann::json& j);
};

struct DocumentOptions {
  int default_review_days = 90;
  /// Date of the last content change when the front matter has none (the file's modification day).
  std::optional<Date> modified;
};

/// Longest plain text kept for snippets (bytes).
inline constexpr size_t stored_text_limit = 32 * 1024;

/// Builds the document: terms (per the schema's field table, stemmed with the article's language),
/// boolean filter terms, value slots and data. @p tg is reused between calls for speed.
Xapian::Document make_document(const Article& article, const std::string& content_hash,
                               const DocumentOptions& options, Xapian::TermGenerator& tg);

StoredArticle stored_article(const Article& article, const DocumentOptions& options);

/// Parts of a stored article beyond the metadata, which live in their own value slots.
enum StoredParts : unsigned {
  stored_meta = 0,
  stored_text = 1,
  stored_markdown = 2,
  stored_extra = 4,
  stored_all = 7
};

/// Reads a document back: the metadata from its data, and the @p parts asked for from their slots.
/// Throws nlohmann::json::exception on corrupt data.
/// The term of a link to the article @p slug: "XL" + slug, or, when that would be longer than
/// schema::max_term_bytes, "XL#" + 16 hex digits of the slug's FNV-1a hash ('#' never occurs in a slug).
std::string link_term(std::string_view slug);

/// The first term of @p doc longer than schema::max_term_bytes (which Xapian would refuse), if any.
std::optional<std::string> overlong_term(const Xapian::Document& doc);

StoredArticle read_stored(const Xapian::Document& doc, unsigned parts = stored_all);

}  // namespace solusi
