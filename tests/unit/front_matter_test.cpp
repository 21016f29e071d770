// parse_article: the front matter half (fields, defaults, aliases, errors with file and line).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "article.hpp"
#include "test_support.hpp"
#include "text.hpp"

namespace solusi {
namespace {

using ::testing::HasSubstr;

bool has_warning(const Article& a, std::string_view code) {
  return std::any_of(a.warnings.begin(), a.warnings.end(),
                     [&](const Diagnostic& d) { return d.code == code; });
}

const Diagnostic* warning(const Article& a, std::string_view code) {
  for (const auto& d : a.warnings)
    if (d.code == code) return &d;
  return nullptr;
}

/// Wraps front matter lines (no fences) and a body into a file.
std::string file_with(std::string_view front_matter, std::string_view body = "Isi artikel yang cukup.\n") {
  return "---\n" + std::string(front_matter) + "---\n" + std::string(body);
}

TEST(FrontMatter, ParsesEveryFieldOfAFullHeader) {
  const std::string file =
      "---\n"
      "title: Cara mengajukan pengembalian dana\n"
      "lang: id\n"
      "tags: [Refund, pembayaran, refund]\n"
      "category: Billing\n"
      "owner: tim-billing\n"
      "reviewed: 2026-08-01\n"
      "review_every: 90d\n"
      "status: published\n"
      "audience: public\n"
      "publish_at: 2026-01-15\n"
      "valid_to: 2027-01-15\n"
      "summary: Ringkasan   untuk daftar hasil.\n"
      "---\n"
      "Pelanggan bisa mengajukan pengembalian dana dari aplikasi.\n";
  auto a = parse_article("pembayaran/cara-refund.md", file);
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->slug, "pembayaran/cara-refund");
  EXPECT_EQ(a->path, "pembayaran/cara-refund.md");
  EXPECT_EQ(a->title, "Cara mengajukan pengembalian dana");
  EXPECT_EQ(a->lang, Lang::id);
  EXPECT_EQ(a->tags, (std::vector<std::string>{"refund", "pembayaran"}));  // lowercased, de-duplicated
  EXPECT_EQ(a->category, "billing");
  EXPECT_EQ(a->owner, "tim-billing");
  ASSERT_TRUE(a->reviewed);
  EXPECT_EQ(a->reviewed->iso(), "2026-08-01");
  EXPECT_EQ(a->review_every_days, 90);
  EXPECT_EQ(a->status, Status::published);
  EXPECT_EQ(a->audience, Audience::public_);
  ASSERT_TRUE(a->publish_at);
  EXPECT_EQ(a->publish_at->iso(), "2026-01-15");
  ASSERT_TRUE(a->valid_to);
  EXPECT_EQ(a->valid_to->iso(), "2027-01-15");
  EXPECT_EQ(a->summary, "Ringkasan untuk daftar hasil.");
  EXPECT_EQ(a->body_line, 15);
  EXPECT_TRUE(a->extra.empty()) << a->extra.dump();
  EXPECT_TRUE(a->warnings.empty()) << a->warnings.front().describe();
}

TEST(FrontMatter, DefaultsApplyWhenFieldsAreAbsent) {
  auto a = parse_article("x.md", file_with("title: Judul\n"));
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->lang, Lang::id);
  EXPECT_EQ(a->status, Status::published);
  EXPECT_EQ(a->audience, Audience::internal);
  EXPECT_EQ(a->review_every_days, 0);
  EXPECT_FALSE(a->reviewed);
  EXPECT_TRUE(has_warning(*a, "missing_owner"));
  EXPECT_TRUE(has_warning(*a, "missing_review_date"));

  ParseOptions english;
  english.default_lang = Lang::en;
  auto b = parse_article("x.md", file_with("title: Title\n"), english);
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->lang, Lang::en);
}

