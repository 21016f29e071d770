#include "case_model.hpp"

#include <linear.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include "text.hpp"

namespace solusi::service {
namespace {

std::uint32_t bucket_of(std::string_view s) {
  // FNV-1a: stable across runs and builds (the model is retrained, never stored, but tests and
  // benchmarks should see the same features every time).
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h % model_hash_buckets;
}

void quiet(const char*) {}

}  // namespace

std::vector<std::pair<std::uint32_t, float>> case_features(const std::vector<std::string>& words) {
  std::unordered_map<std::uint32_t, float> counts;
  for (size_t i = 0; i < words.size(); ++i) {
    counts[bucket_of(words[i])] += 1;
    if (i + 1 < words.size()) counts[bucket_of(words[i] + '\x1f' + words[i + 1])] += 1;
  }
  std::vector<std::pair<std::uint32_t, float>> out(counts.begin(), counts.end());
  double norm = 0;
  for (auto& [b, v] : out) {
    v = 1.0f + std::log(v);  // sublinear term frequency
    norm += static_cast<double>(v) * v;
  }
  norm = std::sqrt(norm);
  for (auto& [b, v] : out) v = static_cast<float>(v / norm);
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::unique_ptr<CaseModel>> CaseModel::train(const std::vector<CaseRow>& all, std::int64_t case_seq,
                                                    const CaseModelOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  // Classes: articles with enough cases, the most cases first.
  std::unordered_map<std::string, size_t> per_slug;
  for (size_t i = 0; i < all.size() && i < max_model_training_cases; ++i) ++per_slug[all[i].slug];
  std::vector<std::pair<std::string, size_t>> ranked;
  for (const auto& [slug, n] : per_slug)
    if (n >= min_model_cases) ranked.emplace_back(slug, n);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (ranked.size() > max_model_classes) ranked.resize(max_model_classes);
  if (ranked.size() < 2)
    return fail(ErrorCode::invalid_argument, "fewer than two articles have " +
                                                 std::to_string(min_model_cases) +
                                                 " solved tickets: nothing to train a model on");
  std::unordered_map<std::string, int> label;
  for (size_t i = 0; i < ranked.size(); ++i) label.emplace(ranked[i].first, static_cast<int>(i));

  // Samples and the most common features.
  std::vector<std::vector<std::pair<std::uint32_t, float>>> samples;
  std::vector<double> y;
  std::unordered_map<std::uint32_t, size_t> df;
  for (size_t i = 0; i < all.size() && i < max_model_training_cases; ++i) {
    const auto l = label.find(all[i].slug);
    if (l == label.end()) continue;
    std::vector<std::string> words;
    for (const auto& w : text::split(all[i].words, ' '))
      if (!w.empty()) words.emplace_back(w);
    if (words.empty()) continue;
    samples.push_back(case_features(words));
    y.push_back(l->second);
    for (const auto& [b, v] : samples.back()) ++df[b];
  }
  std::vector<std::pair<std::uint32_t, size_t>> common(df.begin(), df.end());
  std::sort(common.begin(), common.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (common.size() > max_model_features) common.resize(max_model_features);
  auto model = std::unique_ptr<CaseModel>(new CaseModel());
  for (const auto& [b, n] : common) model->buckets_.push_back(b);
  std::sort(model->buckets_.begin(), model->buckets_.end());
  auto index_of = [&](std::uint32_t b) -> int {
    const auto it = std::lower_bound(model->buckets_.begin(), model->buckets_.end(), b);
    return it != model->buckets_.end() && *it == b ? static_cast<int>(it - model->buckets_.begin()) + 1 : 0;
  };

  // liblinear's problem: sparse rows ending with index -1, a bias feature.
  std::vector<std::vector<feature_node>> rows(samples.size());
  std::vector<feature_node*> x(samples.size());
  const int n_features = static_cast<int>(model->buckets_.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    for (const auto& [b, v] : samples[i])
      if (const int idx = index_of(b); idx > 0) rows[i].push_back({idx, v});
    rows[i].push_back({n_features + 1, 1.0});  // bias
    rows[i].push_back({-1, 0});
    x[i] = rows[i].data();
  }
  problem prob{};
  prob.l = static_cast<int>(samples.size());
  prob.n = n_features + 1;
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = 1.0;
  parameter param{};
  param.solver_type = options.solver;
  param.eps = options.eps;
  param.C = options.c;
  if (const char* bad = check_parameter(&prob, &param))
    return fail(ErrorCode::invalid_argument, std::string("cannot train the case model: ") + bad);
  set_print_string_function(quiet);
  ::model* m = ::train(&prob, &param);
  if (!m) return fail(ErrorCode::invalid_argument, "cannot train the case model");

  // Weights as floats, by our class order (liblinear numbers labels in order of appearance).
  const int nr_class = get_nr_class(m);
  std::vector<int> labels(static_cast<size_t>(nr_class));
  get_labels(m, labels.data());
  const size_t classes = ranked.size();
  model->classes_.resize(classes);
  for (size_t i = 0; i < classes; ++i) model->classes_[i] = ranked[i].first;
  model->weights_.assign(static_cast<size_t>(n_features) * classes, 0.0f);
  model->bias_.assign(classes, 0.0f);
  // get_decfun_coef and get_decfun_bias give each class its own weights whatever the solver (a
  // two-class model of the binary solvers is one vector, negated for the second class).
  for (int k = 0; k < nr_class; ++k) {
    const auto c = static_cast<size_t>(labels[static_cast<size_t>(k)]);
    for (int f = 0; f < n_features; ++f)
      model->weights_[static_cast<size_t>(f) * classes + c] =
          static_cast<float>(get_decfun_coef(m, f + 1, k));
    model->bias_[c] = static_cast<float>(get_decfun_bias(m, k));
  }
  free_and_destroy_model(&m);
  model->stats_.cases = samples.size();
  model->stats_.classes = classes;
  model->stats_.features = static_cast<size_t>(n_features);
  model->stats_.case_seq = case_seq;
  model->stats_.train_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return model;
}

std::vector<std::pair<std::string, double>> CaseModel::predict(const std::vector<std::string>& words,
                                                               size_t limit, double scale) const {
  const size_t classes = classes_.size();
  std::vector<double> dec(bias_.begin(), bias_.end());
  for (const auto& [b, v] : case_features(words)) {
    const auto it = std::lower_bound(buckets_.begin(), buckets_.end(), b);
    if (it == buckets_.end() || *it != b) continue;
    const float* row = &weights_[static_cast<size_t>(it - buckets_.begin()) * classes];
    for (size_t c = 0; c < classes; ++c) dec[c] += static_cast<double>(v) * row[c];
  }
  // A softmax over the decision values: scores that sum to 1 and keep the margins' order.
  const double top = *std::max_element(dec.begin(), dec.end());
  double sum = 0;
  for (auto& d : dec) {
    d = std::exp(scale * (d - top));
    sum += d;
  }
  std::vector<std::pair<std::string, double>> out;
  for (size_t c = 0; c < classes; ++c) out.emplace_back(classes_[c], sum > 0 ? dec[c] / sum : 0);
  const size_t keep = std::min(limit, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<long>(keep), out.end(),
                    [](const auto& a, const auto& b) { return a.second > b.second; });
  out.resize(keep);
  return out;
}

}  // namespace solusi::service
