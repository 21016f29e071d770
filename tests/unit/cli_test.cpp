// The real `solusi` binary: index, search and check as a person runs them, with stdout, stderr and
// the exit code captured.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostile_articles.hpp"
#include "test_support.hpp"

namespace solusi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::run_solusi;
using testing::TempDir;

std::string article(std::string_view title, std::string_view body, std::string_view extra = "") {
  return "---\ntitle: " + std::string(title) + "\nlang: id\nowner: tim\nreviewed: 2026-08-01\n" +
         std::string(extra) + "---\n" + std::string(body) + "\n";
}

std::string output(const testing::ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("articles/pembayaran/refund.md",
               article("Cara mengajukan pengembalian dana",
                       "Pengembalian dana diajukan dari menu pesanan. Lihat juga [OTP](../akun/otp.md).",
                       "tags: [refund]\n"));
    dir_.write("articles/akun/otp.md",
               article("Kode OTP tidak masuk", "Kode verifikasi terlambat dikirim operator."));
    dir_.write("articles/pengiriman/lacak.md",
               article("Lacak paket", "Nomor resi muncul setelah paket dikemas kurir."));
  }

  std::string articles() const { return (dir_ / "articles").string(); }
  std::string index() const { return (dir_ / "index").string(); }

  testing::ProcessResult run(std::vector<std::string> args) { return run_solusi(std::move(args), dir_); }

  void build_index() {
    const auto r = run({"index", "--articles", articles(), "--index", index()});
    ASSERT_EQ(r.exit_code, 0) << output(r);
  }

  TempDir dir_;
};

TEST_F(Cli, IndexPrintsCountsAndExitsZero) {
  auto first = run({"index", "--articles", articles(), "--index", index()});
  EXPECT_EQ(first.exit_code, 0) << output(first);
  EXPECT_THAT(first.out, HasSubstr("added 3, updated 0, removed 0, unchanged 0, errors 0"));
  EXPECT_THAT(first.out, HasSubstr("documents in index: 3"));

  auto second = run({"index", "--articles", articles(), "--index", index()});
  EXPECT_EQ(second.exit_code, 0) << output(second);
  EXPECT_THAT(second.out, HasSubstr("added 0, updated 0, removed 0, unchanged 3, errors 0"));
}

TEST_F(Cli, IndexExitsZeroWithAMalformedArticleAndNamesFileAndLine) {
  dir_.write("articles/akun/rusak.md",
             "---\n"
             "title: Artikel rusak\n"
             "reviewed: 2026-02-30\n"  // line 3
             "---\n"
             "Isi.\n");
  auto r = run({"index", "--articles", articles(), "--index", index()});
  EXPECT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("added 3, updated 0, removed 0, unchanged 0, errors 1"));
  EXPECT_THAT(r.out, HasSubstr("akun/rusak.md:3:"));
  EXPECT_THAT(r.out, HasSubstr("2026-02-30"));
}

TEST_F(Cli, IndexJsonReport) {
  dir_.write("articles/rusak.md", "---\ntitle: [a, b]\n---\nIsi.\n");
  auto r = run({"index", "--articles", articles(), "--index", index(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  const auto j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["added"], 3);
  EXPECT_EQ(j["documents"], 3);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["file"], "rusak.md");
  EXPECT_EQ(j["errors"][0]["line"], 2);
  EXPECT_EQ(j["errors"][0]["severity"], "error");
}

TEST_F(Cli, IndexFullRebuild) {
  build_index();
  auto r = run({"index", "--articles", articles(), "--index", index(), "--full"});
  EXPECT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("full rebuild"));
  EXPECT_THAT(r.out, HasSubstr("added 3"));
}

TEST_F(Cli, IndexOfAMissingFolderFailsWithAClearMessage) {
  auto r = run({"index", "--articles", (dir_ / "tidak-ada").string(), "--index", index()});
  EXPECT_NE(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.err, HasSubstr("tidak-ada"));
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
}

