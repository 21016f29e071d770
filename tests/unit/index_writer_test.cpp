// index_folder: first runs, incremental runs, errors that keep the old version live, synonyms, full
// rebuilds into a new generation, readers refreshing, and the writer lock.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>
#include <xapian.h>

#include <chrono>
#include <thread>

#include "document.hpp"
#include "schema.hpp"
#include "test_support.hpp"

namespace solusi {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
namespace fs = std::filesystem;

std::string article(std::string_view title, std::string_view body, std::string_view extra = "") {
  return "---\ntitle: " + std::string(title) + "\nlang: id\nowner: tim\nreviewed: 2026-08-01\n" +
         std::string(extra) + "---\n" + std::string(body) + "\n";
}

class Incremental : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("articles/akun/otp.md", article("Kode OTP tidak masuk", "Kode verifikasi terlambat dikirim."));
    dir_.write("articles/akun/sandi.md", article("Lupa kata sandi", "Atur ulang sandi dari halaman masuk."));
    dir_.write("articles/pengiriman/lacak.md",
               article("Lacak paket", "Nomor resi tersedia setelah dikemas."));
  }

  Result<IndexReport> run(bool full = false) {
    auto o = testing::index_options(articles(), index());
    o.full = full;
    return index_folder(o);
  }

  fs::path articles() const { return dir_ / "articles"; }
  fs::path index() const { return dir_ / "index"; }

  std::vector<std::string> search(const std::string& q) {
    auto s = service::Searcher::open(index());
    EXPECT_TRUE(s) << s.error().describe();
    if (!s) return {};
    service::SearchRequest r;
    r.q = q;
    r.partial_last_word = false;
    auto result = s->search(r);
    EXPECT_TRUE(result) << result.error().describe();
    return result ? testing::slugs_of(*result) : std::vector<std::string>{};
  }

  std::string stub() const { return testing::read_text(index() / "XAPIANDB"); }

  std::vector<std::string> id_terms() const {
    Xapian::Database db(index().string());
    const std::string q(schema::prefix::id);
    return {db.allterms_begin(q), db.allterms_end(q)};
  }

  TempDir dir_;
};

TEST_F(Incremental, LongLinkTargetsAndLearnedStemsNeverMakeATermXapianRefuses) {
  dir_.write("articles/akun/tautan.md",
             article("Tautan panjang", "Baca [ini](" + std::string(400, 'p') + ") dulu."));
  auto o = testing::index_options(articles(), index());
  LearnedTerms learned{{"akun/otp", {{std::string(300, 's'), 2}, {"kode", 1}}}};
  o.learned = &learned;
  auto report = index_folder(o);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_TRUE(report->errors.empty()) << report->errors.front().describe();
  EXPECT_EQ(report->documents, 4u);
  Xapian::Database db(index().string());
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t)
    EXPECT_LE((*t).size(), schema::max_term_bytes) << *t;
  EXPECT_TRUE(db.term_exists(link_term("akun/" + std::string(400, 'p'))));
  EXPECT_TRUE(db.term_exists(learned_term("kode")));
}

TEST_F(Incremental, UpdateArticlesAppliesTheSlugRuleSizeLimitAndSymlinks) {
  ASSERT_TRUE(run());
  dir_.write("articles/Besar Huruf.md", article("Huruf besar", "Isi."));
  dir_.write("articles/besar.md", article("Besar", std::string(600 * 1024, 'x')));
  dir_.write("luar.md", article("Luar", "Isi zirkonia."));
  fs::create_symlink(dir_ / "luar.md", articles() / "luar.md");
  auto o = testing::index_options(articles(), index());
  auto report = update_articles(o, {"Besar Huruf.md", "besar.md", "luar.md"});
  ASSERT_TRUE(report) << report.error().describe();
  ASSERT_EQ(report->errors.size(), 3u);
  EXPECT_EQ(report->errors[0].code, "invalid_file_name");
  EXPECT_EQ(report->errors[1].code, "file_too_large");
  EXPECT_EQ(report->errors[2].code, "symlink");
  EXPECT_EQ(report->documents, 3u);
  EXPECT_TRUE(search("zirkonia").empty());
}

