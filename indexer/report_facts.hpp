// What the team leads' reports (service/reports.hpp) know of an article beyond its metadata: the stems
// of its title and tags and a sketch of its text. Computed at index time and stored, with the
// metadata, in one value slot (schema::Slot::report_facts) in a compact binary form, so that a report
// over a large knowledge base reads one value stream instead of every document's data and text.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "document.hpp"
#include "language.hpp"

namespace solusi {

/// Stems of short texts (titles, tags, queries) as the reports compare them. Not thread-safe (it owns
/// its stemmers): one per thread.
class TermExtractor {
 public:
  TermExtractor();
  /// Appends the stems of @p text in @p lang to @p stems, and the words as written to @p words when
  /// given (parallel), skipping stems already in @p stems: Indonesian chat spellings normalized
  /// ("blm" → "belum"), stop words, numbers and one-letter words dropped.
  void add(std::string_view text, Lang lang, std::vector<std::string>& stems,
           std::vector<std::string>* words = nullptr);

 private:
  Xapian::Stem stemmers_[2];
};

/// Word pairs of a text whose hashes are kept in an article's sketch (bottom-k).
inline constexpr size_t sketch_size = 64;

/// The reports' keys of an article.
struct ReportKeys {
  std::vector<std::string> key_stems;    ///< stems of the title and tags, sorted, unique
  std::vector<std::string> title_stems;  ///< stems of the title, sorted, unique
  std::vector<std::uint64_t> sketch;     ///< the smallest sketch_size hashes of its text's word pairs
};

/// The keys of @p article from its title, tags, language and plain text (as stored: article.text).
ReportKeys report_keys(const StoredArticle& article, TermExtractor& terms);

/// The value of schema::Slot::report_facts: @p article's metadata (not its text, Markdown or extra
/// fields) and @p keys.
std::string encode_report_facts(const StoredArticle& article, const ReportKeys& keys);
/// Reads a value encode_report_facts wrote: false when @p value is not one (another format version,
/// truncated), and then @p article and @p keys are unspecified.
bool decode_report_facts(std::string_view value, StoredArticle& article, ReportKeys& keys);

}  // namespace solusi