TEST_F(Cli, SearchPrintsRankedHitsWithTitleSlugAndSnippet) {
  build_index();
  auto r = run({"search", "--index", index(), "pengembalian", "dana"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("1. Cara mengajukan pengembalian dana  [pembayaran/refund]"));
  EXPECT_THAT(r.out, HasSubstr("«Pengembalian» «dana»"));  // not a terminal: highlights as «»
  EXPECT_THAT(r.out, Not(HasSubstr("<mark>")));
  EXPECT_THAT(r.out, Not(HasSubstr("\033[")));
  EXPECT_THAT(r.out, Not(HasSubstr("Did you mean")));
}

TEST_F(Cli, SearchRanksTheBestMatchFirst) {
  build_index();
  auto r = run({"search", "--index", index(), "kode", "otp", "verifikasi"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("1. Kode OTP tidak masuk  [akun/otp]"));
}

TEST_F(Cli, SearchSuggestsACorrection) {
  build_index();
  auto r = run({"search", "--index", index(), "pengembalain", "dana"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("Did you mean: pengembalian dana"));
  EXPECT_THAT(r.out, HasSubstr("[pembayaran/refund]"));
}

TEST_F(Cli, SearchWithoutHitsSaysSo) {
  build_index();
  auto r = run({"search", "--index", index(), "xylofon"});
  EXPECT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("No articles found"));
}

TEST_F(Cli, SearchJsonIsValid) {
  build_index();
  auto r = run({"search", "--index", index(), "--json", "--facets", "pengembalain", "dana"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  const auto j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  ASSERT_TRUE(j["hits"].is_array());
  ASSERT_FALSE(j["hits"].empty());
  EXPECT_EQ(j["hits"][0]["slug"], "pembayaran/refund");
  EXPECT_THAT(j["hits"][0]["snippet"].get<std::string>(), HasSubstr("<mark>"));
  EXPECT_EQ(j["corrected"], "pengembalian dana");
  EXPECT_TRUE(j["total_estimate"].is_number());
  EXPECT_GE(j["total_estimate"].get<int>(), 1);
  EXPECT_TRUE(j["facets"]["tags"].is_array());
}

TEST_F(Cli, SearchFilters) {
  build_index();
  auto lang = run({"search", "--index", index(), "--json", "--lang", "en", "pengembalian"});
  ASSERT_EQ(lang.exit_code, 0) << output(lang);
  EXPECT_TRUE(nlohmann::json::parse(lang.out)["hits"].empty());
  auto tag = run({"search", "--index", index(), "--json", "dana", "kode", "--tag", "refund"});
  ASSERT_EQ(tag.exit_code, 0) << output(tag);
  const auto hits = nlohmann::json::parse(tag.out)["hits"];
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["slug"], "pembayaran/refund");
}

TEST_F(Cli, TagOptionTakesOneValueAndLeavesTheQueryWords) {
  build_index();
  auto r = run({"search", "--index", index(), "--json", "--tag", "refund", "dana", "kode"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  const auto hits = nlohmann::json::parse(r.out)["hits"];
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["slug"], "pembayaran/refund");
}

TEST_F(Cli, SearchWithoutAnIndexFailsWithAClearMessage) {
  auto r = run({"search", "--index", (dir_ / "no-index").string(), "refund"});
  EXPECT_NE(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.err, HasSubstr("no-index"));
  EXPECT_THAT(r.err, HasSubstr("solusi index"));
}

TEST_F(Cli, SearchRejectsBadOptions) {
  build_index();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"search", "--index", index(), "--limit", "0", "x"},
        std::vector<std::string>{"search", "--index", index(), "--limit", "51", "x"},
        std::vector<std::string>{"search", "--index", index(), "--lang", "fr", "x"},
        std::vector<std::string>{"search", "--index", index()}}) {
    auto r = run(args);
    EXPECT_NE(r.exit_code, 0) << output(r);
    EXPECT_FALSE(r.err.empty()) << output(r);
  }
}

TEST_F(Cli, CheckCleanFolderExitsZero) {
  auto r = run({"check", "--articles", articles()});
  EXPECT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("3 articles checked: 0 errors, 0 warnings"));
}

struct CheckCase {
  std::string label;
  std::string path;
  std::string content;
  std::string expected;  // "file:line: error: … [code]" pieces
  std::string code;
};

