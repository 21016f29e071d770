// GET /v1/articles/{slug} and GET /v1/articles through real HTTP on loopback: metadata, Markdown,
// safe HTML, filters, paging and order; drafts, review copies and archived articles are never served.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::joined;
using testing::listed_slugs;
using ::testing::Not;

class Articles : public testing::HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    start();
  }
};

TEST_F(Articles, ViewHasMetadataMarkdownAndHtml) {
  const auto a = get_ok("/v1/articles/pembayaran/refund-belum-masuk");
  EXPECT_EQ(a["slug"], "pembayaran/refund-belum-masuk");
  EXPECT_EQ(a["title"], "Refund belum masuk ke saldo RayaPay");
  EXPECT_EQ(a["lang"], "id");
  EXPECT_EQ(a["tags"], nlohmann::json({"refund", "saldo"}));
  EXPECT_EQ(a["category"], "pembayaran");
  EXPECT_EQ(a["owner"], "tim-pembayaran");
  EXPECT_EQ(a["status"], "published");
  EXPECT_EQ(a["audience"], "public");
  EXPECT_EQ(a["reviewed"], "2026-10-01");
  EXPECT_TRUE(a["updated"].is_string()) << a.dump();
  ASSERT_TRUE(a["markdown"].is_string());
  EXPECT_THAT(a["markdown"].get<std::string>(), HasSubstr("## Langkah"));
  EXPECT_THAT(a["markdown"].get<std::string>(), HasSubstr("**Akun > Pesanan Saya**"));
  EXPECT_THAT(a["markdown"].get<std::string>(), Not(HasSubstr("title:"))) << "front matter is not body";
  ASSERT_TRUE(a["html"].is_string());
  const std::string html = a["html"];
  EXPECT_THAT(html, HasSubstr("<h2>Langkah</h2>"));
  EXPECT_THAT(html, HasSubstr("<strong>Akun &gt; Pesanan Saya</strong>"));
  EXPECT_THAT(html, HasSubstr("<ol>"));
}

