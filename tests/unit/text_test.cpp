// Pure helpers: dates and review intervals, text functions, languages, and the synonym file.
#include "text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "date.hpp"
#include "language.hpp"
#include "synonyms.hpp"

namespace solusi {
namespace {

using ::testing::HasSubstr;

TEST(DateParse, AcceptsTheWrittenForms) {
  const std::pair<std::string, std::string> cases[] = {
      {"2026-08-01", "2026-08-01"},
      {"  2026-08-01  ", "2026-08-01"},
      {"2026-08-01T10:00:00Z", "2026-08-01"},
      {"2026-08-01 10:00", "2026-08-01"},
      {"2026-8-1", "2026-08-01"},
      {"08/01/2026", "2026-08-01"},  // US: month first
      {"8/1/2026", "2026-08-01"},
      {"07/30/2021", "2021-07-30"},
      {"2026/08/01", "2026-08-01"},
      {"2024-02-29", "2024-02-29"},  // leap year
      {"2000-02-29", "2000-02-29"},  // divisible by 400
      {"1970-01-01", "1970-01-01"},
  };
  for (const auto& [text, iso] : cases) {
    SCOPED_TRACE(text);
    auto d = Date::parse(text);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->iso(), iso);
  }
}

TEST(DateParse, RejectsImpossibleDates) {
  for (const std::string text : {"2026-02-30", "2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10",
                                 "2026-04-31", "30/08/2026", "1899-12-31", "2201-01-01"}) {
    SCOPED_TRACE(text);
    auto d = Date::parse(text);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, ErrorCode::invalid_argument);
    EXPECT_THAT(d.error().message, HasSubstr("impossible"));
  }
}

TEST(DateParse, RejectsUnrecognisedText) {
  for (const std::string text :
       {"", "yesterday", "Aug 1, 2026", "2026-08", "2026-08-01-02", "01/08/26", "2026.08.01", "20260801",
        "2026-0x-01", "+2026-08-01", "2026-08-01x", "08-01-2026"}) {
    SCOPED_TRACE(text);
    auto d = Date::parse(text);
    ASSERT_FALSE(d);
    EXPECT_THAT(d.error().message, HasSubstr("unrecognised"));
  }
}

TEST(DateParse, ArithmeticAndOrdering) {
  const Date epoch = *Date::parse("1970-01-01");
  const Date d = *Date::parse("2026-08-01");
  EXPECT_EQ(epoch.days_since_epoch(), 0);
  EXPECT_EQ(Date::parse("1970-01-02")->days_since_epoch(), 1);
  EXPECT_EQ(d.plus_days(31).iso(), "2026-09-01");
  EXPECT_EQ(d.plus_days(-1).iso(), "2026-07-31");
  EXPECT_EQ(*Date::parse("2026-09-01") - d, 31);
  EXPECT_LT(d, d.plus_days(1));
  EXPECT_EQ(d, *Date::parse("08/01/2026"));
  EXPECT_GT(Date::today(), *Date::parse("2020-01-01"));
}

TEST(IntervalDays, AcceptsUnitsAndBareNumbers) {
  const std::pair<std::string, int> cases[] = {
      {"90d", 90}, {"12w", 84}, {"6m", 180}, {"1y", 365}, {"30", 30}, {" 14d ", 14}, {"10y", 3650}, {"1d", 1},
  };
  for (const auto& [text, days] : cases) {
    SCOPED_TRACE(text);
    auto v = parse_interval_days(text);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, days);
  }
}

TEST(IntervalDays, RejectsBadForms) {
  for (const std::string text : {"", "d", "0", "0d", "-5d", "5x", "1.5y", "11y", "3651", "ninety days",
                                 "99999999999d", "d90", "+5d"}) {
    SCOPED_TRACE(text);
    auto v = parse_interval_days(text);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, ErrorCode::invalid_argument);
  }
}

TEST(Utf8, ValidSequences) {
  for (const std::string& s : {std::string(), std::string("abc"), std::string("\xC3\xA9"),  // é
                               std::string("\xE2\x82\xAC"),                                 // €
                               std::string("\xF0\x9F\x98\x80"),                             // 😀
                               std::string("\xEF\xBF\xBF"),                                 // U+FFFF
                               std::string("\xF4\x8F\xBF\xBF"),                             // U+10FFFF
                               std::string("\xED\x9F\xBF"),  // U+D7FF, below surrogates
                               std::string("a\0b", 3)}) {
    EXPECT_TRUE(text::is_valid_utf8(s)) << ::testing::PrintToString(s);
  }
}

