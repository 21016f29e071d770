// The Publisher, the single writer of articles and the index, with a real EventStore and index in a
// TempDir: creating, updating, archiving and restoring articles, drafts saved beside a live published
// article, ETag preconditions, the revision baseline of a file that existed before the first API write,
// and outside edits of the articles folder picked up by a reindex and recorded as revisions.
#include "publisher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "editing.hpp"
#include "test_support.hpp"

namespace solusi::service {
namespace {

namespace fs = std::filesystem;
using solusi::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// An article whose body contains @p word (a made-up word found nowhere else).
std::string article(const std::string& title, const std::string& word,
                    const std::string& status = "published", const std::string& extra_front_matter = "") {
  return "---\ntitle: " + title +
         "\nlang: id\ntags: [uji]\nowner: tim-uji\nreviewed: 2026-10-01\nstatus: " + status +
         "\naudience: internal\n" + extra_front_matter + "---\nArtikel ini menjelaskan " + word +
         " untuk agen.\n";
}

const std::string existing_slug = "akun/lama";
const std::string existing_text = article("Artikel lama", "kwintolef");

/// Polls @p done every 20 ms until it is true or @p timeout passes; returns its last value.
template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(articles_dir());
    write_text(articles_dir() / (existing_slug + ".md"), existing_text);
    auto report = index_folder(solusi::testing::index_options(articles_dir(), index_dir()));
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();
    auto store = EventStore::open(dir_ / "events.db", false, [this] { return clock_.load(); });
    ASSERT_TRUE(store) << store.error().describe();
    events_ = std::move(*store);
    Config c;
    c.articles_dir = articles_dir();
    c.index_dir = index_dir();
    publisher_ = std::make_unique<Publisher>(c, *events_);
    publisher_->start();
  }

  void TearDown() override {
    if (publisher_) publisher_->stop();
    publisher_.reset();
    events_.reset();
  }

  fs::path articles_dir() const { return dir_ / "articles"; }
  fs::path index_dir() const { return dir_ / "index"; }
  fs::path file_of(const std::string& slug) const { return articles_dir() / (slug + ".md"); }

  static void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }

  /// Slugs an agent finds for @p word in the index as it is on disk now.
  std::vector<std::string> agent_search(const std::string& word) {
    auto searcher = Searcher::open(index_dir());
    EXPECT_TRUE(searcher) << searcher.error().describe();
    if (!searcher) return {};
    SearchRequest r;
    r.q = word;
    r.limit = 50;
    auto result = searcher->search(r);
    EXPECT_TRUE(result) << result.error().describe();
    return result ? solusi::testing::slugs_of(*result) : std::vector<std::string>{};
  }

  Result<WriteResult> write(const std::string& slug, const std::string& text,
                            std::optional<std::string> if_match = std::nullopt,
                            const std::string& author = "budi", const std::string& note = "") {
    WriteRequest w;
    w.slug = slug;
    w.text = text;
    w.author = author;
    w.note = note;
    w.if_match = std::move(if_match);
    return publisher_->write(w);
  }

  std::vector<std::string> actions(const std::string& slug) {
    auto list = events_->revisions(slug);
    EXPECT_TRUE(list) << list.error().describe();
    std::vector<std::string> out;
    if (list)
      for (const auto& r : *list) out.push_back(r.author + ":" + r.action);
    return out;
  }

  TempDir dir_;
  std::atomic<std::int64_t> clock_{1'790'000'000};
  std::unique_ptr<EventStore> events_;
  std::unique_ptr<Publisher> publisher_;
};

TEST(EtagOf, IsAQuotedHashOfTheBytes) {
  const std::string a = etag_of("abc"), b = etag_of("abd");
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_GT(a.size(), 8u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, etag_of(std::string("abc")));
}

