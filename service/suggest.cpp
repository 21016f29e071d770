#include "suggest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "confidence.hpp"
#include "highlight.hpp"
#include "learned.hpp"
#include "schema.hpp"
#include "searcher.hpp"
#include "text.hpp"
#include "ticket_text.hpp"

namespace solusi::service {
namespace {

/// Telling words that go into the query.
constexpr size_t max_key_terms = 20;
/// Words of a ticket that no article uses, kept to be learned if the ticket is resolved.
constexpr size_t max_unknown_terms = 8;
/// Distinct words of a ticket looked up in the index (the most frequent ones): bounds the cost of
/// long tickets.
constexpr size_t max_candidate_words = 300;
/// Weight of one occurrence in the subject (or a ticket tag) relative to one in the body.
constexpr double subject_occurrence = 2.5;
/// Weight of learned ticket words and of synonyms relative to the article's own words.
constexpr double learned_weight = 0.5;
constexpr double synonym_weight = 0.7;
/// Credit a word gets in the confidence when it matched through a synonym or a learned word.
constexpr double indirect_credit = 0.8;
/// Weight of articles in the other language than the ticket's.
constexpr double other_language_weight = 0.6;
/// How much more an error code tells than the rarest word.
constexpr double code_boost = 1.5;
/// Weight of a word no article uses in the confidence's denominator, relative to the rarest known word.
constexpr double unknown_weight = 0.5;
/// How much a runner-up scoring as well as a candidate takes off its match score (Feature::match_score).
constexpr double separation_weight = 0.6;
/// Matched telling words below which the confidence shrinks: one matching word is thin evidence,
/// however telling it is.
constexpr double min_matched_words = 3;
/// Share of the confidence one not-helpful vote from an identical ticket takes away.
constexpr double not_helpful_penalty = 0.5;
constexpr size_t snippet_bytes = 240;
/// Body words looked at: the rest of a very long ticket (logs, pasted documents) is not read.
constexpr size_t max_body_words = 2000;

/// Words that say nothing about a ticket's topic, in either language: forms of address, greetings
/// and courtesy, time words and chat fillers that the stop word lists (made for articles and
/// queries) keep. Tickets are full of them; articles use them too (reply templates), so their
/// rarity in the index would make them look telling.
bool ticket_filler(std::string_view w) {
  static const std::unordered_set<std::string_view> words{
      // Indonesian: address and courtesy
      "kak", "kakak", "min", "mimin", "admin", "gan", "agan", "sis", "bang", "bro", "pak", "bapak", "bu",
      "ibu", "mas", "mbak", "mba", "om", "tante", "halo", "hallo", "hai", "hi", "selamat", "pagi", "siang",
      "sore", "malam", "terima", "kasih", "makasih", "trims", "thx", "salam", "hormat", "maaf", "permisi",
      "mohon", "tolong", "bantu", "bantuan", "dibantu", "bantuannya", "tanya", "bertanya", "pertanyaan",
      "nanya", "info", "informasi", "infonya", "assalamualaikum", "wassalam", "semoga", "segera",
      // Indonesian: fillers and time words
      "cuma", "cuman", "hanya", "mau", "ingin", "pengen", "pingin", "soalnya", "biar", "banget", "bgt",
      "kayaknya", "sepertinya", "padahal", "gitu", "begitu", "begini", "gini", "kok", "deh", "nih", "tuh",
      "aja", "udah", "lho", "loh", "kan", "sama", "terus", "trus", "jadi", "jd", "lalu", "kemudian",
      "kemarin", "kemaren", "hari", "tanggal", "tgl", "jam", "pukul", "minggu", "seminggu", "bulan", "tahun",
      "sekarang", "tadi", "besok", "lusa", "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "ahad",
      "kira", "sekitar", "kali", "pernah", "coba", "sudah", "belum", "lagi", "juga", "gimana", "bagaimana",
      "kenapa", "apa", "ya", "iya", "oke", "ok", "baik", "benar", "betul", "sekali", "emang", "memang",
      "beneran", "doang", "saja", "kalo", "kalau", "karna", "krn", "tp", "sy", "aku", "gue", "gw", "ane",
      // English
      "please", "pls", "plz", "help", "hello", "dear", "team", "thanks", "thank", "regards", "kind", "best",
      "sincerely", "cheers", "question", "today", "yesterday", "tomorrow", "week", "month", "year", "monday",
      "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "would", "like", "want", "need",
      "know", "get", "got", "just", "really", "still", "already", "yet", "now", "asap", "urgent", "again",
      "sorry", "ok", "okay", "morning", "afternoon", "evening", "sir", "madam"};
  return words.count(w) > 0;
}

bool has_digit(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_digits(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// How a key term reached an article.
enum class Via : std::uint8_t { none = 0, learned = 1, synonym = 2, own = 3 };

double credit(Via v) {
  switch (v) {
    case Via::own:
      return 1.0;
    case Via::synonym:
    case Via::learned:
      return indirect_credit;
    case Via::none:
      break;
  }
  return 0.0;
}

}  // namespace

Result<void> validate(const SuggestRequest& r) {
  if (r.subject.size() + r.body.size() > max_ticket_bytes)
    return fail(ErrorCode::invalid_argument,
                "ticket subject and body are longer than " + std::to_string(max_ticket_bytes) + " bytes");
  for (const auto* field : {&r.subject, &r.body, &r.ticket_id}) {
    if (!text::is_valid_utf8(*field))
      return fail(ErrorCode::invalid_argument, std::string(field == &r.subject ? "subject"
                                                           : field == &r.body  ? "body"
                                                                               : "ticket_id") +
                                                   " is not valid UTF-8");
  }
  for (const auto& t : r.tags)
    if (!text::is_valid_utf8(t) || t.size() > 200)
      return fail(ErrorCode::invalid_argument, "tags must be valid UTF-8 strings of at most 200 bytes");
  if (r.tags.size() > 50) return fail(ErrorCode::invalid_argument, "at most 50 tags");
  if (r.ticket_id.size() > 200)
    return fail(ErrorCode::invalid_argument, "ticket_id is longer than 200 bytes");
  if (text::trim(r.subject).empty() && text::trim(r.body).empty())
    return fail(ErrorCode::invalid_argument, "the ticket has no subject and no body");
  if (r.limit < 1 || r.limit > max_suggestions)
    return fail(ErrorCode::invalid_argument,
                "limit must be between 1 and " + std::to_string(max_suggestions));
  if (!(r.threshold >= 0 && r.threshold <= 1))
    return fail(ErrorCode::invalid_argument, "threshold must be between 0 and 1");
  return {};
}

Result<SuggestResult> Searcher::suggest(const SuggestRequest& request) {
  if (auto ok = validate(request); !ok) return tl::unexpected(ok.error());
  return guarded("suggestion", [&] { return run_suggest(request); });
}

Result<TicketAnalysis> Searcher::analyse_ticket(const SuggestRequest& request) {
  if (auto ok = validate(request); !ok) return tl::unexpected(ok.error());
  return guarded("ticket analysis", [&]() -> Result<TicketAnalysis> { return read_ticket(request); });
}

TicketAnalysis Searcher::read_ticket(const SuggestRequest& request) {
  TicketAnalysis result;
  const CleanTicket clean = clean_ticket(request.subject, request.body);
  result.cleaned_subject = clean.subject;
  result.cleaned_body = clean.body;
  result.codes = clean.codes;

  // 1. Words and their weighted frequency: subject and tags count more than the body.
  struct Count {
    double tf = 0;
    size_t first = 0;
  };
  std::unordered_map<std::string, Count> counts;
  size_t position = 0;
  int stop_votes[2] = {0, 0};
  WordRepairBudget budget;  // glued and split words, for the whole ticket
  auto count_words = [&](std::string_view text, double weight, size_t max_words) {
    std::vector<std::string> words = text::words(text);
    if (words.size() > max_words) words.resize(max_words);
    for (size_t i = 0; i < words.size(); ++i) {
      std::string w = std::move(words[i]);
      if (i + 1 < words.size())
        if (auto joined = join_words(w, words[i + 1], budget)) {  // "pass word" → "password"
          w = std::move(*joined);
          ++i;
        }
      const bool id_stop = stopper_for(Lang::id)(w) || !chat_words_.lookup(w).empty();
      const bool en_stop = stopper_for(Lang::en)(w);
      if (id_stop != en_stop) ++stop_votes[id_stop ? 0 : 1];
      auto [it, inserted] = counts.try_emplace(std::move(w));
      if (inserted) it->second.first = position;
      it->second.tf += weight;
      ++position;
    }
  };
  count_words(clean.subject, subject_occurrence, max_body_words);
  for (const auto& tag : request.tags) count_words(tag, subject_occurrence, 20);
  count_words(clean.body, 1.0, max_body_words);

  // 2. The ticket's language: its function words, else the articles that use its words.
  if (request.lang) {
    result.language = *request.lang;
  } else {
    result.language_detected = true;
    const int id = stop_votes[0], en = stop_votes[1];
    if (id >= 2 && id > 2 * en) {
      result.language = Lang::id;
    } else if (en >= 2 && en > 2 * id) {
      result.language = Lang::en;
    } else {
      std::string sample;
      size_t taken = 0;
      for (const auto& [w, c] : counts)
        if (taken++ < 64) sample += w + " ";
      result.language = guess_language(sample).value_or(id >= en ? Lang::id : Lang::en);
    }
  }
  const Lang lang = result.language;

  // 3. The ticket's stems in order, for cases (a solved ticket kept, or one looking for similar ones).
  WordRepairBudget case_budget;  // its own: the telling words below must not find it spent
  auto keep_stems = [&](std::string_view text, size_t max_words) {
    size_t n = 0;
    for (const auto& original : text::words(text)) {
      if (++n > max_words || result.words.size() >= max_case_words) break;
      if (all_digits(original) || (has_digit(original) && original.size() >= 6)) continue;
      for (const auto& word : text::words(normalize_chat(original, case_budget))) {
        if (word.empty())
          continue;  // function words kept: "how old are you" and "who are you" differ in them
        if (result.words.size() < max_case_words)
          result.words.push_back(stemmers_[static_cast<int>(lang)](word));
      }
    }
  };
  keep_stems(clean.subject, max_body_words);
  for (const auto& tag : request.tags) keep_stems(tag, 20);
  keep_stems(clean.body, max_body_words);

  // 4. The most frequent distinct words, normalized (chat spellings, "2" reduplication).
  std::vector<std::pair<std::string, Count>> ordered(counts.begin(), counts.end());
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.second.tf != b.second.tf ? a.second.tf > b.second.tf : a.second.first < b.second.first;
  });
  if (ordered.size() > max_candidate_words) ordered.resize(max_candidate_words);

