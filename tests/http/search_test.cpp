// GET /v1/search through real HTTP on loopback: hit fields, highlighting and escaping, facets over the
// articles that match well, spelling correction, as-you-type prefixes, phrases, exclusion, filters and
// paging.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;

using ::testing::Contains;
using testing::contains;
using ::testing::HasSubstr;
using testing::hit_slugs;
using testing::joined;
using ::testing::Not;
using testing::url_encode;

class Search : public testing::HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    start();
  }

  nlohmann::json search(const std::string& q, const std::string& more = "") {
    return get_ok("/v1/search?q=" + url_encode(q) + more);
  }
  std::vector<std::string> slugs(const std::string& q, const std::string& more = "") {
    return hit_slugs(search(q, more));
  }
};

TEST_F(Search, HitCarriesEveryFieldOfTheArticle) {
  const auto body = search("refund belum masuk", "&lang=id");
  ASSERT_FALSE(body["hits"].empty()) << body.dump();
  const auto& hit = body["hits"][0];
  EXPECT_EQ(hit["slug"], "pembayaran/refund-belum-masuk");
  EXPECT_EQ(hit["title"], "Refund belum masuk ke saldo RayaPay");
  EXPECT_THAT(hit["summary"].get<std::string>(), HasSubstr("Pelanggan sudah membatalkan pesanan"));
  EXPECT_THAT(hit["snippet"].get<std::string>(), HasSubstr("<mark>"));
  EXPECT_THAT(hit["snippet"].get<std::string>(), HasSubstr("</mark>"));
  EXPECT_TRUE(hit["score"].is_number());
  EXPECT_GT(hit["score"].get<double>(), 0);
  EXPECT_EQ(hit["tags"], nlohmann::json({"refund", "saldo"}));
  EXPECT_EQ(hit["category"], "pembayaran");
  EXPECT_EQ(hit["owner"], "tim-pembayaran");
  ASSERT_TRUE(hit["updated"].is_string()) << hit.dump();
  const std::string updated = hit["updated"];
  EXPECT_TRUE(updated.size() == 10 && updated[4] == '-' && updated[7] == '-' &&
              updated.find_first_not_of("0123456789-") == std::string::npos)
      << updated;

  EXPECT_TRUE(body["total_estimate"].is_number_unsigned());
  EXPECT_GE(body["total_estimate"].get<int>(), 1);
  ASSERT_TRUE(body.contains("took_ms")) << body.dump();
  EXPECT_TRUE(body["took_ms"].is_number());
  EXPECT_GE(body["took_ms"].get<double>(), 0);
  EXPECT_TRUE(body.contains("corrected"));
  EXPECT_TRUE(body["facets"].contains("tags"));
  EXPECT_TRUE(body["facets"].contains("categories"));
}

TEST_F(Search, AnswerIsJsonWithTheRightHeaders) {
  const auto r = get("/v1/search?q=refund");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_THAT(r.header("Content-Type"), HasSubstr("application/json"));
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
}