TEST_F(PublisherTest, CreateWritesTheExactBytesRecordsRevisionOneAndIndexes) {
  const std::string text = article("Refund ke dompet Zorblux", "zorblux");
  EXPECT_FALSE(solusi::testing::contains(agent_search("zorblux"), "pembayaran/zorblux"));
  auto r = write("pembayaran/zorblux", text, std::nullopt, "budi", "first version");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->slug, "pembayaran/zorblux");
  EXPECT_TRUE(r->created);
  EXPECT_FALSE(r->draft_copy);
  EXPECT_EQ(r->revision, 1);
  EXPECT_EQ(r->status, "published");
  EXPECT_EQ(r->etag, etag_of(text));
  EXPECT_GE(r->took_ms, 0);
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_EQ(solusi::testing::read_text(file_of("pembayaran/zorblux")), text);
  // Acknowledged means searchable: no waiting.
  EXPECT_THAT(agent_search("zorblux"), ElementsAre("pembayaran/zorblux"));

  auto rev = events_->revision("pembayaran/zorblux", 1);
  ASSERT_TRUE(rev && *rev);
  EXPECT_EQ((*rev)->author, "budi");
  EXPECT_EQ((*rev)->action, "create");
  EXPECT_EQ((*rev)->status, "published");
  EXPECT_EQ((*rev)->note, "first version");
  EXPECT_EQ((*rev)->text, text);
  EXPECT_EQ((*rev)->at, 1'790'000'000);
  EXPECT_EQ("\"" + (*rev)->hash + "\"", r->etag);

  auto current = publisher_->current("pembayaran/zorblux");
  ASSERT_TRUE(current && *current);
  EXPECT_EQ((*current)->first, text);
  EXPECT_EQ((*current)->second, r->etag);
}

TEST_F(PublisherTest, UpdateNeedsTheCurrentEtagAndAStaleOneSaysWhoChangedIt) {
  const std::string v1 = article("Ongkir Vornak", "vornakesa");
  auto r1 = write("pengiriman/vornak", v1, std::nullopt, "budi");
  ASSERT_TRUE(r1) << r1.error().describe();

  const std::string v2 = article("Ongkir Vornak", "vornakesa diperbarui");
  clock_ = 1'790'000'100;
  auto r2 = write("pengiriman/vornak", v2, r1->etag, "sari", "typo");
  ASSERT_TRUE(r2) << r2.error().describe();
  EXPECT_FALSE(r2->created);
  EXPECT_EQ(r2->revision, 2);
  EXPECT_EQ(r2->etag, etag_of(v2));
  EXPECT_NE(r2->etag, r1->etag);

  // An editor who loaded version 1 loses: 412 with the author and revision of version 2.
  WriteRequest stale{"pengiriman/vornak", article("Ongkir Vornak", "vornakesa lagi"), "budi", "", r1->etag};
  Conflict conflict;
  auto r3 = publisher_->write(stale, &conflict);
  ASSERT_FALSE(r3);
  EXPECT_EQ(r3.error().code, ErrorCode::precondition_failed);
  EXPECT_THAT(r3.error().message, HasSubstr("revision 2 by sari"));
  EXPECT_EQ(conflict.etag, r2->etag);
  ASSERT_TRUE(conflict.latest);
  EXPECT_EQ(conflict.latest->author, "sari");
  EXPECT_EQ(conflict.latest->revision, 2);
  EXPECT_EQ(conflict.latest->at, 1'790'000'100);
  EXPECT_EQ(conflict.latest->note, "typo");
  // Nothing changed.
  EXPECT_EQ(solusi::testing::read_text(file_of("pengiriman/vornak")), v2);
  EXPECT_EQ(actions("pengiriman/vornak"), (std::vector<std::string>{"budi:create", "sari:update"}));

  // A write without If-Match is unconditional (last writer wins, as documented).
  auto r4 = write("pengiriman/vornak", v1);
  ASSERT_TRUE(r4) << r4.error().describe();
  EXPECT_EQ(r4->revision, 3);
}

TEST_F(PublisherTest, IfMatchStarAndIfNoneMatchStar) {
  // "*" on a missing article fails; If-None-Match: * on an existing one fails.
  Conflict conflict;
  WriteRequest w{"akun/baru", article("Baru", "qelvinor"), "budi", "", std::string("*")};
  auto r = publisher_->write(w, &conflict);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::precondition_failed);
  EXPECT_TRUE(conflict.etag.empty());
  EXPECT_FALSE(fs::exists(file_of("akun/baru")));

  WriteRequest create{"akun/baru", article("Baru", "qelvinor"), "budi", "", std::nullopt, true};
  auto created = publisher_->write(create);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_TRUE(created->created);

  auto again = publisher_->write(create, &conflict);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(conflict.etag, created->etag);
  ASSERT_TRUE(conflict.latest);
  EXPECT_EQ(conflict.latest->author, "budi");

  w.text = article("Baru", "qelvinor kedua");
  auto star = publisher_->write(w);
  ASSERT_TRUE(star) << star.error().describe();
  EXPECT_EQ(star->revision, 2);
}

