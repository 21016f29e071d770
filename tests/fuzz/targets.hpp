// Fuzz targets: one function per parser of untrusted input, shared by the libFuzzer executables
// (SOLUSI_FUZZ=ON, clang) and the replay test of the normal build, which runs every seed and
// regression input through the same functions (see tests/fuzz/README.md).
//
// Each function takes the fuzzer's bytes, runs the real code on them and checks what must hold for
// any input (no crash, no sanitizer report, valid UTF-8 out, safe HTML out...). A broken invariant
// prints what broke and aborts, which both libFuzzer and CTest report as a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace solusi::fuzz {

/// A whole article file (front matter + Markdown) through parse_article(); when it parses, also the
/// editor's front matter rewrite (set_front_matter_field) and parsing the result again.
int fuzz_article(const std::uint8_t* data, std::size_t size);
/// A Markdown body: render_markdown() (cmark-gfm with GitHub's extensions, safe HTML), its tables'
/// shape, and the indexer's body extraction under a fixed valid front matter.
int fuzz_markdown(const std::uint8_t* data, std::size_t size);
/// A support ticket (first line: subject, the rest: body) through clean_ticket(), then the
/// suggester on a small fixed index.
int fuzz_ticket(const std::uint8_t* data, std::size_t size);
/// A search query (first byte: request options, the rest: q) through validate() and
/// Searcher::search() on a small fixed index, and the result's JSON.
int fuzz_query(const std::uint8_t* data, std::size_t size);
/// A JSON request body through json_object_body() with each route's accepted fields, the routes'
/// member checks (string_member), article_from_json() and parsing the article it writes.
int fuzz_json_body(const std::uint8_t* data, std::size_t size);
/// The editors' word lists (chat-words.txt, synonyms.txt, categories.txt): parsing and the round trip
/// through the index metadata.
int fuzz_word_lists(const std::uint8_t* data, std::size_t size);

struct Target {
  std::string_view name;  ///< folder name under tests/fuzz/{corpus,regressions,pending}
  int (*run)(const std::uint8_t*, std::size_t);
};

inline constexpr Target targets[] = {
    {"article", fuzz_article}, {"markdown", fuzz_markdown},   {"ticket", fuzz_ticket},
    {"query", fuzz_query},     {"json_body", fuzz_json_body}, {"word_lists", fuzz_word_lists},
};

}  // namespace solusi::fuzz