TEST(Utf8, RejectsOverlongsSurrogatesAndBrokenSequences) {
  const std::pair<std::string, std::string> cases[] = {
      {"overlong 2-byte '/'", "\xC0\xAF"},
      {"overlong 2-byte NUL", "\xC0\x80"},
      {"overlong 2-byte C1", "\xC1\xBF"},
      {"overlong 3-byte", "\xE0\x80\xAF"},
      {"overlong 3-byte max", "\xE0\x9F\xBF"},
      {"overlong 4-byte", "\xF0\x80\x80\xAF"},
      {"overlong 4-byte max", "\xF0\x8F\xBF\xBF"},
      {"high surrogate", "\xED\xA0\x80"},
      {"low surrogate", "\xED\xBF\xBF"},
      {"past U+10FFFF", "\xF4\x90\x80\x80"},
      {"F5 lead byte", "\xF5\x80\x80\x80"},
      {"5-byte form", "\xF8\x88\x80\x80\x80"},
      {"lone continuation", "\x80"},
      {"FF byte", "\xFF"},
      {"truncated 2-byte", "a\xC3"},
      {"truncated 3-byte", "\xE2\x82"},
      {"truncated 4-byte", "\xF0\x9F\x98"},
      {"bad continuation", "\xC3\x28"},
  };
  for (const auto& [label, s] : cases) EXPECT_FALSE(text::is_valid_utf8(s)) << label;
}

TEST(TruncateWords, ShortTextIsUnchanged) {
  EXPECT_EQ(text::truncate_words("pendek", 10), "pendek");
  EXPECT_EQ(text::truncate_words("tepat", 5), "tepat");
}

TEST(TruncateWords, CutsAtAWordBoundaryAndAddsAnEllipsis) {
  EXPECT_EQ(text::truncate_words("satu dua tiga empat", 10), "satu dua…");
  EXPECT_EQ(text::truncate_words("satu, dua tiga empat", 6), "satu…");
}

TEST(TruncateWords, NeverSplitsAUtf8Sequence) {
  const std::string s = "Pengembalian dana 😀😀😀 ke rekening é€ selesai ééééééééééé";
  for (size_t max = 0; max <= s.size(); ++max) {
    SCOPED_TRACE(max);
    const std::string out = text::truncate_words(s, max);
    EXPECT_TRUE(text::is_valid_utf8(out)) << out;
    if (out == s) continue;
    ASSERT_TRUE(out.ends_with("…"));
    const std::string kept = out.substr(0, out.size() - std::string("…").size());
    EXPECT_LE(kept.size(), max);
    EXPECT_TRUE(s.starts_with(kept)) << out;
  }
  // A long word made only of multi-byte letters.
  EXPECT_EQ(text::truncate_words("éééééééééé", 5), "éé…");
}

TEST(HtmlEscape, EscapesEverySpecialCharacter) {
  EXPECT_EQ(text::html_escape("<script>alert(\"x\") & 'y'</script>"),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;");
  EXPECT_EQ(text::html_escape("biasa saja é"), "biasa saja é");
  EXPECT_EQ(text::html_escape("&amp;"), "&amp;amp;");
}

TEST(Words, SplitsLowercaseUnicodeWords) {
  EXPECT_EQ(text::words("Pengembalian Dana, OTP-nya ÉTÉ 123!"),
            (std::vector<std::string>{"pengembalian", "dana", "otp", "nya", "été", "123"}));
  EXPECT_TRUE(text::words("  ,.;  ").empty());
  EXPECT_EQ(text::words("e-wallet"), (std::vector<std::string>{"e", "wallet"}));
}

TEST(Split, KeepsEveryPieceIncludingEmptyOnes) {
  using Pieces = std::vector<std::string_view>;
  EXPECT_EQ(text::split("a,b,c", ','), (Pieces{"a", "b", "c"}));
  EXPECT_EQ(text::split("a,,b", ','), (Pieces{"a", "", "b"}));
  EXPECT_EQ(text::split(",a,", ','), (Pieces{"", "a", ""}));
  EXPECT_EQ(text::split("abc", ','), (Pieces{"abc"}));
  EXPECT_EQ(text::split("", ','), (Pieces{""}));
  EXPECT_EQ(text::split(",", ','), (Pieces{"", ""}));
  EXPECT_EQ(text::split("a b,c", ' '), (Pieces{"a", "b,c"}));  // only the given delimiter
  EXPECT_EQ(text::split("line 1\nline 2\n", '\n'), (Pieces{"line 1", "line 2", ""}));
}

TEST(Split, PiecesPointIntoTheInput) {
  const std::string s = "x=1&y=2";
  const auto pieces = text::split(s, '&');
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].data(), s.data());
  EXPECT_EQ(pieces[1].data(), s.data() + 4);
  EXPECT_EQ(pieces[1], "y=2");
}