TEST(FrontMatter, WithoutFrontMatterTheTitleComesFromTheFirstLevelOneHeading) {
  auto a =
      parse_article("akun/otp.md", "Intro sebelum judul.\n\n## Bagian\n\n# Kode OTP tidak masuk\n\nIsi.\n");
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->title, "Kode OTP tidak masuk");
  EXPECT_EQ(a->body_line, 1);
  EXPECT_FALSE(has_warning(*a, "missing_title"));
}

TEST(FrontMatter, MissingTitleAndHeadingFallsBackToTheSlugWithAWarning) {
  auto a = parse_article("akun/lupa-kata_sandi.md", "Hanya paragraf tanpa judul.\n");
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->title, "Lupa kata sandi");
  const Diagnostic* w = warning(*a, "missing_title");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->file, "akun/lupa-kata_sandi.md");
  EXPECT_EQ(w->severity, Diagnostic::Severity::warning);
}

TEST(FrontMatter, MalformedYamlIsAnErrorWithFileAndLine) {
  const std::string file =
      "---\n"
      "lang: id\n"
      "title: Refund: cara mengajukan\n"  // line 3: an unquoted ': ' inside a value
      "---\n"
      "Isi.\n";
  auto a = parse_article("pembayaran/refund.md", file);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
  EXPECT_EQ(a.error().file, "pembayaran/refund.md");
  EXPECT_EQ(a.error().line, 3);
  EXPECT_THAT(a.error().describe(), HasSubstr("pembayaran/refund.md:3:"));
}

TEST(FrontMatter, MalformedYamlInAFlowListReportsItsLine) {
  const std::string file =
      "---\n"
      "title: Judul\n"
      "lang: id\n"
      "tags: [refund, \"pembayaran]\n"  // line 4: unterminated quote
      "---\n"
      "Isi.\n";
  auto a = parse_article("x.md", file);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
  EXPECT_EQ(a.error().file, "x.md");
  EXPECT_GE(a.error().line, 4) << a.error().describe();
  EXPECT_LE(a.error().line, 5) << a.error().describe();
}

// ------------------------------------------------------------------------------------------------
// Limits: nesting, values, alias expansion, term values

TEST(FrontMatterLimits, BlockNestingDeeperThan32IsRefusedWithItsLine) {
  std::string fm = "title: Dalam\nx:\n";
  for (int i = 0; i < 40; ++i) fm += std::string(static_cast<size_t>(i) * 2, ' ') + "- \n";
  auto a = parse_article("dalam.md", file_with(fm));
  ASSERT_FALSE(a);
  EXPECT_THAT(a.error().message, HasSubstr("nested deeper than 32"));
  // Line 3 is "x:"; the mapping is level 1, the list opened on line 4 level 2, so level 33 opens on line 35.
  EXPECT_EQ(a.error().line, 35);
}

TEST(FrontMatterLimits, NestingUpTo32IsFine) {
  std::string value = "1";
  for (int i = 0; i < 31; ++i) value = "[" + value + "]";  // 31 lists inside the top-level mapping
  auto a = parse_article("dalam.md", file_with("title: Dalam\nx: " + value + "\n"));
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_TRUE(a->extra.contains("x"));
}

TEST(FrontMatterLimits, MoreThan10000ValuesAsWrittenAreRefused) {
  std::string list = "title: Banyak\nx: [";
  for (int i = 0; i < 10'001; ++i) list += i ? ",1" : "1";
  auto a = parse_article("banyak.md", file_with(list + "]\n"));
  ASSERT_FALSE(a);
  EXPECT_THAT(a.error().message, HasSubstr("more than 10000 values"));
  EXPECT_EQ(a.error().line, 3);
}

TEST(FrontMatterLimits, AliasExpansionIsBoundedByValuesAndBytes) {
  // 9^5 = 59,049 values from a few lines.
  std::string fm = "title: Tawa\na: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  std::string previous = "a";
  for (const std::string name : {"b", "c", "d", "e"}) {
    fm += name + ": &" + name + " [*" + previous + ", *" + previous + ", *" + previous + ", *" + previous +
          ", *" + previous + ", *" + previous + ", *" + previous + ", *" + previous + ", *" + previous +
          "]\n";
    previous = name;
  }
  auto a = parse_article("tawa.md", file_with(fm));
  ASSERT_FALSE(a);
  EXPECT_THAT(a.error().message, HasSubstr("through aliases"));
  EXPECT_THAT(a.error().message, HasSubstr("10000 values"));

  // Few values, but each a big string: 20 aliases of 40 KB are 800 KB.
  std::string big = "title: Besar\ns: &s " + std::string(40 * 1024, 'x') + "\nt: [";
  for (int i = 0; i < 20; ++i) big += i ? ", *s" : "*s";
  auto b = parse_article("besar.md", file_with(big + "]\n"));
  ASSERT_FALSE(b);
  EXPECT_THAT(b.error().message, HasSubstr("524288 bytes"));

  // A few aliases are fine and expand as written.
  auto c = parse_article("alias.md", file_with("title: Alias\nbase: &b {x: 1}\ncopy: *b\n"));
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->extra["copy"]["x"], "1");
}