TEST_F(PublisherTest, BadWritesChangeNothing) {
  // Front matter error: 422-style error with the line, no file, no revision.
  auto bad_yaml = write("akun/rusak", "---\ntitle: A\nstatus: nonsense\n---\nBody\n");
  ASSERT_FALSE(bad_yaml);
  EXPECT_EQ(bad_yaml.error().code, ErrorCode::invalid_article);
  EXPECT_EQ(bad_yaml.error().line, 3);
  EXPECT_THAT(bad_yaml.error().message, HasSubstr("status"));
  auto unparsable = write("akun/rusak", "---\ntitle: [unclosed\n---\nBody\n");
  ASSERT_FALSE(unparsable);
  EXPECT_EQ(unparsable.error().code, ErrorCode::invalid_article);
  EXPECT_GT(unparsable.error().line, 0);
  EXPECT_FALSE(fs::exists(file_of("akun/rusak")));

  auto bad_slug = write("../rusak", article("A", "x"));
  ASSERT_FALSE(bad_slug);
  EXPECT_EQ(bad_slug.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(fs::exists(dir_ / "rusak.md"));

  const std::string huge = article("Besar", "besar") + std::string(max_article_bytes, 'x') + "\n";
  auto too_large = write("akun/besar", huge);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, ErrorCode::too_large);
  EXPECT_FALSE(fs::exists(file_of("akun/besar")));

  // An update refused for bad front matter keeps the old file and its index entry.
  auto bad_update = write(existing_slug, "---\nlang: xx\n---\nBody\n");
  ASSERT_FALSE(bad_update);
  EXPECT_EQ(bad_update.error().code, ErrorCode::invalid_article);
  EXPECT_EQ(solusi::testing::read_text(file_of(existing_slug)), existing_text);
  EXPECT_THAT(agent_search("kwintolef"), ElementsAre(existing_slug));
  for (const std::string& slug : std::vector<std::string>{"akun/rusak", "akun/besar", existing_slug})
    EXPECT_TRUE(actions(slug).empty()) << slug;
}

TEST_F(PublisherTest, FirstApiWriteOfAFileThatWasThereRecordsItAsFound) {
  const std::string v2 = article("Artikel lama", "kwintolef diperbarui");
  auto r = write(existing_slug, v2, etag_of(existing_text), "budi", "update");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_FALSE(r->created);
  EXPECT_EQ(r->revision, 2);
  EXPECT_EQ(actions(existing_slug), (std::vector<std::string>{"file:external", "budi:update"}));
  auto baseline = events_->revision(existing_slug, 1);
  ASSERT_TRUE(baseline && *baseline);
  EXPECT_EQ((*baseline)->text, existing_text);
  EXPECT_EQ((*baseline)->note, "as found in the articles folder");
  EXPECT_EQ((*baseline)->status, "published");
  // The second write has its baseline already.
  auto r3 = write(existing_slug, article("Artikel lama", "kwintolef ketiga"), r->etag);
  ASSERT_TRUE(r3) << r3.error().describe();
  EXPECT_EQ(r3->revision, 3);
  EXPECT_EQ(actions(existing_slug).size(), 3u);
}

