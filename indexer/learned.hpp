// Words learned from resolved tickets, attached to the articles that solved them.
//
// When a ticket is marked resolved with an article, the ticket's key terms (stems in the ticket's
// language) become terms of that article under the schema's `learned` prefix ("ZXT" + stem), with a
// wdf that grows with the number of resolutions. Suggestions search them with a weight below the
// article's own text. events.db is the source of truth: the index is a cache, rebuilt from it.
#pragma once

#include <xapian.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace solusi {

struct LearnedTerm {
  std::string stem;    ///< a stem of the ticket's language, without prefix
  unsigned count = 1;  ///< how many resolving tickets contained it
};

/// Learned terms of each article, by slug.
using LearnedTerms = std::unordered_map<std::string, std::vector<LearnedTerm>>;

/// At most this many distinct learned terms per article; the least recently seen are forgotten.
inline constexpr size_t max_learned_terms = 200;
/// The wdf of a learned term stops growing at this many resolutions.
inline constexpr unsigned max_learned_wdf = 8;

/// The Xapian term of a learned stem ("ZXT" + stem).
std::string learned_term(std::string_view stem);

/// Fingerprint of a set of learned terms, stored in the document so that an unchanged article with
/// changed learned terms is still rewritten; empty for no terms.
std::string learned_fingerprint(const std::vector<LearnedTerm>& terms);

/// Replaces the learned terms of @p doc with @p terms and records their fingerprint.
void set_learned_terms(Xapian::Document& doc, const std::vector<LearnedTerm>& terms);

}  // namespace solusi