  const double n_docs = std::max<double>(1, db_.get_doccount());
  std::unordered_map<std::string, KeyTerm> by_stem, unknown;
  for (const auto& [original, count] : ordered) {
    if (original.size() < 2 || all_digits(original)) continue;
    if (has_digit(original) && original.size() >= 6) continue;  // ids, order and phone numbers
    for (const auto& word : text::words(normalize_chat(original, budget))) {
      if (stopper_for(lang)(word) || ticket_filler(word) || (word.size() < 3 && !has_digit(word))) continue;
      std::string chosen = word;
      // Its stem in the ticket's language; a word of the other language ("refund" in an Indonesian
      // ticket) keeps its own stem.
      IndexedStem indexed = indexed_stem(word, lang);
      std::string stem = std::move(indexed.stem);
      Xapian::doccount df = indexed.df;
      if (df == 0 && lang == Lang::id) {
        for (const auto& v : indonesian_root_variants(
                 word, stemmers_[static_cast<int>(Lang::id)],
                 [&](const std::string& p) { return db_.allterms_begin(p) != db_.allterms_end(p); }))
          if (Xapian::doccount d = db_.get_termfreq("Z" + v); d > 0) {
            df = d;
            stem = v;
            break;
          }
      }
      if (df == 0) {
        // A customer word no article uses, but which resolved tickets taught an article.
        const std::string own_stem = stemmers_[static_cast<int>(lang)](word);
        if (Xapian::doccount d = db_.get_termfreq(learned_term(own_stem)); d > 0) {
          df = d;
          stem = own_stem;
        }
      }
      if (df == 0 && word.size() >= 4 && !has_digit(word) && !synonym_words_.count(word)) {
        const std::string suggestion = db_.get_spelling_suggestion(word, word.size() <= 5 ? 1 : 2);
        if (!suggestion.empty()) {
          const std::string s = stemmers_[static_cast<int>(lang)](suggestion);
          df = std::max(db_.get_termfreq("Z" + s), db_.get_termfreq(suggestion));
          if (df > 0) {
            chosen = suggestion;
            stem = s;
          }
        }
      }
      if (df == 0 && !synonym_words_.count(word)) {
        // Nothing uses it yet: not searched, but worth learning if this ticket gets resolved.
        if (word.size() >= 4 && !has_digit(word)) {
          auto& u = unknown[stemmers_[static_cast<int>(lang)](word)];
          if (u.word.empty()) {
            u.word = word;
            u.display = original;
            u.stem = stemmers_[static_cast<int>(lang)](word);
          }
          u.tf += count.tf;
        }
        continue;
      }
      KeyTerm& k = by_stem[stem];
      if (k.word.empty()) {
        k.word = chosen;
        k.display = original;
        k.stem = stem;
        k.idf = std::log((n_docs + 1) / (std::max<Xapian::doccount>(df, 1) + 0.5));
      }
      k.tf += count.tf;
    }
  }