TEST(FrontMatterLimits, TermValuesOver100BytesAreRefusedNeverCut) {
  const std::string v100(100, 'v'), v101(101, 'v');
  for (const std::string field : {"category", "owner", "ms.author"}) {
    EXPECT_TRUE(parse_article("a.md", file_with(field + ": " + v100 + "\n"))) << field;
    auto a = parse_article("a.md", file_with("title: T\n" + field + ": " + v101 + "\n"));
    ASSERT_FALSE(a) << field;
    EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
    EXPECT_THAT(a.error().message, HasSubstr("field '" + field + "'"));
    EXPECT_THAT(a.error().message, HasSubstr("101 bytes"));
    EXPECT_EQ(a.error().line, 3);
  }
  auto t = parse_article("a.md", file_with("title: T\ntags:\n  - ok\n  - " + v101 + "\n"));
  ASSERT_FALSE(t);
  EXPECT_THAT(t.error().message, HasSubstr("field 'tags'"));
  EXPECT_EQ(t.error().line, 5);
  // Multi-byte characters count in bytes, and the message shows whole characters.
  std::string umlauts;
  for (int i = 0; i < 51; ++i) umlauts += "\xC3\xA4";
  auto u = parse_article("a.md", file_with("title: T\ncategory: " + umlauts + "\n"));
  ASSERT_FALSE(u);
  EXPECT_TRUE(text::is_valid_utf8(u.error().message));
}

TEST(SlugRule, PrintablePathEscapesControlAndStrayBytes) {
  EXPECT_EQ(printable_path("akun/otp.md"), "akun/otp.md");
  EXPECT_EQ(printable_path("dua\nbaris.md"), "dua\\nbaris.md");
  EXPECT_EQ(printable_path("\xC3\xA4.md"), "\xC3\xA4.md");
  EXPECT_EQ(printable_path("\xE4.md"), "\\xe4.md");  // Latin-1, not UTF-8
  EXPECT_EQ(printable_path(std::string("a\0b", 3)), "a\\x00b");
}

TEST(FrontMatter, UnclosedFenceIsAnError) {
  auto a = parse_article("x.md", "---\ntitle: Judul\nlang: id\n\nIsi tanpa pagar penutup.\n");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
  EXPECT_EQ(a.error().file, "x.md");
  EXPECT_EQ(a.error().line, 1);
  EXPECT_THAT(a.error().message, HasSubstr("never closed"));
}

TEST(FrontMatter, ThematicBreakLaterInTheBodyIsNotFrontMatter) {
  auto a = parse_article("x.md", "# Judul\n\nParagraf.\n\n---\n\nLagi.\n");
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->title, "Judul");
}

struct WrongTypeCase {
  std::string label;
  std::string front_matter;
  int line;
  std::string field;
};

