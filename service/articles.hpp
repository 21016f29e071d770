// Reading articles back from the index: one article by slug, and filtered listings.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "date.hpp"
#include "document.hpp"
#include "error.hpp"

namespace solusi::service {

/// Checks a slug from a request with the one slug rule the indexer and `solusi check` use too
/// (check_slug() in article.hpp): a slug the indexer would never index is refused, not looked up.
Result<void> validate_slug(std::string_view slug);

/// Who is reading: decides which lifecycle states and audiences are visible.
struct Visibility {
  bool public_only = false;          ///< only audience: public
  bool include_unpublished = false;  ///< drafts, review copies and archived articles too
  /// Hide articles whose publish_at is after this day or whose valid_to is before it (as search does);
  /// nullopt: no date window (editors).
  std::optional<Date> today;
};

/// The article with this slug, if it exists and is visible.
Result<StoredArticle> find_article(const Xapian::Database& db, std::string_view slug,
                                   const Visibility& visibility);

struct ArticleFilter {
  std::optional<std::string> tag, category, owner, lang, status;
  /// Only articles whose last content change ("updated", a day) is on or after this day.
  std::optional<Date> updated_since;
  /// Keyset paging: only articles whose slug sorts after this one (the list is sorted by slug, so an
  /// article published or archived meanwhile moves no other across pages).
  std::optional<std::string> after_slug;
  size_t limit = 50;
  size_t offset = 0;
};

struct ArticleList {
  std::vector<StoredArticle> articles;  ///< sorted by slug; text and markdown left empty
  Xapian::doccount total = 0;           ///< matching the filters, after_slug aside
  bool more = false;                    ///< articles follow this page
};

Result<ArticleList> list_articles(const Xapian::Database& db, const ArticleFilter& filter,
                                  const Visibility& visibility);

/// Markdown (CommonMark with GitHub's extensions: tables, ~~strikethrough~~, bare links, task lists)
/// to HTML with cmark-gfm's safe mode: raw HTML is dropped (and tagfilter escapes <script>, <iframe>,
/// <style>, … should it ever be kept) and javascript:/vbscript:/file:/data: links are emptied.
std::string render_markdown(std::string_view markdown);

}  // namespace solusi::service
