// The pure helpers of the editor API: slugs an article may be written under, slugs made from titles,
// front matter edits that keep the editor's layout, JSON writes turned into article text, the line diff
// between revisions (checked against a brute-force LCS), and the Knowledge-Centered Service draft made
// from a ticket in both languages.
#include "editing.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "article.hpp"
#include "test_support.hpp"
#include "text.hpp"

namespace solusi::service {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// ------------------------------------------------------------------------------------------------
// validate_write_slug

TEST(WriteSlug, AcceptsLowercaseSegmentsOfLettersDigitsAndDashes) {
  for (const std::string slug : {"a", "7", "faq", "akun/otp-tidak-masuk", "pembayaran/refund-belum-masuk",
                                 "en/2fa-reset", "a/b/c/d", "x-1/y-2", "0-9", "revisions/refund", "diff/x",
                                 "draft/refund-belum-masuk", "restore-akun", "akun/revisions-lama"}) {
    auto ok = validate_write_slug(slug);
    EXPECT_TRUE(ok) << slug << ": " << ok.error().message;
  }
  EXPECT_TRUE(validate_write_slug(std::string(150, 'a')));
  EXPECT_TRUE(validate_write_slug(std::string(70, 'a') + "/" + std::string(79, 'b')));
}

TEST(WriteSlug, RefusesEverythingElseWithAReason) {
  struct Case {
    std::string slug;
    std::string reason;  ///< part of the message
  };
  const Case cases[] = {
      {"", "empty"},
      {"Akun/otp", "lowercase"},
      {"akun/OTP", "lowercase"},
      {"akun/otp tidak", "lowercase"},
      {"akun/otp_tidak", "lowercase"},
      {"akun/otp.md", "lowercase"},
      {"caf\xC3\xA9", "lowercase"},
      {"akun\\otp", "lowercase"},
      {"akun/../etc/passwd", "'..'"},
      {"..", "'..'"},
      {"../x", "'..'"},
      {"/etc/passwd", "absolute"},
      {"/akun", "absolute"},
      {".hidden", "hidden"},
      {"akun/.x", "hidden"},
      {".drafts/akun/otp", "hidden"},
      {"./akun", "hidden"},
      {"akun/", "end with '/'"},
      {"akun//otp", "empty path segment"},
      {"-akun", "start with a letter or a digit"},
      {"akun/-otp", "start with a letter or a digit"},
      {std::string(151, 'a'), "longer than 150"},
      {std::string(75, 'a') + "/" + std::string(75, 'b'), "longer than 150"},
      {"revisions", "revisions"},
      {"akun/otp/revisions", "revisions"},
      {"akun/diff", "diff"},
      {"akun/draft", "draft"},
      {"akun/restore", "restore"},
  };
  for (const auto& c : cases) {
    auto r = validate_write_slug(c.slug);
    ASSERT_FALSE(r) << "'" << c.slug << "' was accepted";
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << c.slug;
    EXPECT_THAT(r.error().message, HasSubstr("invalid slug")) << c.slug;
    EXPECT_THAT(r.error().message, HasSubstr(c.reason)) << c.slug;
  }
}

TEST(WriteSlug, RefusesControlAndNulBytes) {
  for (const std::string& slug :
       {std::string("akun\0otp", 8), std::string("akun\notp"), std::string("akun\t")})
    EXPECT_FALSE(validate_write_slug(slug)) << slug.size();
}

// ------------------------------------------------------------------------------------------------
// draft_title

TEST(DraftTitle, KeepsTheWordsWithoutTheCustomersPunctuation) {
  EXPECT_EQ(draft_title("uang belum kembali!!! tolong dong???"), "Uang belum kembali tolong dong");
  EXPECT_EQ(draft_title("\"refund\"... belum masuk ke BCA (5 hari)"), "Refund belum masuk ke BCA 5 hari");
  EXPECT_EQ(draft_title("AKUN SAYA DIHACK TOLONG!!!"), "Akun saya dihack tolong");
  EXPECT_EQ(draft_title("top-up e-wallet Rp1.500 gagal\xE2\x80\xA6"), "Top-up e-wallet Rp1.500 gagal");
  EXPECT_EQ(draft_title("satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas"),
            "Satu dua tiga empat lima enam tujuh delapan sembilan sepuluh");
  EXPECT_EQ(draft_title("!!! ??? ..."), "");
  EXPECT_EQ(draft_title(""), "");
}

// slugify

TEST(Slugify, TitlesBecomeLowercaseDashedAscii) {
  EXPECT_EQ(slugify("Refund belum masuk ke BCA!"), "refund-belum-masuk-ke-bca");
  EXPECT_EQ(slugify("  Kode OTP   tidak masuk  "), "kode-otp-tidak-masuk");
  EXPECT_EQ(slugify("Refund: 3x gagal (VA-402)"), "refund-3x-gagal-va-402");
  EXPECT_EQ(slugify("Card payment declined."), "card-payment-declined");
  EXPECT_EQ(slugify("2FA reset"), "2fa-reset");
}

TEST(Slugify, NothingUsableIsArtikel) {
  EXPECT_EQ(slugify(""), "artikel");
  EXPECT_EQ(slugify("   "), "artikel");
  EXPECT_EQ(slugify("!!! ??? ..."), "artikel");
  EXPECT_EQ(slugify("\xE2\x9C\x93 \xE2\x9C\x93"), "artikel");  // check marks only
}

TEST(Slugify, LongTitlesAreCutAtADash) {
  const std::string title = "Refund belum masuk ke saldo RayaPay padahal sudah tiga hari kerja menunggu";
  const std::string s = slugify(title, 20);
  EXPECT_EQ(s, "refund-belum-masuk");
  EXPECT_LE(slugify(title).size(), 60u);
  EXPECT_EQ(slugify(title).back() != '-', true);
  // One long word has no dash to cut at: it is cut at the limit.
  EXPECT_EQ(slugify(std::string(100, 'x'), 60), std::string(60, 'x'));
}

TEST(Slugify, EveryResultIsAValidWriteSlug) {
  const std::string titles[] = {"Refund belum masuk ke BCA!",
                                "Pelanggan menempelkan <script> di kolom catatan",
                                "Café au lait",
                                "Émoji 🎉 rusak di aplikasi",
                                "-- dashes --",
                                "a_b_c",
                                "../../etc/passwd",
                                ".hidden file",
                                "UPPER CASE ONLY",
                                "x",
                                std::string(300, 'k'),
                                "kata " + std::string(200, 'y')};
  for (const auto& t : titles) {
    const std::string s = slugify(t);
    EXPECT_TRUE(validate_write_slug(s)) << t << " → " << s;
    EXPECT_LE(s.size(), 60u) << t;
    EXPECT_EQ(s.find("--"), std::string::npos) << t << " → " << s;
    EXPECT_NE(s.front(), '-') << t;
    EXPECT_NE(s.back(), '-') << t;
  }
}

// ------------------------------------------------------------------------------------------------
// set_front_matter_field

/// @p out parsed: good, with status @p status and the other fields of @p before.
void expect_same_article_with_status(const std::string& before, const std::string& out, Status status) {
  auto a = parse_article("x.md", before);
  ASSERT_TRUE(a) << a.error().describe();
  auto b = parse_article("x.md", out);
  ASSERT_TRUE(b) << b.error().describe() << "\n" << out;
  EXPECT_EQ(b->status, status) << out;
  EXPECT_EQ(b->title, a->title) << out;
  EXPECT_EQ(b->lang, a->lang) << out;
  EXPECT_EQ(b->summary, a->summary) << out;
  EXPECT_EQ(b->review_every_days, a->review_every_days) << out;
  EXPECT_EQ(b->valid_to.has_value(), a->valid_to.has_value()) << out;
  EXPECT_EQ(b->extra, a->extra) << out;
  EXPECT_EQ(b->markdown, a->markdown) << out;
}

TEST(SetFrontMatterField, ReplacesTheKeysLineOnly) {
  const std::string text =
      "---\n"
      "title: Refund belum masuk\n"
      "status: draft\n"
      "owner: tim-pembayaran\n"
      "---\n"
      "status: this line is body text\n";
  EXPECT_EQ(set_front_matter_field(text, "status", "published"),
            "---\n"
            "title: Refund belum masuk\n"
            "status: published\n"
            "owner: tim-pembayaran\n"
            "---\n"
            "status: this line is body text\n");
}

TEST(SetFrontMatterField, AddsAMissingKeyAtTheEndOfTheFrontMatter) {
  const std::string text = "---\ntitle: A\nlang: id\n---\nBody\n";
  EXPECT_EQ(set_front_matter_field(text, "status", "archived"),
            "---\ntitle: A\nlang: id\nstatus: archived\n---\nBody\n");
}

TEST(SetFrontMatterField, KeepsCommentsBlankLinesAndOrder) {
  const std::string text =
      "---\n"
      "# Owned by the payments team\n"
      "title: A\n"
      "\n"
      "tags: [refund, saldo]  # keep these short\n"
      "status: review\n"
      "# end of the metadata\n"
      "audience: public\n"
      "---\n"
      "Body\n";
  EXPECT_EQ(set_front_matter_field(text, "status", "published"),
            "---\n"
            "# Owned by the payments team\n"
            "title: A\n"
            "\n"
            "tags: [refund, saldo]  # keep these short\n"
            "status: published\n"
            "# end of the metadata\n"
            "audience: public\n"
            "---\n"
            "Body\n");
}

TEST(SetFrontMatterField, OnlyTheTopLevelKeyWithThatExactNameMatches) {
  const std::string text =
      "---\n"
      "status_note: draft\n"
      "extra:\n"
      "  status: nested\n"
      "statuses: [a]\n"
      "---\n"
      "Body\n";
  EXPECT_EQ(set_front_matter_field(text, "status", "archived"),
            "---\n"
            "status_note: draft\n"
            "extra:\n"
            "  status: nested\n"
            "statuses: [a]\n"
            "status: archived\n"
            "---\n"
            "Body\n");
}

TEST(SetFrontMatterField, ABlockListValueIsReplacedWhole) {
  const std::string text =
      "---\n"
      "title: A\n"
      "tags:\n"
      "  - refund\n"
      "  - saldo\n"
      "owner: tim-pembayaran\n"
      "---\n"
      "Body\n";
  EXPECT_EQ(set_front_matter_field(text, "tags", "refund"),
            "---\ntitle: A\ntags: refund\nowner: tim-pembayaran\n---\nBody\n");
  // A list written without indentation ("- a" at column 0) belongs to the key as well.
  const std::string flush = "---\ntags:\n- refund\n- saldo\nowner: x\n---\nBody\n";
  EXPECT_EQ(set_front_matter_field(flush, "tags", "a"), "---\ntags: a\nowner: x\n---\nBody\n");
}

TEST(SetFrontMatterField, AMultiLineValueWithABlankLineIsReplacedWhole) {
  const std::string text =
      "---\n"
      "title: A\n"
      "summary: |\n"
      "  First paragraph.\n"
      "\n"
      "  Second paragraph.\n"
      "owner: x\n"
      "---\n"
      "Body\n";
  const std::string out = set_front_matter_field(text, "summary", "Short").value();
  auto a = parse_article("x.md", out);
  ASSERT_TRUE(a) << a.error().describe() << "\n" << out;
  EXPECT_EQ(a->summary, "Short") << out;
  EXPECT_EQ(a->owner, "x");
  EXPECT_EQ(out, "---\ntitle: A\nsummary: Short\nowner: x\n---\nBody\n");
  // A blank line after the value's last line is not the value's: it stays.
  EXPECT_EQ(set_front_matter_field("---\ntags:\n  - a\n\n  - b\n\nowner: x\n---\nB\n", "tags", "c"),
            "---\ntags: c\n\nowner: x\n---\nB\n");
}

TEST(SetFrontMatterField, TextWithoutFrontMatterGetsOne) {
  EXPECT_EQ(set_front_matter_field("Just a body\n", "status", "archived"),
            "---\nstatus: archived\n---\nJust a body\n");
  EXPECT_EQ(set_front_matter_field("", "status", "draft"), "---\nstatus: draft\n---\n");
}

TEST(SetFrontMatterField, ValuesThatNeedQuotesAreQuotedAndReadBackExactly) {
  const std::string text = "---\ntitle: A\nlang: id\n---\nBody\n";
  for (const std::string value :
       {"Refund: belum masuk", "a # b", "#hash", "- dash", "[x]", "{y}", "*star", "'single'", "\"double\"",
        "100% @home", "back\\slash \"q\"", "?x", "|pipe", ">fold", "&anchor", "!tag", "@at", "`tick"}) {
    const std::string out = set_front_matter_field(text, "title", value).value();
    auto a = parse_article("x.md", out);
    ASSERT_TRUE(a) << "[" << value << "]: " << a.error().describe() << "\n" << out;
    EXPECT_EQ(a->title, value) << out;
  }
  // Leading or trailing spaces and an empty value would be lost without quotes.
  EXPECT_THAT(set_front_matter_field(text, "owner", " padded ").value(),
              HasSubstr("\nowner: \" padded \"\n"));
  EXPECT_THAT(set_front_matter_field(text, "owner", "").value(), HasSubstr("\nowner: \"\"\n"));
}

TEST(SetFrontMatterField, KeepsAByteOrderMarkAndWindowsLineEndings) {
  const std::string bom = "\xEF\xBB\xBF";
  EXPECT_EQ(set_front_matter_field(bom + "---\ntitle: A\nstatus: draft\n---\nBody\n", "status", "published"),
            bom + "---\ntitle: A\nstatus: published\n---\nBody\n");
  const std::string crlf = "---\r\ntitle: A\r\nstatus: draft\r\n---\r\nBody\r\n";
  const std::string out = set_front_matter_field(crlf, "status", "archived").value();
  EXPECT_THAT(out, HasSubstr("title: A\r\n"));
  EXPECT_THAT(out, HasSubstr("---\r\nBody\r\n"));
  auto a = parse_article("x.md", out);
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->status, Status::archived);
}

