#include "lint.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "chat_words.hpp"
#include "index_writer.hpp"
#include "synonyms.hpp"
#include "text.hpp"

namespace fs = std::filesystem;

namespace solusi {

size_t CheckReport::count(Diagnostic::Severity s) const {
  return static_cast<size_t>(
      std::count_if(findings.begin(), findings.end(), [s](const auto& d) { return d.severity == s; }));
}

Result<CheckReport> check_folder(const fs::path& dir, const ParseOptions& options) {
  std::vector<Diagnostic> skipped;
  auto files = scan_articles(dir, &skipped);
  if (!files) return tl::unexpected(files.error());
  CheckReport report;
  report.articles = files->size() + skipped.size();
  report.findings = std::move(skipped);

  auto error = [&](std::string file, int line, std::string code, std::string message) {
    report.findings.push_back(
        {Diagnostic::Severity::error, std::move(file), line, std::move(code), std::move(message)});
  };
  auto warning = [&](std::string file, int line, std::string code, std::string message) {
    report.findings.push_back(
        {Diagnostic::Severity::warning, std::move(file), line, std::move(code), std::move(message)});
  };

  std::set<std::string> slugs;
  for (const auto& f : *files) slugs.insert(slug_from_path(f.relative));

  std::vector<Article> articles;
  for (const auto& f : *files) {
    auto bytes = read_article_file(f.absolute);
    if (!bytes) {
      error(f.relative, 0, std::string(read_error_code(bytes.error())), bytes.error().message);
      continue;
    }
    auto a = parse_article(f.relative, *bytes, options);
    if (!a) {
      error(f.relative, a.error().line, "invalid_article", a.error().message);
      continue;
    }
    for (auto& w : a->warnings) report.findings.push_back(std::move(w));
    a->warnings.clear();
    articles.push_back(std::move(*a));
  }

  std::map<std::string, Status> status_of;
  for (const auto& a : articles) status_of[a.slug] = a.status;

  std::map<std::pair<std::string, std::string>, const Article*> titles;  // (lang, lowercase title) → first
  for (const auto& a : articles) {
    for (const auto& l : a.links) {
      if (l.article_slug) {
        if (!slugs.count(*l.article_slug)) {
          error(a.path, l.line, "broken_link",
                "link to '" + l.url + "': no article '" + *l.article_slug + "'");
        } else if (auto st = status_of.find(*l.article_slug);
                   st != status_of.end() && st->second == Status::archived && a.status != Status::archived) {
          warning(a.path, l.line, "link_to_archived", "link to '" + l.url + "': that article is archived");
        }
      } else if (l.local_file) {
        std::error_code ec;
        if (!fs::exists(dir / *l.local_file, ec))
          error(a.path, l.line, "missing_file",
                std::string(l.is_image ? "image" : "link") + " '" + l.url + "': file " + *l.local_file +
                    " does not exist");
      }
    }
    if (a.status == Status::archived) continue;
    const auto key = std::make_pair(std::string(lang_code(a.lang)), text::to_lower(a.title));
    if (auto [it, inserted] = titles.emplace(key, &a); !inserted)
      error(a.path, 1, "duplicate_title", "title '" + a.title + "' is also used by " + it->second->path);
  }

  const fs::path synonyms = dir / synonyms_file_name;
  if (std::error_code ec; fs::exists(synonyms, ec)) {
    std::ifstream in(synonyms, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    for (auto& p : parse_synonyms(ss.str()).problems) report.findings.push_back(std::move(p));
  }
  const fs::path chat_words = dir / chat_words_file_name;
  if (std::error_code ec; fs::exists(chat_words, ec)) {
    std::ifstream in(chat_words, std::ios::binary);
    std::string content(max_chat_words_file_bytes + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<size_t>(in.gcount()));
    for (auto& p : parse_chat_words(content).problems) report.findings.push_back(std::move(p));
  }

  std::stable_sort(report.findings.begin(), report.findings.end(), [](const auto& x, const auto& y) {
    return std::tie(x.file, x.line) < std::tie(y.file, y.line);
  });
  return report;
}

}  // namespace solusi
