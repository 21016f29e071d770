#include "language.hpp"

#include <algorithm>
#include <unordered_set>

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

/// Words that ask rather than say: a question's topic is in its other words. Stopped in queries
/// (with the stop words above) and never expanded; the indexer keeps them, so a quoted phrase still
/// matches. The -kah/-lah forms are listed because the stemmer keeps some of them whole.
constexpr const char* indonesian_question_words[] = {
    "apa",       "apakah",      "apalah",    "siapa",        "siapakah",  "siapapun",   "kapan",
    "kapankah",  "dimana",      "dimanakah", "manakah",      "dimanapun", "kemana",     "kemanakah",
    "darimana",  "darimanakah", "bagaimana", "bagaimanakah", "mengapa",   "mengapakah", "kenapa",
    "kenapakah", "berapa",      "berapakah", "adakah",       "bilamana",  "bilakah",    "ialah",
    "yaitu",     "yakni",       "dimaksud",  "sebutkan",     "jelaskan",  "sih",        "kah",
    "seberapa",  "gimana",      "gmn",       "knp",          "kpn",       "brp",        "dmn"};

constexpr const char* english_question_words[] = {"what",  "whats", "who", "whom", "whose",  "when",
                                                  "where", "which", "why", "how",  "hows",   "whats",
                                                  "does",  "do",    "is",  "are",  "define", "explain"};

class QueryStopper final : public Xapian::Stopper {
 public:
  // Question words of both languages: each language's parse of a query runs on that language's
  // articles, and "siapakah" is no topic of an English article either.
  explicit QueryStopper(Lang lang) : lang_(lang) {
    words_.insert(std::begin(indonesian_question_words), std::end(indonesian_question_words));
    words_.insert(std::begin(english_question_words), std::end(english_question_words));
  }
  bool operator()(const std::string& term) const override {
    return words_.count(term) > 0 || stopper_for(lang_)(term);
  }

 private:
  Lang lang_;
  std::unordered_set<std::string> words_;
};

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

const Xapian::Stopper& query_stopper_for(Lang lang) {
  static const QueryStopper id(Lang::id);
  static const QueryStopper en(Lang::en);
  return lang == Lang::id ? id : en;
}

bool is_query_stop_word(const std::string& word) {
  return query_stopper_for(Lang::id)(word) || query_stopper_for(Lang::en)(word);
}

std::string_view indonesian_chat_word(std::string_view word) {
  return builtin_chat_words().lookup(word);
}

std::vector<std::string> indonesian_root_variants(
    const std::string& word, const Xapian::Stem& stemmer,
    const std::function<bool(const std::string&)>& surface_exists) {
  auto is_vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; };
  std::vector<std::string> out;
  if (word.size() < 3 || is_query_stop_word(word)) return out;
  const std::string stem = stemmer(word);
  if (stem.size() < 3 || is_query_stop_word(stem)) return out;
  auto add = [&](std::string v) {
    if (v.size() >= 3 && v != stem && std::find(out.begin(), out.end(), v) == out.end())
      out.push_back(std::move(v));
  };
  if (word != stem) add(word);
  // meN-/peN- before a vowel-initial stem absorbed the root's first consonant, and the nasal says
  // which: meng-/peng- a k (or nothing), meny-/peny- an s, mem-/pem- a p, men-/pen- a t.
  if (is_vowel(stem[0])) {
    struct Nasal {
      const char* prefix;
      char consonant;
    };
    for (const Nasal& n : {Nasal{"meng", 'k'}, Nasal{"peng", 'k'}, Nasal{"meny", 's'}, Nasal{"peny", 's'},
                           Nasal{"mem", 'p'}, Nasal{"pem", 'p'}, Nasal{"men", 't'}, Nasal{"pen", 't'}}) {
      const std::string_view p(n.prefix);
      if (word.size() > p.size() && word.compare(0, p.size(), p) == 0 &&
          word.compare(p.size(), stem.size(), stem) == 0) {
        add(std::string(1, n.consonant) + stem);
        break;
      }
    }
  }
  // A root as written ("kembali", "tarik"; the stemmer also strips the ke- of "kembali" to "mbali"):
  // its nasal-prefixed forms stem without the first consonant ("pengembalian" → "embali"). Only when
  // the index has such a form, so that "kali" does not become "ali" in an index without "pengali".
  for (const std::string& base : {stem, word}) {
    if (base.size() < 4 || !is_vowel(base[1])) continue;
    const char* nasals[2] = {nullptr, nullptr};
    switch (base[0]) {
      case 'k':
        nasals[0] = "meng", nasals[1] = "peng";
        break;
      case 't':
        nasals[0] = "men", nasals[1] = "pen";
        break;
      case 'p':
        nasals[0] = "mem", nasals[1] = "pem";
        break;
      case 's':
        nasals[0] = "meny", nasals[1] = "peny";
        break;
      default:
        continue;
    }
    const std::string rest = base.substr(1);
    for (const char* n : nasals)
      if (surface_exists(n + rest)) {
        add(rest);
        break;
      }
  }
  return out;
}

}  // namespace solusi
