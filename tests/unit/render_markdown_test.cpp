// render_markdown (service/articles.hpp): cmark-gfm's safe HTML with GitHub's extensions, the HTML of
// GET /v1/articles/{slug} and of the editor's preview.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "articles.hpp"

namespace solusi {
namespace {

using service::render_markdown;
using ::testing::HasSubstr;
using ::testing::Not;

// ------------------------------------------------------------------------------------------------
// Tables

TEST(RenderMarkdown, PipeTablesBecomeHtmlTables) {
  const std::string html = render_markdown(
      "# Biaya\n\nTeks awal.\n\n| Metode | Biaya |\n|:--|--:|\n| **VA** | `Rp0` |\n| [Kartu](kartu.md) | 1% "
      "|\n\n"
      "Teks akhir.\n");
  EXPECT_THAT(html, HasSubstr("<h1>Biaya</h1>\n<p>Teks awal.</p>\n<table>\n<thead>\n<tr>\n"
                              "<th align=\"left\">Metode</th>\n<th align=\"right\">Biaya</th>\n</tr>\n"
                              "</thead>\n<tbody>\n<tr>\n<td align=\"left\"><strong>VA</strong></td>\n"
                              "<td align=\"right\"><code>Rp0</code></td>\n</tr>\n"));
  EXPECT_THAT(html, HasSubstr("<td align=\"left\"><a href=\"kartu.md\">Kartu</a></td>"));
  EXPECT_THAT(html, HasSubstr("</tbody>\n</table>\n<p>Teks akhir.</p>\n"));
  EXPECT_THAT(html, Not(HasSubstr("|")));
}

TEST(RenderMarkdown, TextBeforeATableInTheSameParagraphStaysAParagraph) {
  const std::string html = render_markdown("Biaya per metode:\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n| 4 |\n");
  EXPECT_THAT(html, HasSubstr("<p>Biaya per metode:</p>\n<table>"));
  // Extra cells are dropped, missing ones are empty.
  EXPECT_THAT(html, HasSubstr("<tr>\n<td>1</td>\n<td>2</td>\n</tr>"));
  EXPECT_THAT(html, HasSubstr("<tr>\n<td>4</td>\n<td></td>\n</tr>"));
  EXPECT_THAT(html, Not(HasSubstr(">3<")));
}

TEST(RenderMarkdown, NotATable) {
  for (const char* md : {"just a | pipe in text\n", "| a | b |\n| c | d |\n", "| a | b |\n|---|\n",
                         "| a | b |\n|---|-x-|\n", "| a | b |\n| :: | --- |\n"}) {
    SCOPED_TRACE(md);
    EXPECT_THAT(render_markdown(md), Not(HasSubstr("<table>")));
  }
}

TEST(RenderMarkdown, EscapedPipesStayInTheirCell) {
  const std::string html = render_markdown("| a \\| b | c |\n|---|---|\n| x \\| y | z |\n");
  EXPECT_THAT(html, HasSubstr("<th>a | b</th>"));
  EXPECT_THAT(html, HasSubstr("<td>x | y</td>"));
  EXPECT_THAT(html, HasSubstr("<td>z</td>"));
}

TEST(RenderMarkdown, TablesInListsAndQuotesAreTables) {
  // The hand-written pipe-table parser before cmark-gfm left these as paragraphs of "|".
  const std::string html = render_markdown(
      "- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n\n> | q | r |\n> |---|---|\n> | 3 | 4 |\n");
  EXPECT_THAT(html, HasSubstr("<li>\n<p>item</p>\n<table>"));
  EXPECT_THAT(html, HasSubstr("<blockquote>\n<table>"));
  EXPECT_THAT(html, HasSubstr("<td>4</td>"));
  EXPECT_THAT(html, Not(HasSubstr("|")));
}

TEST(RenderMarkdown, TableCellsAreAsSafeAsTheRest) {
  const std::string html =
      render_markdown("| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |\n");
  EXPECT_THAT(html, HasSubstr("<table>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
}

TEST(RenderMarkdown, WithoutExtensionsItIsCommonMark) {
  const std::string md = "Intro\n\n- one\n- two\n\n> quote | with pipe\n\n```\n| a | b |\n|---|---|\n```\n";
  const std::string html = render_markdown(md);
  EXPECT_EQ(html,
            "<p>Intro</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<blockquote>\n<p>quote | with pipe</p>\n"
            "</blockquote>\n<pre><code>| a | b |\n|---|---|\n</code></pre>\n");
}

TEST(RenderMarkdown, LoneCarriageReturnsDoNotMoveTables) {
  // Found by fuzzing (tests/fuzz/regressions/markdown/lone-cr-moves-table.md): cmark counts a lone CR
  // as a line end, the table lookup did not, so the paragraph was replaced by the table below it.
  const std::string html =
      render_markdown("1\r2\r3\r4\r5\n\nQ1\nQ2\nQ3\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
  EXPECT_THAT(html, HasSubstr("<p>Q1\nQ2\nQ3</p>\n<table>"));
  EXPECT_THAT(html, HasSubstr("<td>2</td>"));
  EXPECT_THAT(html, Not(HasSubstr("|")));
}

TEST(RenderMarkdown, CrlfTablesRender) {
  const std::string html = render_markdown("| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n");
  EXPECT_THAT(html, HasSubstr("<th>a</th>"));
  EXPECT_THAT(html, HasSubstr("<td>2</td>"));
  EXPECT_EQ(html, render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n"));
}

// ------------------------------------------------------------------------------------------------
// Strikethrough, autolinks, task lists

TEST(RenderMarkdown, TwoTildesStrikeThrough) {
  EXPECT_EQ(render_markdown("Harga ~~Rp10.000~~ Rp5.000.\n"), "<p>Harga <del>Rp10.000</del> Rp5.000.</p>\n");
}

TEST(RenderMarkdown, OneTildeIsText) {
  // "about" in support texts: with single-tilde strikethrough (GitHub's default) this line would be
  // struck through from "3" to "Rp".
  EXPECT_EQ(render_markdown("Dana kembali ~3 hari kerja, ongkir ~Rp10.000.\n"),
            "<p>Dana kembali ~3 hari kerja, ongkir ~Rp10.000.</p>\n");
}

TEST(RenderMarkdown, BareLinksAndEmailAddressesBecomeLinks) {
  const std::string html = render_markdown(
      "Lihat https://warungraya.example/bantuan?x=1. atau www.warungraya.example, atau "
      "tulis ke cs@warungraya.example\n");
  EXPECT_THAT(html, HasSubstr("<a href=\"https://warungraya.example/bantuan?x=1\">"
                              "https://warungraya.example/bantuan?x=1</a>. atau"));  // the full stop is not
  EXPECT_THAT(html, HasSubstr("<a href=\"http://www.warungraya.example\">www.warungraya.example</a>,"));
  EXPECT_THAT(html, HasSubstr("<a href=\"mailto:cs@warungraya.example\">cs@warungraya.example</a>"));
}

TEST(RenderMarkdown, NoAutolinkInCode) {
  const std::string html = render_markdown("`https://a.example` and\n\n    www.b.example\n");
  EXPECT_THAT(html, Not(HasSubstr("<a ")));
}

TEST(RenderMarkdown, TaskListItemsGetDisabledCheckboxes) {
  const std::string html = render_markdown("- [ ] cek saldo\n- [x] hubungi bank\n- biasa\n");
  EXPECT_EQ(html,
            "<ul>\n<li><input type=\"checkbox\" disabled=\"\" /> cek saldo</li>\n"
            "<li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> hubungi bank</li>\n"
            "<li>biasa</li>\n</ul>\n");
}

// ------------------------------------------------------------------------------------------------
// Safety: raw HTML, tagfilter's tags, unsafe URLs (in links, autolinks, images)

TEST(RenderMarkdown, RawHtmlIsOmitted) {
  const std::string html = render_markdown(
      "<div onclick=\"x()\">Catatan <b>penting</b></div>\n\nTeks <span style=\"x\">inline</span>.\n");
  EXPECT_THAT(html, HasSubstr("<!-- raw HTML omitted -->"));
  EXPECT_THAT(html, HasSubstr("<p>Teks <!-- raw HTML omitted -->inline<!-- raw HTML omitted -->.</p>"));
  EXPECT_THAT(html, Not(HasSubstr("<div")));
  EXPECT_THAT(html, Not(HasSubstr("onclick")));
  EXPECT_THAT(html, Not(HasSubstr("<span")));
}

TEST(RenderMarkdown, TagfilterTagsNeverAppear) {
  // tagfilter's list: what GitHub never lets through even as raw HTML.
  for (const char* tag :
       {"title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"}) {
    SCOPED_TRACE(tag);
    const std::string t(tag);
    for (const std::string& md : {"<" + t + ">x</" + t + ">\n", "Teks <" + t + ">x</" + t + "> teks.\n",
                                  "| a |\n|---|\n| <" + t + "> |\n", "- [ ] <" + t + " src=x>\n"}) {
      const std::string html = render_markdown(md);
      EXPECT_THAT(html, Not(HasSubstr("<" + t))) << md;
    }
  }
}

TEST(RenderMarkdown, UnsafeUrlsAreEmptied) {
  for (const char* md :
       {"[x](javascript:alert(1))\n", "[x](JavaScript:alert(1))\n", "[x](vbscript:msgbox(1))\n",
        "[x](file:///etc/passwd)\n", "[x](data:text/html;base64,PHNjcmlwdD4=)\n", "<javascript:alert(1)>\n",
        "![x](javascript:alert(1))\n", "[x]\n\n[x]: javascript:alert(1)\n",
        "| [x](javascript:alert(1)) |\n|-|\n", "- [ ] [x](javascript:alert(1))\n",
        "~~[x](javascript:alert(1))~~\n", "javascript:alert(1)\n"}) {
    SCOPED_TRACE(md);
    const std::string html = render_markdown(md);
    EXPECT_THAT(html, Not(HasSubstr("href=\"javascript"))) << html;
    EXPECT_THAT(html, Not(HasSubstr("href=\"JavaScript"))) << html;
    EXPECT_THAT(html, Not(HasSubstr("src=\"javascript"))) << html;
    EXPECT_THAT(html, Not(HasSubstr("href=\"vbscript"))) << html;
    EXPECT_THAT(html, Not(HasSubstr("href=\"file"))) << html;
    EXPECT_THAT(html, Not(HasSubstr("href=\"data"))) << html;
  }
}

TEST(RenderMarkdown, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(render_markdown("a\xff b ~~c\xc3~~\n"), "<p>a\xef\xbf\xbd b <del>c\xef\xbf\xbd</del></p>\n");
}

TEST(RenderMarkdown, ConcurrentRendersAgree) {
  // cmark-gfm changes a process-wide table of special characters during every parse: without the lock
  // in markdown::Document, one thread's parse would miss the strikethrough and autolinks of another.
  std::string md;
  for (int i = 0; i < 50; ++i)
    md += "Baris ~~lama " + std::to_string(i) + "~~ baru, www.contoh" + std::to_string(i) +
          ".example dan https://a.example/" + std::to_string(i) + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n";
  const std::string expected = render_markdown(md);
  ASSERT_THAT(expected, HasSubstr("<del>lama 49</del>"));
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 100 && got[t].empty(); ++round)
        if (const std::string html = render_markdown(md); html != expected) got[t] = html;
    });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, "") << "a concurrent render differed";
}

}  // namespace
}  // namespace solusi