TEST_F(PublisherTest, ArchiveKeepsTheFileAndHistoryButLeavesSearch) {
  auto created = write("pembayaran/plumqor", article("Plumqor", "plumqor"));
  ASSERT_TRUE(created) << created.error().describe();
  ASSERT_THAT(agent_search("plumqor"), ElementsAre("pembayaran/plumqor"));

  // A stale If-Match refuses the archive.
  Conflict conflict;
  auto stale = publisher_->archive("pembayaran/plumqor", "budi", "", etag_of("something else"), &conflict);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(conflict.etag, created->etag);

  auto archived = publisher_->archive("pembayaran/plumqor", "sari", "", created->etag);
  ASSERT_TRUE(archived) << archived.error().describe();
  EXPECT_EQ(archived->status, "archived");
  EXPECT_EQ(archived->revision, 2);
  const std::string on_disk = solusi::testing::read_text(file_of("pembayaran/plumqor"));
  EXPECT_THAT(on_disk, HasSubstr("\nstatus: archived\n"));
  EXPECT_THAT(on_disk, HasSubstr("plumqor untuk agen"));
  EXPECT_EQ(archived->etag, etag_of(on_disk));
  EXPECT_FALSE(solusi::testing::contains(agent_search("plumqor"), "pembayaran/plumqor"));
  auto rev = events_->revision("pembayaran/plumqor", 2);
  ASSERT_TRUE(rev && *rev);
  EXPECT_EQ((*rev)->action, "archive");
  EXPECT_EQ((*rev)->note, "archived");
  EXPECT_EQ((*rev)->author, "sari");

  auto missing = publisher_->archive("pembayaran/tidak-ada", "sari", "", std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);

  // Restore: back to published and searchable.
  auto restored = publisher_->restore("pembayaran/plumqor", "budi", "", std::nullopt);
  ASSERT_TRUE(restored) << restored.error().describe();
  EXPECT_EQ(restored->status, "published");
  EXPECT_EQ(restored->revision, 3);
  EXPECT_THAT(solusi::testing::read_text(file_of("pembayaran/plumqor")), HasSubstr("\nstatus: published\n"));
  EXPECT_THAT(agent_search("plumqor"), ElementsAre("pembayaran/plumqor"));
  EXPECT_EQ(actions("pembayaran/plumqor"),
            (std::vector<std::string>{"budi:create", "sari:archive", "budi:restore"}));

  // Restoring an article that is not archived is refused.
  auto not_archived = publisher_->restore("pembayaran/plumqor", "budi", "", std::nullopt);
  ASSERT_FALSE(not_archived);
  EXPECT_EQ(not_archived.error().code, ErrorCode::invalid_argument);
  EXPECT_THAT(not_archived.error().message, HasSubstr("not archived"));
}

TEST_F(PublisherTest, RestoringARevisionWritesItsTextAsANewRevision) {
  const std::string v1 = article("Gravulent", "gravulent");
  const std::string v2 = article("Gravulent", "gravulent dengan trospinat");
  auto r1 = write("akun/gravulent", v1);
  ASSERT_TRUE(r1) << r1.error().describe();
  auto r2 = write("akun/gravulent", v2, r1->etag);
  ASSERT_TRUE(r2) << r2.error().describe();
  ASSERT_THAT(agent_search("trospinat"), ElementsAre("akun/gravulent"));

  auto back = publisher_->restore("akun/gravulent", "sari", "", 1);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->revision, 3);
  EXPECT_EQ(back->etag, r1->etag);
  EXPECT_EQ(solusi::testing::read_text(file_of("akun/gravulent")), v1);
  EXPECT_FALSE(solusi::testing::contains(agent_search("trospinat"), "akun/gravulent"));
  auto rev = events_->revision("akun/gravulent", 3);
  ASSERT_TRUE(rev && *rev);
  EXPECT_EQ((*rev)->text, v1);
  EXPECT_EQ((*rev)->action, "restore");
  EXPECT_EQ((*rev)->note, "restored revision 1");

  auto unknown = publisher_->restore("akun/gravulent", "sari", "", 9);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
}

