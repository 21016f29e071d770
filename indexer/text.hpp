// Small text helpers shared by the indexer and the service.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace solusi::text {

/// Offset of the first byte that is not well-formed UTF-8 (overlongs, surrogates and code points past
/// U+10FFFF are not), or std::string_view::npos when all of @p s is.
size_t first_invalid_utf8(std::string_view s);

/// True when @p s is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view s) {
  return first_invalid_utf8(s) == std::string_view::npos;
}

std::string_view trim(std::string_view s);

/// The pieces of @p s between the occurrences of @p delimiter, empty ones included: "a,,b" gives
/// {"a", "", "b"}, "a," gives {"a", ""} and "" gives {""} (always one more piece than delimiters).
/// The pieces point into @p s, which must outlive them.
std::vector<std::string_view> split(std::string_view s, char delimiter);
/// @p parts joined with @p separator between them.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

/// Lowercases with Xapian's Unicode tables (handles non-ASCII letters).
std::string to_lower(std::string_view s);

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view s);

/// Collapses every run of whitespace into one space and trims the ends.
std::string collapse_whitespace(std::string_view s);

/// Cuts @p s to at most @p max_bytes at a word boundary (never inside a UTF-8 sequence), adding "…" when cut.
std::string truncate_words(std::string_view s, size_t max_bytes);

/// Splits into lowercase words the way Xapian's term generator sees them (Unicode word characters).
std::vector<std::string> words(std::string_view s);

/// 64-bit FNV-1a: a stable content fingerprint (not for security).
std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 14695981039346656037ULL);

/// Lowercase 16-digit hexadecimal rendering of @p v.
std::string to_hex(std::uint64_t v);

}  // namespace solusi::text
