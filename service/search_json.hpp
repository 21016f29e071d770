// JSON shapes of search and suggestion results: one serializer for the CLI's --json and the HTTP API.
#pragma once

#include <nlohmann/json.hpp>

#include "searcher.hpp"
#include "suggest.hpp"

namespace solusi::service {

nlohmann::json to_json(const Hit& hit);
nlohmann::json to_json(const SearchResult& result);
nlohmann::json to_json(const Suggestion& suggestion);
nlohmann::json to_json(const SuggestResult& result);

}  // namespace solusi::service