TEST_F(PublisherTest, ADraftOfAPublishedArticleWaitsBesideItUntilPublished) {
  const std::string live = article("Saldo Frenquil", "frenquil");
  auto r1 = write("pembayaran/frenquil", live);
  ASSERT_TRUE(r1) << r1.error().describe();

  const std::string draft = article("Saldo Frenquil", "frenquil baru dengan yorbastin", "draft");
  auto r2 = write("pembayaran/frenquil", draft, r1->etag, "budi", "work in progress");
  ASSERT_TRUE(r2) << r2.error().describe();
  EXPECT_TRUE(r2->draft_copy);
  EXPECT_FALSE(r2->created);
  EXPECT_EQ(r2->status, "draft");
  EXPECT_EQ(r2->revision, 2);
  EXPECT_EQ(r2->etag, r1->etag) << "the live article did not change";
  EXPECT_EQ(solusi::testing::read_text(file_of("pembayaran/frenquil")), live);
  auto copy = publisher_->draft_copy("pembayaran/frenquil");
  ASSERT_TRUE(copy && *copy);
  EXPECT_EQ(**copy, draft);
  // The published text stays searchable; the draft's words are not.
  EXPECT_THAT(agent_search("frenquil"), ElementsAre("pembayaran/frenquil"));
  EXPECT_FALSE(solusi::testing::contains(agent_search("yorbastin"), "pembayaran/frenquil"));

  EXPECT_EQ(r2->draft_etag, etag_of(draft));

  // A review copy replaces the draft copy; still not live. Its If-Match is the draft's ETag: the live
  // file's is refused (whoever sends it has not seen the pending draft), naming the draft's ETag.
  const std::string review = article("Saldo Frenquil", "frenquil baru dengan yorbastin", "review");
  Conflict conflict;
  auto stale = publisher_->write({"pembayaran/frenquil", review, "ayu", "", r1->etag, false}, &conflict);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(conflict.draft_etag, etag_of(draft));
  EXPECT_EQ(conflict.etag, r1->etag);
  ASSERT_TRUE(conflict.latest);
  EXPECT_EQ(conflict.latest->author, "budi");
  EXPECT_EQ(**publisher_->draft_copy("pembayaran/frenquil"), draft);
  auto r3 = write("pembayaran/frenquil", review, r2->draft_etag);
  ASSERT_TRUE(r3) << r3.error().describe();
  EXPECT_TRUE(r3->draft_copy);
  EXPECT_EQ(**publisher_->draft_copy("pembayaran/frenquil"), review);

  // Publishing replaces the live text and removes the draft copy.
  const std::string published = article("Saldo Frenquil", "frenquil baru dengan yorbastin");
  auto r4 = write("pembayaran/frenquil", published, r1->etag);
  ASSERT_TRUE(r4) << r4.error().describe();
  EXPECT_FALSE(r4->draft_copy);
  EXPECT_EQ(r4->etag, etag_of(published));
  auto gone = publisher_->draft_copy("pembayaran/frenquil");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  EXPECT_THAT(agent_search("yorbastin"), ElementsAre("pembayaran/frenquil"));
}

TEST_F(PublisherTest, ArchivingAndRestoringKeepAPendingDraft) {
  auto r1 = write("pembayaran/grivant", article("Grivant", "grivant"));
  ASSERT_TRUE(r1) << r1.error().describe();
  const std::string draft = article("Grivant", "grivant dengan olmesquir", "draft");
  ASSERT_TRUE(write("pembayaran/grivant", draft, r1->etag));
  ASSERT_TRUE(*publisher_->draft_copy("pembayaran/grivant"));
  auto archived = publisher_->archive("pembayaran/grivant", "sari", "", r1->etag);
  ASSERT_TRUE(archived) << archived.error().describe();
  auto kept = publisher_->draft_copy("pembayaran/grivant");
  ASSERT_TRUE(kept && *kept) << "archiving dropped the pending draft";
  EXPECT_EQ(**kept, draft);
  auto restored = publisher_->restore("pembayaran/grivant", "sari", "", std::nullopt);
  ASSERT_TRUE(restored) << restored.error().describe();
  EXPECT_EQ(restored->status, "published");
  kept = publisher_->draft_copy("pembayaran/grivant");
  ASSERT_TRUE(kept && *kept) << "restoring dropped the pending draft";
  EXPECT_EQ(**kept, draft);
  EXPECT_EQ(actions("pembayaran/grivant"),
            (std::vector<std::string>{"budi:create", "budi:update", "sari:archive", "sari:restore"}));
  // An edit of the article itself replaces the draft (its text stays in the history).
  auto edited = write("pembayaran/grivant", article("Grivant", "grivant baru"), restored->etag);
  ASSERT_TRUE(edited) << edited.error().describe();
  EXPECT_FALSE(*publisher_->draft_copy("pembayaran/grivant"));
  EXPECT_EQ(events_->revision("pembayaran/grivant", 2).value()->text, draft);
}

