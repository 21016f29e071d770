// parse_article: the Markdown half (headings, text, code, links, tables, raw HTML, summary).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "article.hpp"

namespace solusi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const Link* find_link(const Article& a, std::string_view url) {
  for (const auto& l : a.links)
    if (l.url == url) return &l;
  return nullptr;
}

Article parse_ok(const std::string& path, const std::string& text) {
  auto a = parse_article(path, text);
  EXPECT_TRUE(a) << a.error().describe();
  return a ? *a : Article{};
}

TEST(Markdown, HeadingsHaveLevelTextAndFileLine) {
  const Article a = parse_ok("x.md",
                             "---\n"
                             "title: T\n"
                             "---\n"
                             "# <a name=\"top\"></a>Judul *utama*\n"  // line 4
                             "\n"
                             "Paragraf.\n"
                             "\n"
                             "## Langkah `kedua`\n"  // line 8
                             "\n"
                             "Teks.\n"
                             "\n"
                             "Judul setext\n"  // line 12
                             "------------\n"
                             "\n"
                             "### <a id=\"x\"></a> Tiga\n"  // line 15
                             "Lagi.\n");
  ASSERT_EQ(a.headings.size(), 4u);
  EXPECT_EQ(a.headings[0].level, 1);
  EXPECT_EQ(a.headings[0].text, "Judul utama");
  EXPECT_EQ(a.headings[0].line, 4);
  EXPECT_EQ(a.headings[1].level, 2);
  EXPECT_EQ(a.headings[1].text, "Langkah kedua");
  EXPECT_EQ(a.headings[1].line, 8);
  EXPECT_EQ(a.headings[2].level, 2);
  EXPECT_EQ(a.headings[2].text, "Judul setext");
  EXPECT_EQ(a.headings[2].line, 12);
  EXPECT_EQ(a.headings[3].level, 3);
  EXPECT_EQ(a.headings[3].text, "Tiga");
  EXPECT_EQ(a.headings[3].line, 15);
  // Heading words are not body text, and the anchor markup is gone everywhere.
  EXPECT_THAT(a.text, Not(HasSubstr("Judul utama")));
  EXPECT_THAT(a.text, Not(HasSubstr("name=")));
}

TEST(Markdown, TitleFromAHeadingWithAnAnchorHasNoMarkup) {
  const Article a = parse_ok("x.md", "# <a name=\"reset\"></a>Reset your password\n\nText.\n");
  EXPECT_EQ(a.title, "Reset your password");
}

TEST(Markdown, BodyTextKeepsParagraphsListsAndQuotes) {
  const Article a = parse_ok("x.md",
                             "Paragraf **tebal** dan _miring_.\n"
                             "\n"
                             "- butir satu\n"
                             "- butir dua\n"
                             "\n"
                             "1. langkah pertama\n"
                             "\n"
                             "> kutipan penting\n");
  EXPECT_THAT(a.text, HasSubstr("Paragraf tebal dan miring."));
  EXPECT_THAT(a.text, HasSubstr("butir satu"));
  EXPECT_THAT(a.text, HasSubstr("butir dua"));
  EXPECT_THAT(a.text, HasSubstr("langkah pertama"));
  EXPECT_THAT(a.text, HasSubstr("kutipan penting"));
  EXPECT_THAT(a.text, Not(HasSubstr("**")));
}

TEST(Markdown, InlineCodeIsTextAndCodeFencedCodeIsCodeOnly) {
  const Article a = parse_ok("x.md",
                             "Jalankan `reset-cache` lalu coba lagi.\n"
                             "\n"
                             "```text\n"
                             "Error E-402: saldo tidak cukup\n"
                             "HRESULT 0x80070005\n"
                             "```\n"
                             "\n"
                             "    indented_block_code\n");
  EXPECT_THAT(a.text, HasSubstr("Jalankan reset-cache lalu coba lagi."));
  EXPECT_THAT(a.code, HasSubstr("reset-cache"));
  EXPECT_THAT(a.code, HasSubstr("E-402"));
  EXPECT_THAT(a.code, HasSubstr("0x80070005"));
  EXPECT_THAT(a.code, HasSubstr("indented_block_code"));
  EXPECT_THAT(a.text, Not(HasSubstr("0x80070005")));
}