TEST_F(Incremental, FirstRunAddsEverythingIntoANewGeneration) {
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->added, 3u);
  EXPECT_EQ(r->updated, 0u);
  EXPECT_EQ(r->removed, 0u);
  EXPECT_EQ(r->unchanged, 0u);
  EXPECT_TRUE(r->errors.empty());
  EXPECT_TRUE(r->rebuilt);
  EXPECT_EQ(r->documents, 3u);
  EXPECT_EQ(stub(), "auto gen-000001\n");
  EXPECT_TRUE(fs::is_directory(index() / "gen-000001"));
  ASSERT_TRUE(live_generation(index()));
  EXPECT_EQ(*live_generation(index()), index() / "gen-000001");
}

TEST_F(Incremental, SecondRunOnAnUnchangedFolderChangesNothing) {
  ASSERT_TRUE(run());
  const Xapian::rev before = Xapian::Database(index().string()).get_revision();
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->unchanged, 3u);
  EXPECT_EQ(r->added + r->updated + r->removed, 0u);
  EXPECT_FALSE(r->rebuilt);
  EXPECT_FALSE(r->synonyms_changed);
  EXPECT_EQ(Xapian::Database(index().string()).get_revision(), before);
  EXPECT_EQ(stub(), "auto gen-000001\n");
}

TEST_F(Incremental, TouchingAFileWithoutChangingItIsUnchanged) {
  ASSERT_TRUE(run());
  const auto p = articles() / "akun/otp.md";
  fs::last_write_time(p, fs::last_write_time(p) + std::chrono::hours(48));
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->unchanged, 3u);
}

TEST_F(Incremental, ChangedFileIsUpdated) {
  ASSERT_TRUE(run());
  EXPECT_TRUE(search("terlambat").size() == 1);
  dir_.write("articles/akun/otp.md",
             article("Kode OTP tidak masuk", "Kode verifikasi tertahan operator seluler."));
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->updated, 1u);
  EXPECT_EQ(r->unchanged, 2u);
  EXPECT_EQ(r->added + r->removed, 0u);
  EXPECT_EQ(r->documents, 3u);
  EXPECT_EQ(search("operator"), (std::vector<std::string>{"akun/otp"}));
  EXPECT_TRUE(search("terlambat").empty());
}

TEST_F(Incremental, StampsSkipReadingFilesWhoseSizeAndTimeAreUnchanged) {
  FileStamps stamps;
  auto o = testing::index_options(articles(), index());
  o.stamps = &stamps;
  ASSERT_TRUE(index_folder(o));
  EXPECT_EQ(stamps.size(), 3u);
  EXPECT_FALSE(stamps.at("akun/otp.md").hash.empty());
  // New text of the same size with the old modification time: the stamp says unchanged, so the file
  // is not read (proof that the stamps are used; an editor's save always moves the time).
  const auto p = articles() / "akun/otp.md";
  const auto time = fs::last_write_time(p);
  dir_.write("articles/akun/otp.md", article("Kode OTP tidak masuk", "Kode verifikasi xylofonik dikirim."));
  fs::last_write_time(p, time);
  auto r = index_folder(o);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->unchanged, 3u);
  EXPECT_EQ(search("xylofonik"), std::vector<std::string>{});
  // Its time moves: read again and updated; a new file is read; a deleted one leaves the stamps.
  fs::last_write_time(p, time + std::chrono::seconds(1));
  dir_.write("articles/akun/baru.md", article("Akun baru", "Daftar dengan nomor ponsel."));
  fs::remove(articles() / "pengiriman/lacak.md");
  r = index_folder(o);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->updated, 1u);
  EXPECT_EQ(r->added, 1u);
  EXPECT_EQ(r->removed, 1u);
  EXPECT_EQ(search("xylofonik"), std::vector<std::string>{"akun/otp"});
  EXPECT_EQ(stamps.size(), 3u);
  EXPECT_EQ(stamps.count("pengiriman/lacak.md"), 0u);
  // Without stamps every file is read: the same run finds nothing to do.
  o.stamps = nullptr;
  r = index_folder(o);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->unchanged, 3u);
}

TEST_F(Incremental, DeletedFileIsRemovedAndNoLongerFound) {
  ASSERT_TRUE(run());
  ASSERT_EQ(search("resi"), (std::vector<std::string>{"pengiriman/lacak"}));
  fs::remove(articles() / "pengiriman/lacak.md");
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->removed, 1u);
  EXPECT_EQ(r->unchanged, 2u);
  EXPECT_EQ(r->documents, 2u);
  EXPECT_TRUE(search("resi").empty());
}

