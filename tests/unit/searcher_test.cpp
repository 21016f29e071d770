// The real Searcher on a real index of a small bilingual corpus: stemming per language, prefixes,
// phrases, exclusion, spelling, synonyms, visibility and lifecycle filters, facets, validation and
// snippets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "search_json.hpp"
#include "test_support.hpp"
#include "vocabulary.hpp"

namespace solusi {
namespace {

using service::SearchRequest;
using service::SearchResult;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

struct Fixture {
  std::string path;
  std::string front_matter;  // without fences; "title:" and "lang:" always given
  std::string body;
};

// Each article says its key words in one form only, so a hit proves the feature under test.
const Fixture corpus[] = {
    {"id/dana-dikembalikan.md",
     "title: Status dana setelah pembatalan\nlang: id\ntags: [saldo]\ncategory: pembayaran\naudience: "
     "public\n",
     "Dana dikembalikan ke saldo dalam tiga hari kerja."},
    {"id/pengembalian-barang.md",
     "title: Barang rusak saat diterima\nlang: id\ntags: [retur, barang]\ncategory: pesanan\n",
     "Pengembalian barang dilakukan lewat kurir yang sama."},
    {"id/tagihan.md", "title: Tagihan bulanan\nlang: id\ncategory: pembayaran\n",
     "Pembayaran tagihan bisa lewat virtual account."},
    {"id/bayar-di-tempat.md", "title: Bayar tunai\nlang: id\ncategory: pembayaran\n",
     "Pesanan dibayar tunai saat kurir datang."},
    {"id/ongkos-kirim.md",
     "title: Menghitung ongkos kirim\nlang: id\ntags: [pengiriman]\ncategory: pengiriman\n",
     "Ongkos kirim dihitung dari berat dan jarak."},
    {"id/ongkir-gratis.md",
     "title: Promo bebas ongkir\nlang: id\ntags: [promo, pengiriman]\ncategory: promo\n",
     "Ongkir ditanggung penjual untuk pembelian tertentu."},
    {"id/refund-barang.md", "title: Refund pesanan tidak sampai\nlang: id\ncategory: pembayaran\n",
     "Refund atau pengembalian dana untuk barang yang tidak sampai."},
    {"id/dana-cod.md", "title: Uang pesanan COD\nlang: id\ncategory: pembayaran\n",
     "Pengembalian dana untuk pesanan COD masuk ke saldo."},
    {"id/urutan-lain.md", "title: Urutan proses retur\nlang: id\n",
     "Dikembalikan barangnya dulu, baru dana diproses penjual."},
    {"en/money-back.md", "title: Money back to your card\nlang: en\ntags: [refund]\ncategory: payments\n",
     "The payment was refunded to your card yesterday."},
    {"en/returns-policy.md",
     "title: Policy for returns\nlang: en\ntags: [refund, returns]\ncategory: payments\n",
     "Refunds are issued within five days."},
    {"en/unicorn-published.md", "title: Unicorn published\nlang: en\nstatus: published\n",
     "Unicorn guide live."},
    {"en/unicorn-draft.md", "title: Unicorn draft\nlang: en\nstatus: draft\n", "Unicorn guide draft."},
    {"en/unicorn-review.md", "title: Unicorn review\nlang: en\nstatus: review\n", "Unicorn guide in review."},
    {"en/unicorn-archived.md", "title: Unicorn archived\nlang: en\nstatus: archived\n",
     "Unicorn guide retired."},
    {"en/giraffe-public.md", "title: Giraffe for customers\nlang: en\naudience: public\n",
     "Giraffe public guide."},
    {"en/giraffe-internal.md", "title: Giraffe for agents\nlang: en\naudience: internal\n",
     "Giraffe agent guide."},
    {"en/zebra-expired.md", "title: Zebra old offer\nlang: en\nvalid_to: 2026-01-31\n", "Zebra offer ended."},
    {"en/zebra-future.md", "title: Zebra next offer\nlang: en\npublish_at: 2026-12-01\n",
     "Zebra offer coming."},
    {"en/zebra-current.md", "title: Zebra offer\nlang: en\npublish_at: 2026-01-01\nvalid_to: 2026-12-31\n",
     "Zebra offer running."},
    {"en/koala-script.md", "title: Chat safety\nlang: en\n",
     "Never paste &lt;script&gt;alert(1)&lt;/script&gt; into the koala chat window."},
    {"id/langkah-verifikasi.md", "title: Verifikasi ulang\nlang: id\n",
     "Jika kode belum masuk, ikuti langkah-langkah berikut."},
    {"en/http2.md", "title: Router settings\nlang: en\n", "Turn on HTTP2 in the router panel."},
    {"en/error-codes.md", "title: Payment error list\nlang: en\n",
     "Errors shown by the checkout.\n\n```\nE-402 insufficient balance\n0x80070005 access denied\n```"},
};

constexpr std::string_view synonyms =
    "refund, pengembalian dana\n"
    "ongkos kirim, ongkir\n";

class SearchCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& f : corpus)
      dir_.write("articles/" + f.path,
                 "---\n" + f.front_matter + "owner: tim\nreviewed: 2026-08-01\n---\n" + f.body + "\n");
    dir_.write("articles/synonyms.txt", synonyms);
    dir_.write("articles/categories.txt", "# the same category in both languages\npembayaran, payments\n");
    auto report = index_folder(testing::index_options(dir_ / "articles", dir_ / "index"));
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();
    ASSERT_EQ(report->added, std::size(corpus));
    auto s = service::Searcher::open(dir_ / "index");
    ASSERT_TRUE(s) << s.error().describe();
    searcher_.emplace(std::move(*s));
  }

  /// A request dated inside every lifecycle window of the corpus except the expired one.
  static SearchRequest request(std::string q) {
    SearchRequest r;
    r.q = std::move(q);
    r.limit = 50;
    r.today = *Date::parse("2026-06-15");
    return r;
  }

  SearchResult search(const SearchRequest& r) {
    auto result = searcher_->search(r);
    EXPECT_TRUE(result) << r.q << ": " << result.error().describe();
    return result ? *result : SearchResult{};
  }

  std::vector<std::string> slugs(const SearchRequest& r) { return testing::slugs_of(search(r)); }
  std::vector<std::string> slugs(std::string q) { return slugs(request(std::move(q))); }

  TempDir dir_;
  std::optional<service::Searcher> searcher_;
};

