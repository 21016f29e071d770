// A large reference vocabulary of each language, so that a word counts as "known" although no article
// uses it: spelling correction may only touch unknown words ("dimanakah" is Indonesian, not a typo
// of "disanalah"; "uninstall" is English, not a typo of "install"). The vocabulary is Debian's
// hunspell-id and hunspell-en-us dictionaries read through libhunspell, which also knows their
// affixed forms ("menemukan", "feodalisme", "unregistered"); see docs/decisions.md.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

class Hunspell;

namespace solusi::service {

class ReferenceVocabulary {
 public:
  /// Where the dictionaries are looked for when none is configured: Debian's hunspell folders.
  static std::vector<std::filesystem::path> default_dirs();

  /// The process-wide vocabulary over default_dirs(), loaded on first use (about 90 ms). Without
  /// dictionaries it knows no word, and spelling falls back to what the index knows.
  static const ReferenceVocabulary& shared();

  /// Loads id_ID and en_US (.aff + .dic) from the first of @p dirs that holds each.
  explicit ReferenceVocabulary(const std::vector<std::filesystem::path>& dirs);
  ~ReferenceVocabulary();
  ReferenceVocabulary(const ReferenceVocabulary&) = delete;
  ReferenceVocabulary& operator=(const ReferenceVocabulary&) = delete;

  /// Whether @p word (lowercase UTF-8) or one of its lookup_forms() is a word of either language.
  /// Thread-safe.
  bool knows(std::string_view word) const;

  /// The dictionaries loaded ("id_ID", "en_US"), for logs and /readyz-style reporting.
  std::vector<std::string> loaded() const;

 private:
  struct Dictionary;
  bool spelled(const std::string& word) const;
  std::vector<std::unique_ptr<Dictionary>> dictionaries_;
  mutable std::mutex mutex_;  // Hunspell's spell() keeps state: one caller at a time
};

/// The forms under which a query word may be in a dictionary: itself; without an Indonesian clitic
/// (-kah, -lah, -pun, -nya: "manakah" → "mana"); with a glued preposition split off ("dimana" →
/// "mana", "kemana" → "mana", "darimana" → "mana"), and both ("dimanakah" → "mana").
std::vector<std::string> lookup_forms(std::string_view word);

}  // namespace solusi::service
