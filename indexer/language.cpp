#include "language.hpp"

#include <algorithm>

#include "chat_words.hpp"
#include "text.hpp"

namespace solusi {
namespace {

constexpr const char* indonesian_stopwords[] = {
    "yang",    "dan",    "di",       "ke",     "dari",     "untuk",     "dengan",  "pada",    "ini",
    "itu",     "atau",   "adalah",   "akan",   "juga",     "sudah",     "telah",   "oleh",    "dalam",
    "sebagai", "bahwa",  "karena",   "agar",   "supaya",   "jika",      "kalau",   "maka",    "namun",
    "tetapi",  "tapi",   "saat",     "ketika", "para",     "pun",       "lah",     "kah",     "nya",
    "se",      "anda",   "kamu",     "kami",   "kita",     "saya",      "aku",     "dia",     "mereka",
    "ia",      "beliau", "kak",      "gan",    "sis",      "bisa",      "dapat",   "harus",   "perlu",
    "mohon",   "tolong", "silakan",  "apa",    "apakah",   "bagaimana", "gimana",  "gmn",     "kenapa",
    "mengapa", "kapan",  "dimana",   "mana",   "sih",      "dong",      "ya",      "yg",      "dgn",
    "utk",     "dr",     "dan/atau", "hal",    "tersebut", "secara",    "seperti", "antara",  "hingga",
    "sampai",  "lagi",   "masih",    "ada",    "tentang",  "terhadap",  "setelah", "sebelum", "bagi",
    "oleh",    "per",    "pula",     "saja",   "sangat"};

constexpr const char* english_stopwords[] = {
    "a",      "an",     "the",   "and",   "or",    "of",   "to",   "in",   "on",   "at",    "by",    "for",
    "with",   "from",   "as",    "is",    "are",   "was",  "were", "be",   "been", "being", "it",    "its",
    "this",   "that",   "these", "those", "i",     "me",   "my",   "we",   "our",  "you",   "your",  "he",
    "she",    "they",   "them",  "their", "his",   "her",  "do",   "does", "did",  "can",   "could", "would",
    "should", "will",   "shall", "may",   "might", "must", "have", "has",  "had",  "how",   "what",  "why",
    "when",   "where",  "which", "who",   "whom",  "if",   "then", "so",   "than", "there", "here",  "about",
    "into",   "please", "hi",    "hello", "also",  "just", "very", "some", "any",  "all",   "each",  "such"};

}  // namespace

std::string_view lang_code(Lang lang) {
  return lang == Lang::id ? "id" : "en";
}

std::optional<Lang> parse_lang(std::string_view text) {
  const std::string s = text::to_lower(text::trim(text));
  if (s == "id" || s == "in" || s == "ind" || s == "indonesian" || s == "indonesia" || s == "bahasa" ||
      s == "bahasa indonesia" || s.starts_with("id-") || s.starts_with("id_"))
    return Lang::id;
  if (s == "en" || s == "eng" || s == "english" || s.starts_with("en-") || s.starts_with("en_"))
    return Lang::en;
  return std::nullopt;
}

Xapian::Stem stemmer_for(Lang lang) {
  return Xapian::Stem(lang == Lang::id ? "indonesian" : "english");
}

const Xapian::Stopper& stopper_for(Lang lang) {
  static const Xapian::SimpleStopper id(std::begin(indonesian_stopwords), std::end(indonesian_stopwords));
  static const Xapian::SimpleStopper en(std::begin(english_stopwords), std::end(english_stopwords));
  return lang == Lang::id ? id : en;
}

std::string_view indonesian_chat_word(std::string_view word) {
  return builtin_chat_words().lookup(word);
}

std::vector<std::string> indonesian_root_variants(const std::string& word, const Xapian::Stem& stemmer) {
  auto is_vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; };
  auto absorbed = [](char c) { return c == 'k' || c == 't' || c == 'p' || c == 's'; };
  const std::string stem = stemmer(word);
  std::vector<std::string> out;
  auto add = [&](std::string v) {
    if (v.size() >= 3 && v != stem && std::find(out.begin(), out.end(), v) == out.end())
      out.push_back(std::move(v));
  };
  for (const std::string& base : {stem, word}) {
    if (base.size() < 3) continue;
    if (base != stem) add(base);
    if (is_vowel(base[0])) {
      for (char c : {'k', 't', 'p', 's'}) add(std::string(1, c) + base);
    } else if (absorbed(base[0]) && is_vowel(base[1])) {
      add(base.substr(1));
    }
  }
  return out;
}

}  // namespace solusi
