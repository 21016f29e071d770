// Searching the index: the one code path behind `solusi search` and GET /v1/search.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "chat_words.hpp"
#include "date.hpp"
#include "document.hpp"
#include "error.hpp"
#include "language.hpp"

namespace solusi::service {

struct SuggestRequest;
struct SuggestResult;
struct TicketAnalysis;

/// Longest query accepted, in bytes.
inline constexpr size_t max_query_bytes = 1024;
/// Largest page and deepest result window.
inline constexpr size_t max_limit = 50;
inline constexpr size_t max_window = 1000;
/// Times an answer is tried when the index moved on under its reader (DatabaseModifiedError).
inline constexpr int max_reader_attempts = 5;
/// Glued words ("tdkbisa", "lupapassword") a query or ticket may have split: each costs a lookup of
/// every split point's two pieces.
inline constexpr size_t max_glued_words = 8;
/// Longest word tried for a split, and longest join of two words, in bytes.
inline constexpr size_t max_glued_word_bytes = 24;
/// Shortest piece of a split that is not a chat word ("ga" + "bisa"), in bytes.
inline constexpr size_t min_split_piece_bytes = 3;
/// Pairs of adjacent words a query or ticket may check for a join ("pass word" → "password").
inline constexpr size_t max_join_checks = 64;
/// How many times more articles must use the joined word than either piece for a join.
inline constexpr Xapian::doccount join_dominance = 2;

struct SearchRequest {
  std::string q;
  std::optional<Lang> lang;       ///< nullopt: both languages, each article with its own stemmer
  std::vector<std::string> tags;  ///< every tag must match
  std::optional<std::string> category;
  size_t limit = 10;
  size_t offset = 0;
  bool public_only = false;          ///< only audience: public articles
  bool include_unpublished = false;  ///< drafts and review copies too (editors)
  bool facets = false;               ///< count tags and categories over the articles that match well
  /// With no @c lang, articles in the language the query seems to be written in rank a little higher.
  bool prefer_query_language = true;
  /// Treat the last word as a prefix (as-you-type). Off when the query ends with a space.
  bool partial_last_word = true;
  std::optional<Date> today;  ///< for publish_at / valid_to; default: the real today
  bool explain = false;       ///< fill SearchResult::explanation with the Xapian query
};

struct Hit {
  std::string slug;
  std::string title;
  std::string summary;
  std::string snippet;  ///< HTML: matches wrapped in <mark>, everything else escaped
  std::string lang;
  std::vector<std::string> tags;
  std::string category;
  std::string owner;
  std::string status;
  std::string audience;
  std::optional<std::string> updated;
  std::optional<std::string> reviewed;
  std::optional<std::string> review_due;
  double score = 0;
  int percent = 0;
};

struct FacetCount {
  std::string value;
  Xapian::doccount count = 0;
};

struct SearchResult {
  std::vector<Hit> hits;
  /// Articles that match well: score at least 40% of the best hit's (exact up to 1,000, then Xapian's
  /// estimate); the hits shown are always counted.
  Xapian::doccount total_estimate = 0;
  /// Every visible article that shares at least one word with the query (Xapian's estimate).
  Xapian::doccount total_any_word = 0;
  /// The query with misspelled words corrected, when the index suggests a correction. The hits already
  /// include matches for the corrected words.
  std::optional<std::string> corrected;
  /// Tags and categories of the articles counted in total_estimate (the first 1,000 of them when more
  /// match well).
  std::vector<FacetCount> tag_facets;
  std::vector<FacetCount> category_facets;
  std::optional<Lang> query_language;  ///< the language the query seems to be in, if clear
  std::string explanation;             ///< the Xapian query that ran (when asked to explain)
  double took_ms = 0;
};

/// A reader of one index folder. Not thread-safe: each thread owns its Searcher.
class Searcher {
 public:
  static Result<Searcher> open(const std::filesystem::path& index_dir);

  Result<SearchResult> search(const SearchRequest& request);

  /// Articles that answer a support ticket (suggest.hpp; implemented in suggest.cpp).
  Result<SuggestResult> suggest(const SuggestRequest& request);
  /// The telling words of a ticket (what suggest() searches for and feedback learns).
  Result<TicketAnalysis> analyse_ticket(const SuggestRequest& request);

  /// Picks up a newer revision or generation written by another process. Returns true if it changed.
  Result<bool> refresh();

  /// A cheap proof that the index answers (for /readyz and the start of `solusi serve`): the index
  /// opened afresh, a match-all query's first hit, its stored data and values, and its slug looked up
  /// again. Fails with
  /// index_unavailable naming what Xapian reported (a damaged or vanished table).
  Result<void> answers();

  Xapian::doccount document_count() const { return db_.get_doccount(); }
  Xapian::rev revision() const;
  const Xapian::Database& database() const { return db_; }

  /// @p text in the spelling the articles use: chat words ("blm", "sy") rewritten, glued words split
  /// and split words joined, as search and suggest read them (lower case).
  std::string standard_words(const std::string& text) const;

