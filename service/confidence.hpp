// The confidence of a suggestion: the probability that it is the article that solves the ticket.
//
// Each candidate article is described by a few features a person can explain (how much of the
// ticket's telling words the article covers and how far it stands out from the next article; how
// many of the most similar solved tickets it solved and how close they are; what the linear model over
// solved tickets says; whether it is in the ticket's language; how long the ticket is). A logistic
// model over them, fitted offline on labelled tickets by bench/fit_confidence (parameters in
// confidence_params.inc), turns them into a probability; suggestions are ranked by it and shown from
// the threshold up. docs/performance.md has the reliability table on held-out data.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace solusi::service {

enum class Feature : std::size_t {
  coverage,        ///< sqrt of the weighted share of the ticket's telling words the article covers
  article_ratio,   ///< its article-match score over the best article's (0: not matched)
  article_top,     ///< 1 when it is the best article match
  article_margin,  ///< 1 − next article's score / its score (how far it stands out)
  matched_words,   ///< min(1, (matched telling words + 1) / 4)
  vote_share,      ///< its share of the similar solved tickets' weighted votes
  vote_closest,    ///< similarity of its closest solved ticket (0..1)
  vote_count,      ///< log(1 + similar solved tickets it solved) / log(1 + neighbours)
  vote_top,        ///< 1 when it has the biggest vote share
  model_prob,      ///< the linear model's score for it, 0..1 (0: no model or not one of its articles)
  model_margin,    ///< its model score minus the best other article's
  language_match,  ///< 1 when the article is in the ticket's language
  ticket_terms,    ///< log(1 + telling words) / log(21)
  unknown_share,   ///< share of the ticket's word weight no article knows
  penalty,         ///< share taken off by not-helpful votes of similar tickets
  has_cases,       ///< 1 when any solved ticket is known at all
  match_score,     ///< the article match alone: sqrt(coverage) × (1 − 0.6 r²) × matched_words, r = the
                   ///< next article's score over its own (the hand-made confidence before issue 14)
  count_
};
inline constexpr std::size_t feature_count = static_cast<std::size_t>(Feature::count_);
using Features = std::array<double, feature_count>;

/// The features' names, in order (for explain output and the fitting tool).
std::string_view feature_name(Feature f);

/// The shipped model's log-odds that a candidate with @p features is right (ranks the candidates).
/// There are two models: for tickets @p with_cases (similar solved tickets were found: their votes and
/// the linear model weigh most) and for tickets without (the article match alone).
double candidate_logit(const Features& features, bool with_cases);
/// The confidence of a candidate: its logit calibrated with its margin to the best other candidate's
/// logit (positive for the best candidate, negative for the others), as a probability.
double calibrated_confidence(double logit, double margin, bool with_cases);

/// The shipped suggestion threshold: the confidence from which a suggestion is shown (chosen for the
/// precision of shown suggestions on the fitting data).
double shipped_threshold();

}  // namespace solusi::service
