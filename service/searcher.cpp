#include "searcher.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>

#include "highlight.hpp"
#include "index_writer.hpp"
#include "learned.hpp"
#include "schema.hpp"
#include "synonyms.hpp"
#include "text.hpp"
#include "vocabulary.hpp"

namespace fs = std::filesystem;

namespace solusi::service {
namespace {

/// BM25's k1: above Xapian's default of 1 so that the wdf boosts of titles (×5) and headings (×2)
/// still count after term-frequency saturation (measured on tests/data/queries.tsv: 85.5% top-3 at
/// 1.0, 91% on a plateau from 1.4 to 2.5).
constexpr double bm25_k1 = 1.6;
/// Weight of a synonym relative to the word the user typed.
constexpr double synonym_weight = 0.7;
/// Terms a trailing partial word may expand to (the most frequent ones win).
constexpr Xapian::termcount partial_expansion = 40;
constexpr size_t snippet_bytes = 240;
/// Weight of an Indonesian root variant relative to the stem of the word typed.
constexpr double variant_weight = 0.5;
/// Weight of the articles in the other language when the query's language is clear.
constexpr double other_language_weight = 0.6;
/// An article "matches well" when its score is at least this share of the best article's: the count
/// a search reports (total_estimate).
constexpr double well_matched_share = 0.4;
/// Matches counted exactly for that count; beyond it the count is Xapian's estimate.
constexpr Xapian::doccount max_counted_matches = 1000;
/// Postings of a query word looked at to see which language uses it.
constexpr int language_sample = 64;

std::string read_generation(const fs::path& index_dir) {
  std::ifstream in(index_dir / "XAPIANDB");
  std::string backend, target;
  in >> backend >> target;
  return target;
}

/// Counts each tag of a document (tags are '\n'-joined in one value slot).
class TagCountSpy : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document& doc, double) override {
    const std::string v = doc.get_value(schema::slot(schema::Slot::tags));
    size_t start = 0;
    while (start < v.size()) {
      auto nl = v.find('\n', start);
      if (nl == std::string::npos) nl = v.size();
      ++counts_[v.substr(start, nl - start)];
      start = nl + 1;
    }
  }
  const std::map<std::string, Xapian::doccount>& counts() const { return counts_; }

 private:
  std::map<std::string, Xapian::doccount> counts_;
};

std::vector<FacetCount> sorted_facets(const std::map<std::string, Xapian::doccount>& counts) {
  std::vector<FacetCount> out;
  for (const auto& [value, count] : counts) out.push_back({value, count});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return out;
}

/// What a query asks for, as far as expansions (synonyms, root variants) are concerned.
struct QueryTerms {
  std::string positive;               ///< the words and phrases the user wants, space-separated
  std::vector<std::string> excluded;  ///< "-word" / "-\"a phrase\"" / "NOT word", without the marker
  std::vector<std::string> fields;    ///< "name:value" tokens naming a schema field
};

bool is_field_token(std::string_view token) {
  const auto colon = token.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const auto name = token.substr(0, colon);
  return std::any_of(schema::fields.begin(), schema::fields.end(),
                     [&](const auto& f) { return f.name == name; });
}

QueryTerms analyse(std::string_view q) {
  QueryTerms out;
  bool negate_next = false;
  size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n')) ++i;
    if (i >= q.size()) break;
    bool negated = negate_next;
    negate_next = false;
    if (q[i] == '-' || q[i] == '+') {
      negated = negated || q[i] == '-';
      ++i;
    }
    size_t end;
    if (i < q.size() && q[i] == '"') {
      end = q.find('"', i + 1);
      end = end == std::string_view::npos ? q.size() : end + 1;
    } else {
      end = i;
      while (end < q.size() && q[end] != ' ' && q[end] != '\t' && q[end] != '\n') {
        if (q[end] == '"') {  // field:"a phrase"
          const auto close = q.find('"', end + 1);
          end = close == std::string_view::npos ? q.size() : close + 1;
        } else {
          ++end;
        }
      }
    }
    std::string_view token = q.substr(i, end - i);
    i = end;
    if (token.empty()) continue;
    if (token == "NOT") {
      negate_next = true;
      continue;
    }
    if (token == "AND" || token == "OR" || token == "XOR") continue;
    std::string text(token);
    if (is_field_token(token)) {
      out.fields.push_back(std::move(text));
    } else if (negated) {
      out.excluded.push_back(std::move(text));
    } else {
      if (!out.positive.empty()) out.positive += ' ';
      out.positive += text;
    }
  }
  return out;
}