TEST(Markdown, LinksAreClassified) {
  const Article a = parse_ok("akun/contoh.md",
                             "Lihat [refund](../pembayaran/refund.md).\n"      // 1
                             "Lihat [tanpa ekstensi](otp-tidak-masuk).\n"      // 2
                             "![Layar OTP](../media/otp%20layar.png)\n"        // 3
                             "Unduh [formulir](files/form.pdf?v=2).\n"         // 4
                             "Kunjungi [situs](https://example.com/a.md).\n"   // 5
                             "Ke [bagian](#langkah).\n"                        // 6
                             "Jangan [kabur](../../../etc/passwd.md).\n"       // 7
                             "Surat ke [kami](mailto:cs@example.com).\n"       // 8
                             "Akar [situs](/sharepoint/manage-sites).\n"       // 9
                             "Akar [artikel](/pesanan/retur.md#langkah).\n"    // 10
                             "Protokol [relatif](//cdn.example.com/x.png).\n"  // 11
                             "Sama [folder](./ganti-email.md).\n");            // 12
  ASSERT_EQ(a.links.size(), 12u);

  const Link* l = find_link(a, "../pembayaran/refund.md");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->article_slug, "pembayaran/refund");
  EXPECT_FALSE(l->local_file);
  EXPECT_EQ(l->text, "refund");
  EXPECT_FALSE(l->is_image);

  l = find_link(a, "otp-tidak-masuk");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->article_slug, "akun/otp-tidak-masuk");

  l = find_link(a, "../media/otp%20layar.png");
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(l->is_image);
  EXPECT_EQ(l->local_file, "media/otp layar.png");
  EXPECT_FALSE(l->article_slug);
  EXPECT_EQ(l->text, "Layar OTP");

  l = find_link(a, "files/form.pdf?v=2");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->local_file, "akun/files/form.pdf");

  for (std::string_view url :
       {"https://example.com/a.md", "#langkah", "../../../etc/passwd.md", "mailto:cs@example.com",
        "/sharepoint/manage-sites", "//cdn.example.com/x.png"}) {
    SCOPED_TRACE(url);
    l = find_link(a, url);
    ASSERT_NE(l, nullptr);
    EXPECT_FALSE(l->article_slug);
    EXPECT_FALSE(l->local_file);
  }

  l = find_link(a, "/pesanan/retur.md#langkah");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->article_slug, "pesanan/retur");

  l = find_link(a, "./ganti-email.md");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->article_slug, "akun/ganti-email");
}

TEST(Markdown, LinkLinesAreFileLines) {
  const Article a = parse_ok("x.md",
                             "---\n"
                             "title: T\n"
                             "---\n"
                             "Paragraf pertama dengan [satu](satu.md).\n"  // 4
                             "\n"
                             "Paragraf kedua dengan [dua](dua.md).\n"  // 6
                             "\n"
                             "- butir dengan ![gambar](g.png)\n");  // 8
  ASSERT_EQ(a.links.size(), 3u);
  EXPECT_EQ(a.links[0].line, 4);
  EXPECT_EQ(a.links[1].line, 6);
  EXPECT_EQ(a.links[2].line, 8);
}

TEST(Markdown, LinkOnTheSecondLineOfAParagraphHasItsOwnLine) {
  const Article a = parse_ok("x.md",
                             "Baris pertama paragraf.\n"
                             "Baris kedua dengan [tautan](lain.md).\n");
  ASSERT_EQ(a.links.size(), 1u);
  EXPECT_EQ(a.links[0].line, 2);
}

TEST(Markdown, ImageInsideALinkKeepsBothAndTheirTexts) {
  const Article a = parse_ok("x.md", "[![Logo kecil](logo.png)](beranda.md) setelahnya.\n");
  ASSERT_EQ(a.links.size(), 2u);
  const Link* outer = find_link(a, "beranda.md");
  const Link* image = find_link(a, "logo.png");
  ASSERT_NE(outer, nullptr);
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(outer->article_slug, "beranda");
  EXPECT_TRUE(image->is_image);
  EXPECT_EQ(image->local_file, "logo.png");
  EXPECT_EQ(image->text, "Logo kecil");
}

