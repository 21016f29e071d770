// The real `solusi index` and `solusi doctor` on stored state: the events store the index goes with
// (refused when missing, emptied or another one, unless --new-events-store), a damaged index rebuilt
// from the articles, and the doctor's verdict with the command that recovers each fault.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "config.hpp"
#include "events.hpp"
#include "test_support.hpp"

namespace solusi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::run_solusi;
using testing::TempDir;

std::string article(std::string_view title, std::string_view body) {
  return "---\ntitle: " + std::string(title) + "\nlang: id\nowner: tim\nreviewed: 2026-08-01\n---\n" +
         std::string(body) + "\n";
}

std::string output(const testing::ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

class CliState : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("articles/pembayaran/refund.md",
               article("Cara mengajukan pengembalian dana", "Pengembalian dana diajukan dari menu pesanan."));
    dir_.write("articles/akun/otp.md", article("Kode OTP tidak masuk", "Kode verifikasi terlambat dikirim."));
    // An events store, then the index, which records the store's id.
    auto store = service::EventStore::open(events());
    ASSERT_TRUE(store) << store.error().describe();
    id_ = (*store)->id();
    store->reset();
    const auto r = run({"index", "--articles", articles(), "--index", index()});
    ASSERT_EQ(r.exit_code, 0) << output(r);
  }

  std::string articles() const { return (dir_ / "articles").string(); }
  std::string index() const { return (dir_ / "index").string(); }
  std::filesystem::path events() const { return service::default_events_path(dir_ / "index"); }

  testing::ProcessResult run(std::vector<std::string> args) { return run_solusi(std::move(args), dir_); }
  testing::ProcessResult index_run(std::vector<std::string> more = {}) {
    std::vector<std::string> args{"index", "--articles", articles(), "--index", index()};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  }
  testing::ProcessResult doctor() { return run({"doctor", "--articles", articles(), "--index", index()}); }

  std::filesystem::path live() const {
    auto g = live_generation(dir_ / "index");
    EXPECT_TRUE(g) << g.error().describe();
    return g ? *g : std::filesystem::path();
  }

  TempDir dir_;
  std::string id_;
};

TEST_F(CliState, IndexRefusesADeletedEventsStoreUntilToldToStartANewOne) {
  ASSERT_FALSE(id_.empty());
  std::filesystem::remove(events());
  const auto refused = index_run();
  EXPECT_EQ(refused.exit_code, 2) << output(refused);
  EXPECT_THAT(refused.err, HasSubstr("is missing"));
  EXPECT_THAT(refused.err, HasSubstr(id_));
  EXPECT_THAT(refused.err, HasSubstr("from a backup"));
  EXPECT_THAT(refused.err, HasSubstr("--index " + index() + " --new-events-store"));  // the command to run

  const auto accepted = index_run({"--new-events-store"});
  EXPECT_EQ(accepted.exit_code, 0) << output(accepted);
  // The index forgot the old store: a plain run works again.
  const auto again = index_run();
  EXPECT_EQ(again.exit_code, 0) << output(again);
}

TEST_F(CliState, IndexRefusesAnEmptiedAndAnotherEventsStore) {
  std::filesystem::resize_file(events(), 0);
  auto r = index_run();
  EXPECT_EQ(r.exit_code, 2) << output(r);
  EXPECT_THAT(r.err, HasSubstr("is empty (0 bytes)"));

  std::filesystem::remove(events());
  std::string other;
  {
    auto store = service::EventStore::open(events());
    ASSERT_TRUE(store) << store.error().describe();
    other = (*store)->id();
  }
  r = index_run();
  EXPECT_EQ(r.exit_code, 2) << output(r);
  EXPECT_THAT(r.err, HasSubstr("is another store (id " + other + ")"));

  r = index_run({"--new-events-store"});
  EXPECT_EQ(r.exit_code, 0) << output(r);
  r = index_run();
  EXPECT_EQ(r.exit_code, 0) << output(r);
}