  std::vector<KeyTerm> keys;
  keys.reserve(by_stem.size() + clean.codes.size());
  double max_idf = 0;
  for (auto& [stem, k] : by_stem) {
    k.importance = (1 + std::log(k.tf)) * k.idf;
    max_idf = std::max(max_idf, k.idf);
    keys.push_back(std::move(k));
  }
  // Error codes: a phrase of their words, worth more than any word.
  for (const auto& code : clean.codes) {
    KeyTerm k;
    k.code = true;
    k.display = code;
    k.word = text::to_lower(code);
    k.stem = k.word;
    k.code_words = text::words(code);
    if (k.code_words.empty()) continue;
    k.tf = 1;
    k.idf = std::max(max_idf, std::log(n_docs + 1));
    k.importance = code_boost * k.idf;
    keys.push_back(std::move(k));
  }
  std::sort(keys.begin(), keys.end(), [](const KeyTerm& a, const KeyTerm& b) {
    return a.importance != b.importance ? a.importance > b.importance : a.stem < b.stem;
  });
  if (keys.size() > max_key_terms) keys.resize(max_key_terms);
  result.keys = std::move(keys);
  for (auto& [stem, u] : unknown) result.unknown.push_back(std::move(u));
  std::sort(result.unknown.begin(), result.unknown.end(),
            [](const KeyTerm& a, const KeyTerm& b) { return a.tf != b.tf ? a.tf > b.tf : a.stem < b.stem; });
  if (result.unknown.size() > max_unknown_terms) result.unknown.resize(max_unknown_terms);
  return result;
}

Result<SuggestResult> Searcher::run_suggest(const SuggestRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  SuggestResult result;
  result.threshold = request.threshold;
  TicketAnalysis analysis = read_ticket(request);
  result.language = analysis.language;
  result.language_detected = analysis.language_detected;
  result.codes = analysis.codes;
  result.cleaned_subject = analysis.cleaned_subject;
  result.cleaned_body = analysis.cleaned_body;
  result.words = analysis.words;
  const std::vector<KeyTerm>& keys = analysis.keys;
  const Lang lang = result.language;
  result.terms = analysis.terms();

  // Evidence from solved tickets: the articles that solved the most similar past tickets, and the
  // linear model over all of them.
  CaseEvidence cases;
  if (request.case_evidence && !analysis.words.empty()) cases = request.case_evidence(analysis.words);
  std::vector<std::pair<std::string, double>> model;
  if (request.model_scores && !analysis.words.empty()) model = request.model_scores(analysis.words);

  // What an article may be suggested from: published, live today, public when asked.
  auto visible = [&](Xapian::Query q) {
    q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                      Xapian::Query(schema::term(schema::prefix::status, "published")));
    if (request.public_only)
      q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                        Xapian::Query(schema::term(schema::prefix::audience, "public")));
    return within_date_window(q, request.today.value_or(Date::today()));
  };

  // 5. The query: each key term in each article language (filtered by that language), its synonyms,
  // and the words learned from resolved tickets. Which query terms stand for which key term is kept
  // for the confidence.
  std::unordered_map<std::string, std::vector<std::pair<size_t, Via>>> owner;
  auto own = [&](const std::string& term, size_t k, Via via) {
    auto& v = owner[term];
    if (std::none_of(v.begin(), v.end(), [&](const auto& p) { return p.first == k && p.second == via; }))
      v.emplace_back(k, via);
  };
  std::vector<Xapian::Query> per_lang;
  for (Lang a : all_langs) {
    auto& qp = parsers_[static_cast<int>(a)];
    qp.set_database(db_);
    std::vector<Xapian::Query> parts;
    for (size_t i = 0; i < keys.size(); ++i) {
      const KeyTerm& k = keys[i];
      const double f = 1 + std::log(k.tf);
      if (k.code) {
        std::vector<Xapian::Query> words;
        for (const auto& w : k.code_words) {
          words.emplace_back(w, 1, static_cast<Xapian::termpos>(words.size() + 1));
          own(w, i, Via::own);
        }
        parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                           Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end()), f);
        continue;
      }
      if (stopper_for(a)(k.word)) continue;
      const std::string stem = a == lang ? k.stem : stemmers_[static_cast<int>(a)](k.word);
      own("Z" + stem, i, Via::own);
      parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("Z" + stem), f);
      std::vector<Xapian::Query> alternatives;
      for (auto it = db_.synonyms_begin(k.word); it != db_.synonyms_end(k.word); ++it) {
        qp.set_default_op(Xapian::Query::OP_AND);
        Xapian::Query alt = qp.parse_query(*it, 0);
        qp.set_default_op(Xapian::Query::OP_OR);
        if (alt.empty()) continue;
        for (auto t = alt.get_terms_begin(); t != alt.get_terms_end(); ++t) own(*t, i, Via::synonym);
        alternatives.push_back(alt);
      }
      if (!alternatives.empty())
        parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                           Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end()),
                           f * synonym_weight);
    }
    if (parts.empty()) continue;
    Xapian::Query q(Xapian::Query::OP_OR, parts.begin(), parts.end());
    if (a != lang) q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, other_language_weight);
    per_lang.emplace_back(Xapian::Query::OP_FILTER, q,
                          Xapian::Query(schema::term(schema::prefix::lang, lang_code(a))));
  }
  std::vector<Xapian::Query> learned;
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string term = learned_term(keys[i].stem);
    if (!db_.term_exists(term)) continue;
    own(term, i, Via::learned);
    learned.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term),
                         (1 + std::log(keys[i].tf)) * learned_weight);
  }
  if (!learned.empty()) per_lang.emplace_back(Xapian::Query::OP_OR, learned.begin(), learned.end());

  Xapian::Enquire enquire(db_);
  Xapian::MSet mset;
  if (!per_lang.empty()) {
    enquire.set_query(visible(Xapian::Query(Xapian::Query::OP_OR, per_lang.begin(), per_lang.end())));
    enquire.set_weighting_scheme(Xapian::BM25Weight(1.6, 0, 1, 0.5, 0.5));
    mset = enquire.get_mset(0, static_cast<Xapian::doccount>(request.limit + 10));
  }

  // 6. Coverage: the share of the ticket's telling words an article covers.
  double total_importance = 0, max_idf = 0;
  for (const auto& k : keys) {
    total_importance += k.importance;
    max_idf = std::max(max_idf, k.idf);
  }
  // Words no article uses are evidence too: that the knowledge base may not cover the ticket.
  const double n_docs = std::max<double>(1, db_.get_doccount());
  double unknown_importance = 0;
  for (const auto& u : analysis.unknown)
    unknown_importance += unknown_weight * (1 + std::log(u.tf)) * std::max(max_idf, std::log(n_docs + 1));
  total_importance += unknown_importance;

  auto describe = [&](const Xapian::Document& doc, const std::vector<Via>& via, Suggestion& s) {
    StoredArticle stored = read_stored(doc, stored_text);
    const Lang article_lang = parse_lang(stored.lang).value_or(Lang::id);
    SnippetTerms snippet_terms;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (via[k] == Via::none) continue;
      if (keys[k].code) {
        for (const auto& w : keys[k].code_words) snippet_terms.words.push_back(w);
        continue;
      }
      snippet_terms.stems.push_back(
          article_lang == lang ? keys[k].stem : stemmers_[static_cast<int>(article_lang)](keys[k].word));
      snippet_terms.words.push_back(keys[k].word);
    }
    s.snippet =
        highlight(stored.text, snippet_terms, stemmers_[static_cast<int>(article_lang)], snippet_bytes);
    if (s.snippet.empty()) s.snippet = text::html_escape(text::truncate_words(stored.summary, snippet_bytes));
    s.slug = std::move(stored.slug);
    s.title = std::move(stored.title);
    s.lang = std::move(stored.lang);
    s.audience = std::move(stored.audience);
    s.features[static_cast<size_t>(Feature::language_match)] = article_lang == lang ? 1 : 0;
  };

  std::vector<Suggestion> candidates;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    std::vector<Via> via(keys.size(), Via::none);
    std::unordered_set<std::string> matching(enquire.get_matching_terms_begin(it),
                                             enquire.get_matching_terms_end(it));
    for (const auto& term : matching) {
      const auto o = owner.find(term);
      if (o == owner.end()) continue;
      for (const auto& [k, v] : o->second)
        if (!keys[k].code && v > via[k]) via[k] = v;
    }
    for (size_t k = 0; k < keys.size(); ++k)  // a code counts when all its words are there
      if (keys[k].code && std::all_of(keys[k].code_words.begin(), keys[k].code_words.end(),
                                      [&](const auto& w) { return matching.count(w) > 0; }))
        via[k] = Via::own;

    double covered = 0;
    Suggestion s;
    size_t matched_count = 0;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (via[k] == Via::none) continue;
      covered += keys[k].importance * credit(via[k]);
      ++matched_count;
      s.matched.push_back(keys[k].display);
      if (via[k] == Via::learned) s.learned = true;
    }
    s.coverage = total_importance > 0 ? covered / total_importance : 0;
    s.evidence = std::min(1.0, static_cast<double>(matched_count + 1) / (min_matched_words + 1));
    s.score = it.get_weight();
    describe(it.get_document(), via, s);
    candidates.push_back(std::move(s));
  }

  // Articles only the solved tickets name (visible ones only: the cases of an archived article are
  // kept but vote for nothing).
  {
    std::unordered_set<std::string> have;
    for (const auto& c : candidates) have.insert(c.slug);
    std::vector<Xapian::Query> wanted;
    for (size_t i = 0; i < cases.votes.size() && i < 10; ++i)
      if (have.insert(cases.votes[i].slug).second)
        wanted.emplace_back(schema::term(schema::prefix::id, cases.votes[i].slug));
    for (size_t i = 0; i < model.size() && i < 5; ++i)
      if (have.insert(model[i].first).second)
        wanted.emplace_back(schema::term(schema::prefix::id, model[i].first));
    if (!wanted.empty()) {
      Xapian::Enquire more(db_);
      more.set_query(visible(Xapian::Query(Xapian::Query::OP_OR, wanted.begin(), wanted.end())));
      const Xapian::MSet extra = more.get_mset(0, static_cast<Xapian::doccount>(wanted.size()));
      const std::vector<Via> none(keys.size(), Via::none);
      for (auto it = extra.begin(); it != extra.end(); ++it) {
        Suggestion s;
        s.evidence = std::min(1.0, 1.0 / (min_matched_words + 1));
        describe(it.get_document(), none, s);
        candidates.push_back(std::move(s));
      }
    }
  }
  if (candidates.empty()) {
    result.gap = true;
    result.took_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return result;
  }

  // 7. Features and confidence (confidence.hpp): the probability that the candidate is the answer.
  std::unordered_map<std::string, const CaseVote*> votes;
  for (const auto& v : cases.votes) votes.emplace(v.slug, &v);
  std::unordered_map<std::string, double> model_prob(model.begin(), model.end());
  double best_score = 0;
  std::vector<double> scores;
  for (const auto& c : candidates) {
    best_score = std::max(best_score, c.score);
    if (c.score > 0) scores.push_back(c.score);
  }
  std::sort(scores.begin(), scores.end(), std::greater<>());
  const std::string top_voted = cases.votes.empty() ? "" : cases.votes.front().slug;
  for (auto& c : candidates) {
    // Not-helpful votes from tickets that shared this ticket's telling words.
    if (request.negative_votes) {
      double keep = 1.0;
      for (const auto& vote : request.negative_votes(c.slug)) {
        double shared = 0;
        for (const auto& k : keys)
          if (std::find(vote.stems.begin(), vote.stems.end(), k.stem) != vote.stems.end())
            shared += k.importance;
        keep *= 1 - not_helpful_penalty * (total_importance > 0 ? shared / total_importance : 0);
      }
      c.penalty = 1 - keep;
    }
    auto& f = c.features;
    auto set = [&](Feature which, double v) { f[static_cast<size_t>(which)] = v; };
    set(Feature::coverage, std::sqrt(c.coverage));
    set(Feature::article_ratio, best_score > 0 ? c.score / best_score : 0);
    set(Feature::article_top, c.score > 0 && c.score >= best_score ? 1 : 0);
    if (c.score > 0) {
      const auto next = std::upper_bound(scores.begin(), scores.end(), c.score, std::greater<>());
      const double r = next == scores.end() ? 0 : *next / c.score;
      set(Feature::article_margin, 1 - r);
      set(Feature::match_score, std::sqrt(c.coverage) * (1 - separation_weight * r * r) * c.evidence);
    }
    set(Feature::matched_words, c.score > 0 ? c.evidence : 0);
    if (const auto v = votes.find(c.slug); v != votes.end()) {
      set(Feature::vote_share, v->second->share);
      set(Feature::vote_closest, v->second->closest);
      set(Feature::vote_count, std::log1p(static_cast<double>(v->second->cases)) /
                                   std::log1p(static_cast<double>(case_neighbours)));
      set(Feature::vote_top, c.slug == top_voted ? 1 : 0);
      c.similar_tickets = v->second->cases;
      c.similar_ids = v->second->tickets;
    }
    if (const auto m = model_prob.find(c.slug); m != model_prob.end()) {
      c.model = m->second;
      double best_other = 0;
      for (const auto& [slug, p] : model)
        if (slug != c.slug) {
          best_other = p;
          break;
        }
      set(Feature::model_prob, c.model);
      set(Feature::model_margin, c.model - best_other);
    }
    set(Feature::ticket_terms, std::log1p(static_cast<double>(keys.size())) / std::log(21.0));
    set(Feature::unknown_share, total_importance > 0 ? unknown_importance / total_importance : 1);
    set(Feature::penalty, c.penalty);
    set(Feature::has_cases, cases.total_cases > 0 ? 1 : 0);
  }
  // Which fitted model speaks (confidence.hpp): similar solved tickets of a candidate found or not.
  const bool with_cases = std::any_of(candidates.begin(), candidates.end(),
                                      [](const Suggestion& c) { return c.similar_tickets > 0; });
  // Not-helpful votes are not in the fitted model (no labelled data has them): they take their share
  // off the odds and off the confidence, as they took it off the coverage before.
  for (auto& c : candidates)
    c.logit = candidate_logit(c.features, with_cases) + std::log(std::max(1e-6, 1 - c.penalty));
  std::stable_sort(candidates.begin(), candidates.end(), [](const Suggestion& a, const Suggestion& b) {
    return a.logit != b.logit ? a.logit > b.logit : a.score > b.score;
  });
  for (size_t i = 0; i < candidates.size(); ++i) {
    const double best_other =
        i == 0 ? (candidates.size() > 1 ? candidates[1].logit : -1e9) : candidates[0].logit;
    Suggestion& c = candidates[i];
    c.confidence = std::clamp(
        calibrated_confidence(c.logit, c.logit - best_other, with_cases) * (1 - c.penalty), 0.0, 1.0);
    c.coverage *= 1 - c.penalty;
    // Never more confident in a candidate than in one ranked above it: what is shown is a prefix.
    if (i > 0) c.confidence = std::min(c.confidence, candidates[i - 1].confidence);
  }

  // 8. The reasons, in words.
  for (auto& s : candidates) {
    std::string words;
    for (size_t i = 0; i < s.matched.size() && i < 6; ++i)
      words += (i ? ", " : "") + std::string("\"") + s.matched[i] + "\"";
    std::vector<std::string> parts;
    if (!s.matched.empty()) {
      char share[32];
      std::snprintf(share, sizeof share, "%.0f%%", s.coverage * 100);
      parts.push_back("matches " + std::to_string(s.matched.size()) + " of the ticket's " +
                      std::to_string(keys.size()) + " telling words (" + share +
                      " of their weight): " + words);
    }
    if (s.similar_tickets > 0) {
      std::string ids;
      for (size_t i = 0; i < s.similar_ids.size(); ++i) ids += (i ? ", " : "") + s.similar_ids[i];
      parts.push_back("solved " + std::to_string(s.similar_tickets) + " of the " +
                      std::to_string(std::min<size_t>(case_neighbours, cases.total_cases)) +
                      " most similar past tickets (" + ids + ")");
    }
    if (s.model >= 0.1) {
      char p[32];
      std::snprintf(p, sizeof p, "%.0f%%", s.model * 100);
      parts.push_back("the linear model over solved tickets scores it " + std::string(p));
    }
    if (s.learned) parts.push_back("also learned from tickets this article resolved");
    if (s.penalty > 0.05) parts.push_back("lowered by not-helpful votes on similar tickets");
    if (parts.empty()) parts.push_back("no word of the ticket matches it and no solved ticket names it");
    for (size_t i = 0; i < parts.size(); ++i) s.reason += (i ? "; " : "") + parts[i];
  }

  if (!candidates.empty()) result.best = candidates.front();
  for (const auto& c : candidates) {
    if (result.suggestions.size() >= request.limit) break;
    if (c.confidence >= request.threshold) result.suggestions.push_back(c);
  }
  result.gap = result.suggestions.empty();
  if (request.explain) result.candidates = std::move(candidates);
  result.took_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace solusi::service
