// The index's record of its events store (schema::meta::events_id) through every index writer, and
// inspect_index() on healthy and damaged indexes.
#include "stored_state.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include "schema.hpp"
#include "test_support.hpp"

namespace solusi::service {
namespace {

using solusi::testing::TempDir;
using ::testing::HasSubstr;

class StoredStateUnit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("articles/akun/otp.md",
               "---\ntitle: Kode OTP tidak masuk\nlang: id\n---\nKode verifikasi terlambat dikirim.\n");
  }
  IndexOptions options() const { return solusi::testing::index_options(dir_ / "articles", dir_ / "index"); }
  std::string recorded_id() const {
    return Xapian::Database((dir_ / "index").string()).get_metadata(schema::meta::events_id);
  }
  TempDir dir_;
};

TEST_F(StoredStateUnit, EveryWriterRecordsTheEventsStoreAndAFullRebuildCarriesItOver) {
  auto o = options();
  ASSERT_TRUE(index_folder(o));
  EXPECT_EQ(recorded_id(), "");  // nothing given: none recorded
  EXPECT_EQ(inspect_index(dir_ / "index").events_id, "");

  o.events_id = "aaaa";
  ASSERT_TRUE(index_folder(o));  // incremental, nothing changed but the id
  EXPECT_EQ(recorded_id(), "aaaa");

  auto full = options();
  full.full = true;  // a new generation, no id given: the previous generation's goes with it
  ASSERT_TRUE(index_folder(full));
  EXPECT_EQ(recorded_id(), "aaaa");

  auto some = options();
  some.events_id = "bbbb";
  ASSERT_TRUE(update_articles(some, {"akun/otp.md"}));
  EXPECT_EQ(recorded_id(), "bbbb");

  ASSERT_TRUE(write_events_id(dir_ / "index", "cccc"));
  EXPECT_EQ(recorded_id(), "cccc");
  EXPECT_EQ(inspect_index(dir_ / "index").events_id, "cccc");

  auto forget = options();
  forget.events_id = std::string();
  ASSERT_TRUE(index_folder(forget));
  EXPECT_EQ(recorded_id(), "");
}

TEST_F(StoredStateUnit, InspectsAbsentHealthyAndDamagedIndexes) {
  EXPECT_EQ(inspect_index(dir_ / "index").state, IndexHealth::State::absent);
  ASSERT_TRUE(index_folder(options()));
  const auto healthy = inspect_index(dir_ / "index", IndexCheck::deep);
  EXPECT_EQ(healthy.state, IndexHealth::State::healthy) << healthy.problem;
  EXPECT_TRUE(healthy.checked);
  EXPECT_EQ(healthy.documents, 1u);

  const auto live = live_generation(dir_ / "index");
  ASSERT_TRUE(live);
  const auto table = *live / "docdata.glass";
  const auto size = std::filesystem::file_size(table);
  std::filesystem::resize_file(table, size / 2);
  const auto truncated = inspect_index(dir_ / "index");
  EXPECT_EQ(truncated.state, IndexHealth::State::damaged);
  EXPECT_FALSE(truncated.problem.empty());

  dir_.write("index/XAPIANDB", "auto ../elsewhere\n");
  const auto bad_stub = inspect_index(dir_ / "index");
  EXPECT_EQ(bad_stub.state, IndexHealth::State::damaged);
  EXPECT_THAT(bad_stub.problem, HasSubstr("does not name a generation"));
}

TEST(StoredStateIdentity, AnIndexWithoutAnIdAcceptsAnyStore) {
  StoreIdentity missing;
  EXPECT_FALSE(identity_problem("", missing, "events.db"));
  EXPECT_THAT(identity_problem("abc", missing, "events.db").value_or(""), HasSubstr("is missing"));
  StoreIdentity same{StoreIdentity::State::present, 8, "abc"};
  EXPECT_FALSE(identity_problem("abc", same, "events.db"));
  StoreIdentity old{StoreIdentity::State::present, 7, ""};
  EXPECT_THAT(identity_problem("abc", old, "events.db").value_or(""), HasSubstr("has no id"));
}

}  // namespace
}  // namespace solusi::service