TEST(SetFrontMatterField, OldMacLineEndsAreEditedNotWrappedInASecondFrontMatter) {
  // Lone CR line ends: the parser reads the front matter, the line edit saw none and added one.
  const std::string text = "---\rtitle: A\rstatus: draft\r---\rBody\r";
  auto out = set_front_matter_field(text, "status", "archived");
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_EQ(*out, "---\ntitle: A\nstatus: archived\n---\nBody\n");
  expect_same_article_with_status(text, *out, Status::archived);
}

TEST(SetFrontMatterField, UnterminatedFrontMatterIsLeftForTheParserToReport) {
  const std::string text = "---\ntitle: A\nstatus: draft\nBody without a closing line\n";
  EXPECT_EQ(set_front_matter_field(text, "status", "published"), text);
}

TEST(SetFrontMatterField, AValueGoingOnOverAnUnindentedLineIsNotBroken) {
  // The fuzzer's reproducer: yaml-cpp reads the unindented last line "v%lio_:dt 2027-01-31" as a key
  // without a value; a "status: archived" line after it makes that a key over two lines (not valid
  // YAML). The new line goes before the first key instead.
  const std::string text =
      "---\ntitle: Windows file\nlang: id\nreN4YAML9ExceptionEview_every: 6m\nv%lio_:dt 2027-01-31\n---\n"
      "Isi artikel.\n";
  auto out = set_front_matter_field(text, "status", "archived");
  ASSERT_TRUE(out) << out.error().describe();
  expect_same_article_with_status(text, *out, Status::archived);
  EXPECT_EQ(*out,
            "---\nstatus: archived\ntitle: Windows file\nlang: id\nreN4YAML9ExceptionEview_every: 6m\n"
            "v%lio_:dt 2027-01-31\n---\nIsi artikel.\n");
  // The key itself with a quoted value left open up to the fence: its whole value goes ("title: A"
  // is text of that value, not a field to bring to life).
  const std::string own = "---\nowner: x\nstatus: \"draft\ntitle: A\n---\nIsi.\n";
  auto replaced = set_front_matter_field(own, "status", "published");
  ASSERT_TRUE(replaced) << replaced.error().describe();
  EXPECT_EQ(*replaced, "---\nowner: x\nstatus: published\n---\nIsi.\n");
}