TEST_F(CliState, IndexRebuildsADamagedIndexFromTheArticles) {
  dir_.write("index/XAPIANDB", "");
  const auto r = index_run();
  EXPECT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.err, HasSubstr("is damaged"));
  EXPECT_THAT(r.out, HasSubstr("(full rebuild)"));
  const auto found = run({"search", "pengembalian", "--index", index()});
  EXPECT_EQ(found.exit_code, 0) << output(found);
  EXPECT_THAT(found.out, HasSubstr("pembayaran/refund"));
  EXPECT_EQ(doctor().exit_code, 0) << output(doctor());
}

TEST_F(CliState, DoctorOnAHealthySetupExitsZero) {
  const auto r = doctor();
  EXPECT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("healthy"));
  EXPECT_THAT(r.out, Not(HasSubstr("FAIL")));
  EXPECT_THAT(r.out, HasSubstr(id_));

  const auto j = run({"doctor", "--articles", articles(), "--index", index(), "--json"});
  EXPECT_EQ(j.exit_code, 0) << output(j);
  const auto json = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << j.out;
  EXPECT_EQ(json["healthy"], true);
  EXPECT_EQ(json["findings"].size(), 3u) << j.out;
}

TEST_F(CliState, DoctorNamesTheRebuildForACorruptStub) {
  dir_.write("index/XAPIANDB", "auto gen-999999\n");
  const auto r = doctor();
  EXPECT_EQ(r.exit_code, 1) << output(r);
  EXPECT_THAT(r.out, HasSubstr("FAIL index"));
  EXPECT_THAT(r.out, HasSubstr("solusi index --full --articles " + articles() + " --index " + index()));
}

TEST_F(CliState, DoctorNamesTheRebuildForATruncatedTable) {
  const auto table = live() / "termlist.glass";
  std::filesystem::resize_file(table, std::filesystem::file_size(table) / 2);
  const auto r = doctor();
  EXPECT_EQ(r.exit_code, 1) << output(r);
  EXPECT_THAT(r.out, HasSubstr("is damaged"));
  EXPECT_THAT(r.out, HasSubstr("solusi index --full"));
}

TEST_F(CliState, DoctorNamesTheWaysOutForAMissingOrDamagedEventsStore) {
  std::filesystem::remove(events());
  auto r = doctor();
  EXPECT_EQ(r.exit_code, 1) << output(r);
  EXPECT_THAT(r.out, HasSubstr("FAIL events"));
  EXPECT_THAT(r.out, HasSubstr("is missing"));
  EXPECT_THAT(r.out, HasSubstr("from a backup"));
  EXPECT_THAT(r.out, HasSubstr("solusi serve --new-events-store --articles " + articles()));

  {
    std::ofstream garbage(events(), std::ios::binary);  // not a database
    garbage << std::string(8192, 'x');
  }
  r = doctor();
  EXPECT_EQ(r.exit_code, 1) << output(r);
  EXPECT_THAT(r.out, HasSubstr("FAIL events"));
  EXPECT_THAT(r.out, HasSubstr("from a backup"));
}

TEST_F(CliState, DoctorFindsArticlesTheIndexDoesNotHoldAsTheyAre) {
  dir_.write("articles/pembayaran/refund.md",
             article("Cara mengajukan pengembalian dana", "Teks baru yang belum diindeks."));
  dir_.write("articles/akun/baru.md", article("Artikel baru", "Belum diindeks sama sekali."));
  std::filesystem::remove(dir_ / "articles/akun/otp.md");
  auto r = doctor();
  EXPECT_EQ(r.exit_code, 1) << output(r);
  EXPECT_THAT(r.out, HasSubstr("not in the index: akun/baru"));
  EXPECT_THAT(r.out, HasSubstr("other content than their file: pembayaran/refund"));
  EXPECT_THAT(r.out, HasSubstr("have no file: akun/otp"));
  EXPECT_THAT(r.out, HasSubstr("to recover: solusi index --articles " + articles()));

  ASSERT_EQ(index_run().exit_code, 0);
  r = doctor();
  EXPECT_EQ(r.exit_code, 0) << output(r);
}

}  // namespace
}  // namespace solusi