TEST_F(Incremental, SpellingTableFollowsChangesAndDeletes) {
  ASSERT_TRUE(run());
  auto spellings = [&] {
    Xapian::Database db(index().string());
    return std::vector<std::string>(db.spellings_begin(), db.spellings_end());
  };
  EXPECT_TRUE(testing::contains(spellings(), "resi"));
  EXPECT_TRUE(testing::contains(spellings(), "terlambat"));
  dir_.write("articles/akun/otp.md", article("Kode OTP tidak masuk", "Kode verifikasi tertahan operator."));
  fs::remove(articles() / "pengiriman/lacak.md");
  ASSERT_TRUE(run());
  const auto after = spellings();
  EXPECT_FALSE(testing::contains(after, "resi"));       // its only article was deleted
  EXPECT_FALSE(testing::contains(after, "terlambat"));  // its only article no longer says it
  EXPECT_TRUE(testing::contains(after, "tertahan"));
  EXPECT_TRUE(testing::contains(after, "verifikasi"));  // still used
}

TEST_F(Incremental, RenamedFileIsAddedAndTheOldSlugRemoved) {
  ASSERT_TRUE(run());
  fs::rename(articles() / "akun/sandi.md", articles() / "akun/kata-sandi.md");
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->added, 1u);
  EXPECT_EQ(r->removed, 1u);
  EXPECT_EQ(search("halaman"), (std::vector<std::string>{"akun/kata-sandi"}));
}

TEST_F(Incremental, MalformedFileIsReportedAndItsOldVersionStaysSearchable) {
  ASSERT_TRUE(run());
  dir_.write("articles/akun/otp.md",
             "---\n"
             "title: Kode OTP tidak masuk\n"
             "tags: [otp\n"  // line 3: unclosed list
             "---\n"
             "Kode verifikasi kini dikirim lewat WhatsApp.\n");
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->errors.size(), 1u);
  const Diagnostic& e = r->errors[0];
  EXPECT_EQ(e.file, "akun/otp.md");
  EXPECT_GE(e.line, 3);
  EXPECT_EQ(e.severity, Diagnostic::Severity::error);
  EXPECT_THAT(e.describe(), HasSubstr("akun/otp.md:" + std::to_string(e.line) + ":"));
  EXPECT_EQ(r->removed, 0u);
  EXPECT_EQ(r->documents, 3u);
  EXPECT_EQ(search("terlambat"), (std::vector<std::string>{"akun/otp"}));
  EXPECT_TRUE(search("whatsapp").empty());
}

TEST_F(Incremental, MalformedFileOnTheFirstRunIsSkippedAndTheRestIndexed) {
  dir_.write("articles/rusak.md", "---\ntitle: Rusak\nreviewed: 2026-02-30\n---\nIsi.\n");
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->added, 3u);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].file, "rusak.md");
  EXPECT_EQ(r->errors[0].line, 3);
  EXPECT_EQ(r->documents, 3u);
}

TEST_F(Incremental, WarningsAreReportedButTheArticleIsIndexed) {
  dir_.write("articles/tanpa-pemilik.md", "# Tanpa pemilik\n\nIsi artikel.\n");
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->added, 4u);
  EXPECT_TRUE(r->errors.empty());
  EXPECT_TRUE(std::any_of(r->warnings.begin(), r->warnings.end(), [](const Diagnostic& d) {
    return d.file == "tanpa-pemilik.md" && d.code == "missing_owner";
  }));
}

TEST_F(Incremental, SynonymFileChangesAreApplied) {
  dir_.write("articles/pengiriman/ongkir.md", article("Biaya ongkir", "Ongkir dihitung dari berat paket."));
  ASSERT_TRUE(run());
  EXPECT_FALSE(testing::contains(search("freight"), "pengiriman/ongkir"));

  dir_.write("articles/synonyms.txt", "# grup\nongkir, freight\n");
  auto added = run();
  ASSERT_TRUE(added) << added.error().describe();
  EXPECT_TRUE(added->synonyms_changed);
  EXPECT_EQ(added->synonym_groups, 1u);
  EXPECT_EQ(added->unchanged, 4u);
  EXPECT_TRUE(testing::contains(search("freight"), "pengiriman/ongkir"));

  auto again = run();
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->synonyms_changed);

  dir_.write("articles/synonyms.txt", "# grup dihapus\n");
  auto removed = run();
  ASSERT_TRUE(removed) << removed.error().describe();
  EXPECT_TRUE(removed->synonyms_changed);
  EXPECT_EQ(removed->synonym_groups, 0u);
  EXPECT_FALSE(testing::contains(search("freight"), "pengiriman/ongkir"));
}