/// The query with every word lowercased except the operators (AND, OR, NOT, XOR, NEAR, ADJ):
/// Xapian's STEM_SOME leaves a capitalised word unstemmed, so "Deleting" at the start of a question
/// would not meet "delete". Stemming does not depend on case here.
std::string lowercase_words(std::string_view q) {
  std::string out;
  out.reserve(q.size());
  size_t i = 0;
  while (i < q.size()) {
    size_t end = q.find_first_of(" \t\n", i);
    if (end == std::string_view::npos) end = q.size();
    const std::string_view token = q.substr(i, end - i);
    const bool op = token == "AND" || token == "OR" || token == "NOT" || token == "XOR" ||
                    token.starts_with("NEAR") || token.starts_with("ADJ");
    out += op ? std::string(token) : text::to_lower(token);
    if (end < q.size()) out += q[end];
    i = end + 1;
  }
  return out;
}

std::string serialise_day(const Date& d) {
  return Xapian::sortable_serialise(static_cast<double>(d.days_since_epoch()));
}

}  // namespace

Result<void> validate(const SearchRequest& r) {
  if (text::trim(r.q).empty()) return fail(ErrorCode::invalid_argument, "parameter 'q' is empty");
  if (r.q.size() > max_query_bytes)
    return fail(ErrorCode::invalid_argument,
                "parameter 'q' is longer than " + std::to_string(max_query_bytes) + " bytes");
  if (!text::is_valid_utf8(r.q)) return fail(ErrorCode::invalid_argument, "parameter 'q' is not valid UTF-8");
  if (r.q.find('\0') != std::string::npos)
    return fail(ErrorCode::invalid_argument, "parameter 'q' contains a NUL byte");
  if (r.limit < 1 || r.limit > max_limit)
    return fail(ErrorCode::invalid_argument,
                "parameter 'limit' must be between 1 and " + std::to_string(max_limit));
  if (r.offset > max_window || r.offset + r.limit > max_window)
    return fail(ErrorCode::invalid_argument, "parameters 'offset' + 'limit' must not exceed " +
                                                 std::to_string(max_window) + " (result window)");
  return {};
}

Searcher::Searcher(fs::path index_dir, Xapian::Database db, std::string generation)
    : index_dir_(std::move(index_dir)),
      db_(std::move(db)),
      generation_(std::move(generation)),
      stemmers_{stemmer_for(Lang::id), stemmer_for(Lang::en)} {
  for (Lang lang : all_langs) {
    auto& qp = parsers_[static_cast<int>(lang)];
    qp.set_stemmer(stemmer_for(lang));
    qp.set_stopper(&query_stopper_for(lang));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_OR);
    qp.set_max_expansion(partial_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                         Xapian::QueryParser::FLAG_PARTIAL);
    for (const auto& f : schema::fields) {
      if (f.kind == schema::FieldKind::boolean)
        qp.add_boolean_prefix(std::string(f.name), std::string(f.prefix));
      else
        qp.add_prefix(std::string(f.name), std::string(f.prefix));
    }
  }
}

Result<Searcher> Searcher::open(const fs::path& index_dir) {
  try {
    Xapian::Database db(index_dir.string());
    const std::string version = db.get_metadata(schema::meta::schema_version);
    if (version != std::to_string(schema::version))
      return fail(ErrorCode::index_unavailable,
                  "index " + index_dir.string() + " has schema version '" + version + "', this build needs " +
                      std::to_string(schema::version) + ": run `solusi index --full`");
    (void)ReferenceVocabulary::shared();  // loaded now rather than in the first search
    Searcher searcher(index_dir, std::move(db), read_generation(index_dir));
    searcher.load_caches();
    return searcher;
  } catch (const Xapian::Error& e) {
    return fail(ErrorCode::index_unavailable, "cannot open index " + index_dir.string() + " (" + e.get_msg() +
                                                  "): run `solusi index` first");
  }
}

Xapian::rev Searcher::revision() const {
  try {
    return db_.get_revision();
  } catch (const Xapian::Error&) {
    return 0;
  }
}

Result<bool> Searcher::refresh() {
  try {
    const std::string generation = read_generation(index_dir_);
    if (!generation.empty() && generation != generation_) {
      db_ = Xapian::Database(index_dir_.string());
      generation_ = generation;
      load_caches();
      return true;
    }
    const bool changed = db_.reopen();
    if (changed) load_caches();
    return changed;
  } catch (const Xapian::Error&) {
    // A reopen that races a commit can read a block the writer is replacing ("Expected block N to be
    // level 1, not 0"): open the index afresh once before calling it unavailable.
    try {
      db_ = Xapian::Database(index_dir_.string());
      generation_ = read_generation(index_dir_);
      load_caches();
      return true;
    } catch (const Xapian::Error& e) {
      return fail(ErrorCode::index_unavailable, "cannot reopen index: " + e.get_msg());
    }
  }
}

