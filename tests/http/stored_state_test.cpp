// Stored state at the start of the real `solusi serve`: an events store that is missing, emptied or
// another one than the index goes with is refused (nothing written) unless --new-events-store is given;
// a damaged index (a bad stub file, a truncated table) is rebuilt from the articles and then served;
// /readyz answers 503 with JSON when the index no longer answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "events.hpp"
#include "http_support.hpp"
#include "index_writer.hpp"
#include "schema.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;

using testing::ChildProcess;
using ::testing::HasSubstr;
using ::testing::Not;

/// Start-up includes indexing; the ASan build is several times slower than the normal one.
constexpr auto startup_timeout = 30s;

class StoredState : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_fixture_articles(articles_dir()); }

  std::filesystem::path articles_dir() const { return dir_ / "articles"; }
  std::filesystem::path index_dir() const { return dir_ / "index"; }
  std::filesystem::path events_db() const { return service::default_events_path(index_dir()); }

  std::vector<std::string> serve_args(std::vector<std::string> more = {}) const {
    std::vector<std::string> args{
        SOLUSI_BINARY,           "serve",   "--listen",          "127.0.0.1:0", "--articles",
        articles_dir().string(), "--index", index_dir().string()};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  /// An events store with its id, and the index built by `solusi index`, which records that id.
  std::string paired_index() {
    auto store = service::EventStore::open(events_db());
    EXPECT_TRUE(store) << store.error().describe();
    if (!store) return {};
    const std::string id = (*store)->id();
    store->reset();
    const auto r = testing::run_process(
        {SOLUSI_BINARY, "index", "--articles", articles_dir().string(), "--index", index_dir().string()},
        dir_.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return id;
  }

  /// Runs `solusi serve` expecting it to refuse: its exit code and stderr.
  testing::ProcessResult refused_serve(std::vector<std::string> more = {}) {
    return testing::run_process(serve_args(std::move(more)), dir_.path(), startup_timeout);
  }

  /// Starts `solusi serve` and waits for its port (a fatal failure when it does not serve).
  std::unique_ptr<ChildProcess> serve(int& port, std::vector<std::string> more = {}) {
    auto child = std::make_unique<ChildProcess>(serve_args(std::move(more)), dir_.path());
    EXPECT_TRUE(child->spawned()) << child->spawn_error();
    port = testing::wait_for_port(*child, startup_timeout);
    EXPECT_GT(port, 0) << "no port printed; exit " << child->exit_code() << "\n" << child->err();
    return child;
  }

  /// The fixture's refund article is found: the index answers searches.
  void expect_searches_answered(int port) {
    auto client = testing::make_client(port);
    const auto r = testing::get(*client, "/v1/search?q=refund");
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_FALSE(testing::hit_slugs(r.json).empty()) << r.body;
    const auto ready = testing::get(*client, "/readyz");
    EXPECT_EQ(ready.status, 200) << ready.describe();
  }

  std::filesystem::path live_generation_dir() const {
    auto live = live_generation(index_dir());
    EXPECT_TRUE(live) << live.error().describe();
    return live ? *live : std::filesystem::path();
  }

  testing::TempDir dir_;
};

TEST_F(StoredState, ServeRefusesWhenTheEventsStoreWasDeletedAndCreatesNothing) {
  const std::string id = paired_index();
  ASSERT_FALSE(id.empty());
  std::filesystem::remove(events_db());

  const auto r = refused_serve();
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("refusing to start"));
  EXPECT_THAT(r.err, HasSubstr("is missing"));
  EXPECT_THAT(r.err, HasSubstr(id));                    // the store to restore
  EXPECT_THAT(r.err, HasSubstr("from a backup"));       // way out 1
  EXPECT_THAT(r.err, HasSubstr("--new-events-store"));  // way out 2
  EXPECT_THAT(r.err, Not(HasSubstr("serving on")));
  EXPECT_FALSE(std::filesystem::exists(events_db())) << "the refusal created a new events store";
}

TEST_F(StoredState, ServeRefusesAnEmptiedEventsStore) {
  ASSERT_FALSE(paired_index().empty());
  std::filesystem::resize_file(events_db(), 0);
  std::filesystem::remove(events_db().string() + "-wal");
  std::filesystem::remove(events_db().string() + "-shm");

  const auto r = refused_serve();
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("is empty (0 bytes)"));
  EXPECT_THAT(r.err, HasSubstr("--new-events-store"));
  EXPECT_EQ(std::filesystem::file_size(events_db()), 0u) << "the refusal wrote into the events store";
}