TEST_F(Cli, CheckReportsEachProblemWithFileLineAndCode) {
  const CheckCase cases[] = {
      {"broken internal link", "akun/tautan.md",
       article("Tautan rusak", "Paragraf.\n\nBaca [panduan](../pesanan/tidak-ada.md)."),
       "akun/tautan.md:9:", "broken_link"},
      {"missing image", "akun/gambar.md",
       article("Gambar hilang", "Lihat layar.\n\n![Layar](media/layar.png)"),
       "akun/gambar.md:9:", "missing_file"},
      {"duplicate title", "zzz/lacak-lagi.md", article("Lacak paket", "Salinan artikel lain."),
       "zzz/lacak-lagi.md:1:", "duplicate_title"},
      {"front matter error", "akun/tanggal.md",
       "---\ntitle: Tanggal\nlang: id\nreviewed: 2026-13-01\n---\nIsi.\n",
       "akun/tanggal.md:4:", "invalid_article"},
      {"unknown lang", "akun/bahasa.md", "---\ntitle: Bahasa\nlang: xx\n---\nIsi.\n",
       "akun/bahasa.md:3:", "invalid_article"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    TempDir scratch;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "articles")) {
      if (!entry.is_regular_file()) continue;
      scratch.write(std::filesystem::relative(entry.path(), dir_.path()).string(),
                    testing::read_text(entry.path()));
    }
    scratch.write("articles/" + c.path, c.content);
    auto r = run_solusi({"check", "--articles", (scratch / "articles").string()}, scratch);
    EXPECT_EQ(r.exit_code, 1) << output(r);
    EXPECT_THAT(r.out, HasSubstr(c.expected + " error: "));
    EXPECT_THAT(r.out, HasSubstr("[" + c.code + "]"));
    EXPECT_THAT(r.out, HasSubstr(": 1 errors"));

    auto j = run_solusi({"check", "--json", "--articles", (scratch / "articles").string()}, scratch);
    EXPECT_EQ(j.exit_code, 1) << output(j);
    const auto parsed = nlohmann::json::parse(j.out, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << j.out;
    EXPECT_EQ(parsed["errors"], 1);
    bool found = false;
    for (const auto& f : parsed["findings"]) found = found || f["code"] == c.code;
    EXPECT_TRUE(found) << parsed.dump(2);
  }
}

// ------------------------------------------------------------------------------------------------
// Files the indexer must not take: each one skipped and named, the good articles indexed

class CliBadFiles : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    dir_.write("articles/tawa.md", testing::billion_laughs("Isi.\n"));
    dir_.write("articles/a b.md", article("Spasi", "Nama berkas dengan spasi."));
    dir_.write("articles/\xC3\xA4.md", article("Umlaut", "Nama berkas dengan huruf bukan ASCII."));
    dir_.write("articles/x?.md", article("Tanya", "Nama berkas dengan tanda tanya."));
    dir_.write("articles/besar.md", article("Besar", std::string(600 * 1024, 'x')));
    dir_.write("articles/tag-panjang.md",
               article("Tag panjang", "Isi.", "tags: [" + std::string(101, 't') + "]\n"));
    dir_.write("outside/rahasia.md", article("Rahasia", "Berkas zirkonia di luar folder artikel."));
    std::filesystem::create_symlink(dir_ / "outside/rahasia.md", dir_ / "articles/rahasia.md");
    std::filesystem::create_symlink("putar.md", dir_ / "articles/putar.md");  // a link to itself
    std::filesystem::create_directory_symlink(dir_ / "outside", dir_ / "articles/luar");
  }

  /// Every bad file, with what its report line must hold.
  static std::vector<std::pair<std::string, std::string>> expected() {
    return {{"tawa.md:3: error:", "[invalid_article]"},
            {"a b.md: error:", "[invalid_file_name]"},
            {"\xC3\xA4.md: error:", "[invalid_file_name]"},
            {"x?.md: error:", "[invalid_file_name]"},
            {"besar.md: error:", "[file_too_large]"},
            {"tag-panjang.md:6: error: front matter field 'tags'", "[invalid_article]"},
            {"rahasia.md: error:", "[symlink]"},
            {"putar.md: error:", "[symlink]"},
            {"luar: error:", "[symlink]"}};
  }
};

TEST_F(CliBadFiles, IndexTakesTheGoodArticlesAndNamesEachBadFile) {
  auto r = run({"index", "--articles", articles(), "--index", index()});
  EXPECT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("added 3, updated 0, removed 0, unchanged 0, errors 9")) << output(r);
  EXPECT_THAT(r.out, HasSubstr("documents in index: 3"));
  for (const auto& [where, code] : expected()) {
    const auto at = r.out.find(where);
    ASSERT_NE(at, std::string::npos) << where << "\n" << output(r);
    EXPECT_THAT(r.out.substr(at, r.out.find('\n', at) - at), HasSubstr(code)) << where;
  }
  EXPECT_THAT(r.out, HasSubstr("10000 values"));
  EXPECT_THAT(r.out, HasSubstr("at most 524288 bytes"));
  EXPECT_THAT(r.out, HasSubstr("at most 100 bytes"));
  // Nothing outside the folder was read: the secret article is not searchable.
  auto secret = run({"search", "--index", index(), "zirkonia"});
  EXPECT_THAT(secret.out, HasSubstr("No articles found")) << output(secret);

  // A second run says the same (the index stays usable, nothing is half-indexed).
  auto again = run({"index", "--articles", articles(), "--index", index()});
  EXPECT_EQ(again.exit_code, 0) << output(again);
  EXPECT_THAT(again.out, HasSubstr("unchanged 3, errors 9")) << output(again);
}

