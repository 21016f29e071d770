// Pipe tables: parsing (indexer/pipe_table.hpp) and rendering (service render_markdown).
#include "pipe_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "articles.hpp"

namespace solusi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(PipeTable, SplitsRowsAtUnescapedPipes) {
  EXPECT_THAT(split_table_row("| a | b |"), ElementsAre("a", "b"));
  EXPECT_THAT(split_table_row("a | b"), ElementsAre("a", "b"));
  EXPECT_THAT(split_table_row("|  | x |"), ElementsAre("", "x"));
  EXPECT_THAT(split_table_row(R"(| a \| b | c |)"), ElementsAre(R"(a \| b)", "c"));
  EXPECT_THAT(split_table_row("| `x` | **y** |\r"), ElementsAre("`x`", "**y**"));
}

TEST(PipeTable, ParsesHeaderAlignmentAndRows) {
  const auto t = parse_pipe_table(
      "| Metode | Waktu | Biaya |\n|:---|:---:|---:|\n| VA | 1 jam | 0 |\n| Kartu | instan |\n");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->lead.empty());
  EXPECT_THAT(t->header, ElementsAre("Metode", "Waktu", "Biaya"));
  EXPECT_THAT(t->align, ElementsAre(CellAlign::left, CellAlign::center, CellAlign::right));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_THAT(t->rows[0], ElementsAre("VA", "1 jam", "0"));
  EXPECT_THAT(t->rows[1], ElementsAre("Kartu", "instan", ""));  // a missing cell is empty
}

TEST(PipeTable, ExtraCellsAreDroppedAndLeadingTextIsKept) {
  const auto t = parse_pipe_table("Biaya per metode:\n| a | b |\n|---|---|\n| 1 | 2 | 3 |");
  ASSERT_TRUE(t);
  EXPECT_THAT(t->lead, ElementsAre("Biaya per metode:"));
  EXPECT_THAT(t->rows.at(0), ElementsAre("1", "2"));
}

TEST(PipeTable, NotATable) {
  EXPECT_FALSE(parse_pipe_table("just a | pipe in text"));
  EXPECT_FALSE(parse_pipe_table("| a | b |\n| c | d |"));     // no delimiter row
  EXPECT_FALSE(parse_pipe_table("| a | b |\n|---|"));         // delimiter cells != header cells
  EXPECT_FALSE(parse_pipe_table("| a | b |\n|---|-x-|"));     // not a delimiter cell
  EXPECT_FALSE(parse_pipe_table("| a | b |\n| :: | --- |"));  // a delimiter cell needs a dash
  EXPECT_FALSE(parse_pipe_table(""));
}

TEST(RenderMarkdown, PipeTablesBecomeHtmlTables) {
  const std::string html = service::render_markdown(
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

TEST(RenderMarkdown, TableCellsAreAsSafeAsTheRest) {
  const std::string html = service::render_markdown(
      "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |\n");
  EXPECT_THAT(html, HasSubstr("<table>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
}

TEST(RenderMarkdown, WithoutTablesItIsCmarksOwnOutput) {
  const std::string md = "Intro\n\n- one\n- two\n\n> quote | with pipe\n\n```\n| a | b |\n|---|---|\n```\n";
  const std::string html = service::render_markdown(md);
  EXPECT_EQ(html,
            "<p>Intro</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<blockquote>\n<p>quote | with pipe</p>\n"
            "</blockquote>\n<pre><code>| a | b |\n|---|---|\n</code></pre>\n");
}

TEST(RenderMarkdown, LoneCarriageReturnsDoNotMoveTables) {
  // Found by fuzzing (tests/fuzz/regressions/markdown/lone-cr-moves-table.md): cmark counts a lone CR
  // as a line end, the table lookup did not, so the paragraph was replaced by the table below it.
  const std::string html =
      service::render_markdown("1\r2\r3\r4\r5\n\nQ1\nQ2\nQ3\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
  EXPECT_THAT(html, HasSubstr("<p>Q1\nQ2\nQ3</p>\n<table>"));
  EXPECT_THAT(html, HasSubstr("<td>2</td>"));
  EXPECT_THAT(html, Not(HasSubstr("|")));
}

TEST(RenderMarkdown, CrlfTablesRender) {
  const std::string html = service::render_markdown("| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n");
  EXPECT_THAT(html, HasSubstr("<th>a</th>"));
  EXPECT_THAT(html, HasSubstr("<td>2</td>"));
}

}  // namespace
}  // namespace solusi