TEST(FrontMatter, WrongTypesAreErrorsWithTheLineOfTheValue) {
  const WrongTypeCase cases[] = {
      {"tags as a map", "title: Judul\nlang: id\ntags: {refund: 1}\n", 4, "tags"},
      {"title as a list", "lang: id\ntitle: [satu, dua]\n", 3, "title"},
      {"owner as a map", "title: Judul\nowner: {tim: billing}\n", 3, "owner"},
      {"tag item as a list", "title: Judul\ntags: [a, [b, c]]\n", 3, "tags"},
      {"reviewed as a list", "title: Judul\nreviewed: [2026-08-01]\n", 3, "reviewed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    auto a = parse_article("x.md", file_with(c.front_matter));
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
    EXPECT_EQ(a.error().file, "x.md");
    EXPECT_EQ(a.error().line, c.line) << a.error().describe();
    EXPECT_THAT(a.error().message, HasSubstr(c.field));
  }
}

TEST(FrontMatter, RejectsImpossibleDate) {
  auto a = parse_article("x.md", file_with("title: Judul\nreviewed: 2026-02-30\n"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
  EXPECT_EQ(a.error().line, 3);
  EXPECT_THAT(a.error().message, HasSubstr("impossible"));
  EXPECT_THAT(a.error().message, HasSubstr("2026-02-30"));
}

TEST(FrontMatter, RejectsUnrecognisedDatesInEveryDateField) {
  for (const std::string field : {"reviewed", "publish_at", "valid_to", "ms.date"}) {
    SCOPED_TRACE(field);
    auto a = parse_article("x.md", file_with("title: Judul\nlang: en\n" + field + ": next tuesday\n"));
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().line, 4);
    EXPECT_THAT(a.error().message, HasSubstr("unrecognised"));
  }
}

TEST(FrontMatter, RejectsUnknownLang) {
  auto a = parse_article("x.md", file_with("title: Judul\nlang: klingon\n"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
  EXPECT_EQ(a.error().line, 3);
  EXPECT_THAT(a.error().message, HasSubstr("klingon"));
}

TEST(FrontMatter, AcceptsLangAliases) {
  const std::pair<std::string, Lang> cases[] = {
      {"lang: id", Lang::id},
      {"lang: id-ID", Lang::id},
      {"lang: in", Lang::id},
      {"lang: Indonesian", Lang::id},
      {"lang: Bahasa Indonesia", Lang::id},
      {"lang: en", Lang::en},
      {"lang: English", Lang::en},
      {"lang: en-US", Lang::en},
      {"language: en_GB", Lang::en},
      {"locale: id-id", Lang::id},
      {"ms.contentlocale: en-us", Lang::en},
  };
  for (const auto& [line, lang] : cases) {
    SCOPED_TRACE(line);
    ParseOptions options;
    options.default_lang =
        lang == Lang::id ? Lang::en : Lang::id;  // so the default cannot pass for the alias
    auto a = parse_article("x.md", file_with("title: T\n" + line + "\n"), options);
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->lang, lang);
  }
}

TEST(FrontMatter, CrlfAndByteOrderMarkParseLikeLf) {
  const std::string lf =
      "---\n"
      "title: Judul\n"
      "lang: id\n"
      "tags: [a, b]\n"
      "reviewed: 2026-08-01\n"
      "---\n"
      "# Bagian satu\n"
      "\n"
      "Paragraf dengan [tautan](lain.md).\n"
      "\n"
      "## Bagian dua\n"
      "\n"
      "Penutup.\n";
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const std::string bom = "\xEF\xBB\xBF";

  auto expected = parse_article("d/x.md", lf);
  ASSERT_TRUE(expected) << expected.error().describe();
  for (const auto& [label, variant] :
       {std::pair<std::string, std::string>{"crlf", crlf}, {"bom", bom + lf}, {"bom+crlf", bom + crlf}}) {
    SCOPED_TRACE(label);
    auto a = parse_article("d/x.md", variant);
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->title, expected->title);
    EXPECT_EQ(a->tags, expected->tags);
    EXPECT_EQ(a->reviewed, expected->reviewed);
    EXPECT_EQ(a->body_line, expected->body_line);
    EXPECT_EQ(a->text, expected->text);
    EXPECT_EQ(a->summary, expected->summary);
    EXPECT_EQ(a->markdown, expected->markdown);
    ASSERT_EQ(a->headings.size(), expected->headings.size());
    for (size_t i = 0; i < a->headings.size(); ++i) {
      EXPECT_EQ(a->headings[i].text, expected->headings[i].text);
      EXPECT_EQ(a->headings[i].line, expected->headings[i].line);
    }
    ASSERT_EQ(a->links.size(), 1u);
    EXPECT_EQ(a->links[0].line, expected->links[0].line);
    EXPECT_EQ(a->links[0].article_slug, expected->links[0].article_slug);
  }
  EXPECT_EQ(expected->headings[0].line, 7);
  EXPECT_EQ(expected->headings[1].line, 11);
}

TEST(FrontMatter, CrlfAndByteOrderMarkKeepErrorLines) {
  const std::string lf = "---\ntitle: Judul\nlang: id\nreviewed: 2026-02-30\n---\nIsi.\n";
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  for (const std::string& variant : {lf, crlf, "\xEF\xBB\xBF" + lf, "\xEF\xBB\xBF" + crlf}) {
    auto a = parse_article("x.md", variant);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().line, 4);
  }
}

TEST(FrontMatter, ReviewDateAliasesMapToReviewed) {
  const std::pair<std::string, std::string> cases[] = {
      {"reviewed: 2026-08-01", "2026-08-01"},          {"date: 2026-08-01", "2026-08-01"},
      {"updated: 2026-08-01", "2026-08-01"},           {"last_reviewed: 2026-08-01", "2026-08-01"},
      {"ms.date: 08/01/2026", "2026-08-01"},           {"ms.date: 07/30/2021", "2021-07-30"},
      {"lastmod: 2026-08-01T09:30:00Z", "2026-08-01"}, {"date: 2026/08/01", "2026-08-01"},
  };
  for (const auto& [line, iso] : cases) {
    SCOPED_TRACE(line);
    auto a = parse_article("x.md", file_with("title: T\n" + line + "\n"));
    ASSERT_TRUE(a) << a.error().describe();
    ASSERT_TRUE(a->reviewed);
    EXPECT_EQ(a->reviewed->iso(), iso);
    EXPECT_FALSE(has_warning(*a, "missing_review_date"));
    EXPECT_TRUE(a->extra.empty()) << a->extra.dump();  // an alias is understood, not kept as unknown
  }
}

TEST(FrontMatter, ReviewedWinsOverItsAliases) {
  auto a = parse_article("x.md", file_with("title: T\nms.date: 01/02/2020\nreviewed: 2026-08-01\n"));
  ASSERT_TRUE(a) << a.error().describe();
  ASSERT_TRUE(a->reviewed);
  EXPECT_EQ(a->reviewed->iso(), "2026-08-01");
}

TEST(FrontMatter, AuthorFieldsBecomeTheOwnerWhenThereIsNoOwner) {
  const std::tuple<std::string, std::string> cases[] = {
      {"ms.author: rkarlsson\n", "rkarlsson"},
      {"author: Ria Karlsson\n", "Ria Karlsson"},
      {"ms.author: rkarlsson\nauthor: RiaKarlsson\n", "rkarlsson"},
      {"owner: tim-akun\nms.author: rkarlsson\nauthor: Ria\n", "tim-akun"},
  };
  for (const auto& [lines, owner] : cases) {
    SCOPED_TRACE(lines);
    auto a = parse_article("x.md", file_with("title: T\n" + lines));
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->owner, owner);
    EXPECT_FALSE(has_warning(*a, "missing_owner"));
  }
}