Result<void> Searcher::answers() {
  return guarded("readiness probe", [&]() -> Result<void> {
    // Opened afresh: this reader's cached blocks would hide a table damaged since it opened.
    const Xapian::Database db(index_dir_.string());
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query::MatchAll);
    const Xapian::MSet first = enquire.get_mset(0, 1);
    if (first.empty()) return {};
    const Xapian::Document doc = first.begin().get_document();
    (void)doc.get_data();
    const std::string slug = doc.get_value(schema::slot(schema::Slot::slug));
    if (slug.empty() || db.get_termfreq(schema::term(schema::prefix::id, slug)) == 0)
      return fail(ErrorCode::index_unavailable, "index " + index_dir_.string() +
                                                    " is inconsistent: document " +
                                                    std::to_string(*first.begin()) + " has no findable slug");
    return {};
  });
}

void Searcher::load_caches() {
  const std::string chat_words = db_.get_metadata(schema::meta::chat_words);
  chat_words_ = chat_words.empty() ? builtin_chat_words() : ChatWords::deserialise(chat_words);
  category_groups_ = deserialise_category_groups(db_.get_metadata(schema::meta::category_groups));
  synonym_words_.clear();
  for (auto it = db_.synonym_keys_begin(); it != db_.synonym_keys_end(); ++it)
    for (auto& w : text::words(*it)) synonym_words_.insert(std::move(w));
  doc_lang_.assign(db_.get_lastdocid() + 1, 0);
  for (Lang lang : all_langs) {
    const std::string term = schema::term(schema::prefix::lang, lang_code(lang));
    Xapian::doccount n = 0;
    for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it, ++n)
      if (*it < doc_lang_.size()) doc_lang_[*it] = static_cast<std::uint8_t>(1 + static_cast<int>(lang));
    lang_docs_[static_cast<int>(lang)] = n;
  }
}

std::optional<Lang> Searcher::guess_language(const std::string& q) const {
  const double n_id = lang_docs_[static_cast<int>(Lang::id)], n_en = lang_docs_[static_cast<int>(Lang::en)];
  if (n_id == 0 || n_en == 0) return std::nullopt;
  // Sum over the words of log(rate among Indonesian articles / rate among English ones), each rate
  // estimated from the word's first postings. Words no article uses say nothing.
  double evidence = 0;
  for (const auto& w : text::words(q)) {
    int count[2] = {0, 0}, seen = 0;
    for (auto it = db_.postlist_begin(w); it != db_.postlist_end(w) && seen < language_sample; ++it, ++seen) {
      if (*it < doc_lang_.size() && doc_lang_[*it]) ++count[doc_lang_[*it] - 1];
    }
    if (seen == 0) continue;
    evidence += std::log((count[0] + 0.5) / n_id) - std::log((count[1] + 0.5) / n_en);
  }
  if (evidence > 1.0) return Lang::id;
  if (evidence < -1.0) return Lang::en;
  return std::nullopt;
}

std::string Searcher::standard_words(const std::string& text) const {
  WordRepairBudget budget;
  return normalize_chat(text, budget);
}

std::string Searcher::normalize_chat(const std::string& q, WordRepairBudget& budget, bool keep_last) const {
  // Whitespace tokens; a "plain" one is a single word as written (no quotes, operators or fields).
  std::vector<std::string> tokens;
  size_t start = 0;
  while (start < q.size()) {
    size_t end = q.find_first_of(" \t\n", start);
    if (end == std::string::npos) end = q.size();
    if (end > start) tokens.push_back(q.substr(start, end - start));
    start = end + 1;
  }
  auto plain_word = [](const std::string& token) -> std::optional<std::string> {
    auto words = text::words(token);
    if (words.size() == 1 && words.front().size() == token.size()) return std::move(words.front());
    return std::nullopt;
  };
  // A last word being typed is left whole while it is the start of some word in the index.
  if (keep_last && !tokens.empty()) {
    const auto w = plain_word(tokens.back());
    keep_last = w && db_.allterms_begin(*w) != db_.allterms_end(*w);
  }
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string token = tokens[i];
    const bool last = i + 1 == tokens.size();
    if (auto w = plain_word(token)) {
      std::optional<std::string> joined;
      if (i + 2 < tokens.size() || (i + 2 == tokens.size() && !keep_last))
        if (auto next = plain_word(tokens[i + 1])) joined = join_words(*w, *next, budget);
      if (joined) {
        token = *joined;
        ++i;
      } else if (std::string n = normalize_word(*w, budget, !(last && keep_last)); n != *w) {
        token = std::move(n);
      }
    }
    if (!out.empty()) out += ' ';
    out += token;
  }
  return out;
}