TEST_F(Incremental, DeletingTheSynonymFileClearsTheSynonyms) {
  dir_.write("articles/synonyms.txt", "ongkir, freight\n");
  ASSERT_TRUE(run());
  fs::remove(articles() / "synonyms.txt");
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->synonyms_changed);
  Xapian::Database db(index().string());
  EXPECT_EQ(db.synonym_keys_begin(), db.synonym_keys_end());
}

TEST_F(Incremental, BadSynonymLinesAreErrorsOfTheRun) {
  dir_.write("articles/synonyms.txt", "ongkir, freight\nsendirian\n");
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].file, "synonyms.txt");
  EXPECT_EQ(r->errors[0].line, 2);
  EXPECT_EQ(r->synonym_groups, 1u);
}

TEST_F(Incremental, FullRebuildWritesANewGenerationWithTheSameDocuments) {
  ASSERT_TRUE(run());
  const auto before = id_terms();
  ASSERT_EQ(before.size(), 3u);
  auto r = run(/*full=*/true);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->rebuilt);
  EXPECT_EQ(r->added, 3u);
  EXPECT_EQ(stub(), "auto gen-000002\n");
  EXPECT_TRUE(fs::is_directory(index() / "gen-000002"));
  EXPECT_FALSE(fs::exists(index() / "gen-000001"));
  EXPECT_EQ(id_terms(), before);
  EXPECT_EQ(search("resi"), (std::vector<std::string>{"pengiriman/lacak"}));
}

TEST_F(Incremental, ReaderOpenedBeforeAFullRebuildRefreshesToTheNewGeneration) {
  ASSERT_TRUE(run());
  auto reader = service::Searcher::open(index());
  ASSERT_TRUE(reader) << reader.error().describe();
  EXPECT_EQ(reader->document_count(), 3u);

  dir_.write("articles/promo/voucher.md",
             article("Voucher gratis ongkir", "Kode voucher berlaku sampai akhir bulan."));
  auto r = run(/*full=*/true);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_FALSE(fs::exists(index() / "gen-000001"));

  // Until it refreshes the reader keeps its (deleted but open) generation.
  service::SearchRequest q;
  q.q = "voucher";
  q.partial_last_word = false;
  auto old = reader->search(q);
  ASSERT_TRUE(old) << old.error().describe();
  EXPECT_TRUE(old->hits.empty());

  auto refreshed = reader->refresh();
  ASSERT_TRUE(refreshed) << refreshed.error().describe();
  EXPECT_TRUE(*refreshed);
  EXPECT_EQ(reader->document_count(), 4u);
  auto now = reader->search(q);
  ASSERT_TRUE(now) << now.error().describe();
  EXPECT_EQ(testing::slugs_of(*now), (std::vector<std::string>{"promo/voucher"}));

  auto again = reader->refresh();
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST_F(Incremental, ReaderRefreshesAfterAnIncrementalRun) {
  ASSERT_TRUE(run());
  auto reader = service::Searcher::open(index());
  ASSERT_TRUE(reader) << reader.error().describe();
  const auto rev = reader->revision();
  dir_.write("articles/promo/voucher.md",
             article("Voucher gratis ongkir", "Kode voucher berlaku sampai akhir bulan."));
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->added, 1u);
  EXPECT_FALSE(r->rebuilt);
  auto refreshed = reader->refresh();
  ASSERT_TRUE(refreshed) << refreshed.error().describe();
  EXPECT_TRUE(*refreshed);
  EXPECT_GT(reader->revision(), rev);
  EXPECT_EQ(reader->document_count(), 4u);
}