TEST(FrontMatter, UnknownFieldsAreKeptInExtra) {
  auto a = parse_article("x.md", file_with("title: T\n"
                                           "ms.topic: how-to\n"
                                           "ROBOTS: NOINDEX\n"
                                           "ms.custom: [seo-apr2020, admindeeplink]\n"
                                           "ms.collection:\n"
                                           "  - M365-admin\n"
                                           "  - Adm_O365\n"
                                           "nested: {a: b}\n"
                                           "empty:\n"));
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->extra["ms.topic"], "how-to");
  EXPECT_EQ(a->extra["ROBOTS"], "NOINDEX");
  EXPECT_EQ(a->extra["ms.custom"], nlohmann::json({"seo-apr2020", "admindeeplink"}));
  EXPECT_EQ(a->extra["ms.collection"], nlohmann::json({"M365-admin", "Adm_O365"}));
  EXPECT_EQ(a->extra["nested"], nlohmann::json({{"a", "b"}}));
  EXPECT_TRUE(a->extra.contains("empty"));
  EXPECT_FALSE(a->extra.contains("title"));
}

TEST(FrontMatter, UnknownAudienceWarnsAndStaysInternal) {
  auto a = parse_article("x.md", file_with("title: T\nlang: en\naudience: Admin\n"));
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->audience, Audience::internal);
  const Diagnostic* w = warning(*a, "unknown_audience");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->line, 4);
  EXPECT_THAT(w->message, HasSubstr("Admin"));
  EXPECT_EQ(a->extra["audience"], "Admin");
}