TEST_F(CliBadFiles, CheckFailsAndNamesEachBadFile) {
  auto r = run({"check", "--articles", articles()});
  EXPECT_EQ(r.exit_code, 1) << output(r);
  for (const auto& [where, code] : expected()) {
    const auto at = r.out.find(where);
    ASSERT_NE(at, std::string::npos) << where << "\n" << output(r);
    EXPECT_THAT(r.out.substr(at, r.out.find('\n', at) - at), HasSubstr(code)) << where;
  }
  auto j = run({"check", "--json", "--articles", articles()});
  EXPECT_EQ(j.exit_code, 1) << output(j);
  const auto parsed = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << j.out;
  EXPECT_EQ(parsed["errors"], 9) << parsed.dump(2);
}

TEST_F(Cli, AFileNameWithANewlineIsNamedOnOneLine) {
  dir_.write("articles/dua\nbaris.md", article("Dua baris", "Isi."));
  auto r = run({"check", "--articles", articles()});
  EXPECT_EQ(r.exit_code, 1) << output(r);
  EXPECT_THAT(r.out, HasSubstr("dua\\nbaris.md: error: skipped: the file name does not make a valid slug"));
}

TEST_F(Cli, CheckStrictFailsOnWarnings) {
  dir_.write("articles/tanpa-pemilik.md", "# Tanpa pemilik\n\nIsi.\n");
  auto relaxed = run({"check", "--articles", articles()});
  EXPECT_EQ(relaxed.exit_code, 0) << output(relaxed);
  EXPECT_THAT(relaxed.out, HasSubstr("tanpa-pemilik.md:1: warning:"));
  EXPECT_THAT(relaxed.out, HasSubstr("[missing_owner]"));
  auto strict = run({"check", "--articles", articles(), "--strict"});
  EXPECT_EQ(strict.exit_code, 1) << output(strict);
}

TEST_F(Cli, CheckOfAMissingFolderFails) {
  auto r = run({"check", "--articles", (dir_ / "tidak-ada").string()});
  EXPECT_NE(r.exit_code, 0) << output(r);
  EXPECT_NE(r.exit_code, 1) << "1 means findings, not an unusable folder";
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
}

TEST_F(Cli, HelpWorks) {
  auto r = run({"--help"});
  EXPECT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("index"));
  EXPECT_THAT(r.out, HasSubstr("search"));
  EXPECT_THAT(r.out, HasSubstr("check"));
  for (const std::string sub : {"index", "search", "check"}) {
    auto s = run({sub, "--help"});
    EXPECT_EQ(s.exit_code, 0) << output(s);
    EXPECT_THAT(s.out, HasSubstr("--"));
  }
}

TEST_F(Cli, UnknownOptionOrCommandFails) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--frobnicate"}, std::vector<std::string>{"index", "--frobnicate"},
        std::vector<std::string>{"teleport"}, std::vector<std::string>{}}) {
    auto r = run(args);
    EXPECT_NE(r.exit_code, 0) << output(r);
    EXPECT_FALSE(r.err.empty()) << output(r);
  }
}

TEST_F(Cli, ExclusionInsideOneQuotedArgument) {
  build_index();
  auto r = run({"search", "--index", index(), "--json", "dana -pengembalian"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  const auto body =
      nlohmann::json::parse(r.out);  // a loop over parse(...)["hits"] would read a destroyed temporary
  for (const auto& h : body["hits"]) EXPECT_NE(h["slug"], "pembayaran/refund");
}

TEST_F(Cli, ExclusionCanBeTypedAfterDoubleDash) {
  build_index();
  auto r = run({"search", "--index", index(), "--json", "--", "dana", "-pengembalian"});
  ASSERT_EQ(r.exit_code, 0) << output(r);
  const auto body =
      nlohmann::json::parse(r.out);  // a loop over parse(...)["hits"] would read a destroyed temporary
  for (const auto& h : body["hits"]) EXPECT_NE(h["slug"], "pembayaran/refund");
}

}  // namespace
}  // namespace solusi
