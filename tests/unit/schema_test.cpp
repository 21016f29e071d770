// Schema round trip: index a small folder with the real indexer, then read the Xapian database back
// and check every term, value and the stored data, spelled only with the constants of schema.hpp.
#include "schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include "document.hpp"
#include "test_support.hpp"
#include "text.hpp"

namespace solusi {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

constexpr std::string_view reset_article =
    "---\n"
    "title: Reset kata sandi akun\n"
    "lang: id\n"
    "tags: [Akun, keamanan]\n"
    "category: Akun\n"
    "owner: Tim-Akun\n"
    "reviewed: 2026-08-01\n"
    "review_every: 30d\n"
    "status: published\n"
    "audience: public\n"
    "publish_at: 2026-01-01\n"
    "valid_to: 2030-12-31\n"
    "ms.topic: how-to\n"
    "---\n"
    "# Reset kata sandi akun\n"
    "\n"
    "## Langkah pemulihan\n"
    "\n"
    "Pelanggan meminta pengembalian akses lewat email. Lihat [refund](../payments/refund.md)\n"
    "dan [status](../payments/refund.md#status) serta ![layar](../media/layar.png).\n"
    "\n"
    "```\n"
    "E-402\n"
    "```\n";

constexpr std::string_view refund_article =
    "---\n"
    "title: How refunds work\n"
    "lang: en\n"
    "tags: [refund]\n"
    "category: payments\n"
    "status: draft\n"
    "---\n"
    "Your money is refunded to the original payment method.\n";

bool has_term(const Xapian::Document& d, const std::string& term) {
  auto it = d.termlist_begin();
  it.skip_to(term);
  return it != d.termlist_end() && *it == term;
}

Xapian::termcount wdf(const Xapian::Document& d, const std::string& term) {
  auto it = d.termlist_begin();
  it.skip_to(term);
  return it != d.termlist_end() && *it == term ? it.get_wdf() : 0;
}

std::vector<Xapian::termpos> positions(const Xapian::Document& d, const std::string& term) {
  auto it = d.termlist_begin();
  it.skip_to(term);
  if (it == d.termlist_end() || *it != term) return {};
  return std::vector<Xapian::termpos>(it.positionlist_begin(), it.positionlist_end());
}

class SchemaRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    articles_ = dir_ / "articles";
    index_ = dir_ / "index";
    dir_.write("articles/akun/reset-kata-sandi.md", reset_article);
    dir_.write("articles/payments/refund.md", refund_article);
    synonyms_text_ = "refund, pengembalian dana\n";
    dir_.write("articles/synonyms.txt", synonyms_text_);
    auto report = index_folder(testing::index_options(articles_, index_));
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();
    db_ = Xapian::Database(index_.string());
  }

  /// The document whose id term is the slug.
  Xapian::Document doc(const std::string& slug) {
    const std::string id = schema::term(schema::prefix::id, slug);
    auto it = db_.postlist_begin(id);
    EXPECT_NE(it, db_.postlist_end(id)) << "no document " << slug;
    if (it == db_.postlist_end(id)) return {};
    return db_.get_document(*it);
  }

  static long days(const std::string& serialised) {
    return static_cast<long>(Xapian::sortable_unserialise(serialised));
  }

  static long days_of(std::string_view iso) { return Date::parse(iso)->days_since_epoch(); }

  TempDir dir_;
  std::filesystem::path articles_, index_;
  std::string synonyms_text_;
  Xapian::Database db_;
};

TEST_F(SchemaRoundTrip, OneDocumentPerArticleWithTheSlugAsIdTerm) {
  EXPECT_EQ(db_.get_doccount(), 2u);
  EXPECT_EQ(db_.get_termfreq(schema::term(schema::prefix::id, "akun/reset-kata-sandi")), 1u);
  EXPECT_EQ(db_.get_termfreq(schema::term(schema::prefix::id, "payments/refund")), 1u);
}