TEST(FrontMatter, AudienceValues) {
  const std::pair<std::string, Audience> cases[] = {
      {"public", Audience::public_},    {"Customers", Audience::public_}, {"external", Audience::public_},
      {"internal", Audience::internal}, {"agents", Audience::internal},
  };
  for (const auto& [value, audience] : cases) {
    SCOPED_TRACE(value);
    auto a = parse_article("x.md", file_with("title: T\naudience: " + value + "\n"));
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->audience, audience);
    EXPECT_FALSE(has_warning(*a, "unknown_audience"));
  }
}

TEST(FrontMatter, StatusValues) {
  const std::pair<std::string, Status> cases[] = {
      {"status: draft", Status::draft},      {"status: review", Status::review},
      {"status: in-review", Status::review}, {"status: Published", Status::published},
      {"status: live", Status::published},   {"status: archived", Status::archived},
      {"status: retired", Status::archived}, {"draft: true", Status::draft},
      {"draft: false", Status::published},   {"status: published\ndraft: true", Status::published},
  };
  for (const auto& [line, status] : cases) {
    SCOPED_TRACE(line);
    auto a = parse_article("x.md", file_with("title: T\n" + line + "\n"));
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->status, status);
  }
}

TEST(FrontMatter, RejectsUnknownStatus) {
  auto a = parse_article("x.md", file_with("title: T\nlang: id\nstatus: pending\n"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().line, 4);
  EXPECT_THAT(a.error().message, HasSubstr("pending"));
}

TEST(FrontMatter, ReviewEveryForms) {
  const std::pair<std::string, int> good[] = {
      {"90d", 90}, {"12w", 84}, {"6m", 180}, {"1y", 365}, {"45", 45}, {"\"30d\"", 30},
  };
  for (const auto& [value, days] : good) {
    SCOPED_TRACE(value);
    auto a = parse_article("x.md", file_with("title: T\nreview_every: " + value + "\n"));
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->review_every_days, days);
  }
  for (const std::string value : {"soon", "0d", "-5d", "1.5y", "90 days", "20y", "[90d]"}) {
    SCOPED_TRACE(value);
    auto a = parse_article("x.md", file_with("title: T\nlang: id\nreview_every: " + value + "\n"));
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
    EXPECT_EQ(a.error().line, 4);
    EXPECT_THAT(a.error().message, HasSubstr("review_every"));
  }
}

TEST(FrontMatter, EmptyBodyIsAnError) {
  for (const std::string body : {"", "\n\n   \n"}) {
    auto a = parse_article("x.md", file_with("title: T\nlang: id\n", body));
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
    EXPECT_EQ(a.error().file, "x.md");
    EXPECT_EQ(a.error().line, 5);
    EXPECT_THAT(a.error().message, HasSubstr("empty"));
  }
}

