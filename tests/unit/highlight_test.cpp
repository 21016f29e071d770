// Snippets: the best passage, matches in <mark>, everything else escaped.
#include "highlight.hpp"

#include <gtest/gtest.h>

#include "language.hpp"
#include "text.hpp"

namespace solusi::service {
namespace {

SnippetTerms terms(std::vector<std::string> stems, std::vector<std::string> words = {},
                   std::string prefix = {}) {
  return SnippetTerms{std::move(stems), std::move(words), std::move(prefix), {}};
}

TEST(Highlight, MarksWordsWhoseStemMatches) {
  const auto stem = stemmer_for(Lang::id);
  const std::string s =
      highlight("Dana akan dikembalikan ke rekening dalam 3 hari kerja.", terms({"kembali"}), stem, 240);
  EXPECT_EQ(s, "Dana akan <mark>dikembalikan</mark> ke rekening dalam 3 hari kerja.");
}

TEST(Highlight, EscapesEverythingElse) {
  const auto stem = stemmer_for(Lang::en);
  const std::string s =
      highlight("Click <script>alert(1)</script> & then \"refund\" it", terms({"refund"}), stem, 240);
  EXPECT_EQ(s, "Click &lt;script&gt;alert(1)&lt;/script&gt; &amp; then &quot;<mark>refund</mark>&quot; it");
}

TEST(Highlight, EmptyWhenNothingMatches) {
  const auto stem = stemmer_for(Lang::en);
  EXPECT_EQ(highlight("Nothing to see here.", terms({"refund"}), stem, 240), "");
}

TEST(Highlight, MarksThePrefixBeingTyped) {
  const auto stem = stemmer_for(Lang::id);
  EXPECT_EQ(highlight("Cara pengembalian dana", terms({}, {}, "pengem"), stem, 240),
            "Cara <mark>pengembalian</mark> dana");
}

TEST(Highlight, PicksThePassageWithTheMostDistinctTermsAndMarksTheCut) {
  const auto stem = stemmer_for(Lang::id);
  std::string text;
  for (int i = 0; i < 40; ++i) text += "kalimat pengisi tanpa arti apa pun. ";
  text += "Kode OTP tidak masuk ke ponsel pelanggan. ";
  for (int i = 0; i < 40; ++i) text += "kalimat pengisi tanpa arti apa pun. ";
  const std::string s = highlight(text, terms({"otp", "masuk"}), stem, 200);
  EXPECT_TRUE(s.starts_with("…")) << s;
  EXPECT_TRUE(s.ends_with("…")) << s;
  EXPECT_NE(s.find("<mark>OTP</mark> tidak <mark>masuk</mark>"), std::string::npos) << s;
  EXPECT_LE(s.size(), 200u + 80u);
}

TEST(Highlight, NeverSplitsAUtf8Sequence) {
  const auto stem = stemmer_for(Lang::id);
  std::string text;
  for (int i = 0; i < 60; ++i) text += "café—naïve ";
  text += "refund ";
  const std::string s = highlight(text, terms({"refund"}), stem, 50);
  EXPECT_TRUE(text::is_valid_utf8(s)) << s;
  EXPECT_NE(s.find("<mark>refund</mark>"), std::string::npos) << s;
}

TEST(BestPassage, StartOfTextWhenNothingOccurs) {
  const auto [from, to] = best_passage(std::string(500, 'a'), {"zzz"}, 100);
  EXPECT_EQ(from, 0u);
  EXPECT_GE(to, 100u);
}

TEST(Highlight, AMultiWordExpansionIsMarkedOnlyWhole) {
  SnippetTerms t = terms({"otp"});
  t.phrases = {{"one", "time", "password"}};
  const auto stem = stemmer_for(Lang::en);
  const std::string zone = highlight("Date and time with time zone. Enter the OTP.", t, stem, 200);
  EXPECT_EQ(zone.find("<mark>time</mark>"), std::string::npos) << zone;
  EXPECT_NE(zone.find("<mark>OTP</mark>"), std::string::npos) << zone;
  const std::string whole = highlight("Type the one time password here.", t, stem, 200);
  EXPECT_NE(whole.find("<mark>one</mark> <mark>time</mark> <mark>password</mark>"), std::string::npos)
      << whole;
  EXPECT_EQ(highlight("One day, some time later.", t, stem, 200), "");
}

}  // namespace
}  // namespace solusi::service