TEST_F(SchemaRoundTrip, BooleanTermsAreLowercasedFilterTerms) {
  const auto d = doc("akun/reset-kata-sandi");
  using namespace schema;
  EXPECT_TRUE(has_term(d, term(prefix::lang, "id")));
  EXPECT_FALSE(has_term(d, term(prefix::lang, "en")));
  EXPECT_TRUE(has_term(d, term(prefix::tag, "akun")));
  EXPECT_TRUE(has_term(d, term(prefix::tag, "keamanan")));
  EXPECT_TRUE(has_term(d, term(prefix::category, "akun")));
  EXPECT_TRUE(has_term(d, term(prefix::owner, "tim-akun")));
  EXPECT_TRUE(has_term(d, term(prefix::status, "published")));
  EXPECT_TRUE(has_term(d, term(prefix::audience, "public")));
  EXPECT_TRUE(has_term(d, term(prefix::folder, "akun")));
  EXPECT_TRUE(has_term(d, term(prefix::link, "payments/refund")));
  EXPECT_EQ(db_.get_termfreq(term(prefix::link, "payments/refund")), 1u);  // two links, one term

  const auto e = doc("payments/refund");
  EXPECT_TRUE(has_term(e, term(prefix::lang, "en")));
  EXPECT_TRUE(has_term(e, term(prefix::status, "draft")));
  EXPECT_TRUE(has_term(e, term(prefix::audience, "internal")));
  EXPECT_TRUE(has_term(e, term(prefix::folder, "payments")));
  EXPECT_FALSE(has_term(e, term(prefix::owner, "")));
  // Boolean terms carry no within-document frequency.
  EXPECT_EQ(wdf(d, term(prefix::tag, "akun")), 0u);
}

TEST(Schema, NestedFoldersGiveOneFolderTermPerLevel) {
  TempDir dir;
  dir.write("articles/a/b/c.md", "# Dalam\n\nIsi.\n");
  auto report = index_folder(testing::index_options(dir / "articles", dir / "index"));
  ASSERT_TRUE(report) << report.error().describe();
  Xapian::Database db((dir / "index").string());
  const auto d = db.get_document(*db.postlist_begin(schema::term(schema::prefix::id, "a/b/c")));
  EXPECT_TRUE(has_term(d, schema::term(schema::prefix::folder, "a")));
  EXPECT_TRUE(has_term(d, schema::term(schema::prefix::folder, "a/b")));
  EXPECT_FALSE(has_term(d, schema::term(schema::prefix::folder, "a/b/c")));
}

TEST_F(SchemaRoundTrip, FreeTextTermsAreStemmedWithTheArticleLanguage) {
  const auto d = doc("akun/reset-kata-sandi");
  const auto id_stem = stemmer_for(Lang::id);
  using namespace schema;
  // Title words: under the title prefix, and in the default space with the title's boost.
  EXPECT_TRUE(has_term(d, term(prefix::title, "reset")));
  EXPECT_TRUE(has_term(d, term(prefix::title, "sandi")));
  EXPECT_TRUE(has_term(d, term(prefix::heading, "pemulihan")));
  EXPECT_FALSE(has_term(d, term(prefix::title, "pemulihan")));
  EXPECT_TRUE(has_term(d, "pengembalian"));
  EXPECT_TRUE(has_term(d, term(prefix::stemmed, id_stem("pengembalian"))));
  EXPECT_TRUE(has_term(d, term(prefix::stemmed, id_stem("pemulihan"))));
  EXPECT_GE(wdf(d, "sandi"), 5u);        // the title weight
  EXPECT_EQ(wdf(d, "email"), 1u);        // body weight
  EXPECT_TRUE(has_term(d, "402"));       // code is searchable
  EXPECT_TRUE(has_term(d, "keamanan"));  // tags are in the default space too

  const auto e = doc("payments/refund");
  const auto en_stem = stemmer_for(Lang::en);
  EXPECT_TRUE(has_term(e, "refunded"));
  EXPECT_TRUE(has_term(e, term(prefix::stemmed, en_stem("refunded"))));
  EXPECT_EQ(en_stem("refunded"), en_stem("refunds"));
  EXPECT_TRUE(has_term(e, term(prefix::title, "refunds")));
  // Stop words are not stemmed (Xapian's STOP_STEMMED default).
  EXPECT_FALSE(has_term(e, term(prefix::stemmed, "the")));
}