TEST(SetFrontMatterField, AQuotedValueLeftOpenUntilTheFenceKeepsItsText) {
  // A double-quoted value yaml-cpp reads up to the closing fence: a line added before the fence would
  // be inside the quotes (parses, but the status is not set), and a "status:" line inside the quotes
  // is text of the value, not the key.
  for (const std::string& text :
       {std::string("---\ntitle: A\ndescription: \"Quoted: value\nvalid_to: 2027-01-31\n---\nIsi.\n"),
        std::string("---\ntitle: A\ndescription: \"Open\nstatus: draft\n---\nIsi.\n"),
        std::string(
            "---\r\ntitle: A\r\ndescription: \"Quoted: value\r\nvalid_to: 2027-01-31\r\n---\r\nIsi.\r\n")}) {
    auto out = set_front_matter_field(text, "status", "archived");
    ASSERT_TRUE(out) << out.error().describe();
    expect_same_article_with_status(text, *out, Status::archived);
  }
}

TEST(SetFrontMatterField, TheFuzzersMultiLineQuotedReproducerArchives) {
  // tests/fuzz/regressions/article/archive-multiline-quoted-value.md
  const std::string text =
      "---\n"
      "languafe: en\n"
      "ms.author: rina\n"
      "ms.date: 08/01/2026\n"
      "description: \"Quoted: valuereview_every: 2m\r\n"
      "valid_to: 2027-01-31\r\n"
      "---\r\n"
      "IsiQQQQQQQQQQQQQQQQQQQQQQQQQ setelah 3 hari t%npa balasan.\n"
      "- Tiket yang dieskalasi ke L3 tQQQQQQQQQQQQQQQQQQ ar41A2F\n"
      "dvalid_toon: 'Fix the sync client when it stops with error 0x80041A2F: path img/a.pngtoo long.'\n"
      "ms.date: 09/21/2023\n"
      "ms.author: dnakamura\n"
      "ms.topic: troubleshooting\n"
      "ms.custom).:\n"
      "  \n"
      "- C";
  auto out = set_front_matter_field(text, "status", "archived");
  ASSERT_TRUE(out) << out.error().describe();
  expect_same_article_with_status(text, *out, Status::archived);
}

