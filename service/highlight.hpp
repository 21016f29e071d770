// Highlighted snippets of search hits.
//
// Xapian's MSet::snippet() tokenises, stems and scores every word it is given; measured with
// callgrind it was 52–63% of a whole search (about 300,000 instructions per hit). This picks the
// passage with a cheap substring scan and stems only the words of that passage.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace solusi::service {

struct SnippetTerms {
  std::vector<std::string> stems;  ///< lowercase stems of the wanted words (the article's language)
  std::vector<std::string> words;  ///< lowercase words as typed (matched unstemmed too)
  std::string prefix;              ///< the last word when it is matched as a prefix; empty otherwise
  /// Multi-word expansions (a synonym such as "one time password"), as the stems of their words:
  /// marked only where all of them stand side by side, never one word at a time.
  std::vector<std::vector<std::string>> phrases;
};

/// Byte range of @p text, about @p width bytes and on word boundaries, holding the most distinct
/// @p needles (lowercase stems); the start of the text when none occurs.
std::pair<size_t, size_t> best_passage(std::string_view text, const std::vector<std::string>& needles,
                                       size_t width);

/// An HTML snippet of about @p width bytes of @p text: the best passage, words matching @p terms in
/// <mark>…</mark>, everything else HTML-escaped, "…" where text was cut. Empty when nothing matches.
std::string highlight(std::string_view text, const SnippetTerms& terms, const Xapian::Stem& stemmer,
                      size_t width);

}  // namespace solusi::service