TEST_F(SchemaRoundTrip, PhrasePositionsNeverCrossFields) {
  // "akun" ends the title and "langkah" starts the first heading: with increase_termpos between
  // fields they are not adjacent.
  const auto d = doc("akun/reset-kata-sandi");
  const auto title_end = positions(d, "akun");
  const auto heading_start = positions(d, "langkah");
  ASSERT_FALSE(title_end.empty());
  ASSERT_FALSE(heading_start.empty());
  for (auto a : title_end)
    for (auto h : heading_start) EXPECT_NE(a + 1, h);
}

TEST_F(SchemaRoundTrip, ValueSlotsAreDecodable) {
  const auto d = doc("akun/reset-kata-sandi");
  using schema::Slot;
  using schema::slot;
  EXPECT_EQ(d.get_value(slot(Slot::slug)), "akun/reset-kata-sandi");
  const std::string hash = d.get_value(slot(Slot::content_hash));
  EXPECT_EQ(hash.size(), 16u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos) << hash;
  EXPECT_EQ(days(d.get_value(slot(Slot::reviewed))), days_of("2026-08-01"));
  EXPECT_EQ(days(d.get_value(slot(Slot::review_due))), days_of("2026-08-31"));
  EXPECT_GE(days(d.get_value(slot(Slot::updated))), days_of("2026-08-01"));
  EXPECT_EQ(d.get_value(slot(Slot::tags)), "akun\nkeamanan");
  EXPECT_EQ(d.get_value(slot(Slot::category)), "akun");
  EXPECT_EQ(days(d.get_value(slot(Slot::publish_at))), days_of("2026-01-01"));
  EXPECT_EQ(days(d.get_value(slot(Slot::valid_to))), days_of("2030-12-31"));

  EXPECT_THAT(d.get_value(slot(Slot::text)), HasSubstr("Pelanggan meminta pengembalian akses lewat email."));
  EXPECT_THAT(d.get_value(slot(Slot::markdown)), HasSubstr("## Langkah pemulihan\n"));
  EXPECT_THAT(d.get_value(slot(Slot::markdown)), ::testing::Not(HasSubstr("title:")));

  const auto e = doc("payments/refund");
  EXPECT_EQ(e.get_value(slot(Slot::reviewed)), "");  // absent when never reviewed
  EXPECT_EQ(e.get_value(slot(Slot::review_due)), "");
  EXPECT_EQ(e.get_value(slot(Slot::publish_at)), "");
  EXPECT_EQ(e.get_value(slot(Slot::valid_to)), "");
  EXPECT_EQ(e.get_value(slot(Slot::tags)), "refund");
  // Without a review date, "updated" is the file's modification day.
  EXPECT_EQ(days(e.get_value(slot(Slot::updated))), Date::today().days_since_epoch());
}

TEST_F(SchemaRoundTrip, StoredDataHoldsWhatAResultListShows) {
  const StoredArticle s = read_stored(doc("akun/reset-kata-sandi"));
  EXPECT_EQ(s.slug, "akun/reset-kata-sandi");
  EXPECT_EQ(s.path, "akun/reset-kata-sandi.md");
  EXPECT_EQ(s.title, "Reset kata sandi akun");
  EXPECT_EQ(s.lang, "id");
  EXPECT_EQ(s.tags, (std::vector<std::string>{"akun", "keamanan"}));
  EXPECT_EQ(s.category, "akun");
  EXPECT_EQ(s.owner, "Tim-Akun");
  EXPECT_EQ(s.status, "published");
  EXPECT_EQ(s.audience, "public");
  EXPECT_EQ(s.reviewed, "2026-08-01");
  EXPECT_EQ(s.review_every_days, 30);
  EXPECT_EQ(s.review_due, "2026-08-31");
  EXPECT_EQ(s.publish_at, "2026-01-01");
  EXPECT_EQ(s.valid_to, "2030-12-31");
  EXPECT_EQ(s.links, (std::vector<std::string>{"payments/refund"}));
  EXPECT_EQ(s.files, (std::vector<std::string>{"media/layar.png"}));
  EXPECT_THAT(s.text, HasSubstr("Pelanggan meminta pengembalian akses lewat email."));
  EXPECT_THAT(s.summary, HasSubstr("Pelanggan meminta"));
  EXPECT_EQ(s.extra["ms.topic"], "how-to");

  const StoredArticle e = read_stored(doc("payments/refund"));
  EXPECT_EQ(e.lang, "en");
  EXPECT_EQ(e.status, "draft");
  EXPECT_EQ(e.review_every_days, 90);  // the default interval applied
  EXPECT_FALSE(e.reviewed);
  EXPECT_FALSE(e.review_due);
  EXPECT_EQ(e.updated, Date::today().iso());
}

