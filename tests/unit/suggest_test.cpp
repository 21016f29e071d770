// The suggester on a small knowledge base: noisy tickets, gaps, error codes, long tickets, audience,
// learned ticket words (written by update_learned and by index_folder) and not-helpful votes.
#include "suggest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include "learned.hpp"
#include "schema.hpp"
#include "test_support.hpp"

namespace solusi::service {
namespace {

using solusi::testing::TempDir;
using ::testing::Contains;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string article(std::string_view title, std::string_view lang, std::string_view body,
                    std::string_view audience = "public") {
  return "---\ntitle: " + std::string(title) + "\nlang: " + std::string(lang) +
         "\nowner: tim\nreviewed: 2026-08-01\naudience: " + std::string(audience) + "\n---\n" +
         std::string(body) + "\n";
}

class Suggest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("articles/pembayaran/refund.md",
               article("Refund belum masuk ke rekening", "id",
                       "Pengembalian dana (refund) diproses 3-7 hari kerja setelah disetujui. Dana masuk ke "
                       "rekening bank atau saldo RayaPay sesuai metode pembayaran. Jika refund belum masuk "
                       "setelah 7 hari, kirim bukti mutasi rekening."));
    dir_.write("articles/akun/otp.md",
               article("Kode OTP tidak masuk", "id",
                       "Kode OTP dikirim lewat SMS atau WhatsApp dan berlaku 5 menit. Jika OTP tidak masuk, "
                       "periksa sinyal dan tunggu 30 menit setelah kode OTP-429."));
    dir_.write("articles/pembayaran/saldo-kurang.md",
               article("Pembayaran gagal karena kode PAY-402", "id",
                       "Kode PAY-402 berarti saldo tidak cukup. Isi ulang saldo lalu ulangi pembayaran."));
    dir_.write("articles/delivery/late.md",
               article("My parcel is late", "en",
                       "Parcels usually arrive in 2-4 days. If the courier tracking has not moved for three "
                       "days, we contact the courier and you may claim a voucher."));
    dir_.write(
        "articles/internal/eskalasi.md",
        article("Eskalasi refund ke tim pembayaran", "id",
                "Agen mengeskalasi refund yang tertahan lebih dari 14 hari ke tim pembayaran.", "internal"));
    reindex();
  }

  void reindex(const LearnedTerms* learned = nullptr, bool full = false) {
    auto o = solusi::testing::index_options(dir_ / "articles", index());
    o.learned = learned;
    o.full = full;
    auto report = index_folder(o);
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();
    last_report_ = *report;
  }

  fs::path index() const { return dir_ / "index"; }

  SuggestResult suggest(SuggestRequest r) {
    auto s = Searcher::open(index());
    EXPECT_TRUE(s) << s.error().describe();
    if (!s) return {};
    auto result = s->suggest(r);
    EXPECT_TRUE(result) << result.error().describe();
    return result ? *result : SuggestResult{};
  }

  static SuggestRequest ticket(std::string subject, std::string body) {
    SuggestRequest r;
    r.subject = std::move(subject);
    r.body = std::move(body);
    return r;
  }

  TempDir dir_;
  IndexReport last_report_;
};

TEST_F(Suggest, NoisyTicketFindsTheArticleAndIgnoresTheQuotedReply) {
  auto r =
      suggest(ticket("Re: [#4821] Pertanyaan",
                     "Halo kak,\n\nrefund saya sudah disetujui tapi dananya belum masuk ke rekening BCA.\n"
                     "Pesanan INV/20261028/MPL/4839201.\n\nMakasih\nRina\n0813-1122-4507\n\n"
                     "Pada Sen, 14 Sep 2026 pukul 10.12, CS <cs@example.com> menulis:\n"
                     "> Kode OTP berlaku 5 menit, OTP tidak masuk? tunggu OTP OTP OTP"));
  ASSERT_FALSE(r.suggestions.empty());
  EXPECT_EQ(r.suggestions.front().slug, "pembayaran/refund");
  EXPECT_EQ(r.language, Lang::id);
  EXPECT_TRUE(r.language_detected);
  EXPECT_GT(r.suggestions.front().confidence, 0.0);
  EXPECT_LE(r.suggestions.front().confidence, 1.0);
  EXPECT_THAT(r.suggestions.front().matched, Contains("refund"));
  EXPECT_THAT(r.suggestions.front().snippet, HasSubstr("<mark>"));
  EXPECT_THAT(r.suggestions.front().reason, HasSubstr("telling words"));
  for (const auto& t : r.terms) {
    EXPECT_NE(t.word, "otp") << "quoted text must not count";
    EXPECT_NE(t.word, "halo");
  }
}