TEST_F(PublisherTest, DraftCopiesDoNotMakeTheNextWriteRecordAFalseOutsideEdit) {
  auto r1 = write("pembayaran/drimvol", article("Drimvol", "drimvol"));
  ASSERT_TRUE(r1) << r1.error().describe();
  auto r2 = write("pembayaran/drimvol", article("Drimvol", "drimvol draf", "draft"), r1->etag);
  ASSERT_TRUE(r2) << r2.error().describe();
  ASSERT_TRUE(r2->draft_copy);
  auto r3 = write("pembayaran/drimvol", article("Drimvol", "drimvol terbit"), r1->etag);
  ASSERT_TRUE(r3) << r3.error().describe();
  // Nobody edited the file outside the API: history is the three API writes.
  EXPECT_EQ(actions("pembayaran/drimvol"),
            (std::vector<std::string>{"budi:create", "budi:update", "budi:update"}));
  EXPECT_EQ(r3->revision, 3);
}

TEST_F(PublisherTest, ANewDraftIsWrittenInPlaceAndNotSearchable) {
  auto r = write("draft/zentavor", article("Zentavor", "zentavor", "draft"));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->created);
  EXPECT_FALSE(r->draft_copy);
  EXPECT_EQ(r->status, "draft");
  EXPECT_TRUE(fs::exists(file_of("draft/zentavor")));
  EXPECT_FALSE(solusi::testing::contains(agent_search("zentavor"), "draft/zentavor"));
  auto copy = publisher_->draft_copy("draft/zentavor");
  ASSERT_TRUE(copy);
  EXPECT_FALSE(*copy) << "a draft with no live version is the file itself";
}

TEST_F(PublisherTest, ReindexPicksUpAnOutsideEditAndRecordsItAsExternal) {
  auto r1 = write("pengiriman/blastoric", article("Blastoric", "blastoric"));
  ASSERT_TRUE(r1) << r1.error().describe();
  const std::string edited = article("Blastoric", "blastoric dengan quenvast");
  write_text(file_of("pengiriman/blastoric"), edited);
  auto report = publisher_->reindex();
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_TRUE(report->errors.empty());
  // The watcher may have seen the edit first (it waits 300 ms of quiet); either way it is indexed once.
  EXPECT_TRUE(solusi::testing::contains(report->changed, "pengiriman/blastoric") ||
              publisher_->outside_reindexes() > 0)
      << "changed: " << solusi::testing::joined(report->changed);
  EXPECT_THAT(agent_search("quenvast"), ElementsAre("pengiriman/blastoric"));
  EXPECT_EQ(actions("pengiriman/blastoric"), (std::vector<std::string>{"budi:create", "file:external"}));
  auto rev = events_->revision("pengiriman/blastoric", 2);
  ASSERT_TRUE(rev && *rev);
  EXPECT_EQ((*rev)->text, edited);
  EXPECT_EQ((*rev)->note, "edited in the articles folder");

  // A later API write with the new ETag continues the history without a second baseline.
  auto r3 = write("pengiriman/blastoric", article("Blastoric", "blastoric tiga"), etag_of(edited));
  ASSERT_TRUE(r3) << r3.error().describe();
  EXPECT_EQ(r3->revision, 3);

  // A file removed outside: out of the index, recorded as a deletion.
  fs::remove(file_of("pengiriman/blastoric"));
  report = publisher_->reindex();
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_FALSE(solusi::testing::contains(agent_search("blastoric"), "pengiriman/blastoric"));
  EXPECT_EQ(actions("pengiriman/blastoric"),
            (std::vector<std::string>{"budi:create", "file:external", "budi:update", "file:delete"}));
}