 private:
  Searcher(std::filesystem::path index_dir, Xapian::Database db, std::string generation);
  Result<SearchResult> run(const SearchRequest& request);
  /// Runs @p answer; when the writer moved on under this reader (a DatabaseError) it reopens
  /// and tries again, up to max_reader_attempts times; any other Xapian error becomes an Error naming
  /// @p what.
  template <class F>
  auto guarded(const char* what, F&& answer) -> decltype(answer());
  Result<SuggestResult> run_suggest(const SuggestRequest& request);
  TicketAnalysis read_ticket(const SuggestRequest& request);
  Xapian::Query text_query(const std::string& q, Lang lang, unsigned flags);
  Xapian::Query synonym_query(const std::string& q, Lang lang, std::vector<std::string>* words = nullptr,
                              std::vector<std::vector<std::string>>* phrases = nullptr);
  /// Indonesian stems that share a root with the query's words but not a stem (see
  /// indonesian_root_variants), those that occur in the index.
  Xapian::Query indonesian_variant_query(const std::string& q, std::vector<std::string>* stems = nullptr);
  /// Lookups left for repairing glued and split words in one query or ticket.
  struct WordRepairBudget {
    size_t splits = max_glued_words;
    size_t joins = max_join_checks;
  };
  /// Rewrites Indonesian chat spellings to the words the articles use (the index's chat word table,
  /// chat_words.hpp; "batalin" → "batalkan" and "ngamuk" → "mengamuk" when the index knows only the
  /// standard form), splits glued words and joins split ones (see normalize_word, join_words). With
  /// @p keep_last the last token (a word being typed) is neither split nor joined while some word in
  /// the index starts with it.
  std::string normalize_chat(const std::string& q, WordRepairBudget& budget, bool keep_last = false) const;
  /// One lowercase word: "2" reduplication, the chat word table, Jakarta "-in"/"ng-", then a split of
  /// a word no article uses into two that articles (or the chat table) use: "lupapassword" → "lupa
  /// password". Returns the word(s) to use, space-separated.
  std::string normalize_word(std::string w, WordRepairBudget& budget, bool may_split = true) const;
  /// The word two adjacent words stand for when the articles use their concatenation much more than
  /// either ("pass word" → "password", "karang kancana" → "karangkancana").
  std::optional<std::string> join_words(const std::string& a, const std::string& b,
                                        WordRepairBudget& budget) const;
  /// Articles that use @p word: as written, or its stem in either language.
  Xapian::doccount word_frequency(const std::string& word) const;
  /// How @p word is looked up among @p lang's articles: its stem in @p lang when the index knows it
  /// (or the word as written), else, for a word of the other language in a code-switched text
  /// ("refund" in an Indonesian ticket, "pengembalian" in an English query), its stem in the other
  /// language. df 0: neither is known. Search and suggest share it.
  struct IndexedStem {
    std::string stem;
    Xapian::doccount df = 0;
    bool other_language = false;
  };
  IndexedStem indexed_stem(const std::string& word, Lang lang) const;
  /// Code-switched words of @p q for @p lang's articles: those known only by the other language's stem.
  Xapian::Query code_switch_query(const std::string& q, Lang lang, std::vector<std::string>* stems) const;
  /// The query with each word the index does not know replaced by its spelling suggestion;
  /// empty when nothing needs correcting.
  std::string correct_spelling(const std::string& q, bool partial, const SearchRequest& request) const;
  /// True when some article the request may see contains @p term.
  bool visible_somewhere(const std::string& term, const SearchRequest& request) const;
  /// Which language the query's words come from, judged by the articles that use them.
  std::optional<Lang> guess_language(const std::string& q) const;
  /// Reads what the searcher caches from the database: languages by docid, synonym words.
  void load_caches();

  std::filesystem::path index_dir_;
  Xapian::Database db_;
  std::string generation_;
  Xapian::QueryParser parsers_[2];
  /// Stemmers by Lang for snippets and root variants. Xapian::Stem is not safe to share between threads.
  Xapian::Stem stemmers_[2];
  /// Language of each document by docid (0 = unknown, 1 + Lang), for guess_language().
  std::vector<std::uint8_t> doc_lang_;
  Xapian::doccount lang_docs_[2] = {0, 0};
  /// Every word of every synonym key: real words, never "corrected".
  std::unordered_set<std::string> synonym_words_;
  /// Chat abbreviations and spellings: the index's table (articles/chat-words.txt), else the built-in one.
  std::map<std::string, std::vector<std::string>> category_groups_;  ///< categories.txt, from the index
  ChatWords chat_words_;
};

/// Checks a request's values; the error names the bad parameter.
Result<void> validate(const SearchRequest& request);

/// The Error for a Xapian failure while answering: a query the parser refuses is the caller's
/// (invalid_query), anything else the index's (index_unavailable).
Error xapian_failure(const Xapian::Error& e, const char* what);

/// @p query without articles not live on @p today (publish_at after it, valid_to before it).
Xapian::Query within_date_window(const Xapian::Query& query, const Date& today);

/// @p query restricted to what @p request may see: published articles live today (editors: anything
/// but archived, at any date), audience public for public_only. Search and its spelling suggestions
/// share it, so a suggestion never names a word only hidden articles contain.
Xapian::Query visible_only(Xapian::Query query, const SearchRequest& request);

template <class F>
auto Searcher::guarded(const char* what, F&& answer) -> decltype(answer()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return answer();
    } catch (const Xapian::DatabaseError& e) {
      // Two commits since this reader opened (DatabaseModifiedError: the learner commits about once a
      // second while feedback arrives), or a block read while the writer replaced it (a transient
      // DatabaseCorruptError): reopen and answer again from the new revision. Real damage fails
      // every attempt.
      if (attempt >= max_reader_attempts) return tl::unexpected(xapian_failure(e, what));
      try {
        if (auto r = refresh(); !r) return tl::unexpected(r.error());
      } catch (const Xapian::Error& e2) {
        return tl::unexpected(xapian_failure(e2, what));
      }
    } catch (const Xapian::Error& e) {
      return tl::unexpected(xapian_failure(e, what));
    }
  }
}

}  // namespace solusi::service