TEST_F(Incremental, IndexFromAnotherSchemaVersionIsRebuilt) {
  ASSERT_TRUE(run());
  {
    Xapian::WritableDatabase db((index() / "gen-000001").string(), Xapian::DB_OPEN);
    db.set_metadata(schema::meta::schema_version, "0");
    db.commit();
  }
  EXPECT_FALSE(index_is_current(index()));
  EXPECT_FALSE(service::Searcher::open(index()));
  EXPECT_EQ(service::Searcher::open(index()).error().code, ErrorCode::index_unavailable);
  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->rebuilt);
  EXPECT_EQ(r->added, 3u);
  EXPECT_TRUE(index_is_current(index()));
  EXPECT_EQ(stub(), "auto gen-000002\n");
}

TEST_F(Incremental, SecondWriterFailsWhileTheLockIsHeld) {
  ASSERT_TRUE(run());
  // Another writer: an flock on the index's lock file through its own open file description, which
  // is what a second process would hold.
  const int fd = ::open((index() / ".lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  auto blocked = run();
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, ErrorCode::index_unavailable);
  EXPECT_THAT(blocked.error().message, HasSubstr("another"));
  auto blocked_full = run(/*full=*/true);
  ASSERT_FALSE(blocked_full);
  EXPECT_EQ(blocked_full.error().code, ErrorCode::index_unavailable);
  ::close(fd);

  auto r = run();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->unchanged, 3u);
}

TEST_F(Incremental, AWriterGivenTimeWaitsForTheLockHolderToFinish) {
  ASSERT_TRUE(run());
  dir_.write("articles/akun/menunggu.md", article("Menunggu", "Teks kuvandril."));
  const int fd = ::open((index() / ".lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::thread holder([fd] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::close(fd);  // the other writer finishes
  });
  auto o = testing::index_options(articles(), index());
  o.lock_wait = std::chrono::seconds(20);
  auto r = index_folder(o);
  holder.join();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->added, 1u);
}

TEST_F(Incremental, MissingArticlesFolderIsNotFound) {
  auto o = testing::index_options(dir_ / "nope", index());
  auto r = index_folder(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_THAT(r.error().message, HasSubstr("nope"));
  EXPECT_FALSE(fs::exists(index()));
}

TEST(ScanArticles, SkipsHiddenUnderscoreReadmeAndOtherFiles) {
  TempDir dir;
  dir.write("a/satu.md", "x");
  dir.write("a/README.md", "x");
  dir.write("a/_partial.md", "x");
  dir.write(".git/objects/x.md", "x");
  dir.write("b/.hidden.md", "x");
  dir.write("b/catatan.txt", "x");
  dir.write("b/dua.md", "x");
  dir.write("media/gambar.png", "x");
  auto files = scan_articles(dir.path());
  ASSERT_TRUE(files) << files.error().describe();
  std::vector<std::string> rel;
  for (const auto& f : *files) rel.push_back(f.relative);
  EXPECT_EQ(rel, (std::vector<std::string>{"a/satu.md", "b/dua.md"}));
  EXPECT_EQ((*files)[0].absolute, dir / "a/satu.md");
}

TEST(ScanArticles, MissingFolderIsNotFound) {
  TempDir dir;
  auto files = scan_articles(dir / "tidak-ada");
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code, ErrorCode::not_found);
  dir.write("berkas.md", "x");
  EXPECT_FALSE(scan_articles(dir / "berkas.md"));
}

TEST(IndexThreads, ManyArticlesWithSeveralThreadsGiveTheSameIndexAsOne) {
  TempDir dir;
  for (int i = 0; i < 300; ++i)  // more than the writer's window of 256 slots
    dir.write("articles/a" + std::to_string(i) + ".md",
              "# Artikel " + std::to_string(i) + "\n\nIsi nomor " + std::to_string(i) + " tentang paket.\n");
  auto one = testing::index_options(dir / "articles", dir / "one");
  auto four = testing::index_options(dir / "articles", dir / "four");
  four.threads = 4;
  auto r1 = index_folder(one);
  auto r4 = index_folder(four);
  ASSERT_TRUE(r1) << r1.error().describe();
  ASSERT_TRUE(r4) << r4.error().describe();
  EXPECT_EQ(r1->added, 300u);
  EXPECT_EQ(r4->added, 300u);
  Xapian::Database d1((dir / "one").string()), d4((dir / "four").string());
  for (Xapian::docid id : {1u, 150u, 300u})
    EXPECT_EQ(d1.get_document(id).get_value(schema::slot(schema::Slot::slug)),
              d4.get_document(id).get_value(schema::slot(schema::Slot::slug)));
}

}  // namespace
}  // namespace solusi
