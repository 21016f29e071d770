#include "learned.hpp"

#include <algorithm>

#include "schema.hpp"
#include "text.hpp"

namespace solusi {

std::string learned_term(std::string_view stem) {
  // Built by appending: GCC 12 at -O3 warns (-Wrestrict, a false positive) on "Z" + std::string.
  std::string t;
  t.reserve(1 + schema::prefix::learned.size() + stem.size());
  t += 'Z';
  t += schema::prefix::learned;
  t += stem;
  return t;
}

std::string learned_fingerprint(const std::vector<LearnedTerm>& terms) {
  if (terms.empty()) return {};
  std::vector<std::string> parts;
  parts.reserve(terms.size());
  for (const auto& t : terms)
    parts.push_back(t.stem + ":" + std::to_string(std::min(t.count, max_learned_wdf)));
  std::sort(parts.begin(), parts.end());
  std::string joined;
  for (const auto& p : parts) joined += p + "\n";
  return text::to_hex(text::fnv1a64(joined));
}

void set_learned_terms(Xapian::Document& doc, const std::vector<LearnedTerm>& terms) {
  const std::string prefix = learned_term("");
  std::vector<std::string> old;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    it.skip_to(prefix);
    if (it == doc.termlist_end() || !(*it).starts_with(prefix)) break;
    old.push_back(*it);
  }
  for (const auto& t : old) doc.remove_term(t);
  size_t added = 0;
  for (const auto& t : terms) {
    if (t.stem.empty() || added >= max_learned_terms) continue;
    std::string term = learned_term(t.stem);
    if (term.size() > schema::max_term_bytes) continue;  // Xapian would refuse the whole document
    doc.add_term(term, std::clamp(t.count, 1u, max_learned_wdf));
    ++added;
  }
  const std::string fp = learned_fingerprint(terms);
  if (fp.empty()) {
    if (!doc.get_value(schema::slot(schema::Slot::learned)).empty())
      doc.remove_value(schema::slot(schema::Slot::learned));
  } else
    doc.add_value(schema::slot(schema::Slot::learned), fp);
}

}  // namespace solusi