TEST(SetFrontMatterField, ValuesWithControlCharactersReadBackExactly) {
  const std::string text = "---\ntitle: A\nlang: id\n---\nBody\n";
  for (const std::string value : {"a\rb", "\rstart", "tab\there", "bell\x07", "del\x7f", "line\nend"}) {
    auto out = set_front_matter_field(text, "x_note", value);
    ASSERT_TRUE(out) << out.error().describe();
    auto a = parse_article("x.md", *out);
    ASSERT_TRUE(a) << a.error().describe() << "\n" << *out;
    EXPECT_EQ(a->extra["x_note"], value) << *out;
  }
}

TEST(SetFrontMatterField, AnEditThatCannotBeMadeRightIsAnErrorNotABrokenFile) {
  // A flow mapping as the whole front matter: no line of its own for a key.
  const std::string flow = "---\n{title: A, lang: id}\n---\nBody\n";
  auto out = set_front_matter_field(flow, "status", "archived");
  ASSERT_FALSE(out) << *out;
  EXPECT_EQ(out.error().code, ErrorCode::invalid_argument);
  EXPECT_THAT(out.error().message, HasSubstr("'status'"));
}

// ------------------------------------------------------------------------------------------------
// article_from_json

TEST(ArticleFromJson, WritesFrontMatterAndBodyThatParseBack) {
  const json fm = {{"title", "Refund belum masuk"},
                   {"lang", "id"},
                   {"tags", {"refund", "saldo"}},
                   {"category", "pembayaran"},
                   {"owner", "tim-pembayaran"},
                   {"reviewed", "2026-10-01"},
                   {"status", "review"},
                   {"audience", "public"},
                   {"publish_at", "2026-12-01"},
                   {"valid_to", "2027-06-30"}};
  auto text = article_from_json(fm, "## Masalah\n\nRefund belum masuk.");
  ASSERT_TRUE(text) << text.error().describe();
  EXPECT_TRUE(text->starts_with("---\n")) << *text;
  EXPECT_TRUE(text->ends_with("---\n## Masalah\n\nRefund belum masuk.\n")) << *text;
  auto a = parse_article("pembayaran/x.md", *text);
  ASSERT_TRUE(a) << a.error().describe() << "\n" << *text;
  EXPECT_EQ(a->title, "Refund belum masuk");
  EXPECT_EQ(a->lang, Lang::id);
  EXPECT_THAT(a->tags, ElementsAre("refund", "saldo"));
  EXPECT_EQ(a->category, "pembayaran");
  EXPECT_EQ(a->owner, "tim-pembayaran");
  ASSERT_TRUE(a->reviewed);
  EXPECT_EQ(a->reviewed->iso(), "2026-10-01");
  EXPECT_EQ(a->status, Status::review);
  EXPECT_EQ(a->audience, Audience::public_);
  ASSERT_TRUE(a->publish_at);
  EXPECT_EQ(a->publish_at->iso(), "2026-12-01");
  ASSERT_TRUE(a->valid_to);
  EXPECT_EQ(a->valid_to->iso(), "2027-06-30");
  EXPECT_THAT(a->markdown, HasSubstr("Refund belum masuk."));
}