TEST_F(PublisherTest, ABrokenOutsideEditIsReportedAndTheOldVersionStays) {
  write_text(file_of(existing_slug), "---\ntitle: [unclosed\n---\nkwintolef rusak\n");
  auto report = publisher_->reindex();
  ASSERT_TRUE(report) << report.error().describe();
  // Whoever reindexed first (this call or the watcher) reported it; the index keeps the old version.
  EXPECT_THAT(agent_search("kwintolef"), ElementsAre(existing_slug));
  if (!report->errors.empty()) {
    EXPECT_EQ(report->errors.front().file, existing_slug + ".md");
  }
}

TEST_F(PublisherTest, TheWatcherNoticesOutsideEditsWithoutBeingAsked) {
  // Wait until the watcher is watching: a probe file, rewritten once a second (the watcher waits for
  // 300 ms without changes), gets indexed.
  int i = 0;
  auto last_write = std::chrono::steady_clock::now() - std::chrono::hours(1);
  const bool watching = eventually(
      [&] {
        if (std::chrono::steady_clock::now() - last_write >= std::chrono::seconds(1)) {
          write_text(file_of("akun/probe"), article("Probe", "probexil " + std::to_string(++i)));
          last_write = std::chrono::steady_clock::now();
        }
        return solusi::testing::contains(agent_search("probexil"), "akun/probe");
      },
      std::chrono::seconds(5));
  ASSERT_TRUE(watching) << "the watcher indexed nothing within 5 s";
  // The watcher counts the reindex and records revisions right after its index commit.
  const auto two_seconds = std::chrono::seconds(2);
  EXPECT_TRUE(eventually([&] { return publisher_->outside_reindexes() >= 1; }, two_seconds));
  EXPECT_TRUE(eventually([&] { return !actions("akun/probe").empty(); }, two_seconds));
  const auto before = publisher_->outside_reindexes();

  // A new file, then a change, then a deletion: each noticed within 5 s.
  auto within_5s = [&](const std::string& word, bool found) {
    return eventually([&] { return solusi::testing::contains(agent_search(word), "akun/sendiri") == found; },
                      std::chrono::seconds(5));
  };
  // Each step waits for its revision too: the watcher reads the file for the revision after its index
  // commit, so a file deleted in between would be recorded as deleted without its last edit.
  auto history_is = [&](std::vector<std::string> expected) {
    return eventually([&] { return actions("akun/sendiri") == expected; }, two_seconds);
  };
  write_text(file_of("akun/sendiri"), article("Sendiri", "pfenduwik"));
  ASSERT_TRUE(within_5s("pfenduwik", true)) << "a new file not indexed within 5 s";
  EXPECT_TRUE(history_is({"file:external"})) << solusi::testing::joined(actions("akun/sendiri"));
  write_text(file_of("akun/sendiri"), article("Sendiri", "pfenduwik lalu zabrotene"));
  ASSERT_TRUE(within_5s("zabrotene", true)) << "a change not indexed within 5 s";
  EXPECT_TRUE(history_is({"file:external", "file:external"}))
      << solusi::testing::joined(actions("akun/sendiri"));
  fs::remove(file_of("akun/sendiri"));
  ASSERT_TRUE(within_5s("pfenduwik", false)) << "a deleted file still found after 5 s";
  EXPECT_TRUE(history_is({"file:external", "file:external", "file:delete"}))
      << solusi::testing::joined(actions("akun/sendiri"));
  EXPECT_TRUE(eventually([&] { return publisher_->outside_reindexes() >= before + 3; }, two_seconds))
      << publisher_->outside_reindexes() << " reindexes, " << before << " before";
}

