#include "search_json.hpp"

namespace solusi::service {
namespace {

nlohmann::json optional_string(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

nlohmann::json facets(const std::vector<FacetCount>& counts) {
  auto arr = nlohmann::json::array();
  for (const auto& c : counts) arr.push_back({{"value", c.value}, {"count", c.count}});
  return arr;
}

}  // namespace

nlohmann::json to_json(const Hit& h) {
  return {{"slug", h.slug},
          {"title", h.title},
          {"summary", h.summary},
          {"snippet", h.snippet},
          {"lang", h.lang},
          {"tags", h.tags},
          {"category", h.category},
          {"owner", h.owner},
          {"status", h.status},
          {"audience", h.audience},
          {"updated", optional_string(h.updated)},
          {"reviewed", optional_string(h.reviewed)},
          {"review_due", optional_string(h.review_due)},
          {"score", h.score},
          {"percent", h.percent}};
}

nlohmann::json to_json(const SearchResult& r) {
  auto hits = nlohmann::json::array();
  for (const auto& h : r.hits) hits.push_back(to_json(h));
  nlohmann::json j{
      {"hits", hits},
      {"total_estimate", r.total_estimate},
      {"total_any_word", r.total_any_word},
      {"corrected", optional_string(r.corrected)},
      {"query_language", r.query_language ? nlohmann::json(lang_code(*r.query_language)) : nlohmann::json()},
      {"took_ms", r.took_ms}};
  if (!r.explanation.empty()) j["explanation"] = r.explanation;
  j["facets"] = {{"tags", facets(r.tag_facets)}, {"categories", facets(r.category_facets)}};
  return j;
}

nlohmann::json to_json(const Suggestion& s) {
  nlohmann::json j{{"slug", s.slug},         {"title", s.title},           {"lang", s.lang},
                   {"audience", s.audience}, {"confidence", s.confidence}, {"coverage", s.coverage},
                   {"score", s.score},       {"snippet", s.snippet},       {"matched", s.matched},
                   {"learned", s.learned},   {"reason", s.reason}};
  j["similar_tickets"] = {{"count", s.similar_tickets}, {"ticket_ids", s.similar_ids}};
  return j;
}

static nlohmann::json features_json(const Suggestion& s) {
  nlohmann::json f = nlohmann::json::object();
  for (size_t i = 0; i < feature_count; ++i)
    f[std::string(feature_name(static_cast<Feature>(i)))] = s.features[i];
  return f;
}

nlohmann::json to_json(const SuggestResult& r) {
  auto suggestions = nlohmann::json::array();
  for (const auto& s : r.suggestions) suggestions.push_back(to_json(s));
  auto terms = nlohmann::json::array();
  auto unknown = nlohmann::json::array();
  for (const auto& t : r.terms) (t.weight > 0 ? terms : unknown).push_back(t.word);
  nlohmann::json j{{"suggestions", suggestions},
                   {"language", lang_code(r.language)},
                   {"language_detected", r.language_detected},
                   {"key_terms", terms},
                   {"unknown_words", unknown},
                   {"codes", r.codes},
                   {"gap", r.gap},
                   {"threshold", r.threshold},
                   {"took_ms", r.took_ms}};
  if (!r.candidates.empty()) {
    auto all = nlohmann::json::array();
    for (const auto& c : r.candidates) {
      auto one = to_json(c);
      one["features"] = features_json(c);
      all.push_back(std::move(one));
    }
    j["candidates"] = std::move(all);
  }
  if (r.gap && r.best)
    j["best_below_threshold"] = {
        {"slug", r.best->slug}, {"title", r.best->title}, {"confidence", r.best->confidence}};
  return j;
}

}  // namespace solusi::service