TEST(ResolveLocalLink, Table) {
  struct Case {
    std::string from, url;
    std::optional<std::string> expected;
  };
  const Case cases[] = {
      {"akun/a.md", "b.md", "akun/b.md"},
      {"akun/a.md", "../pesanan/c.md", "pesanan/c.md"},
      {"akun/a.md", "/pesanan/c.md", "pesanan/c.md"},
      {"akun/a.md", "./sub/../d.md#x", "akun/d.md"},
      {"akun/a.md", "../../x.md", std::nullopt},
      {"a.md", "../x.md", std::nullopt},
      {"akun/a.md", "https://x.test/y.md", std::nullopt},
      {"akun/a.md", "mailto:a@b.c", std::nullopt},
      {"akun/a.md", "#anchor", std::nullopt},
      {"akun/a.md", "?q=1", std::nullopt},
      {"akun/a.md", "//host/x.md", std::nullopt},
      {"akun/a.md", "", std::nullopt},
      {"akun/a.md", "gambar%20satu.png", "akun/gambar satu.png"},
      {"akun/a.md", "dir/with:colon.md", "akun/dir/with:colon.md"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.from + " -> " + c.url);
    EXPECT_EQ(resolve_local_link(c.from, c.url), c.expected);
  }
}

TEST(Markdown, PipeTableCellsBecomeTextAndSeparatorsAreDropped) {
  const Article a = parse_ok("x.md",
                             "Tabel biaya:\n"
                             "\n"
                             "| Metode | Lama refund |\n"
                             "|:-------|------------:|\n"
                             "| RayaPay | 1x24 jam |\n"
                             "| Kartu kredit | 7-14 hari kerja |\n");
  EXPECT_THAT(a.text, HasSubstr("Metode, Lama refund."));
  EXPECT_THAT(a.text, HasSubstr("RayaPay, 1x24 jam."));
  EXPECT_THAT(a.text, HasSubstr("Kartu kredit, 7-14 hari kerja."));
  EXPECT_THAT(a.text, Not(HasSubstr("---")));
  EXPECT_THAT(a.text, Not(HasSubstr("|")));
}

TEST(Markdown, PipeTableTextIsExactlyRowsOfCells) {
  // What the index held with the hand-written pipe-table parser, byte for byte.
  const Article a = parse_ok("x.md",
                             "Intro.\n"
                             "\n"
                             "| Metode | Lama |\n"
                             "|---|---:|\n"
                             "| **VA** | `3 hari` |\n"
                             "|  | kosong |\n"
                             "| [Kartu](kartu.md) | 14 hari | lebih |\n"
                             "\n"
                             "Akhir.\n");
  EXPECT_EQ(a.text, "Intro.\nMetode, Lama.\nVA, 3 hari.\nkosong.\nKartu, 14 hari.\n\nAkhir.\n");
  EXPECT_EQ(a.code, "3 hari\n");
  ASSERT_EQ(a.links.size(), 1u);
  EXPECT_EQ(a.links[0].text, "Kartu");
  EXPECT_EQ(a.links[0].line, 7);
}

TEST(Markdown, TextBeforeATableInOneParagraphKeepsItsLines) {
  const Article a = parse_ok("x.md",
                             "---\n"
                             "title: T\n"
                             "---\n"
                             "Satu.\n"
                             "\n"
                             "Biaya per [metode](metode.md):\n"                   // 6
                             "lihat juga [ini](ini.md) dan www.contoh.example\n"  // 7
                             "| a | b |\n"
                             "|---|---|\n"
                             "| [c](c.md) | 2 |\n");  // 10
  EXPECT_EQ(a.text, "Satu.\nBiaya per metode:\nlihat juga ini dan www.contoh.example\na, b.\nc, 2.\n\n");
  ASSERT_EQ(a.links.size(), 4u);
  EXPECT_EQ(a.links[0].line, 6);
  EXPECT_EQ(a.links[1].line, 7);
  EXPECT_EQ(a.links[2].url, "http://www.contoh.example");
  EXPECT_EQ(a.links[2].line, 7);
  EXPECT_EQ(a.links[3].line, 10);
}

TEST(Markdown, TablesInListsAndQuotesAreReadAsTables) {
  const Article a = parse_ok("x.md",
                             "- Langkah:\n"
                             "\n"
                             "  | Bank | Kode |\n"
                             "  |---|---|\n"
                             "  | BCA | 014 |\n"
                             "\n"
                             "> | q | r |\n"
                             "> |---|---|\n"
                             "> | 3 | 4 |\n");
  EXPECT_THAT(a.text, HasSubstr("Bank, Kode.\nBCA, 014.\n"));
  EXPECT_THAT(a.text, HasSubstr("q, r.\n3, 4.\n"));
  EXPECT_THAT(a.text, Not(HasSubstr("|")));
}

TEST(Markdown, EscapedPipesStayInTheirCell) {
  const Article a = parse_ok("x.md", "| a \\| b | c |\n|---|---|\n| x \\| y | z |\n");
  EXPECT_EQ(a.text, "a | b, c.\nx | y, z.\n\n");
}

