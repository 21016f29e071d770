// Fits the shipped confidence model (service/confidence_params.inc) on labelled candidates.
//
//   fit_confidence OUT.inc DUMP... [--precision P] [--c C] [--weight SET=N]...
//
// DUMP files are suggest_eval --dump output: one row per candidate of a suggestion (set, phase,
// query id, right or not, out of scope or not, rank, confidence, features). Rows of the sets named
// "test", "test-oos", "tickets-holdout" and "tickets-frozen" are never fitted on (they are where the
// model is reported). A logistic regression (liblinear, L2) over the features predicts whether a
// candidate is right; suggestions are ranked by it, so its probability for the best candidate is the
// confidence. The threshold is the lowest confidence at which the shown suggestions of the fitting
// data are right at least P of the time (default 0.93). --weight counts a set's rows N times (a small
// set of real tickets beside thousands of CLINC150 queries).
#include <linear.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "confidence.hpp"

using solusi::service::Feature;
using solusi::service::feature_count;
using solusi::service::feature_name;

namespace {

struct Row {
  std::string set, phase, query;
  bool right = false, oos = false;
  int rank = 0;
  std::vector<double> f;
};

bool held_out(const std::string& set) {
  return set == "test" || set == "test-oos" || set == "tickets-holdout" || set == "tickets-frozen";
}

void quiet(const char*) {}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: fit_confidence OUT.inc DUMP... [--precision P] [--c C]\n";
    return 2;
  }
  const std::string out_path = argv[1];
  double precision = 0.93, c = 1.0;
  std::map<std::string, int> repeat;  // set → how many times its rows count
  std::vector<std::string> dumps;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--precision" && i + 1 < argc) {
      precision = std::stod(argv[++i]);
    } else if (a == "--c" && i + 1 < argc) {
      c = std::stod(argv[++i]);
    } else if (a == "--weight" && i + 1 < argc) {
      const std::string sw = argv[++i];
      const auto eq = sw.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--weight SET=N\n";
        return 2;
      }
      repeat[sw.substr(0, eq)] = std::stoi(sw.substr(eq + 1));
    } else {
      dumps.push_back(a);
    }
  }
  std::vector<Row> rows;
  std::map<std::string, size_t> per_set;
  for (const auto& path : dumps) {
    std::ifstream in(path);
    if (!in) {
      std::cerr << "cannot read " << path << "\n";
      return 1;
    }
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      Row r;
      std::string right, oos, rank, conf;
      std::getline(ls, r.set, '\t');
      std::getline(ls, r.phase, '\t');
      std::getline(ls, r.query, '\t');
      std::getline(ls, right, '\t');
      std::getline(ls, oos, '\t');
      std::getline(ls, rank, '\t');
      std::getline(ls, conf, '\t');
      std::string v;
      while (std::getline(ls, v, '\t')) r.f.push_back(std::stod(v));
      if (r.f.size() != feature_count) {
        std::cerr << path << ": a row with " << r.f.size() << " features, expected " << feature_count << "\n";
        return 1;
      }
      if (held_out(r.set)) continue;
      r.right = right == "1";
      r.oos = oos == "1";
      r.rank = std::stoi(rank);
      // --weight keys: a set ("val"), a set and phase ("val/before") or a set's out-of-scope rows
      // ("train-online:oos"); the most specific one that matches counts.
      int times = 1;
      for (const std::string& key : {r.set, r.set + "/" + r.phase, r.set + (r.oos ? ":oos" : ":in")})
        if (const auto w = repeat.find(key); w != repeat.end()) times = w->second;
      per_set[r.set + "/" + r.phase] += static_cast<size_t>(times);
      const std::string query = r.query;
      for (int k = 0; k < times; ++k) {
        r.query = query + (k ? "#" + std::to_string(k) : "");
        rows.push_back(r);
      }
    }
  }
  if (rows.empty()) {
    std::cerr << "no rows to fit on\n";
    return 1;
  }

  // Two regimes, each with its own model: tickets for which similar solved tickets were found (their
  // votes and the linear model say most), and tickets without (the article match alone).
  std::map<std::string, bool> voted;
  const auto vote_count = static_cast<size_t>(Feature::vote_count);
  for (const auto& r : rows) voted[r.set + "\t" + r.phase + "\t" + r.query] |= r.f[vote_count] > 0;
  std::vector<Row> regime[2];
  for (auto& r : rows) regime[voted[r.set + "\t" + r.phase + "\t" + r.query] ? 1 : 0].push_back(std::move(r));

  struct Fit {
    std::vector<double> w;
    double bias = 0, a = 1, b = 0, c0 = 0;
    std::vector<std::pair<double, bool>> tops;  ///< the best candidate's confidence, right or not
  };
  auto fit = [&](const std::vector<Row>& data) {
    Fit out;
    std::vector<std::vector<feature_node>> x_rows(data.size());
    std::vector<feature_node*> x(data.size());
    std::vector<double> y(data.size());
    // A feature that never varies in this regime's data (language_match in CLINC150, has_cases with
    // similar tickets) would share the bias's weight and act wrongly where it does vary: left out.
    // Left out as well: language_match (the labelled sets accept both languages' versions of an
    // article, which taught the model to prefer the other language; the article query already weighs
    // the other language at 0.6) and penalty (no labelled data has not-helpful votes: suggest.cpp
    // applies them outside the model).
    std::vector<bool> varies(feature_count, false);
    for (size_t f = 0; f < feature_count; ++f) {
      if (f == static_cast<size_t>(Feature::language_match) || f == static_cast<size_t>(Feature::penalty))
        continue;
      varies[f] =
          std::any_of(data.begin(), data.end(), [&](const Row& r) { return r.f[f] != data.front().f[f]; });
    }
    for (size_t i = 0; i < data.size(); ++i) {
      for (size_t f = 0; f < feature_count; ++f)
        if (varies[f] && data[i].f[f] != 0) x_rows[i].push_back({static_cast<int>(f) + 1, data[i].f[f]});
      x_rows[i].push_back({static_cast<int>(feature_count) + 1, 1.0});
      x_rows[i].push_back({-1, 0});
      x[i] = x_rows[i].data();
      y[i] = data[i].right ? 1 : -1;
    }
    problem prob{};
    prob.l = static_cast<int>(data.size());
    prob.n = static_cast<int>(feature_count) + 1;
    prob.y = y.data();
    prob.x = x.data();
    prob.bias = 1;
    parameter param{};
    param.solver_type = L2R_LR;
    param.eps = 0.001;
    param.C = c;
    set_print_string_function(quiet);
    model* m = train(&prob, &param);
    int labels[2];
    get_labels(m, labels);
    const double sign = labels[0] == 1 ? 1 : -1;  // liblinear's weights favour its first label
    out.w.resize(feature_count);
    for (size_t f = 0; f < feature_count; ++f)
      out.w[f] = sign * get_decfun_coef(m, static_cast<int>(f) + 1, 0);
    out.bias = sign * get_decfun_bias(m, 0);
    free_and_destroy_model(&m);

    // Stage 2, calibration of the answer shown: the best candidate's logit and its margin to the best
    // other candidate's logit, fitted on whether the best candidate is right (Platt scaling with the
    // margin: a candidate that stands out is more often right than its own logit says).
    struct Top {
      double z1 = -1e9, z2 = -1e9;
      bool right = false;
    };
    std::map<std::string, Top> tops;
    for (const auto& r : data) {
      double z = out.bias;
      for (size_t f = 0; f < feature_count; ++f) z += out.w[f] * r.f[f];
      Top& t = tops[r.set + "\t" + r.phase + "\t" + r.query];
      if (z > t.z1) {
        t.z2 = t.z1;
        t.z1 = z;
        t.right = r.right;
      } else if (z > t.z2) {
        t.z2 = z;
      }
    }
    auto margin_of = [](const Top& t) { return std::min(t.z1 - t.z2, 10.0); };
    std::vector<std::vector<feature_node>> x2_rows;
    std::vector<feature_node*> x2;
    std::vector<double> y2;
    for (const auto& [k, t] : tops) {
      x2_rows.push_back({{1, t.z1}, {2, margin_of(t)}, {3, 1.0}, {-1, 0}});
      y2.push_back(t.right ? 1 : -1);
    }
    for (auto& row : x2_rows) x2.push_back(row.data());
    problem p2{};
    p2.l = static_cast<int>(x2.size());
    p2.n = 3;
    p2.y = y2.data();
    p2.x = x2.data();
    p2.bias = 1;
    parameter q = param;
    q.C = 100;
    model* m2 = train(&p2, &q);
    int l2[2];
    get_labels(m2, l2);
    const double s2 = l2[0] == 1 ? 1 : -1;
    out.a = s2 * get_decfun_coef(m2, 1, 0);
    out.b = s2 * get_decfun_coef(m2, 2, 0);
    out.c0 = s2 * get_decfun_bias(m2, 0);
    free_and_destroy_model(&m2);
    for (const auto& [k, t] : tops)
      out.tops.emplace_back(1 / (1 + std::exp(-(out.a * t.z1 + out.b * margin_of(t) + out.c0))), t.right);
    return out;
  };
  Fit fits[2];
  std::vector<std::pair<double, bool>> sorted;
  for (int r = 0; r < 2; ++r) {
    if (regime[r].empty()) {
      std::cerr << "no rows for the regime " << (r ? "with" : "without") << " similar solved tickets\n";
      return 1;
    }
    fits[r] = fit(regime[r]);
    sorted.insert(sorted.end(), fits[r].tops.begin(), fits[r].tops.end());
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto& l, const auto& r) { return l.first > r.first; });
  double threshold = 1;
  size_t shown = 0, right = 0;
  for (const auto& [p, ok] : sorted) {
    ++shown;
    right += ok;
    if (static_cast<double>(right) >= precision * static_cast<double>(shown)) threshold = p;
  }
  threshold = std::floor(threshold * 1000) / 1000;

  std::cerr << "fitted on " << rows.size() << " candidates of " << sorted.size() << " suggestions:\n";
  for (const auto& [k, n] : per_set) std::cerr << "  " << k << ": " << n << "\n";
  std::cerr << "threshold for precision " << precision << ": " << threshold << "\n";
  for (int r = 0; r < 2; ++r) {
    std::cerr << (r ? "with" : "without") << " similar solved tickets: " << fits[r].tops.size()
              << " suggestions\n";
    for (int bin = 0; bin < 10; ++bin) {
      size_t n = 0, ok = 0;
      double sum = 0;
      for (const auto& [p, good] : fits[r].tops)
        if (std::min(9, static_cast<int>(p * 10)) == bin) {
          ++n;
          ok += good;
          sum += p;
        }
      if (n)
        std::cerr << "  bin " << bin / 10.0 << ": n=" << n << " mean=" << sum / static_cast<double>(n)
                  << " accuracy=" << static_cast<double>(ok) / static_cast<double>(n) << "\n";
    }
  }

  std::ofstream out(out_path);
  out << "// Generated by bench/fit_confidence. Do not edit by hand: refit (bench/README.md).\n";
  out << "// Fitted on " << sorted.size() << " suggestions (";
  bool first = true;
  for (const auto& [k, n] : per_set) {
    out << (first ? "" : ", ") << k << " " << n;
    first = false;
  }
  out << " candidates), C = " << c << ", threshold for precision " << precision << ".\n";
  out << std::setprecision(6);
  for (int r = 0; r < 2; ++r) {
    const char* name = r ? "with_cases_regime" : "without_cases_regime";
    out << "// " << (r ? "Tickets with similar solved tickets" : "Tickets without similar solved tickets")
        << ".\n";
    out << "constexpr Regime " << name << "{\n    {\n";
    for (size_t f = 0; f < feature_count; ++f)
      out << "        " << fits[r].w[f] << ",  // " << feature_name(static_cast<Feature>(f)) << "\n";
    out << "    },\n    " << fits[r].bias << ",  // bias\n    " << fits[r].a
        << ",  // calibration: logit\n    " << fits[r].b << ",  // calibration: margin\n    " << fits[r].c0
        << ",  // calibration: bias\n};\n";
  }
  out << "constexpr double confidence_threshold = " << threshold << ";\n";
  return 0;
}
