// JSON shapes of search results: one serializer for `solusi search --json` and GET /v1/search.
#pragma once

#include <nlohmann/json.hpp>

#include "searcher.hpp"

namespace solusi::service {

nlohmann::json to_json(const Hit& hit);
nlohmann::json to_json(const SearchResult& result);

}  // namespace solusi::service
