// `solusi check`: findings about a folder of articles, before anything is indexed.
#pragma once

#include <filesystem>
#include <vector>

#include "article.hpp"
#include "error.hpp"

namespace solusi {

struct CheckReport {
  size_t articles = 0;               ///< article files looked at
  std::vector<Diagnostic> findings;  ///< sorted by file and line

  size_t count(Diagnostic::Severity s) const;
};

/// Lints every article of the folder: front matter errors, missing owner or review date, broken
/// internal links and missing local files, links to archived articles, duplicate titles, and problems
/// in synonyms.txt and chat-words.txt. Fails only when the folder cannot be read.
Result<CheckReport> check_folder(const std::filesystem::path& articles_dir, const ParseOptions& options = {});

}  // namespace solusi