std::string Searcher::normalize_word(std::string w, WordRepairBudget& budget, bool may_split) const {
  // "nyampe2", "berkali2": Indonesian reduplication written with a 2, unless the index knows the word.
  if (w.size() >= 4 && w.back() == '2' && !db_.term_exists(w) &&
      std::all_of(w.begin(), w.end() - 1, [](char c) { return c >= 'a' && c <= 'z'; }))
    w.pop_back();
  if (auto standard = chat_words_.lookup(w); !standard.empty()) return std::string(standard);
  if (w.size() > 5 && !db_.term_exists(w)) {
    // Jakarta "-in" for "-kan" ("batalin"), and "ng-" for "meng-" ("ngirim", "ngamuk").
    const std::string kan = w.ends_with("in") ? w.substr(0, w.size() - 2) + "kan" : std::string();
    const std::string meng = w.starts_with("ng") ? "me" + w : std::string();
    if (!kan.empty() && db_.term_exists(kan)) return kan;
    if (!meng.empty() && db_.term_exists(meng)) return meng;
  }
  // A glued word ("tdkbisa", "lupapassword"): plain ASCII letters no article, synonym or learned
  // word uses, cut where both pieces are words the articles (or the chat table) use.
  const bool letters = std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!may_split || !letters || budget.splits == 0 || w.size() < 2 * min_split_piece_bytes - 1 ||
      w.size() > max_glued_word_bytes || stopper_for(Lang::id)(w) || stopper_for(Lang::en)(w) ||
      synonym_words_.count(w) > 0 || word_frequency(w) > 0 ||
      db_.term_exists(learned_term(stemmers_[static_cast<int>(Lang::id)](w))))
    return w;
  --budget.splits;
  const Xapian::doccount common = db_.get_doccount() + 1;  // a chat or function word: always a word
  auto piece_score = [&](const std::string& piece) -> Xapian::doccount {
    if (!chat_words_.lookup(piece).empty()) return common;
    if (piece.size() < min_split_piece_bytes) return 0;
    if (stopper_for(Lang::id)(piece) || stopper_for(Lang::en)(piece)) return common;
    return word_frequency(piece);
  };
  Xapian::doccount best = 0;
  size_t cut = 0;
  for (size_t i = 2; i + 2 <= w.size(); ++i) {
    const Xapian::doccount left = piece_score(w.substr(0, i));
    if (left == 0) continue;
    const Xapian::doccount score = std::min(left, piece_score(w.substr(i)));
    if (score > best) {
      best = score;
      cut = i;
    }
  }
  if (cut == 0) return w;
  auto standard = [&](const std::string& piece) {
    const auto s = chat_words_.lookup(piece);
    return s.empty() ? piece : std::string(s);
  };
  return standard(w.substr(0, cut)) + " " + standard(w.substr(cut));
}

std::optional<std::string> Searcher::join_words(const std::string& a, const std::string& b,
                                                WordRepairBudget& budget) const {
  auto letters = [](const std::string& w) {
    return std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  };
  // Cheap checks first: function and chat words ("ga bisa") are never half of a word.
  if (budget.joins == 0 || a.size() < 2 || b.size() < 2 || a.size() + b.size() > max_glued_word_bytes ||
      !letters(a) || !letters(b))
    return std::nullopt;
  for (const auto* w : {&a, &b})
    if (stopper_for(Lang::id)(*w) || stopper_for(Lang::en)(*w) || !chat_words_.lookup(*w).empty())
      return std::nullopt;
  --budget.joins;
  std::string joined = a + b;
  const Xapian::doccount df = word_frequency(joined);
  if (df == 0 || word_frequency(a) * join_dominance > df || word_frequency(b) * join_dominance > df)
    return std::nullopt;
  return joined;
}

Xapian::doccount Searcher::word_frequency(const std::string& word) const {
  Xapian::doccount df = db_.get_termfreq(word);
  for (Lang lang : all_langs)
    df = std::max(
        df, db_.get_termfreq(schema::term(schema::prefix::stemmed, stemmers_[static_cast<int>(lang)](word))));
  return df;
}

