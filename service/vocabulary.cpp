#include "vocabulary.hpp"

#include <algorithm>
#include <hunspell.hxx>

namespace fs = std::filesystem;

namespace solusi::service {
namespace {

/// Dictionaries Solusi reads: one per language it indexes.
constexpr const char* dictionary_names[] = {"id_ID", "en_US"};
/// Shortest word a clitic or preposition is stripped from, so that "dia" never becomes "a".
constexpr size_t min_stripped_bytes = 3;

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string capitalised(const std::string& w) {
  std::string out = w;
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

}  // namespace

struct ReferenceVocabulary::Dictionary {
  std::string name;
  std::unique_ptr<Hunspell> hunspell;
  bool utf8 = false;  // hunspell-id is ISO-8859-1: only ASCII words are asked there
};

std::vector<fs::path> ReferenceVocabulary::default_dirs() {
  return {"/usr/share/hunspell", "/usr/share/myspell/dicts", "/usr/share/myspell"};
}

const ReferenceVocabulary& ReferenceVocabulary::shared() {
  static const ReferenceVocabulary vocabulary(default_dirs());
  return vocabulary;
}

ReferenceVocabulary::ReferenceVocabulary(const std::vector<fs::path>& dirs) {
  for (const char* name : dictionary_names) {
    for (const auto& dir : dirs) {
      const fs::path aff = dir / (std::string(name) + ".aff"), dic = dir / (std::string(name) + ".dic");
      std::error_code ec;
      if (!fs::is_regular_file(aff, ec) || !fs::is_regular_file(dic, ec)) continue;
      auto d = std::make_unique<Dictionary>();
      d->name = name;
      d->hunspell = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
      std::string encoding = d->hunspell->get_dict_encoding();
      std::transform(encoding.begin(), encoding.end(), encoding.begin(),
                     [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
      d->utf8 = encoding == "UTF-8" || encoding == "UTF8";
      dictionaries_.push_back(std::move(d));
      break;
    }
  }
}

ReferenceVocabulary::~ReferenceVocabulary() = default;

std::vector<std::string> ReferenceVocabulary::loaded() const {
  std::vector<std::string> out;
  for (const auto& d : dictionaries_) out.push_back(d->name);
  return out;
}

bool ReferenceVocabulary::spelled(const std::string& word) const {
  const bool ascii = is_ascii(word);
  for (const auto& d : dictionaries_) {
    if (!ascii && !d->utf8) continue;
    // Proper names are capitalised in the dictionaries ("Jakarta"); queries arrive lowercase.
    if (d->hunspell->spell(word) || d->hunspell->spell(capitalised(word))) return true;
  }
  return false;
}

bool ReferenceVocabulary::knows(std::string_view word) const {
  if (dictionaries_.empty() || word.empty()) return false;
  const std::lock_guard lock(mutex_);
  for (const auto& form : lookup_forms(word))
    if (spelled(form)) return true;
  return false;
}

std::vector<std::string> lookup_forms(std::string_view word) {
  std::vector<std::string> out{std::string(word)};
  auto add = [&](std::string w) {
    if (w.size() >= min_stripped_bytes && std::find(out.begin(), out.end(), w) == out.end())
      out.push_back(std::move(w));
  };
  std::vector<std::string> bases{std::string(word)};
  for (std::string_view clitic : {"kah", "lah", "pun", "nya"})
    if (word.size() > clitic.size() + min_stripped_bytes - 1 && word.ends_with(clitic)) {
      std::string stripped(word.substr(0, word.size() - clitic.size()));
      bases.push_back(stripped);
      add(std::move(stripped));
    }
  for (const auto& base : bases)
    for (std::string_view preposition : {"dari", "di", "ke"})
      if (base.size() >= preposition.size() + min_stripped_bytes && base.starts_with(preposition))
        add(base.substr(preposition.size()));
  return out;
}

}  // namespace solusi::service