TEST(ArticleFromJson, WritesEveryJsonTypeAsItsYamlType) {
  const json fm = {{"title", "A"},
                   {"x_bool", true},
                   {"x_int", -42},
                   {"x_big", 18446744073709551615ULL},
                   {"x_float", 2.5},
                   {"x_null", nullptr},
                   {"x_list", {1, "two", false}},
                   {"x_map", {{"inner", {{"deep", "value"}}}}}};
  auto text = article_from_json(fm, "Body");
  ASSERT_TRUE(text) << text.error().describe();
  // Plain YAML scalars (not quoted strings), in JSON's key order.
  EXPECT_THAT(*text, HasSubstr("\nx_bool: true\n"));
  EXPECT_THAT(*text, HasSubstr("\nx_int: -42\n"));
  EXPECT_THAT(*text, HasSubstr("\nx_big: 18446744073709551615\n"));
  EXPECT_THAT(*text, HasSubstr("\nx_float: 2.5\n"));
  EXPECT_THAT(*text, HasSubstr("\nx_null: ~\n"));
  EXPECT_LT(text->find("x_bool"), text->find("x_float"));
  // The parser keeps unknown fields (as strings), nested structure included.
  auto a = parse_article("x.md", *text);
  ASSERT_TRUE(a) << a.error().describe() << "\n" << *text;
  EXPECT_EQ(a->extra["x_bool"], "true") << a->extra.dump();
  EXPECT_EQ(a->extra["x_int"], "-42") << a->extra.dump();
  EXPECT_EQ(a->extra["x_float"], "2.5") << a->extra.dump();
  EXPECT_TRUE(a->extra["x_null"].is_null()) << a->extra.dump();
  EXPECT_EQ(a->extra["x_list"], json({"1", "two", "false"})) << a->extra.dump();
  EXPECT_EQ(a->extra["x_map"]["inner"]["deep"], "value") << a->extra.dump();
}