TEST_F(Suggest, OffTopicTicketIsAGapWithNoSuggestion) {
  auto r = suggest(ticket("Lamaran kerja", "Saya ingin melamar sebagai desainer grafis di kantor Anda."));
  EXPECT_TRUE(r.gap);
  EXPECT_TRUE(r.suggestions.empty());
}

TEST_F(Suggest, EnglishTicketIsDetectedAsEnglish) {
  auto r = suggest(ticket("Where is my parcel?",
                          "Hi team, the tracking of my parcel has not moved for days. Thanks, Tom"));
  EXPECT_EQ(r.language, Lang::en);
  ASSERT_FALSE(r.suggestions.empty());
  EXPECT_EQ(r.suggestions.front().slug, "delivery/late");
}

TEST_F(Suggest, ErrorCodeIsKeptAndFindsItsArticle) {
  auto r = suggest(ticket("Tolong", "Bayar pakai RayaPay muncul PAY-402 terus, kenapa ya?"));
  EXPECT_THAT(r.codes, Contains("PAY-402"));
  ASSERT_FALSE(r.suggestions.empty());
  EXPECT_EQ(r.suggestions.front().slug, "pembayaran/saldo-kurang");
  EXPECT_THAT(r.suggestions.front().matched, Contains("PAY-402"));
}

TEST_F(Suggest, PublicAudienceNeverSeesInternalArticles) {
  SuggestRequest r =
      ticket("refund tertahan", "refund tertahan lebih dari 14 hari, eskalasi ke tim pembayaran");
  r.threshold = 0;
  r.limit = 10;
  auto all = suggest(r);
  bool internal_seen = false;
  for (const auto& s : all.suggestions) internal_seen |= s.slug == "internal/eskalasi";
  EXPECT_TRUE(internal_seen);
  r.public_only = true;
  for (const auto& s : suggest(r).suggestions) EXPECT_NE(s.slug, "internal/eskalasi");
}

TEST_F(Suggest, LongTicketUsesABoundedNumberOfWords) {
  std::string body = "refund belum masuk ke rekening. ";
  for (int i = 0; i < 5000; ++i) body += "kata" + std::to_string(i % 700) + "x ";
  auto r = suggest(ticket("Refund belum masuk", body));
  EXPECT_LE(r.terms.size(), 20u);
  ASSERT_FALSE(r.suggestions.empty());
  EXPECT_EQ(r.suggestions.front().slug, "pembayaran/refund");
}

TEST_F(Suggest, ConfidenceIsHigherForAClearTicketThanForAVagueOne) {
  SuggestRequest clear =
      ticket("Refund belum masuk rekening", "refund disetujui tapi dana belum masuk ke rekening");
  SuggestRequest vague = ticket("Tanya", "dana saya");
  clear.threshold = vague.threshold = 0;
  auto c = suggest(clear), v = suggest(vague);
  ASSERT_FALSE(c.suggestions.empty());
  ASSERT_FALSE(v.suggestions.empty());
  EXPECT_GT(c.suggestions.front().confidence, v.suggestions.front().confidence);
}

