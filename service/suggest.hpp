// Suggested articles for a support ticket: the one code path behind `solusi suggest` and
// POST /v1/suggest.
//
// A ticket is cleaned (ticket_text.hpp), its language detected, and its most telling words picked
// against the index's own statistics (rare in the knowledge base, frequent in the ticket, in the
// subject rather than the body); only those go into the query, so a 5,000-word ticket costs about
// what a 200-word one does. Each candidate article gets a confidence in [0, 1]: the share of the
// ticket's telling words (weighted by how telling they are) that the article covers, through its own
// text, its synonyms or the words learned from the tickets it resolved, damped when the best
// candidates are close and when similar tickets voted the article not helpful.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cases.hpp"
#include "confidence.hpp"
#include "date.hpp"
#include "events.hpp"
#include "language.hpp"

namespace solusi::service {

/// Longest subject + body accepted, in bytes.
inline constexpr size_t max_ticket_bytes = 256 * 1024;
inline constexpr size_t max_suggestions = 20;
/// Stems of a ticket a case keeps and compares.
inline constexpr size_t max_case_words = 400;
/// Default confidence under which nothing is suggested: the shipped model's threshold.
inline const double default_suggest_threshold = shipped_threshold();

struct SuggestRequest {
  std::string ticket_id;
  std::string subject;
  std::string body;
  std::vector<std::string> tags;  ///< the ticket system's tags: read like subject words
  std::optional<Lang> lang;       ///< nullopt: detected
  size_t limit = 5;
  bool public_only = false;  ///< only audience: public articles (self-service answers)
  double threshold = default_suggest_threshold;
  std::optional<Date> today;
  /// Not-helpful votes for an article (from events.db); unset: none.
  std::function<std::vector<NegativeVote>(const std::string& slug)> negative_votes;
  /// The most similar solved tickets of the ticket's stems (cases.hpp); unset: no cases.
  std::function<CaseEvidence(const std::vector<std::string>& words)> case_evidence;
  /// The linear model over solved tickets: probability by article slug, best first; unset: none.
  std::function<std::vector<std::pair<std::string, double>>(const std::vector<std::string>& words)>
      model_scores;
  bool explain = false;  ///< keep each candidate's features (Suggestion::features)
};

/// A telling word of a ticket, as the suggester's query uses it.
struct KeyTerm {
  std::string word;     ///< normalized word (corrected when misspelled)
  std::string display;  ///< as the customer wrote it
  std::string stem;     ///< stem in the ticket's language (or the code, lowercase)
  double tf = 0;        ///< weighted occurrences
  double idf = 0;
  double importance = 0;
  bool code = false;
  std::vector<std::string> code_words;  ///< a code's words ("pay", "401")
};

/// What the suggester reads out of a ticket before it searches.
struct TicketAnalysis {
  Lang language = Lang::id;
  bool language_detected = false;
  std::vector<KeyTerm> keys;  ///< the telling words, most telling first
  /// Words no article (nor anything learned) uses yet, most frequent first: not searched, but
  /// learned when the ticket is resolved, so that the next ticket using them finds the article.
  std::vector<KeyTerm> unknown;
  std::vector<std::string> codes;
  std::string cleaned_subject;
  std::string cleaned_body;
  /// Stems of the cleaned ticket in order (subject, tags, body; no stop words, fillers, numbers or
  /// ids), at most max_case_words: what a case keeps and what finds similar cases.
  std::vector<std::string> words;

  std::vector<TicketTerm> terms() const {
    std::vector<TicketTerm> out;
    for (const auto& k : keys) out.push_back(TicketTerm{k.stem, k.display, k.importance});
    for (const auto& k : unknown) out.push_back(TicketTerm{k.stem, k.display, 0});
    return out;
  }
};

struct Suggestion {
  std::string slug;
  std::string title;
  std::string lang;
  std::string audience;
  double confidence = 0;
  double coverage = 0;                   ///< weighted share of the ticket's telling words the article matched
  double evidence = 1;                   ///< 1 from three matched words on, less for fewer
  std::string snippet;                   ///< HTML, matches in <mark>
  std::vector<std::string> matched;      ///< the ticket's words the article matched, most telling first
  bool learned = false;                  ///< matched through words learned from resolved tickets
  double penalty = 0;                    ///< share taken off by not-helpful votes of similar tickets
  std::string reason;                    ///< one line a person can read
  double score = 0;                      ///< article-match weight (0 when only solved tickets name it)
  size_t similar_tickets = 0;            ///< similar solved tickets it solved
  std::vector<std::string> similar_ids;  ///< their ticket ids, closest first (at most 3)
  double model = 0;                      ///< the linear model's probability
  Features features{};                   ///< what the confidence was computed from
  double logit = 0;                      ///< the candidate model's log-odds (confidence.hpp)
};

struct SuggestResult {
  std::vector<Suggestion> suggestions;  ///< confident ones only, best first
  std::optional<Suggestion> best;       ///< the best candidate, even under the threshold
  Lang language = Lang::id;
  bool language_detected = false;
  std::vector<TicketTerm> terms;   ///< the telling words, most telling first, then unknown ones (weight 0)
  std::vector<std::string> codes;  ///< error codes found in the ticket
  std::string cleaned_subject;
  std::string cleaned_body;
  std::vector<std::string> words;      ///< TicketAnalysis::words (what a case of this ticket keeps)
  std::vector<Suggestion> candidates;  ///< every candidate, best first (with SuggestRequest::explain)
  bool gap = false;                    ///< nothing reached the threshold
  double threshold = 0;
  double took_ms = 0;
};

/// Checks the request's sizes and values; the error names the bad field.
Result<void> validate(const SuggestRequest& request);

}  // namespace solusi::service