TEST(FrontMatter, BodyWithOnlyAHeadingIsAnError) {
  auto a = parse_article("x.md", file_with("title: T\n", "# Judul saja\n"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
  EXPECT_THAT(a.error().message, HasSubstr("no body text"));
  auto b = parse_article("y.md", "# Judul saja\n\n## Dan subjudul\n");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().file, "y.md");
}

TEST(FrontMatter, BodyWithOnlyCodeIsAccepted) {
  auto a = parse_article("x.md", file_with("title: T\n", "```\nE-402\n```\n"));
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_THAT(a->code, HasSubstr("E-402"));
}

TEST(FrontMatter, InvalidUtf8IsAnErrorWithItsLine) {
  const std::pair<std::string, int> cases[] = {
      {"---\ntitle: T\n---\nBaris empat.\nBaris \xff lima.\n", 5},
      {"---\ntitle: Judul \xC0\xAF\n---\nIsi.\n", 2},              // overlong '/'
      {"---\ntitle: T\n---\nSatu.\n\nDua \xED\xA0\x80.\n", 6},     // UTF-16 surrogate
      {"---\ntitle: T\n---\nTerpotong di akhir \xE2\x82", 4},      // truncated sequence at the end
      {"\xEF\xBB\xBF---\r\ntitle: T\r\n---\r\nIsi \xfe.\r\n", 4},  // BOM + CRLF
  };
  for (const auto& [file, line] : cases) {
    SCOPED_TRACE(line);
    auto a = parse_article("akun/rusak.md", file);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
    EXPECT_EQ(a.error().file, "akun/rusak.md");
    EXPECT_EQ(a.error().line, line);
    EXPECT_THAT(a.error().message, HasSubstr("UTF-8"));
  }
}

TEST(FrontMatter, InvalidUtf8LineIsFoundQuicklyInALargeFile) {
  std::string file = "---\ntitle: T\n---\n";
  int lines = 3;
  while (file.size() < 300 * 1024) {
    file += "Baris biasa yang cukup panjang untuk sebuah artikel bantuan.\n";
    ++lines;
  }
  file += "rusak \xff\n";
  const auto started = std::chrono::steady_clock::now();
  auto a = parse_article("besar.md", file);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().line, lines + 1);
  EXPECT_LT(seconds, 1.0);
}

TEST(FrontMatter, LargeValidArticleParsesQuickly) {
  std::string file = "---\ntitle: T\n---\n";
  while (file.size() < 1024 * 1024)
    file += "Paragraf biasa dengan kata-kata yang cukup panjang untuk artikel.\n\n";
  const auto started = std::chrono::steady_clock::now();
  auto a = parse_article("besar.md", file);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_LT(seconds, 2.0);
}

TEST(FrontMatter, NulBytesAreAnError) {
  auto a = parse_article("x.md", std::string("# T\n\nIsi\0biner.\n", 16));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
}

TEST(FrontMatter, FrontMatterThatIsNotAMappingIsAnError) {
  auto a = parse_article("x.md", file_with("- satu\n- dua\n"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::invalid_article);
  EXPECT_EQ(a.error().line, 2);
}

TEST(FrontMatter, EmptyFrontMatterIsAllowed) {
  auto a = parse_article("x.md", "---\n---\n# Judul\n\nIsi.\n");
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->title, "Judul");
  EXPECT_EQ(a->body_line, 3);
}

TEST(FrontMatter, TagsWrittenAsACommaSeparatedString) {
  auto a = parse_article("x.md", file_with("title: T\ntags: Refund,  Pembayaran , ,refund\n"));
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->tags, (std::vector<std::string>{"refund", "pembayaran"}));
}

TEST(FrontMatter, SlugFromPath) {
  EXPECT_EQ(slug_from_path("akun/otp-tidak-masuk.md"), "akun/otp-tidak-masuk");
  EXPECT_EQ(slug_from_path("a\\b.markdown"), "a/b");
  EXPECT_EQ(slug_from_path("top.md"), "top");
}

}  // namespace
}  // namespace solusi