TEST_F(SearchCorpus, IndonesianStemmingJoinsAffixedForms) {
  // pem-/di- around the root "bayar": the Indonesian stemmer maps both to "bayar".
  EXPECT_THAT(slugs("dibayar"), Contains("id/tagihan"));
  EXPECT_THAT(slugs("pembayaran"), Contains("id/bayar-di-tempat"));
}

TEST_F(SearchCorpus, PengembalianFindsAnArticleThatOnlySaysDikembalikan) {
  // Snowball stems these apart ("embali" / "kembali"); the searcher's root variants join them.
  EXPECT_THAT(slugs("pengembalian"), Contains("id/dana-dikembalikan"));
  EXPECT_THAT(slugs("dikembalikan"), Contains("id/pengembalian-barang"));
}

TEST_F(SearchCorpus, EnglishStemmingJoinsInflections) {
  EXPECT_THAT(slugs("refunds"), Contains("en/money-back"));       // says only "refunded"
  EXPECT_THAT(slugs("refunded"), Contains("en/returns-policy"));  // says only "refunds"
}

TEST_F(SearchCorpus, SnippetHighlightsTheStemmedForm) {
  const auto r = search(request("refunds"));
  const auto it =
      std::find_if(r.hits.begin(), r.hits.end(), [](const auto& h) { return h.slug == "en/money-back"; });
  ASSERT_NE(it, r.hits.end());
  EXPECT_THAT(it->snippet, HasSubstr("<mark>refunded</mark>"));
}

TEST_F(SearchCorpus, LangFilterRestrictsToOneLanguage) {
  auto en = request("refund");
  en.lang = Lang::en;
  const auto en_result = search(en);
  ASSERT_FALSE(en_result.hits.empty());
  for (const auto& h : en_result.hits) EXPECT_EQ(h.lang, "en") << h.slug;
  EXPECT_THAT(testing::slugs_of(en_result), AllOf(Contains("en/money-back"), Contains("en/returns-policy")));

  auto id = request("refund");
  id.lang = Lang::id;
  const auto id_result = search(id);
  ASSERT_FALSE(id_result.hits.empty());
  for (const auto& h : id_result.hits) EXPECT_EQ(h.lang, "id") << h.slug;
  EXPECT_THAT(testing::slugs_of(id_result), Contains("id/refund-barang"));
}