TEST(ArticleFromJson, StringsThatLookLikeOtherTypesOrYamlStayStrings) {
  for (const std::string title : {"true", "null", "~", "123", "2026-01-01", "yes", "a: b", "- x", "[x]", "#x",
                                  "x\n---\nstatus: published", "\"quoted\"", "multi\nline"}) {
    auto text = article_from_json({{"title", title}, {"status", "draft"}}, "Body");
    ASSERT_TRUE(text) << text.error().describe();
    auto a = parse_article("x.md", *text);
    ASSERT_TRUE(a) << "[" << title << "]: " << a.error().describe() << "\n" << *text;
    EXPECT_EQ(a->title, text::collapse_whitespace(title)) << *text;
    EXPECT_EQ(a->status, Status::draft) << "the title broke out of its field:\n" << *text;
  }
}

TEST(ArticleFromJson, StringsWithControlCharactersReadBackExactly) {
  // yaml-cpp's emitter writes a CR raw, which the parser reads as a line end: "\r..." was not valid
  // YAML, "a\rb" came back as "a b". The fuzzer's reproducer first.
  const json fm = {{"title", "Refund belum masuk"}, {"lang", "id"}, {"note", "\rinternal"}};
  auto text = article_from_json(fm, "Isi artikel.");
  ASSERT_TRUE(text) << text.error().describe();
  auto a = parse_article("x.md", *text);
  ASSERT_TRUE(a) << a.error().describe() << "\n" << *text;
  EXPECT_EQ(a->extra["note"], "\rinternal") << *text;
  for (const std::string value : {"Refund\rbelum", "\r", "a\r\nb", "tab\tx", "\x01\x1f\x7f", "nel\xC2\x85x",
                                  "ls\xE2\x80\xA8x", "bom\xEF\xBB\xBFx"}) {
    const json j = {{"title", "A"}, {"x_v", value}, {"x_list", {value}}, {"x_map", {{value, value}}}};
    auto t = article_from_json(j, "Body");
    ASSERT_TRUE(t) << t.error().describe();
    auto b = parse_article("x.md", *t);
    ASSERT_TRUE(b) << json(value).dump() << ": " << b.error().describe() << "\n" << *t;
    EXPECT_EQ(b->extra["x_v"], value) << *t;
    EXPECT_EQ(b->extra["x_list"], json::array({value})) << *t;
    EXPECT_EQ(b->extra["x_map"], json({{value, value}})) << *t;
  }
}

TEST(ArticleFromJson, EmptyFrontMatterAndBodyWithoutNewline) {
  auto text = article_from_json(json::object(), "Only a body");
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "---\n---\nOnly a body\n");
  auto with_newline = article_from_json({{"title", "A"}}, "Body\n");
  ASSERT_TRUE(with_newline);
  EXPECT_EQ(*with_newline, "---\ntitle: A\n---\nBody\n");
}

TEST(ArticleFromJson, ErrorsNameTheMemberThatIsNotUsable) {
  for (const json& bad : {json::array({"title", "A"}), json("title: A"), json(42), json(nullptr)}) {
    auto text = article_from_json(bad, "Body");
    ASSERT_FALSE(text) << bad.dump();
    EXPECT_EQ(text.error().code, ErrorCode::invalid_argument);
    EXPECT_THAT(text.error().message, HasSubstr("'front_matter'")) << bad.dump();
    EXPECT_THAT(text.error().message, HasSubstr("object"));
  }
  // A value JSON text cannot carry but a json value can (binary): its path is named.
  json fm = {{"title", "A"}, {"x", json::binary({1, 2, 3})}};
  auto text = article_from_json(fm, "Body");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::invalid_argument);
  EXPECT_THAT(text.error().message, HasSubstr("front_matter.x"));
  json nested = {{"title", "A"}, {"tags", {"a", json::binary({9})}}};
  text = article_from_json(nested, "Body");
  ASSERT_FALSE(text);
  EXPECT_THAT(text.error().message, HasSubstr("front_matter.tags[1]"));
}

// ------------------------------------------------------------------------------------------------
// line_diff

std::string ops(const std::vector<DiffLine>& d) {
  std::string out;
  for (const auto& l : d) out += std::string(1, l.op) + l.text + "|";
  return out;
}