TEST(TextHelpers, TrimCollapseLowerHash) {
  EXPECT_EQ(text::trim("  \t a b \r\n"), "a b");
  EXPECT_EQ(text::trim(" \n "), "");
  EXPECT_EQ(text::collapse_whitespace("  a \n\t b  c "), "a b c");
  EXPECT_EQ(text::to_lower("ÉCOLE Dana"), "école dana");
  EXPECT_EQ(text::fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(text::fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(text::to_hex(0xcbf29ce484222325ULL), "cbf29ce484222325");
  EXPECT_EQ(text::to_hex(1), "0000000000000001");
  EXPECT_NE(text::fnv1a64("x", 1), text::fnv1a64("x", 2));
}

TEST(Language, ParseLangAndCodes) {
  EXPECT_EQ(parse_lang("ID"), Lang::id);
  EXPECT_EQ(parse_lang(" bahasa indonesia "), Lang::id);
  EXPECT_EQ(parse_lang("en-GB"), Lang::en);
  EXPECT_EQ(parse_lang("fr"), std::nullopt);
  EXPECT_EQ(parse_lang(""), std::nullopt);
  EXPECT_EQ(lang_code(Lang::id), "id");
  EXPECT_EQ(lang_code(Lang::en), "en");
}

TEST(Language, StoppersKeepNegations) {
  EXPECT_TRUE(stopper_for(Lang::id)("yang"));
  EXPECT_FALSE(stopper_for(Lang::id)("tidak"));
  EXPECT_FALSE(stopper_for(Lang::id)("belum"));
  EXPECT_TRUE(stopper_for(Lang::en)("the"));
  EXPECT_FALSE(stopper_for(Lang::en)("not"));
  EXPECT_EQ(stemmer_for(Lang::en)("refunds"), stemmer_for(Lang::en)("refunded"));
  EXPECT_EQ(stemmer_for(Lang::id)("pembayaran"), stemmer_for(Lang::id)("dibayar"));
}

TEST(Language, IndonesianRootVariantsRestoreTheAbsorbedConsonant) {
  const auto stem = stemmer_for(Lang::id);
  struct Case {
    std::string word, variant;
  };
  const Case cases[] = {
      {"pengembalian", "kembali"},  // peng- absorbed the k
      {"dikembalikan", "embali"},   // the stem "pengembalian" gets
      {"penarikan", "tarik"},       // pen- absorbed the t
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.word);
    const auto variants = indonesian_root_variants(c.word, stem, [](const std::string&) { return true; });
    EXPECT_THAT(variants, ::testing::Contains(c.variant));
    EXPECT_THAT(variants, ::testing::Not(::testing::Contains(stem(c.word))));
  }
}

TEST(Language, RootVariantsFollowTheNasalAndNeverComeFromStopWords) {
  const auto stem = stemmer_for(Lang::id);
  const auto any = [](const std::string&) { return true; };
  const auto none = [](const std::string&) { return false; };
  // men- absorbed a t: "temu", never "kemu", "pemu" or "semu".
  EXPECT_THAT(indonesian_root_variants("menemukan", stem, any), ::testing::Contains("temu"));
  EXPECT_THAT(indonesian_root_variants("menemukan", stem, any), ::testing::Not(::testing::Contains("semu")));
  // Stop and question words have none ("apa" was "tapa, papa, sapa").
  for (const char* w : {"apa", "apakah", "berapa", "siapa", "kapan", "dimanakah", "yang", "dengan"})
    EXPECT_THAT(indonesian_root_variants(w, stem, any), ::testing::IsEmpty()) << w;
  // A root loses its consonant only when the index has the nasal form ("pengali" for "kali").
  EXPECT_THAT(indonesian_root_variants("kali", stem, none), ::testing::Not(::testing::Contains("ali")));
  EXPECT_THAT(indonesian_root_variants("kali", stem, any), ::testing::Contains("ali"));
  EXPECT_TRUE(query_stopper_for(Lang::id)("siapakah"));
  EXPECT_TRUE(query_stopper_for(Lang::en)("what"));
  EXPECT_FALSE(stopper_for(Lang::id)("siapakah"));  // the indexer keeps question words
}

TEST(Language, ChatWords) {
  EXPECT_EQ(indonesian_chat_word("blm"), "belum");
  EXPECT_EQ(indonesian_chat_word("pake"), "pakai");
  EXPECT_EQ(indonesian_chat_word("pengembalian"), "");
}

TEST(Synonyms, ParsesGroupsAndSkipsCommentsAndBlankLines) {
  const auto f = parse_synonyms(
      "# komentar\n"
      "refund, Pengembalian  Dana, uang kembali\n"
      "\n"
      "   # komentar berindentasi\n"
      "ongkir , ongkos kirim,\n"
      "cod, cod, bayar di tempat\n");
  ASSERT_EQ(f.groups.size(), 3u);
  EXPECT_EQ(f.groups[0], (SynonymGroup{"refund", "pengembalian dana", "uang kembali"}));
  EXPECT_EQ(f.groups[1], (SynonymGroup{"ongkir", "ongkos kirim"}));
  EXPECT_EQ(f.groups[2], (SynonymGroup{"cod", "bayar di tempat"}));
  EXPECT_TRUE(f.problems.empty()) << f.problems.front().describe();
}

TEST(Synonyms, BadLinesAreReportedWithLineNumbers) {
  const auto f = parse_synonyms(
      "refund, pengembalian dana\n"  // 1
      "sendirian\n"                  // 2: one entry
      "a, a\n"                       // 3: one entry after de-duplication
      ", ,\n"                        // 4: nothing
      "baik, \xff\xfe\n"             // 5: bad UTF-8
      "va, virtual account\n",       // 6
      "kamus.txt");
  ASSERT_EQ(f.groups.size(), 2u);
  ASSERT_EQ(f.problems.size(), 4u);
  const int lines[] = {2, 3, 4, 5};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(f.problems[i].line, lines[i]);
    EXPECT_EQ(f.problems[i].file, "kamus.txt");
    EXPECT_EQ(f.problems[i].severity, Diagnostic::Severity::error);
    EXPECT_EQ(f.problems[i].code, "bad_synonyms");
  }
}