TEST_F(Search, SnippetMarksMatchesAndEscapesEverythingElse) {
  // The article says "&lt;script&gt;alert(1)&lt;/script&gt;" in Markdown: literal text "<script>…".
  const auto body = search("catatan skrip", "&lang=id");
  ASSERT_FALSE(body["hits"].empty()) << body.dump();
  const auto& hit = body["hits"][0];
  ASSERT_EQ(hit["slug"], "akun/tempel-skrip");
  const std::string snippet = hit["snippet"];
  EXPECT_THAT(snippet, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(snippet, Not(HasSubstr("<script")));
  EXPECT_THAT(snippet, HasSubstr("<mark>catatan</mark>"));
  // Only <mark> and </mark> are markup: strip them and no '<' or '>' may be left.
  std::string plain = snippet;
  for (const std::string tag : {"<mark>", "</mark>"})
    for (auto at = plain.find(tag); at != std::string::npos; at = plain.find(tag))
      plain.erase(at, tag.size());
  EXPECT_EQ(plain.find('<'), std::string::npos) << snippet;
  EXPECT_EQ(plain.find('>'), std::string::npos) << snippet;
}

TEST_F(Search, FacetsCountTheArticlesThatMatchWellNotJustThePage) {
  const auto all = search("refund pesanan order", "&limit=50");
  const auto page = search("refund pesanan order", "&limit=1");
  const auto counted = page["total_estimate"].get<int>();  // what the facets count
  ASSERT_GE(counted, 2) << all.dump();
  ASSERT_GT(page["total_any_word"].get<int>(), counted) << "the query should also match weakly";
  EXPECT_EQ(page["hits"].size(), 1u);
  EXPECT_EQ(page["facets"], all["facets"]) << "facets must not depend on the page";

  // The articles that match well: a score of at least 40% of the best one's.
  const double best = all["hits"][0]["score"].get<double>();
  std::vector<nlohmann::json> well;
  for (const auto& h : all["hits"])
    if (h["score"].get<double>() >= 0.4 * best) well.push_back(h);
  EXPECT_EQ(static_cast<int>(well.size()), counted);

  // Every article has exactly one category, so the category counts add up to the count.
  int categories = 0;
  for (const auto& f : page["facets"]["categories"]) categories += f["count"].get<int>();
  EXPECT_EQ(categories, counted) << page["facets"].dump();

  // Tag counts: recount from the hits that match well; a tag only a weak match has is not offered.
  std::map<std::string, int> tags;
  for (const auto& h : well)
    for (const auto& t : h["tags"]) ++tags[t.get<std::string>()];
  for (const auto& f : page["facets"]["tags"])
    EXPECT_EQ(f["count"].get<int>(), tags[f["value"].get<std::string>()]) << f.dump();
  EXPECT_EQ(page["facets"]["tags"].size(), tags.size());
}

TEST_F(Search, FacetsCanBeTurnedOff) {
  const auto body = search("refund", "&facets=false");
  EXPECT_FALSE(body.contains("facets")) << body.dump();
  EXPECT_FALSE(body["hits"].empty());
}

TEST_F(Search, MisspelledQueryIsCorrectedAndFindsTheArticle) {
  const auto body = search("pengembalain dana", "&lang=id");
  ASSERT_TRUE(body["corrected"].is_string()) << body.dump();
  EXPECT_EQ(body["corrected"], "pengembalian dana");
  EXPECT_THAT(hit_slugs(body), Contains("pembayaran/refund-belum-masuk"));

  const auto english = search("cancelation walet ");
  ASSERT_TRUE(english["corrected"].is_string()) << english.dump();
  EXPECT_THAT(hit_slugs(english), Contains("en/refund-not-received"));
}

TEST_F(Search, CorrectlySpelledQueryIsNotCorrected) {
  EXPECT_TRUE(search("pengembalian dana")["corrected"].is_null());
}

TEST_F(Search, LastWordMatchesAsAPrefixWhileTyping) {
  EXPECT_THAT(slugs("nomor kedalu"), Contains("pembayaran/virtual-account"));
  EXPECT_THAT(slugs("parcel trac", "&lang=en"), Contains("en/delivery-delayed"));
  EXPECT_THAT(slugs("trac"), Contains("en/delivery-delayed"));
  // A finished word (trailing space) is not a prefix any more.
  EXPECT_THAT(slugs("trac "), Not(Contains("en/delivery-delayed")));
  EXPECT_THAT(slugs("kedalu "), Not(Contains("pembayaran/virtual-account")));
}

TEST_F(Search, QuotedPhraseNeedsTheWordsTogetherInOrder) {
  // Both articles say "paket" and "hilang"; only one says "paket hilang".
  EXPECT_THAT(slugs("paket hilang ", "&lang=id"), Contains("pengiriman/ongkos-kirim"));
  const auto phrase = slugs("\"paket hilang\"", "&lang=id");
  EXPECT_THAT(phrase, Contains("pengiriman/paket-terlambat"));
  EXPECT_THAT(phrase, Not(Contains("pengiriman/ongkos-kirim")));
  EXPECT_THAT(slugs("\"lost parcel claim\"", "&lang=en"), Contains("en/delivery-delayed"));
  EXPECT_THAT(slugs("\"claim parcel lost\"", "&lang=en"), Not(Contains("en/delivery-delayed")));
}

TEST_F(Search, MinusWordExcludesArticles) {
  const auto without = slugs("tracking -courier", "&lang=en");
  const auto with = slugs("tracking ", "&lang=en");
  EXPECT_THAT(with, Contains("en/delivery-delayed"));
  EXPECT_THAT(without, Not(Contains("en/delivery-delayed")));

  const auto paket = slugs("paket -kurir", "&lang=id");
  EXPECT_THAT(paket, Contains("pengiriman/ongkos-kirim"));
  EXPECT_THAT(paket, Not(Contains("pengiriman/paket-terlambat"))) << joined(paket);
}

TEST_F(Search, QueryOfOnlyAnExcludedWordIsRefusedWithAReason) {
  // "-refund" alone used to return exactly the articles containing "refund"; it now asks for a word.
  for (const std::string lang : {"en", "id"}) {
    auto client = testing::make_client(port_);
    const auto r = testing::get(*client, "/v1/search?q=-refund&limit=50&lang=" + lang);
    EXPECT_EQ(r.status, 400) << r.describe();
    EXPECT_EQ(r.json["error"]["code"], "invalid_query") << r.describe();
    EXPECT_THAT(r.json["error"]["message"].get<std::string>(), ::testing::HasSubstr("add a word"))
        << r.describe();
  }
  EXPECT_FALSE(search("paket -kurir", "&lang=id")["hits"].empty());  // with a word, exclusion works
}

TEST_F(Search, LangFilterKeepsOneLanguage) {
  const auto id = search("refund", "&lang=id&limit=50");
  const auto en = search("refund", "&lang=en&limit=50");
  const auto both = search("refund", "&limit=50");
  ASSERT_FALSE(id["hits"].empty());
  ASSERT_FALSE(en["hits"].empty());
  for (const auto& h : id["hits"]) EXPECT_EQ(h["lang"], "id") << h["slug"];
  for (const auto& h : en["hits"]) EXPECT_EQ(h["lang"], "en") << h["slug"];
  EXPECT_EQ(both["hits"].size(), id["hits"].size() + en["hits"].size());
  // An empty lang is "both".
  EXPECT_EQ(search("refund", "&lang=&limit=50")["hits"].size(), both["hits"].size());
}

TEST_F(Search, TagAndCategoryFilter) {
  EXPECT_EQ(slugs("refund", "&tag=saldo"), std::vector<std::string>{"pembayaran/refund-belum-masuk"});
  const auto payments = search("refund card", "&category=payments&limit=50");
  ASSERT_FALSE(payments["hits"].empty());
  for (const auto& h : payments["hits"]) EXPECT_EQ(h["category"], "payments") << h["slug"];
  EXPECT_THAT(hit_slugs(payments), Contains("en/card-declined"));
  // Repeated tags must all match.
  EXPECT_EQ(slugs("paket kurir", "&tag=pengiriman&tag=kurir"),
            std::vector<std::string>{"pengiriman/paket-terlambat"});
  EXPECT_TRUE(slugs("paket kurir", "&tag=pengiriman&tag=refund").empty());
}

TEST_F(Search, EmptyTagOrCategoryIsNoFilter) {
  const auto all = slugs("refund", "&limit=50");
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(slugs("refund", "&limit=50&tag="), all);
  EXPECT_EQ(slugs("refund", "&limit=50&category="), all);
  EXPECT_EQ(slugs("refund", "&limit=50&tag=&category=&lang="), all);
  // An empty tag next to a real one leaves the real one.
  EXPECT_EQ(slugs("refund", "&tag=&tag=saldo"), std::vector<std::string>{"pembayaran/refund-belum-masuk"});
  EXPECT_EQ(slugs("refund", "&tag=saldo&category="),
            std::vector<std::string>{"pembayaran/refund-belum-masuk"});
}

TEST_F(Search, PagesAreConsistentWithOneBigPage) {
  const std::string q = "refund pesanan order card paket";
  const auto all = hit_slugs(search(q, "&limit=50"));
  ASSERT_GE(all.size(), 6u);
  // A page that holds every match counts them exactly.
  EXPECT_EQ(search(q, "&limit=50")["total_any_word"].get<size_t>(), all.size());
  std::vector<std::string> paged;
  for (size_t offset = 0; offset < all.size(); offset += 2) {
    const auto page = search(q, "&limit=2&offset=" + std::to_string(offset));
    EXPECT_EQ(page["offset"], offset);
    EXPECT_EQ(page["limit"], 2);
    // Every article sharing a word, estimated (the answer does not scan them all), never below the
    // articles that match well.
    EXPECT_GE(page["total_any_word"].get<size_t>(), page["total_estimate"].get<size_t>());
    EXPECT_EQ(page["total_estimate"], search(q, "&limit=50")["total_estimate"]) << "the count is the query's";
    for (const auto& s : hit_slugs(page)) paged.push_back(s);
  }
  EXPECT_EQ(paged, all);
  EXPECT_TRUE(search(q, "&limit=2&offset=" + std::to_string(all.size()))["hits"].empty());
  // The deepest page allowed: offset + limit = 1000.
  EXPECT_TRUE(search(q, "&limit=10&offset=990")["hits"].empty());
}

TEST_F(Search, DefaultLimitIsTenAndMaximumFifty) {
  const auto body = search("refund pesanan order card paket kode");
  EXPECT_EQ(body["limit"], 10);
  EXPECT_LE(body["hits"].size(), 10u);
  EXPECT_EQ(search("refund", "&limit=50")["limit"], 50);
}

TEST_F(Search, QueryOfExactlyTheMaximumLengthIsAccepted) {
  std::string q;
  while (q.size() < 1024) q += "refund ";
  q.resize(1024);
  const auto r = get("/v1/search?q=" + url_encode(q));
  EXPECT_EQ(r.status, 200) << r.describe();
}

TEST_F(Search, NonAsciiQueryIsFine) {
  const auto r = get("/v1/search?q=" + url_encode("pengembalian dana 1–3 hari — “saldo” 😀"));
  EXPECT_EQ(r.status, 200) << r.describe();
}

}  // namespace
}  // namespace solusi