TEST_F(SearchCorpus, QueryMadeOnlyOfStopwordsIsNotAnError) {
  for (const std::string q : {"yang dan di", "the of and", "yang", "yang "}) {
    auto r = searcher_->search(request(q));
    EXPECT_TRUE(r) << q << ": " << r.error().describe();
  }
}

TEST_F(SearchCorpus, StopwordsDoNotChangeTheAnswer) {
  auto plain = request("pengembalian barang ");
  auto padded = request("yang pengembalian dari barang itu ");
  const auto a = slugs(plain), b = slugs(padded);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
}

TEST_F(SearchCorpus, LastWordIsAPrefix) {
  EXPECT_THAT(slugs("pengemb"), Contains("id/pengembalian-barang"));
  EXPECT_THAT(slugs("kurir pengemb"), Contains("id/pengembalian-barang"));
}

TEST_F(SearchCorpus, QueryEndingWithASpaceIsNotAPrefix) {
  EXPECT_TRUE(slugs("pengemb ").empty()) << testing::joined(slugs("pengemb "));
  auto off = request("pengemb");
  off.partial_last_word = false;
  EXPECT_TRUE(slugs(off).empty());
}

TEST_F(SearchCorpus, PhraseInQuotesNeedsTheWordsTogetherInOrder) {
  const auto hits = slugs("\"dana dikembalikan\"");
  EXPECT_THAT(hits, Contains("id/dana-dikembalikan"));
  EXPECT_THAT(hits, Not(Contains("id/urutan-lain")));  // both words, but apart
  EXPECT_THAT(slugs("dana dikembalikan "), Contains("id/urutan-lain"));
}

TEST_F(SearchCorpus, MinusWordExcludes) {
  const auto hits = slugs("kurir -barang");
  EXPECT_THAT(hits, Contains("id/bayar-di-tempat"));
  EXPECT_THAT(hits, Not(Contains("id/pengembalian-barang")));
}

TEST_F(SearchCorpus, MinusWordExcludesSynonymMatchesToo) {
  const auto hits = slugs("refund -barang");
  EXPECT_THAT(hits, Contains("id/dana-cod"));
  EXPECT_THAT(hits, Not(Contains("id/refund-barang")));
}

TEST_F(SearchCorpus, MinusWordDoesNotBringInVariantsOfTheExcludedWord) {
  // "-pengembalian" must only remove articles; it must not add those sharing its root.
  const auto hits = slugs("kurir -pengembalian");
  EXPECT_THAT(hits, Contains("id/bayar-di-tempat"));
  EXPECT_THAT(hits, Not(Contains("id/pengembalian-barang")));
  EXPECT_THAT(hits, Not(Contains("id/dana-dikembalikan"))) << "has no 'kurir'";
}

TEST_F(SearchCorpus, FieldValueInTheQueryIsNotSearchedAsAWord) {
  // "category:pembayaran" filters; it must not match the word "pembayaran" (or "dibayar") in text.
  const auto hits = slugs("kurir category:pembayaran");
  EXPECT_THAT(hits, Contains("id/bayar-di-tempat"));
  EXPECT_THAT(hits, Not(Contains("id/tagihan"))) << "has no 'kurir'";
}

TEST_F(SearchCorpus, FieldValueInTheQueryDoesNotMatchThroughRootVariants) {
  EXPECT_THAT(slugs("kurir category:pengiriman"), Not(Contains("id/ongkos-kirim")));
}

TEST_F(SearchCorpus, MisspelledWordIsCorrectedAndStillFound) {
  auto r = request("pengembalain barang");
  const auto result = search(r);
  ASSERT_TRUE(result.corrected);
  EXPECT_EQ(*result.corrected, "pengembalian barang");
  EXPECT_THAT(testing::slugs_of(result), Contains("id/pengembalian-barang"));

  auto last = request("kurir pengembalain ");
  const auto last_result = search(last);
  ASSERT_TRUE(last_result.corrected);
  EXPECT_EQ(*last_result.corrected, "kurir pengembalian");
}

TEST_F(SearchCorpus, MisspelledLastWordIsCorrectedWhileTyping) {
  const auto result = search(request("pengembalain"));
  ASSERT_TRUE(result.corrected);
  EXPECT_EQ(*result.corrected, "pengembalian");
  EXPECT_THAT(testing::slugs_of(result), Contains("id/pengembalian-barang"));
}