std::vector<std::string> lines_of(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    out.emplace_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

/// The old and the new lines a diff describes: ' ' and '-' lines, and ' ' and '+' lines.
std::pair<std::vector<std::string>, std::vector<std::string>> sides(const std::vector<DiffLine>& d) {
  std::vector<std::string> before, after;
  for (const auto& l : d) {
    if (l.op != '+') before.push_back(l.text);
    if (l.op != '-') after.push_back(l.text);
  }
  return {before, after};
}

size_t lcs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<size_t>> t(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j)
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
  return t[a.size()][b.size()];
}

TEST(LineDiff, EqualTextsAreAllContext) {
  EXPECT_EQ(ops(line_diff("a\nb\nc\n", "a\nb\nc\n")), " a| b| c|");
  EXPECT_TRUE(line_diff("", "").empty());
}

TEST(LineDiff, InsertDeleteReplace) {
  EXPECT_EQ(ops(line_diff("a\nc\n", "a\nb\nc\n")), " a|+b| c|");
  EXPECT_EQ(ops(line_diff("a\nb\nc\n", "a\nc\n")), " a|-b| c|");
  const auto replace = line_diff("a\nb\nc\n", "a\nx\nc\n");
  EXPECT_EQ(replace.size(), 4u) << ops(replace);
  EXPECT_EQ(replace.front().op, ' ');
  EXPECT_EQ(replace.back().op, ' ');
  EXPECT_THAT(ops(replace), HasSubstr("-b|"));
  EXPECT_THAT(ops(replace), HasSubstr("+x|"));
  EXPECT_EQ(ops(line_diff("a\n", "b\n")).size(), 6u);
  EXPECT_EQ(ops(line_diff("first\nsame\n", "same\nlast\n")), "-first| same|+last|");
  // In a changed region the old lines come first.
  EXPECT_EQ(ops(line_diff("a\nb\nc\nz\n", "a\nx\ny\nz\n")), " a|-b|-c|+x|+y| z|");
  EXPECT_EQ(ops(line_diff("a\nb\nz\n", "a\nx\ny\nz\n")), " a|-b|+x|+y| z|");
  EXPECT_EQ(ops(line_diff("a\nb\nc\nz\n", "a\nx\nz\n")), " a|-b|-c|+x| z|");
}

TEST(LineDiff, EmptySides) {
  EXPECT_EQ(ops(line_diff("", "a\nb\n")), "+a|+b|");
  EXPECT_EQ(ops(line_diff("a\nb", "")), "-a|-b|");
  EXPECT_EQ(ops(line_diff("", "\n")), "+|");
}

TEST(LineDiff, BlankLinesAndLineEndingsAreLines) {
  EXPECT_EQ(ops(line_diff("a\n\nb\n", "a\nb\n")), " a|-| b|");
  EXPECT_EQ(ops(line_diff("a\r\nb\r\n", "a\nb\n")).find(' '), std::string::npos) << "CRLF lines differ";
  // The final newline is not a line of its own.
  EXPECT_EQ(ops(line_diff("a", "a\n")), " a|");
}

TEST(LineDiff, ApplyingTheDiffReproducesBothTextsAndTheScriptIsShortest) {
  std::mt19937 rng(20261105);
  const std::string vocabulary[] = {"---",        "title: A",         "status: draft", "",
                                    "## Masalah", "1. Buka aplikasi", "Refund",        "saldo"};
  auto random_text = [&](size_t max_lines) {
    std::string out;
    const size_t n = rng() % (max_lines + 1);
    for (size_t i = 0; i < n; ++i) out += vocabulary[rng() % std::size(vocabulary)] + "\n";
    return out;
  };
  for (int round = 0; round < 400; ++round) {
    const std::string before = random_text(12), after = random_text(12);
    const auto d = line_diff(before, after);
    const auto [old_lines, new_lines] = sides(d);
    ASSERT_EQ(old_lines, lines_of(before)) << "round " << round << ": " << ops(d);
    ASSERT_EQ(new_lines, lines_of(after)) << "round " << round << ": " << ops(d);
    size_t changes = 0;
    for (const auto& l : d) changes += l.op != ' ';
    const auto a = lines_of(before), b = lines_of(after);
    ASSERT_EQ(changes, a.size() + b.size() - 2 * lcs(a, b)) << "round " << round << ": " << ops(d);
    for (const auto& l : d) ASSERT_TRUE(l.op == ' ' || l.op == '+' || l.op == '-');
  }
}

TEST(LineDiff, LargeTextsWithOneChange) {
  std::string before, after;
  for (int i = 0; i < 5000; ++i) {
    before += "line " + std::to_string(i) + "\n";
    after += (i == 2500 ? std::string("changed") : "line " + std::to_string(i)) + "\n";
  }
  const auto d = line_diff(before, after);
  size_t added = 0, removed = 0;
  for (const auto& l : d) {
    added += l.op == '+';
    removed += l.op == '-';
  }
  EXPECT_EQ(added, 1u);
  EXPECT_EQ(removed, 1u);
  EXPECT_EQ(d.size(), 5001u);
}