TEST_F(Articles, HtmlIsSafeWhateverTheMarkdownSays) {
  const auto a = get_ok("/v1/articles/akun/otp-tidak-masuk");
  const std::string markdown = a["markdown"], html = a["html"];
  // The raw HTML and the javascript: link are in the Markdown as written…
  EXPECT_THAT(markdown, HasSubstr("<iframe"));
  EXPECT_THAT(markdown, HasSubstr("javascript:alert"));
  // …and nowhere in the HTML.
  EXPECT_THAT(html, Not(HasSubstr("<iframe")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("onerror")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  EXPECT_THAT(html, Not(HasSubstr("evil.example")));
  EXPECT_THAT(html, HasSubstr("buka formulir bantuan"));  // the link text stays
  EXPECT_THAT(html, HasSubstr("<li>Tunggu 60 detik sebelum meminta kode baru.</li>"));
}

TEST_F(Articles, EscapedMarkupStaysText) {
  const auto a = get_ok("/v1/articles/akun/tempel-skrip");
  const std::string html = a["html"];
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
}

TEST_F(Articles, ListingShowsEveryPublishedArticleSortedBySlug) {
  const auto body = get_ok("/v1/articles");
  const auto slugs = listed_slugs(body);
  std::vector<std::string> expected = testing::public_slugs;
  expected.insert(expected.end(), testing::internal_slugs.begin(), testing::internal_slugs.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(slugs, expected);
  EXPECT_EQ(body["total"], expected.size());
  EXPECT_EQ(body["offset"], 0);
  EXPECT_EQ(body["limit"], 50);
  // Listings carry metadata, not bodies.
  ASSERT_FALSE(body["articles"].empty());
  const auto& first = body["articles"][0];
  EXPECT_TRUE(first["title"].is_string());
  EXPECT_TRUE(first["owner"].is_string());
  EXPECT_TRUE(first["tags"].is_array());
  EXPECT_FALSE(first.contains("html"));
}

TEST_F(Articles, ListingFilters) {
  struct Case {
    std::string query;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"category=pengiriman", {"pengiriman/ongkos-kirim", "pengiriman/paket-terlambat"}},
      {"tag=refund", {"en/refund-not-received", "pembayaran/refund-belum-masuk"}},
      {"owner=payments-team", {"en/card-declined", "en/refund-not-received"}},
      {"lang=en",
       {"en/card-declined", "en/delivery-delayed", "en/escalation-policy", "en/refund-not-received"}},
      {"category=pembayaran&tag=saldo", {"pembayaran/refund-belum-masuk"}},
      {"category=akun&owner=tim-akun", {"akun/otp-tidak-masuk"}},
      {"tag=tidak-ada", {}},
      {"lang=id",
       {"akun/otp-tidak-masuk", "akun/tempel-skrip", "pembayaran/refund-belum-masuk",
        "pembayaran/virtual-account", "pengiriman/ongkos-kirim", "pengiriman/paket-terlambat"}},
  };
  for (const auto& c : cases) {
    const auto body = get_ok("/v1/articles?" + c.query);
    EXPECT_EQ(listed_slugs(body), c.expected) << c.query;
    EXPECT_EQ(body["total"], c.expected.size()) << c.query;
  }
}

TEST_F(Articles, ListingLangIsIdOrEnAndEmptyMeansBoth) {
  const auto all = listed_slugs(get_ok("/v1/articles"));
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(listed_slugs(get_ok("/v1/articles?lang=")), all);
  EXPECT_EQ(listed_slugs(get_ok("/v1/articles?lang=&tag=&category=&owner=")), all);
  const auto xx = get("/v1/articles?lang=xx");
  EXPECT_EQ(xx.status, 400) << xx.describe();  // was an empty 200 list
  EXPECT_EQ(xx.error_code(), "invalid_argument") << xx.describe();
}

TEST_F(Articles, ListingPagesAreSlicesOfTheWholeList) {
  const auto all = listed_slugs(get_ok("/v1/articles"));
  ASSERT_EQ(all.size(), 10u);
  std::vector<std::string> paged;
  for (size_t offset = 0; offset < all.size(); offset += 3) {
    const auto page = get_ok("/v1/articles?limit=3&offset=" + std::to_string(offset));
    EXPECT_EQ(page["total"], all.size());
    EXPECT_EQ(page["limit"], 3);
    EXPECT_EQ(page["offset"], offset);
    for (const auto& s : listed_slugs(page)) paged.push_back(s);
  }
  EXPECT_EQ(paged, all);
  EXPECT_TRUE(listed_slugs(get_ok("/v1/articles?offset=10")).empty());
}

TEST_F(Articles, DraftsReviewCopiesAndArchivedArticlesAreNeverServed) {
  const auto listed = listed_slugs(get_ok("/v1/articles?limit=200"));
  for (const auto& slug : testing::unpublished_slugs) {
    EXPECT_THAT(listed, Not(Contains(slug)));
    const auto r = get("/v1/articles/" + slug);
    EXPECT_EQ(r.status, 404) << slug << " → " << r.describe();
    EXPECT_TRUE(r.is_error_body()) << r.describe();
  }
  // Their unique words find nothing; their shared words never bring them in.
  for (const std::string q : {"zamrud", "obsidian", "safir", "refund", "kurir"}) {
    const auto hits = testing::hit_slugs(get_ok("/v1/search?q=" + q + "&limit=50"));
    for (const auto& slug : testing::unpublished_slugs) EXPECT_THAT(hits, Not(Contains(slug))) << q;
  }
  for (const std::string filter : {"tag=refund", "category=pembayaran", "lang=en", "owner=tim-logistik"})
    for (const auto& slug : testing::unpublished_slugs)
      EXPECT_THAT(listed_slugs(get_ok("/v1/articles?" + filter)), Not(Contains(slug))) << filter;
}

TEST(ArticleLifecycle, ScheduledAndExpiredArticlesAreHiddenLikeInSearch) {
  testing::TempDir dir;
  testing::write_fixture_articles(dir / "articles");
  testing::write_file(dir / "articles/promo/diskon-tahun-baru.md",
                      "---\ntitle: Syarat diskon tahun baru\nlang: id\ncategory: promo\nowner: tim-promo\n"
                      "publish_at: 2099-01-01\naudience: public\n---\nDiskon tahun baru berlaku untuk semua "
                      "pesanan di atas Rp100.000.\n");
  testing::write_file(dir / "articles/promo/diskon-ramadan.md",
                      "---\ntitle: Syarat diskon Ramadan\nlang: id\ncategory: promo\nowner: tim-promo\n"
                      "valid_to: 2020-04-30\naudience: public\n---\nDiskon Ramadan berlaku untuk semua "
                      "pesanan di atas Rp100.000.\n");
  ASSERT_TRUE(testing::reindex(dir / "articles", dir / "index"));
  service::Config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.index_dir = dir / "index";
  config.access_log = false;
  service::Server server(config);
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().describe();
  auto client = testing::make_client(*port);
  EXPECT_TRUE(testing::hit_slugs(testing::get(*client, "/v1/search?q=diskon").json).empty());
  for (const std::string slug : {"promo/diskon-tahun-baru", "promo/diskon-ramadan"}) {
    EXPECT_EQ(testing::get(*client, "/v1/articles/" + slug).status, 404) << slug;
    EXPECT_THAT(listed_slugs(testing::get(*client, "/v1/articles?category=promo").json), Not(Contains(slug)));
  }
  server.stop();
}

TEST_F(Articles, UnknownSlugIsAJson404) {
  const auto r = get("/v1/articles/akun/tidak-ada");
  EXPECT_EQ(r.status, 404) << r.describe();
  ASSERT_TRUE(r.is_error_body()) << r.describe();
  EXPECT_EQ(r.error_code(), "not_found");
  EXPECT_THAT(r.error_message(), HasSubstr("akun/tidak-ada"));
}

}  // namespace
}  // namespace solusi