TEST_F(SearchCorpus, CorrectlySpelledQueryHasNoCorrection) {
  EXPECT_FALSE(search(request("pengembalian barang")).corrected);
  EXPECT_FALSE(search(request("refunds")).corrected);
}

TEST_F(SearchCorpus, AWordOfTheLanguageIsNeverCorrected) {
  // None of these is in the corpus, each is in the reference vocabulary (hunspell-id, hunspell-en-us),
  // with a clitic or a glued "di" taken off where needed; each has a corpus word one or two letters
  // away ("barang", "balance", "refunded", "koala", "pengembalian").
  for (const char* q : {"dimanakah barang", "barangkali", "balanced", "refunding", "koalanya",
                        "dikembalikannya", "uninstall", "unregistered", "invisible", "crossed"}) {
    SCOPED_TRACE(q);
    EXPECT_FALSE(search(request(std::string(q) + " ")).corrected);
  }
  // A real typo still is.
  EXPECT_TRUE(search(request("refnd ")).corrected);
}

TEST_F(SearchCorpus, AQuestionWordIsNeitherSearchedNorExpanded) {
  auto r = request("apakah berapa siapa kapan dana ");
  r.explain = true;
  const auto result = search(r);
  ASSERT_FALSE(result.explanation.empty());
  for (const char* t : {"Zapa", "Zsapa", "Ztapa", "Zpapa", "Zsiapa", "Zkapan", "Zberapa"})
    EXPECT_THAT(result.explanation, Not(HasSubstr(std::string(t) + "@")));
  EXPECT_THAT(result.explanation, HasSubstr("Zdana"));
}

TEST_F(SearchCorpus, StemmingDoesNotDependOnCase) {
  // "Refunds" at the start of a question is stemmed like "refunds" (Xapian's STEM_SOME would not).
  EXPECT_EQ(slugs("Refunds issued "), slugs("refunds issued "));
  EXPECT_THAT(slugs("Refunded "), Contains("en/money-back"));
}

TEST_F(SearchCorpus, AFinishedStopWordIsNotTypedFurther) {
  // "dana berapa" ends in a whole question word: no "berapa*" expansion, no match on every "apa".
  auto r = request("dana brp");
  r.explain = true;
  const auto result = search(r);
  ASSERT_FALSE(result.explanation.empty());
  EXPECT_THAT(result.explanation, Not(HasSubstr("WILDCARD")));
}

TEST(ReferenceVocabulary, LooksUpWordsWithoutCliticsAndGluedPrepositions) {
  EXPECT_THAT(service::lookup_forms("dimanakah"), Contains("mana"));
  EXPECT_THAT(service::lookup_forms("manakah"), Contains("mana"));
  EXPECT_THAT(service::lookup_forms("kemana"), Contains("mana"));
  EXPECT_THAT(service::lookup_forms("bukunya"), Contains("buku"));
  EXPECT_THAT(service::lookup_forms("dia"), Not(Contains("a")));
  const auto& v = service::ReferenceVocabulary::shared();
  ASSERT_EQ(v.loaded(), (std::vector<std::string>{"id_ID", "en_US"}))
      << "install hunspell-id and hunspell-en-us";
  for (const char* w :
       {"dimanakah", "kapankah", "menemukan", "feodalisme", "jakarta", "uninstall", "crossed"})
    EXPECT_TRUE(v.knows(w)) << w;
  for (const char* w : {"disanalahx", "refnd", "pengembalain"}) EXPECT_FALSE(v.knows(w)) << w;
}

TEST_F(SearchCorpus, ACategoryFilterMatchesItsGroupInBothLanguages) {
  auto r = request("refund");
  r.category = "pembayaran";
  const auto by_id = slugs(r);
  EXPECT_THAT(by_id, AllOf(Contains("id/refund-barang"), Contains("en/returns-policy")));
  r.category = "Payments";
  EXPECT_EQ(slugs(r), by_id);
  r.category = "pesanan";  // no group: itself only
  EXPECT_THAT(slugs(r), Not(Contains("en/returns-policy")));
}

