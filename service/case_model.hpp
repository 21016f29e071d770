// A linear model over solved tickets: which article solves a ticket, from its words.
//
// A multi-class linear SVM (liblinear, Crammer and Singer) over the stems and stem pairs of the active
// cases (hashed), retrained in the background as cases arrive; a softmax of its decision values gives
// the scores by article it reports (the confidence model calibrates them). It is bounded: only articles with
// at least min_model_cases cases are classes (at most max_model_classes, those with the most cases), only the
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
/// liblinear's solver and regularisation, chosen on CLINC150's validation split by bench/model_tune:
/// Crammer and Singer's multi-class SVM (MCSVM_CS) with C = 1 (92.4% top-1 there, trained in 1.3 s;
/// logistic regression reached 91.8% at best, in 10.6 s).
inline constexpr int model_solver = 4;  // MCSVM_CS
inline constexpr double model_c = 1.0;
/// The softmax over the decision values that turns them into scores: exp(scale × value), normalised
/// (chosen by bench/model_tune: the lowest log loss on the validation split, 0.335).
inline constexpr double model_softmax_scale = 10.0;

/// How the model is trained (the defaults are what the service uses; bench/model_tune tries others).
struct CaseModelOptions {
  int solver = model_solver;  ///< liblinear's solver_type
  double c = model_c;
  double eps = 0.1;
};

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
  static Result<std::unique_ptr<CaseModel>> train(const std::vector<CaseRow>& cases, std::int64_t case_seq,
                                                  const CaseModelOptions& options = {});

  /// Score by article for a ticket's stems (0..1, summing to 1 over all articles), best first, at
  /// most @p limit.
  std::vector<std::pair<std::string, double>> predict(const std::vector<std::string>& words, size_t limit = 5,
                                                      double scale = model_softmax_scale) const;
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