TEST_F(StoredState, ServeRefusesAnotherEventsStoreAndAcceptsItWithTheFlag) {
  const std::string id = paired_index();
  ASSERT_FALSE(id.empty());
  std::filesystem::remove(events_db());
  std::string other_id;
  {
    auto other = service::EventStore::open(events_db());
    ASSERT_TRUE(other) << other.error().describe();
    other_id = (*other)->id();
  }
  ASSERT_NE(other_id, id);

  const auto r = refused_serve();
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("is another store (id " + other_id + ")"));
  EXPECT_THAT(r.err, HasSubstr("--new-events-store"));

  {
    int port = 0;
    auto child = serve(port, {"--new-events-store"});
    ASSERT_GT(port, 0);
    expect_searches_answered(port);
    child->signal(SIGTERM);
    ASSERT_TRUE(child->wait(10s));
    EXPECT_EQ(child->exit_code(), 0) << child->err();
  }
  // The index now goes with the new store: no flag needed any more.
  int port = 0;
  auto child = serve(port);
  ASSERT_GT(port, 0);
  expect_searches_answered(port);
}

TEST_F(StoredState, ServeWithTheFlagStartsANewStoreWhenItIsMissing) {
  ASSERT_FALSE(paired_index().empty());
  std::filesystem::remove(events_db());
  int port = 0;
  auto child = serve(port, {"--new-events-store"});
  ASSERT_GT(port, 0);
  expect_searches_answered(port);
  EXPECT_TRUE(std::filesystem::exists(events_db()));
}

TEST_F(StoredState, FreshIndexAndFreshStoreStartAndPairUp) {
  {
    int port = 0;
    auto child = serve(port);
    ASSERT_GT(port, 0);
    expect_searches_answered(port);
  }  // killed: what was written at start stays
  auto store = service::read_store_identity(events_db());
  ASSERT_TRUE(store) << store.error().describe();
  ASSERT_FALSE(store->id.empty());
  // The index recorded the store: deleting the store is now refused.
  std::filesystem::remove(events_db());
  const auto r = refused_serve();
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(store->id));
}

TEST_F(StoredState, ACorruptStubFileIsRebuiltFromTheArticles) {
  ASSERT_FALSE(paired_index().empty());
  testing::write_file(index_dir() / "XAPIANDB", "garbage\n");
  int port = 0;
  auto child = serve(port);
  ASSERT_GT(port, 0);
  EXPECT_THAT(child->err(), HasSubstr("is damaged"));
  EXPECT_THAT(child->err(), HasSubstr("rebuilding it from the articles"));
  expect_searches_answered(port);
}

TEST_F(StoredState, ATruncatedTableOfTheLiveGenerationIsRebuiltFromTheArticles) {
  const std::string id = paired_index();
  ASSERT_FALSE(id.empty());
  const auto table = live_generation_dir() / "postlist.glass";
  ASSERT_TRUE(std::filesystem::exists(table));
  std::filesystem::resize_file(table, std::filesystem::file_size(table) / 2);
  int port = 0;
  auto child = serve(port);
  ASSERT_GT(port, 0);
  EXPECT_THAT(child->err(), HasSubstr("is damaged"));
  expect_searches_answered(port);
  // The new generation still goes with the events store.
  child->signal(SIGTERM);
  ASSERT_TRUE(child->wait(10s));
  std::filesystem::remove(events_db());
  const auto r = refused_serve();
  EXPECT_THAT(r.err, HasSubstr(id));
}

/// /readyz proves the index answers: with its tables gone under a running server it is 503 with JSON.
class ReadyProbe : public testing::HttpTest {};

TEST_F(ReadyProbe, ReadyzIs503WithJsonWhenTheIndexNoLongerAnswers) {
  start();
  // One keep-alive connection: one worker thread, whose reader opened the index before the damage
  // (it still knows the document count; only a query shows the index no longer answers).
  client_->set_keep_alive(true);
  ASSERT_EQ(get("/readyz").status, 200);
  auto live = live_generation(index_dir());
  ASSERT_TRUE(live) << live.error().describe();
  for (const auto& entry : std::filesystem::directory_iterator(*live))
    if (entry.path().extension() == ".glass") std::filesystem::resize_file(entry.path(), 0);
  const auto r = get("/readyz");
  EXPECT_EQ(r.status, 503) << r.describe();
  ASSERT_FALSE(r.json.is_discarded()) << r.body;
  EXPECT_EQ(r.json["error"]["code"], "index_unavailable") << r.body;
}

}  // namespace
}  // namespace solusi