Searcher::IndexedStem Searcher::indexed_stem(const std::string& word, Lang lang) const {
  IndexedStem out;
  out.stem = stemmers_[static_cast<int>(lang)](word);
  out.df = db_.get_termfreq(schema::term(schema::prefix::stemmed, out.stem));
  if (out.df == 0) out.df = db_.get_termfreq(word);
  if (out.df > 0) return out;
  const Lang other = lang == Lang::id ? Lang::en : Lang::id;
  if (stopper_for(other)(word)) return out;
  std::string other_stem = stemmers_[static_cast<int>(other)](word);
  if (const Xapian::doccount df = db_.get_termfreq(schema::term(schema::prefix::stemmed, other_stem));
      df > 0) {
    out.stem = std::move(other_stem);
    out.df = df;
    out.other_language = true;
  }
  return out;
}

Xapian::Query Searcher::code_switch_query(const std::string& q, Lang lang,
                                          std::vector<std::string>* stems) const {
  std::vector<Xapian::Query> terms;
  for (const auto& word : text::words(q)) {
    if (word.size() < 3 || stopper_for(lang)(word)) continue;
    const IndexedStem s = indexed_stem(word, lang);
    if (!s.other_language) continue;
    terms.emplace_back(schema::term(schema::prefix::stemmed, s.stem));
    if (stems) stems->push_back(s.stem);
  }
  if (terms.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

bool Searcher::visible_somewhere(const std::string& term, const SearchRequest& request) const {
  // The same visibility as the search itself: lifecycle, audience and the publish_at/valid_to window.
  Xapian::Enquire enquire(db_);
  enquire.set_query(visible_only(Xapian::Query(term), request));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return !enquire.get_mset(0, 1).empty();
}

std::string Searcher::correct_spelling(const std::string& q, bool partial,
                                       const SearchRequest& request) const {
  // Xapian's own FLAG_SPELLING_CORRECTION also "corrects" real words that have a more frequent
  // neighbour ("isi" → "ini"); only words no article contains are corrected here.
  std::string out;
  bool changed = false;
  size_t start = 0;
  while (start < q.size()) {
    size_t end = q.find_first_of(" \t\n", start);
    if (end == std::string::npos) end = q.size();
    std::string token = q.substr(start, end - start);
    const bool last = end == q.size();
    const auto words = text::words(token);
    const bool plain =
        words.size() == 1 && !token.empty() && token.front() != '-' && token.find(':') == std::string::npos;
    if (plain) {
      const std::string& w = words.front();
      const bool has_digit = std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
      const bool is_prefix = last && partial && db_.allterms_begin(w) != db_.allterms_end(w);
      // Known: in the index, a stop or question word, a synonym or chat spelling, or a word of the
      // language (the reference vocabulary, with clitics and a glued "di" taken off). A word is not
      // misspelled because no article happens to use it.
      const bool known = db_.term_exists(w) || is_query_stop_word(w) || synonym_words_.count(w) > 0 ||
                         !chat_words_.lookup(w).empty() || ReferenceVocabulary::shared().knows(w);
      if (w.size() >= 3 && !has_digit && !is_prefix && !known) {
        const std::string suggestion = db_.get_spelling_suggestion(w, w.size() <= 4 ? 1 : 2);
        // The spelling table holds every article's words: never suggest one the reader cannot see.
        if (!suggestion.empty() && visible_somewhere(suggestion, request)) {
          token = suggestion;
          changed = true;
        }
      }
    }
    if (!out.empty()) out += ' ';
    out += token;
    start = end + 1;
  }
  return changed ? out : std::string();
}

Xapian::Query Searcher::text_query(const std::string& q, Lang lang, unsigned flags) {
  auto& qp = parsers_[static_cast<int>(lang)];
  qp.set_database(db_);
  const std::string lower = lowercase_words(q);
  try {
    return qp.parse_query(lower, flags);
  } catch (const Xapian::QueryParserError&) {
    // Pasted text with stray operators ("error (code", "AND"): read it as plain words.
    return qp.parse_query(lower, flags & Xapian::QueryParser::FLAG_PARTIAL);
  }
}

Xapian::Query Searcher::indonesian_variant_query(const std::string& q, std::vector<std::string>* stems) {
  // Xapian::Stem keeps state while stemming: one per Searcher (per thread), never a shared static.
  const Xapian::Stem& stemmer = stemmers_[static_cast<int>(Lang::id)];
  std::vector<Xapian::Query> variants;
  for (const auto& word : text::words(q)) {
    for (const auto& v : indonesian_root_variants(word, stemmer, [&](const std::string& p) {
           return db_.allterms_begin(p) != db_.allterms_end(p);
         })) {
      const std::string term = schema::term(schema::prefix::stemmed, v);
      if (db_.term_exists(term)) {
        variants.emplace_back(term);
        if (stems) stems->push_back(v);
      }
    }
  }
  if (variants.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(Xapian::Query::OP_OR, variants.begin(), variants.end()), variant_weight);
}

Xapian::Query Searcher::synonym_query(const std::string& q, Lang lang, std::vector<std::string>* matched,
                                      std::vector<std::vector<std::string>>* phrases) {
  // Synonyms come from Xapian's synonym table, keyed by lowercase words and phrases (see
  // synonyms.txt). Longest phrase first, each word used once.
  const std::vector<std::string> words = text::words(q);
  auto& qp = parsers_[static_cast<int>(lang)];
  std::vector<Xapian::Query> expansions;
  std::vector<bool> used(words.size(), false);
  for (size_t n = std::min<size_t>(3, words.size()); n >= 1; --n) {
    for (size_t i = 0; i + n <= words.size(); ++i) {
      if (std::any_of(used.begin() + static_cast<long>(i), used.begin() + static_cast<long>(i + n),
                      [](bool b) { return b; }))
        continue;
      std::string key = words[i];
      for (size_t k = 1; k < n; ++k) key += " " + words[i + k];
      std::vector<Xapian::Query> alternatives;
      for (auto it = db_.synonyms_begin(key); it != db_.synonyms_end(key); ++it) {
        qp.set_default_op(Xapian::Query::OP_AND);  // "pengembalian dana" needs both words
        Xapian::Query alt = qp.parse_query(*it, 0);
        qp.set_default_op(Xapian::Query::OP_OR);
        if (!alt.empty()) alternatives.push_back(alt);
        // A one-word synonym is highlighted wherever it stands; a longer one only as a whole
        // ("otp" must not mark "time" in "time zone" for "one time password").
        auto alt_words = text::words(*it);
        if (alt_words.size() == 1 && matched)
          matched->push_back(std::move(alt_words.front()));
        else if (alt_words.size() > 1 && phrases)
          phrases->push_back(std::move(alt_words));
      }
      if (alternatives.empty()) continue;
      std::fill(used.begin() + static_cast<long>(i), used.begin() + static_cast<long>(i + n), true);
      expansions.emplace_back(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
    }
  }
  if (expansions.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(Xapian::Query::OP_OR, expansions.begin(), expansions.end()),
                       synonym_weight);
}

/// Error of a Xapian failure while answering: a query the parser refuses is the caller's, anything
/// else the index's.
Error xapian_failure(const Xapian::Error& e, const char* what) {
  if (std::string_view(e.get_type()) == "QueryParserError")
    return Error{ErrorCode::invalid_query, "cannot parse query: " + e.get_msg(), {}, 0};
  return Error{ErrorCode::index_unavailable, std::string(what) + " failed: " + e.get_description(), {}, 0};
}

Xapian::Query visible_only(Xapian::Query query, const SearchRequest& request) {
  if (!request.include_unpublished)
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(schema::term(schema::prefix::status, "published")));
  else
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                          Xapian::Query(schema::term(schema::prefix::status, "archived")));
  if (request.public_only)
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(schema::term(schema::prefix::audience, "public")));
  if (!request.include_unpublished) query = within_date_window(query, request.today.value_or(Date::today()));
  return query;
}

