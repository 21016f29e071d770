// articles/chat-words.txt through real HTTP on loopback: a chat abbreviation an editor adds to the file
// in the served folder is picked up by the folder watcher (like a changed synonyms.txt) and makes
// GET /v1/search and POST /v1/suggest find the article; glued and split words on both endpoints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::Not;
using testing::url_encode;

/// The watcher reindexes 300 ms after the last change; far below its 30 s rescan.
constexpr auto pick_up_deadline = 10s;

const testing::ArticleFile own_articles[] = {
    {"pembayaran/kartu-hadiah.md", R"md(---
title: Kartu hadiah kedaluwarsa
lang: id
owner: tim-pembayaran
reviewed: 2026-10-01
---
Kartu hadiah yang sudah kedaluwarsa tidak bisa dipakai untuk membayar pesanan. Masa berlaku kartu
hadiah tertulis di halaman Dompet.
)md"},
    {"akun/lupa-password.md", R"md(---
title: Lupa password akun
lang: id
owner: tim-akun
reviewed: 2026-10-01
---
Kalau lupa password, buka halaman masuk lalu pilih atur ulang password. Tautan atur ulang dikirim ke
email akun.
)md"},
    {"pengiriman/gerai-karangkancana.md", R"md(---
title: Gerai karangkancana
lang: id
owner: tim-pengiriman
reviewed: 2026-10-01
---
Gerai karangkancana melayani pengambilan paket setiap hari kerja.
)md"},
};

class ChatWordsHttp : public testing::HttpTest {
 protected:
  void SetUp() override {
    testing::write_fixture_articles(articles_dir());
    for (const auto& a : own_articles) testing::write_file(articles_dir() / a.path, a.text);
    auto report = testing::reindex(articles_dir(), index_dir());
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();
    service::Config c = base_config();
    c.suggest_threshold = 0;  // every ranked candidate is listed
    start(c);
  }

  std::vector<std::string> search(const std::string& q) {
    return testing::hit_slugs(get_ok("/v1/search?limit=5&q=" + url_encode(q)));
  }
  /// Slugs /v1/suggest lists for a ticket, best first.
  std::vector<std::string> suggest(const std::string& subject, const std::string& body) {
    const testing::Reply r =
        testing::post_json(*client_, "/v1/suggest", {{"subject", subject}, {"body", body}, {"limit", 3}});
    EXPECT_EQ(r.status, 200) << r.describe();
    std::vector<std::string> out;
    if (r.json.is_object() && r.json.contains("suggestions"))
      for (const auto& s : r.json["suggestions"]) out.push_back(s["slug"].get<std::string>());
    return out;
  }
};

TEST_F(ChatWordsHttp, AbbreviationAddedToTheFileIsFoundBySearchAndSuggest) {
  const std::string slug = "pembayaran/kartu-hadiah";
  ASSERT_THAT(search("krthdh"), Not(Contains(slug)));
  ASSERT_THAT(suggest("krthdh", "krthdh sy"), Not(Contains(slug)));

  // An editor adds the abbreviation (rewritten now and then until the watcher, which may still be
  // setting up its watches, has seen it).
  auto last_write = std::chrono::steady_clock::now() - 1h;
  int i = 0;
  const bool found = testing::eventually(
      [&] {
        if (std::chrono::steady_clock::now() - last_write >= 1s) {
          testing::write_file(articles_dir() / "chat-words.txt", "# singkatan uji " + std::to_string(++i) +
                                                                     "\nkrthdh = kartu hadiah\nsy = saya\n");
          last_write = std::chrono::steady_clock::now();
        }
        const auto hits = search("krthdh");
        return !hits.empty() && hits.front() == slug;
      },
      pick_up_deadline);
  ASSERT_TRUE(found) << "chat-words.txt not applied within 10 s";
  const auto suggested = suggest("krthdh", "krthdh sy");
  ASSERT_FALSE(suggested.empty());
  EXPECT_EQ(suggested.front(), slug);
}

TEST_F(ChatWordsHttp, GluedAndSplitWordsFindTheArticle) {
  EXPECT_THAT(search("lupapassword"), Contains("akun/lupa-password"));
  EXPECT_THAT(search("pass word"), Contains("akun/lupa-password"));
  EXPECT_THAT(search("Karang kancana"), Contains("pengiriman/gerai-karangkancana"));
  const auto split = suggest("lupapassword", "sy lupapassword akun, gimana atur ulangnya");
  ASSERT_FALSE(split.empty());
  EXPECT_EQ(split.front(), "akun/lupa-password");
  const auto joined = suggest("paket di gerai Karang kancana", "mau ambil paket di gerai Karang kancana");
  ASSERT_FALSE(joined.empty());
  EXPECT_EQ(joined.front(), "pengiriman/gerai-karangkancana");
}

}  // namespace
}  // namespace solusi