TEST_F(Suggest, LearnedWordsFindTheArticleThatResolvedSimilarTickets) {
  SuggestRequest r = ticket("Duit nyangkut", "duit saya nyangkut di dompet digital, udah 5 hari");
  r.threshold = 0;
  auto before = suggest(r);
  for (const auto& s : before.suggestions) EXPECT_FALSE(s.learned);

  // The customer's words as the suggester reads them, learned by the refund article.
  LearnedTerms learned;
  for (const auto& t : before.terms) learned["pembayaran/refund"].push_back(LearnedTerm{t.stem, 3});
  ASSERT_FALSE(learned["pembayaran/refund"].empty()) << "the ticket needs words the index knows";
  auto changed = update_learned(index(), learned);
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_EQ(*changed, 1u);

  auto after = suggest(r);
  ASSERT_FALSE(after.suggestions.empty());
  EXPECT_EQ(after.suggestions.front().slug, "pembayaran/refund");
  EXPECT_TRUE(after.suggestions.front().learned);
  EXPECT_THAT(after.suggestions.front().reason, HasSubstr("learned"));

  // Applying the same terms again changes nothing; an empty list forgets them.
  EXPECT_EQ(*update_learned(index(), learned), 0u);
  LearnedTerms forget{{"pembayaran/refund", {}}};
  EXPECT_EQ(*update_learned(index(), forget), 1u);
  for (const auto& s : suggest(r).suggestions) EXPECT_FALSE(s.learned);
}

TEST_F(Suggest, IndexRunsReplayLearnedTermsAndKeepThemWhenNotGiven) {
  LearnedTerms learned{{"akun/otp", {{"nyangkut", 2}}}};
  reindex(&learned);
  EXPECT_EQ(last_report_.learned_updated, 1u);  // the file did not change, its learned words did
  reindex(&learned);
  EXPECT_EQ(last_report_.learned_updated, 0u);
  auto has_term = [&] {
    Xapian::Database db(index().string());
    return db.term_exists(learned_term("nyangkut"));
  };
  EXPECT_TRUE(has_term());
  reindex(&learned, /*full=*/true);  // a rebuild replays them
  EXPECT_TRUE(has_term());
  // A changed article keeps its learned words when the caller has no events.
  dir_.write("articles/akun/otp.md", article("Kode OTP tidak masuk", "id", "Kode OTP berlaku 5 menit saja."));
  reindex(nullptr);
  EXPECT_EQ(last_report_.updated, 1u);
  EXPECT_TRUE(has_term());
  LearnedTerms none;
  reindex(&none);
  EXPECT_FALSE(has_term());
}

TEST_F(Suggest, NotHelpfulVotesOfSimilarTicketsLowerTheArticle) {
  SuggestRequest r = ticket("Refund belum masuk", "refund belum masuk ke rekening");
  r.threshold = 0;
  auto before = suggest(r);
  ASSERT_FALSE(before.suggestions.empty());
  ASSERT_EQ(before.suggestions.front().slug, "pembayaran/refund");
  std::vector<std::string> stems;
  for (const auto& t : before.terms) stems.push_back(t.stem);
  r.negative_votes = [&](const std::string& slug) {
    return slug == "pembayaran/refund" ? std::vector<NegativeVote>(3, NegativeVote{stems})
                                       : std::vector<NegativeVote>{};
  };
  auto after = suggest(r);
  double before_conf = before.suggestions.front().confidence, after_conf = 0;
  for (const auto& s : after.suggestions)
    if (s.slug == "pembayaran/refund") {
      after_conf = s.confidence;
      EXPECT_GT(s.penalty, 0.5);
      EXPECT_THAT(s.reason, HasSubstr("not-helpful"));
    }
  EXPECT_LT(after_conf, before_conf);
}

TEST_F(Suggest, BadRequestsAreRefusedWithTheFieldNamed) {
  auto searcher = Searcher::open(index());
  ASSERT_TRUE(searcher);
  auto message = [&](std::string subject, std::string body, size_t limit = 5, double threshold = 0.5) {
    SuggestRequest r;
    r.subject = std::move(subject);
    r.body = std::move(body);
    r.limit = limit;
    r.threshold = threshold;
    auto result = searcher->suggest(r);
    return result ? std::string("accepted") : result.error().message;
  };
  EXPECT_THAT(message("  ", "\n"), HasSubstr("no subject and no body"));
  EXPECT_THAT(message("ok", std::string("caf\xC3", 4)), HasSubstr("body is not valid UTF-8"));
  EXPECT_THAT(message("x", std::string(max_ticket_bytes + 1, 'a')), HasSubstr("longer than"));
  EXPECT_THAT(message("refund", "", 0), HasSubstr("limit"));
  EXPECT_THAT(message("refund", "", 5, 1.5), HasSubstr("threshold"));
  EXPECT_EQ(message("refund", ""), "accepted");
}

}  // namespace
}  // namespace solusi::service