TEST_F(PublisherTest, FilesThatNeverStopChangingDoNotHoldBackOtherEdits) {
  // A sync tool rewrites one file every 100 ms, never leaving 300 ms of quiet; an edit of another
  // file must still be indexed while it goes on (not only at the 30 s rescan).
  std::atomic<bool> stop{false}, done{false};
  std::thread busy([&] {
    for (int i = 0; !stop && i < 150; ++i) {  // at most 15 s
      write_text(file_of("akun/sinkron"), article("Sinkron", "sinkronisasi " + std::to_string(i)));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  write_text(file_of("akun/ditulis"), article("Ditulis", "kvelmorant"));
  const bool found =
      eventually([&] { return solusi::testing::contains(agent_search("kvelmorant"), "akun/ditulis"); },
                 std::chrono::seconds(10));
  const bool still_busy = !done;
  stop = true;
  busy.join();
  EXPECT_TRUE(found) << "not indexed while another file kept changing";
  EXPECT_TRUE(still_busy) << "found only after the other file stopped changing";
}

TEST_F(PublisherTest, EditsMadeWhileNoServiceRanBecomeRevisionsAtStart) {
  ASSERT_TRUE(write("akun/riwayat", article("Riwayat", "satu")));
  ASSERT_TRUE(write("akun/dihapus", article("Dihapus", "dua")));
  publisher_->stop();
  // While the service is down (or after it stopped between an index commit and the revision):
  write_text(file_of("akun/riwayat"), article("Riwayat", "satu lalu tiga"));
  fs::remove(file_of("akun/dihapus"));
  Config c;
  c.articles_dir = articles_dir();
  c.index_dir = index_dir();
  publisher_ = std::make_unique<Publisher>(c, *events_);
  publisher_->start();
  EXPECT_TRUE(eventually([&] { return actions("akun/riwayat").size() == 2; }, std::chrono::seconds(5)));
  EXPECT_EQ(actions("akun/riwayat"), (std::vector<std::string>{"budi:create", "file:external"}));
  auto latest = events_->revision("akun/riwayat");
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->text, article("Riwayat", "satu lalu tiga"));
  EXPECT_TRUE(eventually([&] { return actions("akun/dihapus").size() == 2; }, std::chrono::seconds(5)));
  EXPECT_EQ(actions("akun/dihapus"), (std::vector<std::string>{"budi:create", "file:delete"}));
  // Started again with nothing changed: nothing more recorded.
  publisher_->stop();
  publisher_ = std::make_unique<Publisher>(c, *events_);
  publisher_->start();
  ASSERT_TRUE(write("akun/lain", article("Lain", "empat")));  // queued behind the check at start
  EXPECT_EQ(actions("akun/riwayat").size(), 2u);
  EXPECT_EQ(actions("akun/dihapus").size(), 2u);
}

TEST_F(PublisherTest, AnOutsideEditRightAfterStartIsNotMissed) {
  write_text(file_of("akun/segera"), article("Segera", "segeravolt"));
  EXPECT_TRUE(eventually([&] { return solusi::testing::contains(agent_search("segeravolt"), "akun/segera"); },
                         std::chrono::seconds(5)))
      << "not indexed within 5 s";
}

TEST_F(PublisherTest, ConcurrentWritesWithTheSameEtagHaveOneWinner) {
  auto r1 = write("akun/balapan", article("Balapan", "trelvanu"));
  ASSERT_TRUE(r1) << r1.error().describe();
  constexpr int writers = 6;
  std::vector<std::thread> threads;
  std::atomic<int> won{0}, lost{0};
  for (int i = 0; i < writers; ++i)
    threads.emplace_back([&, i] {
      WriteRequest w{"akun/balapan", article("Balapan", "trelvanu versi " + std::to_string(i)),
                     "editor-" + std::to_string(i), "", r1->etag};
      auto r = publisher_->write(w);
      if (r)
        ++won;
      else if (r.error().code == ErrorCode::precondition_failed)
        ++lost;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), writers - 1);
  EXPECT_EQ(actions("akun/balapan").size(), 2u);
}

TEST_F(PublisherTest, WritesAfterStopAreRefused) {
  publisher_->stop();
  auto r = write("akun/terlambat", article("Terlambat", "x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::index_unavailable);
  EXPECT_FALSE(fs::exists(file_of("akun/terlambat")));
}

}  // namespace
}  // namespace solusi::service
