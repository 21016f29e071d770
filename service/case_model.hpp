// A linear model over solved tickets: which article solves a ticket, from its words.
//
// Logistic regression (liblinear, one-vs-rest) over the stems and stem pairs of the active cases,
// hashed, retrained in the background as cases arrive. It is bounded: only articles with at least
// min_model_cases cases are classes (at most max_model_classes, those with the most cases), only the
// max_model_features most common hashed features are kept, and it trains on the newest
// max_model_training_cases cases. The weights are kept as a dense features × classes matrix of floats.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "error.hpp"
#include "events.hpp"

namespace solusi::service {

inline constexpr size_t min_model_cases = 3;
inline constexpr size_t max_model_classes = 256;
inline constexpr size_t max_model_features = 40000;
inline constexpr size_t max_model_training_cases = 200000;
/// Hash buckets features are counted in before the most common are kept.
inline constexpr std::uint32_t model_hash_buckets = 1u << 20;
/// Regularisation: liblinear's C (fitted on CLINC150's validation split: bench/README.md).
inline constexpr double model_c = 4.0;

struct CaseModelStats {
  size_t cases = 0;     ///< cases trained on
  size_t classes = 0;   ///< articles it can name
  size_t features = 0;  ///< weights per article
  double train_ms = 0;
  std::int64_t case_seq = 0;  ///< the store's case_seq it was trained at
};

class CaseModel {
 public:
  /// Trains on @p cases (newest first, as EventStore::active_cases gives them). Fails when there is
  /// nothing to learn (fewer than two articles with min_model_cases cases).
  static Result<std::unique_ptr<CaseModel>> train(const std::vector<CaseRow>& cases, std::int64_t case_seq);

  /// Probability by article for a ticket's stems, best first, at most @p limit.
  std::vector<std::pair<std::string, double>> predict(const std::vector<std::string>& words,
                                                      size_t limit = 5) const;
  const CaseModelStats& stats() const { return stats_; }

 private:
  CaseModel() = default;
  std::vector<std::string> classes_;
  std::vector<std::uint32_t> buckets_;  ///< sorted hash buckets kept; feature index = position
  std::vector<float> weights_;          ///< features × classes, row-major
  std::vector<float> bias_;             ///< per class
  CaseModelStats stats_;
};

/// The hashed features of a ticket's stems: each stem and each pair of neighbouring stems, as
/// bucket → count.
std::vector<std::pair<std::uint32_t, float>> case_features(const std::vector<std::string>& words);

}  // namespace solusi::service