TEST(Synonyms, DuplicateEntryAcrossGroupsWarnsWithBothLines) {
  const auto f = parse_synonyms(
      "refund, pengembalian dana\n"
      "ongkir, ongkos kirim\n"
      "Refund, balikin duit\n");
  EXPECT_EQ(f.groups.size(), 3u);
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_EQ(f.problems[0].severity, Diagnostic::Severity::warning);
  EXPECT_EQ(f.problems[0].code, "duplicate_synonym");
  EXPECT_EQ(f.problems[0].line, 3);
  EXPECT_THAT(f.problems[0].message, HasSubstr("refund"));
  EXPECT_THAT(f.problems[0].message, HasSubstr("line 1"));
  EXPECT_EQ(f.problems[0].file, "synonyms.txt");
}

TEST(Synonyms, CrlfAndNoFinalNewline) {
  const auto f = parse_synonyms("a, b\r\nc, d");
  ASSERT_EQ(f.groups.size(), 2u);
  EXPECT_EQ(f.groups[0], (SynonymGroup{"a", "b"}));
  EXPECT_EQ(f.groups[1], (SynonymGroup{"c", "d"}));
  EXPECT_TRUE(f.problems.empty());
  EXPECT_TRUE(parse_synonyms("").groups.empty());
}

TEST(Synonyms, NormalizeSynonym) {
  EXPECT_EQ(normalize_synonym("  Ongkos   KIRIM "), "ongkos kirim");
  EXPECT_EQ(normalize_synonym("e-wallet"), "e wallet");
  EXPECT_EQ(normalize_synonym(" , "), "");
}

}  // namespace
}  // namespace solusi