TEST(Markdown, StruckTextIsTextWithoutTildes) {
  const Article a = parse_ok("x.md", "Harga ~~Rp10.000~~ Rp5.000, kirim ~3 hari.\n");
  EXPECT_EQ(a.text, "Harga Rp10.000 Rp5.000, kirim ~3 hari.\n");
}

TEST(Markdown, BareLinksAreLinksWithTheirLines) {
  const Article a = parse_ok("x.md",
                             "---\n"
                             "title: T\n"
                             "---\n"
                             "Bantuan di https://warungraya.example/bantuan.\n"  // 4
                             "Atau www.warungraya.example dan\n"                 // 5
                             "cs@warungraya.example ya.\n");                     // 6
  EXPECT_EQ(a.text,
            "Bantuan di https://warungraya.example/bantuan.\nAtau www.warungraya.example dan\n"
            "cs@warungraya.example ya.\n");
  ASSERT_EQ(a.links.size(), 3u);
  EXPECT_EQ(a.links[0].url, "https://warungraya.example/bantuan");
  EXPECT_EQ(a.links[0].text, "https://warungraya.example/bantuan");
  EXPECT_EQ(a.links[0].line, 4);
  EXPECT_EQ(a.links[1].url, "http://www.warungraya.example");
  EXPECT_EQ(a.links[1].line, 5);
  EXPECT_EQ(a.links[2].url, "mailto:cs@warungraya.example");
  EXPECT_EQ(a.links[2].line, 6);
  for (const auto& l : a.links) {
    EXPECT_FALSE(l.article_slug) << l.url;  // web links: never a broken article link
    EXPECT_FALSE(l.local_file) << l.url;
  }
}

TEST(Markdown, TaskListItemsAreTheirText) {
  const Article a = parse_ok("x.md", "Periksa:\n\n- [ ] cek saldo\n- [x] hubungi bank\n");
  EXPECT_EQ(a.text, "Periksa:\ncek saldo\nhubungi bank\n");
}

TEST(Markdown, RawHtmlBlocksKeepTextWithoutTags) {
  const Article a = parse_ok("x.md",
                             "Sebelum.\n"
                             "\n"
                             "<div class=\"note\">\n"
                             "<p>Catatan <b>penting</b> &amp; rahasia</p>\n"
                             "</div>\n"
                             "\n"
                             "Sesudah dengan <span>inline</span> HTML.\n");
  EXPECT_THAT(a.text, HasSubstr("Catatan penting & rahasia"));
  EXPECT_THAT(a.text, HasSubstr("Sesudah dengan inline HTML."));
  EXPECT_THAT(a.text, Not(HasSubstr("<")));
  EXPECT_THAT(a.text, Not(HasSubstr("class")));
}

TEST(Markdown, SummaryIsTheFirstParagraph) {
  const Article a = parse_ok("x.md",
                             "# Judul\n"
                             "\n"
                             "Paragraf pertama\n"
                             "dua baris dengan [tautan](y.md).\n"
                             "\n"
                             "Paragraf kedua.\n");
  EXPECT_EQ(a.summary, "Paragraf pertama dua baris dengan tautan.");
}

TEST(Markdown, LongFirstParagraphSummaryIsCutAtAWord) {
  std::string para;
  for (int i = 0; i < 80; ++i) para += "kata" + std::to_string(i) + " ";
  const Article a = parse_ok("x.md", para + "\n");
  EXPECT_LE(a.summary.size(), 240u + std::string("…").size());
  EXPECT_TRUE(a.summary.ends_with("…"));
  EXPECT_TRUE(para.starts_with(a.summary.substr(0, a.summary.size() - std::string("…").size())));
}

TEST(Markdown, SummaryFromFrontMatterWins) {
  for (const std::string key : {"summary", "description"}) {
    SCOPED_TRACE(key);
    const Article a = parse_ok("x.md", "---\n" + key + ": Dari front matter.\n---\nParagraf pertama.\n");
    EXPECT_EQ(a.summary, "Dari front matter.");
  }
  const Article both = parse_ok("x.md", "---\ndescription: D.\nsummary: S.\n---\nParagraf.\n");
  EXPECT_EQ(both.summary, "S.");
}

TEST(Markdown, BodyLineAndMarkdownStartAfterTheFrontMatter) {
  const Article a = parse_ok("x.md", "---\ntitle: T\nlang: id\n...\nIsi pertama.\n");
  EXPECT_EQ(a.body_line, 5);
  EXPECT_EQ(a.markdown, "Isi pertama.\n");
}

}  // namespace
}  // namespace solusi
