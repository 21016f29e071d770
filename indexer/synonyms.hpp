// The editor-owned synonym file (articles/synonyms.txt): groups of equivalent words and phrases.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "article.hpp"

namespace solusi {

/// One line of the file: terms and phrases that mean the same ("refund, pengembalian dana").
using SynonymGroup = std::vector<std::string>;

struct SynonymFile {
  std::vector<SynonymGroup> groups;
  std::vector<Diagnostic> problems;  ///< lines that were skipped, with their line numbers
};

/// File name of the synonym file inside the articles folder.
inline constexpr std::string_view synonyms_file_name = "synonyms.txt";

/// File name of the category groups inside the articles folder: the synonym file's format, one group
/// per line of category names that are the same category in different languages
/// ("pembayaran, payments"). A category filter matches every category of its group.
inline constexpr std::string_view category_groups_file_name = "categories.txt";

/// Category groups as stored in the index metadata (one comma-separated line per group), and back:
/// each category mapped to every category of its group, itself included.
std::string serialise_category_groups(const std::vector<SynonymGroup>& groups);
std::map<std::string, std::vector<std::string>> deserialise_category_groups(std::string_view stored);

/// Parses the file: one group per line, comma-separated, '#' starts a comment line. Each entry is
/// normalised to lowercase words separated by single spaces. Bad lines are reported and skipped.
SynonymFile parse_synonyms(std::string_view text,
                           const std::string& file_name = std::string(synonyms_file_name));

/// Normalises a term or phrase the way synonym keys are stored: lowercase words joined by one space.
std::string normalize_synonym(std::string_view phrase);

}  // namespace solusi