// ------------------------------------------------------------------------------------------------
// kcs_draft

TEST(KcsDraft, IndonesianDraftHasTheKcsSectionsAndTheCustomersWords) {
  const std::string text =
      kcs_draft("Refund belum masuk ke BCA",
                "Refund belum masuk ke BCA\nKak, dananya belum masuk juga.\n\n  sudah 5 hari  ", Lang::id,
                "tim-pembayaran", "2026-11-05", {"refund", "bca"});
  const auto masalah = text.find("## Masalah\n"),
             customers = text.find("## Bagaimana pelanggan menyebutnya\n"),
             penyebab = text.find("## Penyebab\n"), solusi = text.find("## Solusi\n");
  ASSERT_NE(masalah, std::string::npos) << text;
  ASSERT_NE(customers, std::string::npos) << text;
  ASSERT_NE(penyebab, std::string::npos) << text;
  ASSERT_NE(solusi, std::string::npos) << text;
  EXPECT_LT(masalah, customers);
  EXPECT_LT(customers, penyebab);
  EXPECT_LT(penyebab, solusi);
  EXPECT_THAT(text, HasSubstr("> Kak, dananya belum masuk juga.\n"));
  EXPECT_THAT(text, HasSubstr("> sudah 5 hari\n"));
  EXPECT_THAT(text, Not(HasSubstr(">\n"))) << "blank lines are not quoted";
  EXPECT_THAT(text, Not(HasSubstr("## Problem")));

  auto a = parse_article("draft/refund-belum-masuk-ke-bca.md", text);
  ASSERT_TRUE(a) << a.error().describe() << "\n" << text;
  EXPECT_EQ(a->title, "Refund belum masuk ke BCA");
  EXPECT_EQ(a->lang, Lang::id);
  EXPECT_EQ(a->status, Status::draft);
  EXPECT_EQ(a->audience, Audience::internal);
  EXPECT_EQ(a->owner, "tim-pembayaran");
  EXPECT_THAT(a->tags, ElementsAre("refund", "bca"));
  EXPECT_THAT(a->text, HasSubstr("dananya belum masuk"));
}

TEST(KcsDraft, EnglishDraftUsesProblemCauseResolution) {
  const std::string text = kcs_draft("Refund not received", "My refund never arrived on my card.", Lang::en,
                                     "payments-team", "2026-11-05", {});
  for (const std::string heading :
       {"## Problem\n", "## How customers describe it\n", "## Cause\n", "## Resolution\n"})
    EXPECT_THAT(text, HasSubstr(heading));
  EXPECT_LT(text.find("## Problem"), text.find("## Cause"));
  EXPECT_LT(text.find("## Cause"), text.find("## Resolution"));
  EXPECT_THAT(text, HasSubstr("> My refund never arrived on my card.\n"));
  for (const std::string id_heading : {"## Masalah", "## Penyebab", "## Solusi"})
    EXPECT_THAT(text, Not(HasSubstr(id_heading)));
  auto a = parse_article("draft/refund-not-received.md", text);
  ASSERT_TRUE(a) << a.error().describe() << "\n" << text;
  EXPECT_EQ(a->lang, Lang::en);
  EXPECT_EQ(a->status, Status::draft);
  EXPECT_TRUE(a->tags.empty());
}

TEST(KcsDraft, TitleOwnerAndTagsWithYamlCharactersRoundTrip) {
  const std::string text = kcs_draft("Refund: \"belum\" masuk #2", "kata pelanggan", Lang::id,
                                     "tim: pembayaran", "2026-11-05", {"kartu-kredit", "a: b"});
  auto a = parse_article("draft/x.md", text);
  ASSERT_TRUE(a) << a.error().describe() << "\n" << text;
  EXPECT_EQ(a->title, "Refund: \"belum\" masuk #2");
  EXPECT_EQ(a->owner, "tim: pembayaran");
  EXPECT_THAT(a->tags, ElementsAre("kartu-kredit", "a: b"));
}

TEST(KcsDraft, TagsWithFlowListCharactersRoundTrip) {
  // Tags come from the API caller: a comma or a bracket must not split the list or break the YAML.
  const std::string text =
      kcs_draft("Refund", "kata pelanggan", Lang::id, "tim", "2026-11-05", {"bca, mandiri", "va]", "x"});
  auto a = parse_article("draft/x.md", text);
  ASSERT_TRUE(a) << a.error().describe() << "\n" << text;
  EXPECT_THAT(a->tags, ElementsAre("bca, mandiri", "va]", "x")) << text;
}

}  // namespace
}  // namespace solusi::service