TEST_F(SearchCorpus, TheCountIsOfArticlesThatMatchWell) {
  // The count says how many articles match well, not how many share a word with the query.
  const auto refund = search(request("refund"));
  const auto with_common = search(request("refund dalam"));
  EXPECT_GE(with_common.total_any_word, with_common.total_estimate);
  EXPECT_LE(refund.total_estimate, refund.hits.size());
  ASSERT_FALSE(refund.hits.empty());
  // Every counted article scores at least 40% of the best; the first one left out scores less.
  const double best = refund.hits.front().score;
  ASSERT_LT(refund.total_estimate, refund.hits.size()) << "the corpus should have weak matches too";
  EXPECT_GE(refund.hits[refund.total_estimate - 1].score, 0.4 * best);
  EXPECT_LT(refund.hits[refund.total_estimate].score, 0.4 * best);
  EXPECT_EQ(search(request("zzqx ")).total_estimate, 0u);
}

TEST_F(SearchCorpus, SynonymsCrossLanguages) {
  EXPECT_THAT(slugs("refund"), Contains("id/dana-cod"));  // says only "pengembalian dana"
  EXPECT_THAT(slugs("pengembalian dana"), Contains("en/money-back"));
}

TEST_F(SearchCorpus, MultiWordSynonymsWorkBothWays) {
  EXPECT_THAT(slugs("ongkir"), Contains("id/ongkos-kirim"));  // says only "ongkos kirim"
  EXPECT_THAT(slugs("ongkos kirim"), Contains("id/ongkir-gratis"));
  EXPECT_THAT(slugs("Ongkos  Kirim"), Contains("id/ongkir-gratis"));
}

TEST_F(SearchCorpus, MultiWordSynonymNeedsAllItsWords) {
  // "pengembalian dana" is the synonym of "refund"; an article with only "pengembalian" is no match.
  auto r = request("refund");
  r.lang = Lang::id;
  EXPECT_THAT(slugs(r), Not(Contains("id/pengembalian-barang")));
}

TEST_F(SearchCorpus, UnpublishedArticlesAreHiddenByDefault) {
  EXPECT_EQ(slugs("unicorn"), (std::vector<std::string>{"en/unicorn-published"}));
  auto editors = request("unicorn");
  editors.include_unpublished = true;
  auto hits = slugs(editors);
  std::sort(hits.begin(), hits.end());
  EXPECT_EQ(hits,
            (std::vector<std::string>{"en/unicorn-draft", "en/unicorn-published", "en/unicorn-review"}));
}

TEST_F(SearchCorpus, PublicOnlyHidesInternalArticles) {
  auto all = slugs("giraffe");
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::string>{"en/giraffe-internal", "en/giraffe-public"}));
  auto r = request("giraffe");
  r.public_only = true;
  EXPECT_EQ(slugs(r), (std::vector<std::string>{"en/giraffe-public"}));
  for (const auto& h : search(r).hits) EXPECT_EQ(h.audience, "public");
}