TEST_F(SchemaRoundTrip, StoredArticleJsonRoundTrips) {
  const StoredArticle s = read_stored(doc("akun/reset-kata-sandi"));
  const StoredArticle back = StoredArticle::from_json(s.to_json());
  EXPECT_EQ(back.to_json(), s.to_json());
}

TEST_F(SchemaRoundTrip, MetadataNamesSchemaVersionAndSynonyms) {
  EXPECT_EQ(db_.get_metadata(schema::meta::schema_version), std::to_string(schema::version));
  EXPECT_EQ(db_.get_metadata(schema::meta::synonyms_hash), text::to_hex(text::fnv1a64(synonyms_text_)));
  EXPECT_EQ(db_.get_metadata(schema::meta::languages), "id en");
  EXPECT_EQ(std::filesystem::path(db_.get_metadata(schema::meta::articles_dir)),
            std::filesystem::absolute(articles_).lexically_normal());
  EXPECT_FALSE(db_.get_metadata(schema::meta::last_commit).empty());
  EXPECT_TRUE(index_is_current(index_));
  // The synonym table holds both directions of every pair.
  std::vector<std::string> syn(db_.synonyms_begin("refund"), db_.synonyms_end("refund"));
  EXPECT_EQ(syn, (std::vector<std::string>{"pengembalian dana"}));
  std::vector<std::string> back(db_.synonyms_begin("pengembalian dana"),
                                db_.synonyms_end("pengembalian dana"));
  EXPECT_EQ(back, (std::vector<std::string>{"refund"}));
}

TEST_F(SchemaRoundTrip, SpellingTableHoldsBodyWords) {
  const std::vector<std::string> words(db_.spellings_begin(), db_.spellings_end());
  EXPECT_TRUE(testing::contains(words, "pengembalian"));
  EXPECT_TRUE(testing::contains(words, "refunded"));
  EXPECT_FALSE(testing::contains(words, "402"));  // numbers are never offered as corrections
  EXPECT_FALSE(testing::contains(words, "Zrefund"));
}

TEST(Schema, FieldTableIsConsistent) {
  for (const auto& f : schema::fields) {
    SCOPED_TRACE(std::string(f.name));
    EXPECT_FALSE(f.prefix.empty());
    if (f.kind == schema::FieldKind::boolean) {
      EXPECT_EQ(f.default_weight, 0u);
    }
    for (const auto& g : schema::fields) {
      if (&f != &g) {
        EXPECT_NE(f.prefix, g.prefix);  // prefixes are distinct
      }
    }
  }
  EXPECT_EQ(schema::term(schema::prefix::tag, "refund"), "Krefund");
}

TEST(Schema, IndexIsCurrentIsFalseWithoutAnIndex) {
  TempDir dir;
  EXPECT_FALSE(index_is_current(dir / "nothing"));
  EXPECT_FALSE(live_generation(dir / "nothing"));
  EXPECT_EQ(live_generation(dir / "nothing").error().code, ErrorCode::index_unavailable);
}

}  // namespace
}  // namespace solusi