Xapian::Query within_date_window(const Xapian::Query& query, const Date& today) {
  Xapian::Query q(Xapian::Query::OP_AND_NOT, query,
                  Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::slot(schema::Slot::publish_at),
                                serialise_day(today.plus_days(1))));
  return Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                       Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::slot(schema::Slot::valid_to),
                                     serialise_day(today.plus_days(-1))));
}

Result<SearchResult> Searcher::search(const SearchRequest& request) {
  if (auto ok = validate(request); !ok) return tl::unexpected(ok.error());
  return guarded("search", [&] { return run(request); });
}

Result<SearchResult> Searcher::run(const SearchRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  // Only a query that ends inside a word is still being typed: "… Seoul?" or "… refund " is finished.
  const auto ends_in_word = [](const std::string& s) {
    const auto c = static_cast<unsigned char>(s.back());
    return c >= 0x80 || std::isalnum(c) != 0;
  };
  bool partial = request.partial_last_word && !request.q.empty() && ends_in_word(request.q);
  WordRepairBudget budget;
  const std::string q = normalize_chat(std::string(text::trim(request.q)), budget, partial);
  // A last word that is a whole stop or question word ("… minimal brp" → "berapa") is finished, not
  // the start of a longer word: expanding it would match every article that uses "apa".
  if (partial)
    if (const auto words = text::words(q); !words.empty() && is_query_stop_word(words.back()))
      partial = false;

  unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_LOVEHATE |
                   Xapian::QueryParser::FLAG_BOOLEAN;
  if (partial) flags |= Xapian::QueryParser::FLAG_PARTIAL;

  std::vector<Lang> langs;
  if (request.lang)
    langs.push_back(*request.lang);
  else
    langs.assign(all_langs.begin(), all_langs.end());
  const std::string corrected = correct_spelling(q, partial, request);
  const std::optional<Lang> query_language = guess_language(q);

  // Expansions (synonyms, Indonesian root variants) come from the words the user wants, and obey the
  // same exclusions and field filters as the query itself.
  std::vector<QueryTerms> analysed{analyse(q)};
  if (analysed.front().positive.empty() && analysed.front().fields.empty() &&
      !analysed.front().excluded.empty())
    return fail(ErrorCode::invalid_query, "the query only excludes words (-word): add a word to search for");
  if (!corrected.empty()) analysed.push_back(analyse(corrected));

  // Each language's parse only scores that language's articles: stems never meet another stemmer's.
  std::vector<Xapian::Query> per_lang;
  std::vector<std::string> expansion_words[2];  // synonym words and root variants, for highlighting
  std::vector<std::vector<std::string>> expansion_phrases[2];  // multi-word synonyms, highlighted whole
  for (Lang lang : langs) {
    std::vector<Xapian::Query> parts{text_query(q, lang, flags)};
    if (!corrected.empty()) parts.push_back(text_query(corrected, lang, flags));
    std::vector<Xapian::Query> expansions;
    auto& expanded = expansion_words[static_cast<int>(lang)];
    for (const QueryTerms& terms : analysed) {
      if (auto syn =
              synonym_query(terms.positive, lang, &expanded, &expansion_phrases[static_cast<int>(lang)]);
          !syn.empty())
        expansions.push_back(syn);
      if (lang == Lang::id)
        if (auto variants = indonesian_variant_query(terms.positive, &expanded); !variants.empty())
          expansions.push_back(variants);
      if (auto switched = code_switch_query(terms.positive, lang, &expanded); !switched.empty())
        expansions.push_back(switched);
    }
    if (!expansions.empty()) {
      Xapian::Query e(Xapian::Query::OP_OR, expansions.begin(), expansions.end());
      for (const auto& x : analysed.front().excluded)
        if (auto nq = text_query(x, lang, 0); !nq.empty())
          e = Xapian::Query(Xapian::Query::OP_AND_NOT, e, nq);
      for (const auto& f : analysed.front().fields)
        if (auto fq = text_query(f, lang, Xapian::QueryParser::FLAG_PHRASE); !fq.empty())
          e = Xapian::Query(Xapian::Query::OP_FILTER, e, fq);
      parts.push_back(e);
    }
    Xapian::Query text(Xapian::Query::OP_OR, parts.begin(), parts.end());
    if (!request.lang && request.prefer_query_language && query_language && *query_language != lang)
      text = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, text, other_language_weight);
    per_lang.emplace_back(Xapian::Query::OP_FILTER, text,
                          Xapian::Query(schema::term(schema::prefix::lang, lang_code(lang))));
  }
  Xapian::Query query(Xapian::Query::OP_OR, per_lang.begin(), per_lang.end());

  // Filters: tags, category, then visibility (lifecycle, audience, date window).
  std::vector<Xapian::Query> filters;
  for (const auto& tag : request.tags)
    filters.emplace_back(schema::term(schema::prefix::tag, text::to_lower(tag)));
  if (request.category) {
    // The same category in the other language too (articles/categories.txt).
    const std::string category = text::to_lower(*request.category);
    std::vector<Xapian::Query> same;
    if (const auto g = category_groups_.find(category); g != category_groups_.end())
      for (const auto& c : g->second) same.emplace_back(schema::term(schema::prefix::category, c));
    else
      same.emplace_back(schema::term(schema::prefix::category, category));
    filters.emplace_back(Xapian::Query::OP_OR, same.begin(), same.end());
  }
  for (const auto& f : filters) query = Xapian::Query(Xapian::Query::OP_FILTER, query, f);
  query = visible_only(query, request);

  const Xapian::BM25Weight weighting(bm25_k1, 0, 1, 0.5, 0.5);
  Xapian::Enquire enquire(db_);
  enquire.set_query(query);
  enquire.set_weighting_scheme(weighting);
  Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                       static_cast<Xapian::doccount>(request.limit));

  // What a snippet marks, per language: the wanted words, their stems, the prefix being typed.
  SnippetTerms snippet_terms[2];
  const Xapian::Stem(&stemmers)[2] = stemmers_;
  for (Lang lang : all_langs) {
    SnippetTerms& t = snippet_terms[static_cast<int>(lang)];
    for (const QueryTerms& terms : analysed)
      for (const auto& w : text::words(terms.positive)) {
        if (stopper_for(lang)(w)) continue;
        std::string stem = stemmers[static_cast<int>(lang)](w);
        if (stem.size() >= 2 && std::find(t.stems.begin(), t.stems.end(), stem) == t.stems.end())
          t.stems.push_back(stem);
        if (std::find(t.words.begin(), t.words.end(), w) == t.words.end()) t.words.push_back(w);
      }
    for (const auto& phrase : expansion_phrases[static_cast<int>(lang)]) {
      std::vector<std::string> stems;
      for (const auto& w : phrase) stems.push_back(stemmers[static_cast<int>(lang)](w));
      t.phrases.push_back(std::move(stems));
    }
    for (const auto& w : expansion_words[static_cast<int>(lang)]) {
      if (stopper_for(lang)(w)) continue;
      std::string stem = stemmers[static_cast<int>(lang)](w);
      if (stem.size() >= 2 && std::find(t.stems.begin(), t.stems.end(), stem) == t.stems.end())
        t.stems.push_back(stem);
      if (std::find(t.stems.begin(), t.stems.end(), w) == t.stems.end())
        t.stems.push_back(w);  // variants are stems
    }
    if (partial) {
      const auto words = text::words(analysed.front().positive);
      if (!words.empty() && words.back().size() >= 2) t.prefix = words.back();
    }
  }

  SearchResult result;
  result.total_estimate = mset.get_matches_estimated();
  result.total_any_word = mset.get_matches_estimated();
  // The honest count, and the facets over the same articles: those whose score reaches a share of the
  // best one's. An article that only shares one common word with the query ("tidak", "order") falls
  // far below it, so it neither counts nor adds a filter. One pass with a weight cutoff, which lets
  // Xapian skip what cannot reach it; counted exactly up to max_counted_matches.
  TagCountSpy tag_spy;
  Xapian::ValueCountMatchSpy category_spy(schema::slot(schema::Slot::category));
  if (mset.get_matches_estimated() > 0) {
    Xapian::Enquire counter(db_);
    counter.set_query(query);
    counter.set_weighting_scheme(weighting);
    counter.set_cutoff(0, well_matched_share * mset.get_max_attained());
    if (request.facets) {
      counter.add_matchspy(&tag_spy);
      counter.add_matchspy(&category_spy);
    }
    const Xapian::MSet well = counter.get_mset(0, 0, max_counted_matches);
    result.total_estimate = well.get_matches_estimated();
    // Xapian's estimate of the loose count, never below the articles that match well.
    result.total_any_word = std::max(result.total_any_word, result.total_estimate);
  }
  result.query_language = query_language;
  if (request.explain) result.explanation = query.get_description();
  if (!corrected.empty()) result.corrected = corrected;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const Xapian::Document doc = it.get_document();
    StoredArticle s = read_stored(doc, stored_text);
    Hit h;
    const Lang lang = parse_lang(s.lang).value_or(Lang::id);
    h.snippet = highlight(s.text, snippet_terms[static_cast<int>(lang)], stemmers[static_cast<int>(lang)],
                          snippet_bytes);
    if (h.snippet.empty()) h.snippet = text::html_escape(text::truncate_words(s.summary, snippet_bytes));
    h.slug = std::move(s.slug);
    h.title = std::move(s.title);
    h.summary = std::move(s.summary);
    h.lang = std::move(s.lang);
    h.tags = std::move(s.tags);
    h.category = std::move(s.category);
    h.owner = std::move(s.owner);
    h.status = std::move(s.status);
    h.audience = std::move(s.audience);
    h.updated = std::move(s.updated);
    h.reviewed = std::move(s.reviewed);
    h.review_due = std::move(s.review_due);
    h.score = it.get_weight();
    h.percent = it.get_percent();
    result.hits.push_back(std::move(h));
  }
  if (request.facets) {
    result.tag_facets = sorted_facets(tag_spy.counts());
    std::map<std::string, Xapian::doccount> categories;
    for (auto v = category_spy.values_begin(); v != category_spy.values_end(); ++v)
      categories[*v] = v.get_termfreq();
    result.category_facets = sorted_facets(categories);
  }
  result.took_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace solusi::service