TEST_F(SearchCorpus, ValidToAndPublishAtFollowToday) {
  struct Case {
    std::string today;
    std::vector<std::string> expected;  // sorted
  };
  const Case cases[] = {
      {"2026-01-15", {"en/zebra-current", "en/zebra-expired"}},
      {"2026-01-31", {"en/zebra-current", "en/zebra-expired"}},  // valid_to is the last live day
      {"2026-02-01", {"en/zebra-current"}},
      {"2026-12-01", {"en/zebra-current", "en/zebra-future"}},  // publish_at is the first live day
      {"2027-01-01", {"en/zebra-future"}},
      {"2025-12-31", {"en/zebra-expired"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.today);
    auto r = request("zebra");
    r.today = *Date::parse(c.today);
    auto hits = slugs(r);
    std::sort(hits.begin(), hits.end());
    EXPECT_EQ(hits, c.expected);
  }
  // Editors see every version whatever the day.
  auto editors = request("zebra");
  editors.include_unpublished = true;
  EXPECT_EQ(slugs(editors).size(), 3u);
}

TEST_F(SearchCorpus, TagAndCategoryFilters) {
  auto tag = request("ongkir");
  tag.tags = {"PROMO"};
  EXPECT_EQ(slugs(tag), (std::vector<std::string>{"id/ongkir-gratis"}));

  auto category = request("ongkir");
  category.category = "Pengiriman";
  EXPECT_EQ(slugs(category), (std::vector<std::string>{"id/ongkos-kirim"}));

  auto both_tags = request("ongkir");
  both_tags.tags = {"pengiriman", "promo"};
  EXPECT_EQ(slugs(both_tags), (std::vector<std::string>{"id/ongkir-gratis"}));

  auto no_match = request("ongkir");
  no_match.tags = {"pengiriman"};
  no_match.category = "pembayaran";
  EXPECT_TRUE(slugs(no_match).empty());
}

TEST_F(SearchCorpus, FieldFilterInTheQueryText) {
  EXPECT_EQ(slugs("berat category:pengiriman"), (std::vector<std::string>{"id/ongkos-kirim"}));
  EXPECT_TRUE(slugs("berat category:promo").empty());
}

TEST_F(SearchCorpus, FieldFilterInTheQueryTextAppliesToSynonymMatches) {
  EXPECT_EQ(slugs("ongkir tag:promo"), (std::vector<std::string>{"id/ongkir-gratis"}));
}

TEST_F(SearchCorpus, FacetsCountTheArticlesThatMatchWell) {
  auto r = request("ongkir");
  r.facets = true;
  r.limit = 1;
  const auto result = search(r);
  ASSERT_EQ(result.hits.size(), 1u);
  EXPECT_EQ(result.total_estimate, 2u);
  std::map<std::string, Xapian::doccount> tags, categories;
  for (const auto& f : result.tag_facets) tags[f.value] = f.count;
  for (const auto& f : result.category_facets) categories[f.value] = f.count;
  EXPECT_EQ(tags, (std::map<std::string, Xapian::doccount>{{"pengiriman", 2}, {"promo", 1}}));
  EXPECT_EQ(categories, (std::map<std::string, Xapian::doccount>{{"pengiriman", 1}, {"promo", 1}}));
  ASSERT_FALSE(result.tag_facets.empty());
  EXPECT_EQ(result.tag_facets.front().value, "pengiriman");  // most frequent first

  auto none = request("ongkir");
  EXPECT_TRUE(search(none).tag_facets.empty());
}

TEST_F(SearchCorpus, PagingWithOffset) {
  auto first = request("zebra unicorn giraffe");
  first.limit = 2;
  auto second = first;
  second.offset = 2;
  const auto a = slugs(first), b = slugs(second);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_FALSE(b.empty());
  for (const auto& s : b) EXPECT_THAT(a, Not(Contains(s)));
  auto all = request("zebra unicorn giraffe");
  const auto everything = slugs(all);
  ASSERT_GE(everything.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(everything.begin(), everything.begin() + 2), a);
  EXPECT_EQ(
      std::vector<std::string>(everything.begin() + 2, everything.begin() + 2 + static_cast<long>(b.size())),
      b);
}

TEST_F(SearchCorpus, ErrorCodesInCodeBlocksAreFindable) {
  EXPECT_THAT(slugs("0x80070005"), Contains("en/error-codes"));
  EXPECT_THAT(slugs("E-402"), Contains("en/error-codes"));
  EXPECT_THAT(slugs("error E-402 "), Contains("en/error-codes"));
}

TEST_F(SearchCorpus, ReduplicationWrittenWithTwoReadsTheWord) {
  EXPECT_THAT(slugs("langkah2 "), Contains("id/langkah-verifikasi"));
}

TEST_F(SearchCorpus, WordEndingInTwoIsNotCutWhenItIsAWord) {
  EXPECT_THAT(slugs("http2 "), Contains("en/http2"));
}

TEST_F(SearchCorpus, ChatAbbreviationsAreReadAsTheStandardWord) {
  EXPECT_THAT(slugs("blm "), Contains("id/langkah-verifikasi"));  // the article says "belum"
}

TEST_F(SearchCorpus, StrayOperatorsAreReadAsWords) {
  for (const std::string q : {"kurir (", "AND kurir", "\"kurir", "kurir OR", "tag: kurir", "kurir -"}) {
    auto r = searcher_->search(request(q));
    ASSERT_TRUE(r) << q << ": " << r.error().describe();
  }
}

TEST_F(SearchCorpus, SnippetMarksMatchesAndEscapesArticleHtml) {
  const auto result = search(request("koala"));
  ASSERT_EQ(result.hits.size(), 1u);
  const auto& snippet = result.hits[0].snippet;
  EXPECT_THAT(snippet, HasSubstr("<mark>koala</mark>"));
  EXPECT_THAT(snippet, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(snippet, Not(HasSubstr("<script>")));
}

TEST_F(SearchCorpus, HitCarriesStoredFields) {
  const auto result = search(request("saldo tiga hari"));
  const auto it = std::find_if(result.hits.begin(), result.hits.end(),
                               [](const auto& h) { return h.slug == "id/dana-dikembalikan"; });
  ASSERT_NE(it, result.hits.end());
  EXPECT_EQ(it->title, "Status dana setelah pembatalan");
  EXPECT_EQ(it->lang, "id");
  EXPECT_EQ(it->tags, (std::vector<std::string>{"saldo"}));
  EXPECT_EQ(it->category, "pembayaran");
  EXPECT_EQ(it->owner, "tim");
  EXPECT_EQ(it->status, "published");
  EXPECT_EQ(it->audience, "public");
  EXPECT_EQ(it->reviewed, "2026-08-01");
  EXPECT_EQ(it->review_due, "2026-10-30");
  EXPECT_GT(it->score, 0);
  EXPECT_GT(it->percent, 0);
  EXPECT_THAT(it->summary, HasSubstr("Dana dikembalikan"));
}

TEST_F(SearchCorpus, JsonHasHitsCorrectionTotalAndFacets) {
  auto r = request("pengembalain barang");
  r.facets = true;
  const auto j = service::to_json(search(r));
  ASSERT_TRUE(j.contains("hits"));
  ASSERT_TRUE(j["hits"].is_array());
  ASSERT_FALSE(j["hits"].empty());
  EXPECT_TRUE(j["hits"][0].contains("slug"));
  EXPECT_TRUE(j["hits"][0].contains("snippet"));
  EXPECT_EQ(j["corrected"], "pengembalian barang");
  EXPECT_TRUE(j["total_estimate"].is_number_unsigned());
  EXPECT_TRUE(j["facets"]["tags"].is_array());
  EXPECT_TRUE(j["facets"]["categories"].is_array());
  EXPECT_TRUE(service::to_json(search(request("kurir ")))["corrected"].is_null());
}

TEST(SearchValidate, RejectsBadRequests) {
  struct Case {
    std::string label;
    SearchRequest request;
    std::string parameter;  // named in the message; empty when the request is valid
  };
  auto with = [](auto change) {
    SearchRequest r;
    r.q = "refund";
    change(r);
    return r;
  };
  const Case cases[] = {
      {"valid", with([](SearchRequest&) {}), ""},
      {"empty q", with([](SearchRequest& r) { r.q = ""; }), "q"},
      {"blank q", with([](SearchRequest& r) { r.q = " \t "; }), "q"},
      {"q of 1024 bytes", with([](SearchRequest& r) { r.q = std::string(1024, 'a'); }), ""},
      {"q of 1025 bytes", with([](SearchRequest& r) { r.q = std::string(1025, 'a'); }), "q"},
      {"invalid UTF-8", with([](SearchRequest& r) { r.q = "refund \xC0\xAF"; }), "q"},
      {"NUL byte", with([](SearchRequest& r) { r.q = std::string("re\0fund", 7); }), "q"},
      {"limit 0", with([](SearchRequest& r) { r.limit = 0; }), "limit"},
      {"limit 50", with([](SearchRequest& r) { r.limit = 50; }), ""},
      {"limit 51", with([](SearchRequest& r) { r.limit = 51; }), "limit"},
      {"window 1000", with([](SearchRequest& r) {
         r.offset = 990;
         r.limit = 10;
       }),
       ""},
      {"window 1001", with([](SearchRequest& r) {
         r.offset = 991;
         r.limit = 10;
       }),
       "offset"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    auto ok = service::validate(c.request);
    if (c.parameter.empty()) {
      EXPECT_TRUE(ok) << ok.error().message;
    } else {
      ASSERT_FALSE(ok);
      EXPECT_EQ(ok.error().code, ErrorCode::invalid_argument);
      EXPECT_THAT(ok.error().message, HasSubstr("'" + c.parameter + "'"));
    }
  }
}

TEST(SearchValidate, RejectsAnOffsetThatWrapsAroundTheWindowCheck) {
  SearchRequest r;
  r.q = "refund";
  r.limit = 10;
  r.offset = std::numeric_limits<size_t>::max() - 5;  // offset + limit wraps to 4
  auto ok = service::validate(r);
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code, ErrorCode::invalid_argument);
}

TEST_F(SearchCorpus, SearchRejectsInvalidRequests) {
  auto r = request("");
  auto result = searcher_->search(r);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
}

TEST(SearcherOpen, MissingIndexIsUnavailable) {
  TempDir dir;
  auto s = service::Searcher::open(dir / "index");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::index_unavailable);
  EXPECT_THAT(s.error().message, HasSubstr("solusi index"));
}

}  // namespace
}  // namespace solusi
