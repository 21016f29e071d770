// Real-world shapes: a help corpus written the way big documentation sites write front matter
// (ms.date in US order, ms.author, ms.topic, ROBOTS, lists in ms.custom, audience: Admin, no lang,
// anchors inside headings, [!INCLUDE] lines, site-absolute links, missing images), and the bundled
// articles of the repository.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lint.hpp"
#include "test_support.hpp"

namespace solusi {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::TempDir;
namespace fs = std::filesystem;

const fs::path real_world_dir = fs::path(SOLUSI_TEST_DATA) / "fixtures" / "real-world";

Article parse_fixture(const std::string& name, const ParseOptions& options = {}) {
  auto a = parse_article(name, testing::read_text(real_world_dir / name), options);
  EXPECT_TRUE(a) << a.error().describe();
  return a ? *a : Article{};
}

bool has_code(const std::vector<Diagnostic>& ds, std::string_view code) {
  return std::any_of(ds.begin(), ds.end(), [&](const Diagnostic& d) { return d.code == code; });
}

TEST(RealWorld, FrontMatterOfADocsSiteIsUnderstood) {
  const Article a = parse_fixture("configure-guest-access.md");
  EXPECT_EQ(a.title, "Configure guest access for project workspaces");
  ASSERT_TRUE(a.reviewed);
  EXPECT_EQ(a.reviewed->iso(), "2021-07-30");
  EXPECT_EQ(a.owner, "rkarlsson");
  EXPECT_EQ(a.audience, Audience::internal);
  EXPECT_TRUE(has_code(a.warnings, "unknown_audience"));
  EXPECT_EQ(a.extra["ms.topic"], "article");
  EXPECT_EQ(a.extra["ROBOTS"], "NOINDEX");
  EXPECT_EQ(a.extra["ms.custom"], nlohmann::json({"admindeeplinkHUB", "seo-marvel-apr2020"}));
  EXPECT_EQ(a.extra["f1.keywords"], nlohmann::json({"NOCSH"}));
  EXPECT_EQ(a.summary, "Admins can let people outside the organization join a project workspace as guests.");
  ASSERT_GE(a.headings.size(), 2u);
  EXPECT_EQ(a.headings[0].text, "Configure guest access for project workspaces");
  EXPECT_EQ(a.headings[1].text, "Turn on guest access");
  EXPECT_THAT(a.text, HasSubstr("admin center"));
  EXPECT_THAT(a.text, ::testing::Not(HasSubstr("href")));
  // Site-absolute links and escaping include paths are not ours; the image is a local file.
  for (const auto& l : a.links) {
    SCOPED_TRACE(l.url);
    if (l.url.starts_with("/workspacehub") || l.url.starts_with("../includes") ||
        l.url.starts_with("https:")) {
      EXPECT_FALSE(l.article_slug || l.local_file);
    }
  }
  EXPECT_TRUE(std::any_of(a.links.begin(), a.links.end(), [](const Link& l) {
    return l.is_image && l.local_file == "media/guest-sharing-switch.png";
  }));
}

TEST(RealWorld, TitleComesFromAnAnchoredHeadingWhenThereIsNoTitleField) {
  const Article a = parse_fixture("reset-badge-printer.md");
  EXPECT_EQ(a.title, "Reset a lobby badge printer that stops printing");
  EXPECT_FALSE(has_code(a.warnings, "missing_title"));
  EXPECT_EQ(a.owner, "okowalczyk");
  ASSERT_TRUE(a.reviewed);
  EXPECT_EQ(a.reviewed->iso(), "2020-11-03");
}

TEST(RealWorld, SingleDigitUsDateAndQuotedTitleWithColon) {
  const Article restore = parse_fixture("restore-workspace.md");
  ASSERT_TRUE(restore.reviewed);
  EXPECT_EQ(restore.reviewed->iso(), "2022-04-02");
  EXPECT_EQ(restore.extra["ROBOTS"], "NOINDEX, NOFOLLOW");
  const Article archive = parse_fixture("archive-old-workspaces.md");
  EXPECT_EQ(archive.title, "Archive inactive workspaces: what happens to files");
  EXPECT_EQ(archive.owner, "plindqvist");  // ms.author is preferred over author
  EXPECT_THAT(archive.text, HasSubstr("Search, Hidden from results, Visible again."));
}

TEST(RealWorld, EveryFixtureIndexesWithoutErrorsAndIsFound) {
  TempDir dir;
  auto options = testing::index_options(real_world_dir, dir / "index");
  options.parse.default_lang = Lang::en;  // an English docs site writes no lang
  auto report = index_folder(options);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_TRUE(report->errors.empty()) << report->errors.front().describe();
  EXPECT_EQ(report->added, 6u);

  auto searcher = service::Searcher::open(dir / "index");
  ASSERT_TRUE(searcher) << searcher.error().describe();
  struct Case {
    std::string query, slug;
  };
  const Case cases[] = {
      {"guest access", "configure-guest-access"},
      {"badge printer blank", "reset-badge-printer"},
      {"archived files read-only", "archive-old-workspaces"},
      {"restore workspace", "restore-workspace"},
      {"0x80041A2F", "troubleshoot-sync-errors"},
      {"path too long", "troubleshoot-sync-errors"},
      {"room display firmware", "room-display-setup"},
      {"printers", "reset-badge-printer"},  // English stemming
      {"archiving reversible", "archive-old-workspaces"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    service::SearchRequest r;
    r.q = c.query;
    auto result = searcher->search(r);
    ASSERT_TRUE(result) << result.error().describe();
    ASSERT_FALSE(result->hits.empty());
    EXPECT_EQ(result->hits[0].slug, c.slug) << testing::joined(testing::slugs_of(*result));
  }
}

TEST(RealWorld, DefaultSettingsIndexTheCorpusToo) {
  TempDir dir;
  auto report = index_folder(testing::index_options(real_world_dir, dir / "index"));
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_TRUE(report->errors.empty()) << report->errors.front().describe();
  EXPECT_EQ(report->added, 6u);
  EXPECT_TRUE(has_code(report->warnings, "unknown_audience"));
}

TEST(RealWorld, CheckReportsOnlyTheMissingImages) {
  auto report = check_folder(real_world_dir);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_EQ(report->articles, 6u);
  std::vector<std::string> errors;
  for (const auto& d : report->findings)
    if (d.severity == Diagnostic::Severity::error)
      errors.push_back(d.file + ":" + std::to_string(d.line) + " " + d.code);
  EXPECT_EQ(errors, (std::vector<std::string>{"configure-guest-access.md:32 missing_file",
                                              "troubleshoot-sync-errors.md:25 missing_file"}));
  EXPECT_FALSE(has_code(report->findings, "broken_link"));
}

TEST(BundledArticles, CheckFindsNoErrors) {
  auto report = check_folder(SOLUSI_ARTICLES_DIR);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_GT(report->articles, 0u);
  for (const auto& d : report->findings) EXPECT_NE(d.severity, Diagnostic::Severity::error) << d.describe();
}

TEST(BundledArticles, IndexWithoutErrors) {
  TempDir dir;
  auto report = index_folder(testing::index_options(SOLUSI_ARTICLES_DIR, dir / "index"));
  ASSERT_TRUE(report) << report.error().describe();
  for (const auto& d : report->errors) ADD_FAILURE() << d.describe();
  EXPECT_GT(report->added, 0u);
  EXPECT_EQ(report->documents, report->added);
  EXPECT_GT(report->synonym_groups, 0u);
}

}  // namespace
}  // namespace solusi
