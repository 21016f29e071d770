// check_folder: the findings of `solusi check`, each with file, line and code.
#include "lint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace solusi {
namespace {

using testing::TempDir;

std::string article(std::string_view title, std::string_view body, std::string_view extra = "") {
  return "---\ntitle: " + std::string(title) + "\nlang: id\nowner: tim\nreviewed: 2026-08-01\n" +
         std::string(extra) + "---\n" + std::string(body) + "\n";
}

/// "file:line code" of every finding of @p severity.
std::vector<std::string> findings(const CheckReport& r, Diagnostic::Severity severity) {
  std::vector<std::string> out;
  for (const auto& d : r.findings)
    if (d.severity == severity) out.push_back(d.file + ":" + std::to_string(d.line) + " " + d.code);
  return out;
}

CheckReport check(const TempDir& dir) {
  auto r = check_folder(dir.path());
  EXPECT_TRUE(r) << r.error().describe();
  return r ? *r : CheckReport{};
}

using Lines = std::vector<std::string>;
constexpr auto error = Diagnostic::Severity::error;
constexpr auto warning = Diagnostic::Severity::warning;

TEST(Check, CleanFolderHasNoFindings) {
  TempDir dir;
  dir.write("a/satu.md", article("Satu", "Lihat [dua](../b/dua.md) dan ![foto](media/foto.png)."));
  dir.write("a/media/foto.png", "png");
  dir.write("b/dua.md",
            article("Dua", "Kembali ke [satu](/a/satu.md#atas) atau [situs](https://example.com)."));
  const auto r = check(dir);
  EXPECT_EQ(r.articles, 2u);
  EXPECT_TRUE(r.findings.empty()) << r.findings.front().describe();
}

TEST(Check, BrokenLinksAndMissingFilesAreErrorsAtTheirLines) {
  TempDir dir;
  dir.write("a/satu.md", article("Satu",
                                 "Baris tujuh.\n"
                                 "Lihat [hilang](../b/tidak-ada.md).\n"          // 8
                                 "Lihat [tanpa ekstensi](tidak-ada-juga).\n"     // 9
                                 "Gambar ![x](media/x.png) dan [pdf](f.pdf).\n"  // 10
                                 "Situs [lain](/sharepoint/sites/x)."));
  const auto r = check(dir);
  EXPECT_EQ(findings(r, error), (Lines{"a/satu.md:8 broken_link", "a/satu.md:9 broken_link",
                                       "a/satu.md:10 missing_file", "a/satu.md:10 missing_file"}));
  EXPECT_EQ(r.count(error), 4u);
}

TEST(Check, DuplicateTitlesWithinOneLanguage) {
  TempDir dir;
  dir.write("a/satu.md", article("Lacak Paket", "Isi satu."));
  dir.write("b/dua.md", article("lacak paket", "Isi dua."));
  dir.write("c/english.md",
            "---\ntitle: Lacak paket\nlang: en\nowner: t\nreviewed: 2026-08-01\n---\nText.\n");
  dir.write("d/lama.md", article("Lacak paket", "Versi lama.", "status: archived\n"));
  const auto r = check(dir);
  EXPECT_EQ(findings(r, error), (Lines{"b/dua.md:1 duplicate_title"}));
  EXPECT_THAT(r.findings.front().message, ::testing::HasSubstr("a/satu.md"));
}

TEST(Check, LinkToAnArchivedArticleIsAWarning) {
  TempDir dir;
  dir.write("a/baru.md", article("Baru", "Lihat [lama](lama.md)."));
  dir.write("a/lama.md", article("Lama", "Isi lama.", "status: archived\n"));
  const auto r = check(dir);
  EXPECT_TRUE(findings(r, error).empty());
  EXPECT_EQ(findings(r, warning), (Lines{"a/baru.md:7 link_to_archived"}));
}

TEST(Check, FrontMatterErrorsAndWarningsAreFindings) {
  TempDir dir;
  dir.write("rusak.md", "---\ntitle: Rusak\ntags: {a: 1}\n---\nIsi.\n");
  dir.write("polos.md", "Tanpa judul, tanpa pemilik.\n");
  const auto r = check(dir);
  EXPECT_EQ(findings(r, error), (Lines{"rusak.md:3 invalid_article"}));
  const auto w = findings(r, warning);
  EXPECT_THAT(w, ::testing::Contains("polos.md:1 missing_title"));
  EXPECT_THAT(w, ::testing::Contains("polos.md:1 missing_owner"));
  EXPECT_THAT(w, ::testing::Contains("polos.md:1 missing_review_date"));
}

TEST(Check, SynonymProblemsAreFindings) {
  TempDir dir;
  dir.write("a.md", article("A", "Isi."));
  dir.write("synonyms.txt", "refund, pengembalian dana\nsendirian\nrefund, balikin\n");
  const auto r = check(dir);
  EXPECT_EQ(findings(r, error), (Lines{"synonyms.txt:2 bad_synonyms"}));
  EXPECT_EQ(findings(r, warning), (Lines{"synonyms.txt:3 duplicate_synonym"}));
}

TEST(Check, FindingsAreSortedByFileAndLine) {
  TempDir dir;
  dir.write("b.md", article("B", "Satu [x](x.md).\nDua [y](y.md)."));
  dir.write("a.md", article("A", "[z](z.md)"));
  const auto r = check(dir);
  EXPECT_EQ(findings(r, error), (Lines{"a.md:7 broken_link", "b.md:7 broken_link", "b.md:8 broken_link"}));
}

TEST(Check, MissingFolderIsNotFound) {
  TempDir dir;
  auto r = check_folder(dir / "tidak-ada");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace solusi
