// The editor API through real HTTP on loopback (issue 5): publishing and finding the article in
// search, ETags and If-Match conflicts (also between concurrent writers), who may write and read
// history, the lifecycle (drafts beside a live article, archive, restore, publish_at and valid_to),
// revisions and diffs, every refused write leaving the index alone, durability across kill -9 of the
// real `solusi serve`, outside edits of the articles folder, previews and drafts made from tickets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <map>

#include "editing.hpp"
#include "http_support.hpp"
#include "publisher.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using service::Role;
using testing::ChildProcess;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Reply;

/// Publish-to-searchable: the service promises under 1 s; the test allows 2 s.
constexpr auto searchable_deadline = 2s;
/// Outside edits: 300 ms of quiet, then a reindex.
constexpr auto outside_edit_deadline = 5s;
/// Start-up of the real binary includes indexing; the ASan build is several times slower.
constexpr auto startup_timeout = 30s;

struct Token {
  std::string name;
  Role role;
  std::string secret;
};

const Token tokens[] = {
    {"rina", Role::agent, "sol_agent-rina-0123456789"},
    {"budi", Role::editor, "sol_editor-budi-0123456789"},
    {"ayu", Role::editor, "sol_editor-ayu-0123456789"},
    {"sari", Role::lead, "sol_lead-sari-0123456789"},
    {"helpdesk", Role::ticket_system, "sol_ticket-helpdesk-0123456789"},
    {"website", Role::public_, "sol_public-website-0123456789"},
};

httplib::Headers bearer(const std::string& secret, httplib::Headers more = {}) {
  more.emplace("Authorization", "Bearer " + secret);
  return more;
}

const std::string& secret_of(const std::string& name) {
  for (const auto& t : tokens)
    if (t.name == name) return t.secret;
  throw std::logic_error("no token " + name);
}

httplib::Headers as(const std::string& name, httplib::Headers more = {}) {
  return bearer(secret_of(name), std::move(more));
}

/// An article whose body contains the made-up @p word (found in no other article).
std::string article(const std::string& title, const std::string& word,
                    const std::string& status = "published", const std::string& extra_front_matter = "") {
  return "---\ntitle: " + title +
         "\nlang: id\ntags: [uji]\ncategory: pembayaran\nowner: tim-pembayaran\nreviewed: "
         "2026-10-01\nstatus: " +
         status + "\naudience: internal\n" + extra_front_matter + "---\n## Masalah\n\nPelanggan menanyakan " +
         word + " di aplikasi.\n\n## Solusi\n\n1. Jelaskan " + word + " kepada pelanggan.\n";
}

Reply put(httplib::Client& c, const std::string& slug, const std::string& body,
          const httplib::Headers& headers, const std::string& content_type = "text/markdown",
          const std::string& query = "") {
  return testing::to_reply(
      c.Put(("/v1/articles/" + slug + query).c_str(), headers, body, content_type.c_str()));
}

Reply post(httplib::Client& c, const std::string& path, const std::string& body,
           const httplib::Headers& headers, const std::string& content_type = "application/json") {
  return testing::to_reply(c.Post(path.c_str(), headers, body, content_type.c_str()));
}

Reply del(httplib::Client& c, const std::string& slug, const httplib::Headers& headers) {
  return testing::to_reply(c.Delete(("/v1/articles/" + slug).c_str(), headers));
}

std::vector<std::string> suggested_slugs(const json& body) {
  std::vector<std::string> out;
  if (body.contains("suggestions"))
    for (const auto& s : body["suggestions"]) out.push_back(s["slug"].get<std::string>());
  return out;
}

/// The first row's first column of @p sql over events.db (read-only, while the service has it open in
/// WAL mode) with @p args bound to ?1, ?2…; nullopt when there is no row.
std::optional<std::string> query_text(const fs::path& db_path, const std::string& sql,
                                      const std::vector<std::string>& args = {}) {
  sqlite3* db = nullptr;
  std::optional<std::string> out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path;
    sqlite3_close_v2(db);
    return out;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    for (size_t i = 0; i < args.size(); ++i)
      sqlite3_bind_text(st, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      out = p ? std::string(p) : std::string();
    }
  }
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  return out;
}

// ------------------------------------------------------------------------------------------------
// The in-process server with tokens for every role

class Editor : public testing::HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    start(config());
  }

  service::Config config() const {
    auto c = base_config();
    for (const auto& t : tokens) c.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
    c.max_body_bytes = 700 * 1024;
    return c;
  }

  fs::path events_db() const { return dir_ / "events.db"; }
  fs::path file_of(const std::string& slug) const { return articles_dir() / (slug + ".md"); }

  Reply put(const std::string& slug, const std::string& body, const std::string& who = "budi",
            httplib::Headers more = {}, const std::string& content_type = "text/markdown",
            const std::string& query = "") {
    return solusi::put(*client_, slug, body, as(who, std::move(more)), content_type, query);
  }
  Reply post(const std::string& path, const std::string& body, const std::string& who = "budi",
             const std::string& content_type = "application/json") {
    return solusi::post(*client_, path, body, as(who), content_type);
  }
  Reply del(const std::string& slug, const std::string& who = "budi", httplib::Headers more = {}) {
    return solusi::del(*client_, slug, as(who, std::move(more)));
  }

  /// Slugs an agent finds for @p q.
  std::vector<std::string> search(const std::string& q, const std::string& who = "rina") {
    const Reply r = get("/v1/search?limit=50&q=" + testing::url_encode(q), as(who));
    EXPECT_EQ(r.status, 200) << r.describe();
    return testing::hit_slugs(r.json);
  }
  bool searchable(const std::string& slug, const std::string& word) {
    return testing::contains(search(word), slug);
  }
  /// Polls search until @p slug is (or is no longer) found for @p word; the elapsed time when it was.
  std::optional<std::chrono::milliseconds> await(const std::string& slug, const std::string& word, bool found,
                                                 std::chrono::milliseconds deadline = searchable_deadline) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!testing::eventually([&] { return searchable(slug, word) == found; }, deadline)) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  }

  /// Publishes a fresh article and waits until search finds it: every write acknowledged before is
  /// then visible to the readers too (they refresh to the newest commit), so an absence checked after
  /// the barrier is a real absence, not a reader that has not caught up yet.
  void barrier() {
    static std::atomic<int> n{0};
    const int i = ++n;
    const std::string word = std::string("pagar") + static_cast<char>('a' + i % 26) +
                             static_cast<char>('a' + (i / 26) % 26) + "vex";
    const std::string slug = "uji/pagar-" + std::to_string(i);
    const Reply r = put(slug, article("Pagar", word));
    ASSERT_EQ(r.status, 201) << r.describe();
    ASSERT_TRUE(await(slug, word, true)) << "barrier article not searchable within 2 s";
  }

  /// Waits until the folder watcher is watching: a probe file, rewritten now and then, gets indexed.
  /// (An edit made before its watches exist waits for the 30 s rescan: see the publisher's known bug.)
  void await_watcher() {
    // Rewritten once a second: the watcher waits for 300 ms without changes before it reindexes.
    int i = 0;
    auto last_write = std::chrono::steady_clock::now() - 1h;
    const bool watching = testing::eventually(
        [&] {
          if (std::chrono::steady_clock::now() - last_write >= 1s) {
            testing::write_file(file_of("uji/probe"), article("Probe", "probexil " + std::to_string(++i)));
            last_write = std::chrono::steady_clock::now();
          }
          return searchable("uji/probe", "probexil");
        },
        outside_edit_deadline);
    ASSERT_TRUE(watching) << "the watcher indexed nothing within 5 s";
  }

  json revisions(const std::string& slug, const std::string& who = "budi") {
    return get_ok("/v1/articles/" + slug + "/revisions", as(who));
  }

  size_t documents() { return get_ok("/readyz")["documents"].get<size_t>(); }
};

// ------------------------------------------------------------------------------------------------
// Publish, search, ETags

TEST_F(Editor, PublishIsSearchableAndIfMatchGuardsUpdates) {
  const std::string slug = "pembayaran/dompet-zorblux";
  const std::string v1 = article("Dompet Zorblux", "zorblux");
  ASSERT_FALSE(searchable(slug, "zorblux"));
  const auto t0 = std::chrono::steady_clock::now();
  const Reply created =
      put(slug, v1, "budi", {}, "text/markdown", "?note=" + testing::url_encode("versi awal"));
  ASSERT_EQ(created.status, 201) << created.describe();
  ASSERT_TRUE(testing::eventually([&] { return searchable(slug, "zorblux"); }, searchable_deadline))
      << "not searchable within 2 s";
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  std::cout << "[ publish→searchable ] " << elapsed.count() << " ms (PUT took "
            << created.json["took_ms"].get<double>() << " ms in the publisher)\n";
  RecordProperty("publish_to_searchable_ms", static_cast<int>(elapsed.count()));

  const json& c = created.json;
  EXPECT_EQ(c["slug"], slug);
  EXPECT_EQ(c["revision"], 1);
  EXPECT_EQ(c["status"], "published");
  EXPECT_EQ(c["created"], true);
  EXPECT_EQ(c["draft_copy"], false);
  EXPECT_TRUE(c["warnings"].is_array() && c["warnings"].empty()) << c.dump();
  EXPECT_TRUE(c["took_ms"].is_number());
  EXPECT_EQ(c["etag"], service::etag_of(v1));
  EXPECT_EQ(created.header("ETag"), service::etag_of(v1));
  EXPECT_EQ(testing::read_text(file_of(slug)), v1) << "the file has exactly the bytes sent";

  // GET carries the same ETag; an update with it wins.
  // (Each worker thread's reader catches up within index_poll_ms: poll the view as well.)
  Reply view;
  ASSERT_TRUE(testing::eventually(
      [&] { return (view = get("/v1/articles/" + slug, as("rina"))).status == 200; }, searchable_deadline))
      << view.describe();
  EXPECT_EQ(view.header("ETag"), created.header("ETag"));
  const std::string v2 = article("Dompet Zorblux", "zorblux yang diperbarui");
  const Reply updated = put(slug, v2, "budi", {{"If-Match", view.header("ETag")}});
  ASSERT_EQ(updated.status, 200) << updated.describe();
  EXPECT_EQ(updated.json["revision"], 2);
  EXPECT_EQ(updated.json["created"], false);
  EXPECT_EQ(updated.header("ETag"), service::etag_of(v2));
  EXPECT_NE(updated.header("ETag"), created.header("ETag"));

  // Another editor still holding version 1: 412 naming who changed it, when, and the revision.
  const Reply stale = put(slug, article("Dompet Zorblux", "zorblux punya ayu"), "ayu",
                          {{"If-Match", created.header("ETag")}});
  ASSERT_EQ(stale.status, 412) << stale.describe();
  EXPECT_EQ(stale.json["error"]["code"], "precondition_failed");
  EXPECT_THAT(stale.json["error"]["message"].get<std::string>(), HasSubstr("budi"));
  EXPECT_EQ(stale.json["current_etag"], updated.header("ETag"));
  EXPECT_EQ(stale.header("ETag"), updated.header("ETag"));
  ASSERT_TRUE(stale.json["changed_by"].is_object()) << stale.describe();
  EXPECT_EQ(stale.json["changed_by"]["author"], "budi");
  EXPECT_EQ(stale.json["changed_by"]["revision"], 2);
  EXPECT_TRUE(stale.json["changed_by"]["at"].is_number_integer()) << stale.describe();
  EXPECT_GT(stale.json["changed_by"]["at"].get<std::int64_t>(), 1'700'000'000);
  EXPECT_EQ(testing::read_text(file_of(slug)), v2) << "the losing write changed the file";

  // The note from ?note= is in the history.
  const json history = revisions(slug);
  ASSERT_EQ(history["revisions"].size(), 2u) << history.dump(2);
  EXPECT_EQ(history["revisions"][0]["note"], "versi awal");
  EXPECT_EQ(history["revisions"][0]["author"], "budi");
}

TEST_F(Editor, IfNoneMatchStarRefusesAnExistingSlug) {
  const Reply r =
      put("pembayaran/refund-belum-masuk", article("Refund", "qorvantis"), "budi", {{"If-None-Match", "*"}});
  ASSERT_EQ(r.status, 412) << r.describe();
  EXPECT_EQ(r.json["error"]["code"], "precondition_failed");
  EXPECT_EQ(r.json["current_etag"],
            service::etag_of(testing::read_text(file_of("pembayaran/refund-belum-masuk"))));
  // On a new slug it creates.
  const Reply ok =
      put("pembayaran/qorvantis", article("Qorvantis", "qorvantis"), "budi", {{"If-None-Match", "*"}});
  EXPECT_EQ(ok.status, 201) << ok.describe();
  // If-Match on a slug that does not exist is a 412 too (nothing to match).
  const Reply missing = put("pembayaran/tidak-ada", article("X", "x"), "budi", {{"If-Match", "\"0123\""}});
  EXPECT_EQ(missing.status, 412) << missing.describe();
  EXPECT_FALSE(fs::exists(file_of("pembayaran/tidak-ada")));
}

TEST_F(Editor, GetOfAnArticleCarriesTheEtagOfItsFile) {
  for (const std::string slug : {"pembayaran/refund-belum-masuk", "en/card-declined"}) {
    const Reply r = get("/v1/articles/" + slug, as("rina"));
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.header("ETag"), service::etag_of(testing::read_text(file_of(slug)))) << slug;
  }
}

TEST_F(Editor, TwoConcurrentWritersWithTheSameIfMatchExactlyOneWins) {
  const std::string slug = "akun/balapan-trelvanu";
  const Reply first = put(slug, article("Balapan", "trelvanu"));
  ASSERT_EQ(first.status, 201) << first.describe();
  const std::string etag = first.header("ETag");
  for (int round = 0; round < 3; ++round) {
    std::vector<int> statuses(4, 0);
    std::vector<std::string> authors(4);
    std::vector<std::thread> writers;
    std::atomic<int> ready{0};
    const std::string current = round == 0 ? etag : service::etag_of(testing::read_text(file_of(slug)));
    for (int i = 0; i < 4; ++i)
      writers.emplace_back([&, i] {
        auto c = testing::make_client(port_);
        const std::string who = i % 2 ? "ayu" : "budi";
        authors[static_cast<size_t>(i)] = who;
        ++ready;
        while (ready.load() < 4) std::this_thread::yield();
        statuses[static_cast<size_t>(i)] =
            solusi::put(*c, slug,
                        article("Balapan",
                                "trelvanu ronde " + std::to_string(round) + " penulis " + std::to_string(i)),
                        as(who, {{"If-Match", current}}))
                .status;
      });
    for (auto& t : writers) t.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1) << "round " << round;
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 412), 3) << "round " << round;
  }
  // One revision per round, plus the creation: no write got lost in between.
  EXPECT_EQ(revisions(slug)["revisions"].size(), 4u);
}

// ------------------------------------------------------------------------------------------------
// Roles

TEST_F(Editor, OnlyEditorsWrite) {
  const std::string body = article("Peran", "peranivo");
  for (const std::string who : {"rina", "sari", "helpdesk", "website"}) {
    SCOPED_TRACE(who);
    const Reply w = put("akun/peran", body, who);
    EXPECT_EQ(w.status, 403) << w.describe();
    EXPECT_EQ(w.error_code(), "forbidden");
    EXPECT_EQ(del("pembayaran/refund-belum-masuk", who).status, 403);
    EXPECT_EQ(post("/v1/articles/en/legacy-refund-form/restore", "", who).status, 403);
    EXPECT_EQ(post("/v1/drafts/from-ticket",
                   json{{"subject", "Refund"}, {"body", "Refund belum masuk"}}.dump(), who)
                  .status,
              403);
    EXPECT_EQ(post("/v1/admin/reindex", "", who).status, 403);
  }
  EXPECT_FALSE(fs::exists(file_of("akun/peran")));
  // Without a token: 401 before anything else.
  EXPECT_EQ(solusi::put(*client_, "akun/peran", body, {}).status, 401);
  EXPECT_EQ(put("akun/peran", body, "budi").status, 201);
}

TEST_F(Editor, LeadsReadHistoryDraftsAndPreviewsAgentsDoNot) {
  const std::string slug = "pembayaran/refund-belum-masuk";
  const Reply view = get("/v1/articles/" + slug, as("budi"));
  ASSERT_EQ(view.status, 200);
  const Reply d = put(slug, article("Refund belum masuk ke saldo RayaPay", "refund draf trimbolan", "draft"),
                      "budi", {{"If-Match", view.header("ETag")}});
  ASSERT_EQ(d.status, 200) << d.describe();
  ASSERT_EQ(d.json["draft_copy"], true) << d.describe();
  const std::string preview_body = "---\ntitle: Pratinjau\n---\nHalo **dunia**.\n";

  for (const std::string who : {"sari", "budi"}) {
    SCOPED_TRACE(who);
    EXPECT_EQ(get("/v1/articles/" + slug + "/revisions", as(who)).status, 200);
    EXPECT_EQ(get("/v1/articles/" + slug + "/revisions/1", as(who)).status, 200);
    EXPECT_EQ(get("/v1/articles/" + slug + "/diff?from=1&to=2", as(who)).status, 200);
    EXPECT_EQ(get("/v1/articles/" + slug + "/draft", as(who)).status, 200);
    EXPECT_EQ(post("/v1/preview", preview_body, who, "text/markdown").status, 200);
  }
  for (const std::string who : {"rina", "helpdesk", "website"}) {
    SCOPED_TRACE(who);
    for (const std::string target : {"/revisions", "/revisions/1", "/diff?from=1&to=2", "/draft"}) {
      const Reply r = get("/v1/articles/" + slug + target, as(who));
      EXPECT_EQ(r.status, 403) << target << " → " << r.describe();
      EXPECT_EQ(r.error_code(), "forbidden") << target;
    }
    EXPECT_EQ(post("/v1/preview", preview_body, who, "text/markdown").status, 403);
    // The live article has no trace of the pending draft for them.
    const Reply a = get("/v1/articles/" + slug, as(who));
    ASSERT_EQ(a.status, 200) << a.describe();
    EXPECT_FALSE(a.json.contains("pending_draft")) << a.describe();
  }
  EXPECT_EQ(get_ok("/v1/articles/" + slug, as("sari"))["pending_draft"], true);
}

TEST(EditorNoTokens, WritesAreRefusedWithoutTokens) {
  testing::TempDir dir;
  testing::write_fixture_articles(dir / "articles");
  testing::build_index(dir / "articles", dir / "index");
  service::Config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.articles_dir = dir / "articles";
  config.index_dir = dir / "index";
  config.access_log = false;
  service::Server server(config);
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().describe();
  auto c = testing::make_client(*port);
  const std::string body = article("Tanpa token", "tanpatokenix");
  const Reply w = solusi::put(*c, "akun/tanpa-token", body, {});
  EXPECT_EQ(w.status, 403) << w.describe();
  EXPECT_EQ(w.error_code(), "forbidden");
  EXPECT_THAT(w.error_message(), HasSubstr("token"));
  EXPECT_EQ(solusi::del(*c, "pembayaran/refund-belum-masuk", {}).status, 403);
  EXPECT_EQ(solusi::post(*c, "/v1/articles/en/legacy-refund-form/restore", "", {}).status, 403);
  EXPECT_EQ(solusi::post(*c, "/v1/drafts/from-ticket", R"({"subject":"a","body":"b"})", {}).status, 403);
  EXPECT_EQ(solusi::post(*c, "/v1/admin/reindex", "", {}).status, 403);
  EXPECT_FALSE(fs::exists(dir / "articles/akun/tanpa-token.md"));
  EXPECT_THAT(testing::read_text(dir / "articles/en/legacy-refund-form.md"), HasSubstr("status: archived"));
  // Reads stay open (design: everything but article writes is open without tokens).
  EXPECT_EQ(testing::get(*c, "/v1/articles/pembayaran/refund-belum-masuk").status, 200);
  server.stop();
}

// ------------------------------------------------------------------------------------------------
// Lifecycle

TEST_F(Editor, ADraftIsNeverInAgentSearchNorSuggestions) {
  const std::string slug = "pembayaran/dompet-xantrolim";
  const Reply r = put(slug, article("Saldo xantrolim hilang", "xantrolim", "draft"));
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["status"], "draft");
  EXPECT_EQ(r.json["draft_copy"], false);
  EXPECT_EQ(testing::read_text(file_of(slug)), article("Saldo xantrolim hilang", "xantrolim", "draft"));
  barrier();
  for (const std::string who : {"rina", "helpdesk", "website"})
    EXPECT_FALSE(testing::contains(search("xantrolim", who), slug)) << who;
  const Reply s = post(
      "/v1/suggest",
      json{{"subject", "Saldo xantrolim hilang"}, {"body", "Kak, xantrolim saya hilang."}}.dump(), "rina");
  ASSERT_EQ(s.status, 200) << s.describe();
  EXPECT_THAT(suggested_slugs(s.json), Not(Contains(slug)));
  EXPECT_EQ(get("/v1/articles/" + slug, as("rina")).status, 404);
  // The same text as review: still hidden.
  const Reply review = put(slug, article("Saldo xantrolim hilang", "xantrolim", "review"), "budi",
                           {{"If-Match", r.header("ETag")}});
  ASSERT_EQ(review.status, 200) << review.describe();
  EXPECT_EQ(review.json["status"], "review");
  barrier();
  EXPECT_FALSE(searchable(slug, "xantrolim"));
  // Published: found.
  const Reply pub = put(slug, article("Saldo xantrolim hilang", "xantrolim"), "budi",
                        {{"If-Match", review.header("ETag")}});
  ASSERT_EQ(pub.status, 200) << pub.describe();
  EXPECT_TRUE(await(slug, "xantrolim", true));
}

TEST_F(Editor, EditorsAndLeadsCanOpenADraftArticle) {
  const std::string slug = "pembayaran/draf-wendralop";
  ASSERT_EQ(put(slug, article("Draf wendralop", "wendralop", "draft")).status, 201);
  barrier();
  for (const std::string who : {"budi", "sari"}) {
    Reply r;
    EXPECT_TRUE(testing::eventually([&] { return (r = get("/v1/articles/" + slug, as(who))).status == 200; },
                                    searchable_deadline))
        << who << ": " << r.describe();
    EXPECT_EQ(r.json["status"], "draft") << who;
    // Archived and review articles of the fixture too.
    EXPECT_EQ(get_ok("/v1/articles/en/legacy-refund-form", as(who))["status"], "archived") << who;
    EXPECT_EQ(get_ok("/v1/articles/pengiriman/kurir-safir", as(who))["status"], "review") << who;
  }
  for (const std::string who : {"rina", "website", "helpdesk"}) {
    EXPECT_EQ(get("/v1/articles/" + slug, as(who)).status, 404) << who;
    EXPECT_EQ(get("/v1/articles/en/legacy-refund-form", as(who)).status, 404) << who;
  }
}

TEST_F(Editor, EditingAPublishedArticleAsDraftKeepsTheLiveTextUntilPublished) {
  const std::string slug = "pembayaran/saldo-frenquil";
  const std::string live = article("Saldo frenquil", "frenquil");
  const Reply v1 = put(slug, live);
  ASSERT_EQ(v1.status, 201) << v1.describe();
  ASSERT_TRUE(await(slug, "frenquil", true));

  const std::string draft = article("Saldo frenquil (draf)", "frenquil dengan yorbastin", "draft");
  const Reply d = put(slug, draft, "ayu", {{"If-Match", v1.header("ETag")}});
  ASSERT_EQ(d.status, 200) << d.describe();
  EXPECT_EQ(d.json["draft_copy"], true);
  EXPECT_EQ(d.json["status"], "draft");
  EXPECT_EQ(d.json["revision"], 2);
  EXPECT_EQ(d.header("ETag"), v1.header("ETag")) << "the live article did not change";
  EXPECT_EQ(testing::read_text(file_of(slug)), live);
  barrier();
  EXPECT_TRUE(searchable(slug, "frenquil"));
  EXPECT_FALSE(searchable(slug, "yorbastin"));
  const Reply agent_view = get("/v1/articles/" + slug, as("rina"));
  ASSERT_EQ(agent_view.status, 200);
  EXPECT_THAT(agent_view.json["markdown"].get<std::string>(), Not(HasSubstr("yorbastin")));

  const Reply pending = get("/v1/articles/" + slug + "/draft", as("sari"));
  ASSERT_EQ(pending.status, 200) << pending.describe();
  EXPECT_EQ(pending.json["slug"], slug);
  EXPECT_EQ(pending.json["markdown"], draft);
  EXPECT_EQ(pending.json["etag"], service::etag_of(draft));
  // The draft read as an article, for the editor's form: its own title and status, the body alone.
  const json& fields = pending.json["article"];
  ASSERT_TRUE(fields.is_object()) << pending.json.dump(2);
  EXPECT_EQ(fields["title"], "Saldo frenquil (draf)");
  EXPECT_EQ(fields["status"], "draft");
  EXPECT_EQ(fields["owner"], "tim-pembayaran");
  EXPECT_EQ(fields["tags"], json::array({"uji"}));
  EXPECT_EQ(fields["reviewed"], "2026-10-01");
  EXPECT_THAT(fields["markdown"].get<std::string>(), HasSubstr("frenquil dengan yorbastin"));
  EXPECT_THAT(fields["markdown"].get<std::string>(), Not(HasSubstr("title:")));
  // Live and draft: the article's own view still has the published title.
  EXPECT_EQ(get("/v1/articles/" + slug, as("sari")).json["title"], "Saldo frenquil");

  // Publishing replaces the live text and the pending draft is gone.
  const std::string published = article("Saldo frenquil", "frenquil dengan yorbastin");
  const Reply p = put(slug, published, "budi", {{"If-Match", v1.header("ETag")}});
  ASSERT_EQ(p.status, 200) << p.describe();
  EXPECT_EQ(p.json["draft_copy"], false);
  EXPECT_EQ(p.header("ETag"), service::etag_of(published));
  EXPECT_TRUE(await(slug, "yorbastin", true)) << "the published text is not searchable within 2 s";
  const Reply gone = get("/v1/articles/" + slug + "/draft", as("budi"));
  EXPECT_EQ(gone.status, 404) << gone.describe();
  EXPECT_EQ(gone.error_code(), "not_found");
  EXPECT_EQ(testing::read_text(file_of(slug)), published);
  const json list = revisions(slug);
  ASSERT_GE(list["revisions"].size(), 3u) << list.dump(2);
  EXPECT_EQ(list["revisions"][1]["author"], "ayu");
  EXPECT_EQ(list["revisions"][1]["status"], "draft");
  EXPECT_EQ(list["revisions"].back()["author"], "budi");
  EXPECT_EQ(list["revisions"].back()["status"], "published");
}

TEST_F(Editor, AConflictingEditIsMergedThreeWayAndKeepsYourText) {
  const std::string slug = "pembayaran/saldo-merjovan";
  const Reply v1 = put(slug, article("Saldo merjovan", "merjovan"));
  ASSERT_EQ(v1.status, 201) << v1.describe();
  const json loaded = get_ok("/v1/articles/" + slug, as("budi"));
  const std::string base = loaded["markdown"].get<std::string>();
  ASSERT_THAT(base, HasSubstr("1. Jelaskan merjovan kepada pelanggan.\n"));

  // Ayu publishes first: a new first line of the problem and another solution step.
  std::string theirs_body = base;
  theirs_body.replace(theirs_body.find("Pelanggan menanyakan"), 20, "Nasabah menanyakan");
  theirs_body.replace(theirs_body.find("1. Jelaskan"), 11, "1. Terangkan");
  const Reply theirs =
      put(slug,
          "---\ntitle: Saldo merjovan\nlang: id\nstatus: published\naudience: internal\n---\n" + theirs_body,
          "ayu", {{"If-Match", v1.header("ETag")}});
  ASSERT_EQ(theirs.status, 200) << theirs.describe();

  // Budi's save from the text he loaded is refused with who and when.
  std::string yours = base;
  yours.replace(yours.find("## Solusi"), 9, "Tulisan Budi yang tidak boleh hilang.\n\n## Solusi");
  yours.replace(yours.find("1. Jelaskan"), 11, "1. Uraikan");
  const Reply refused =
      put(slug, article("Saldo merjovan", "merjovan"), "budi", {{"If-Match", v1.header("ETag")}});
  ASSERT_EQ(refused.status, 412) << refused.describe();
  EXPECT_EQ(refused.json["changed_by"]["author"], "ayu");

  // The merge: their first line, his note, and the step both changed as a conflict keeping his.
  const Reply m = post("/v1/articles/" + slug + "/merge", json{{"base", base}, {"yours", yours}}.dump());
  ASSERT_EQ(m.status, 200) << m.describe();
  EXPECT_EQ(m.json["etag"], theirs.header("ETag"));
  EXPECT_EQ(m.header("ETag"), theirs.header("ETag"));
  EXPECT_TRUE(m.json["draft_etag"].is_null());
  EXPECT_EQ(m.json["theirs"]["markdown"], theirs_body);
  EXPECT_EQ(m.json["clean"], false);
  const std::string merged = m.json["merged"].get<std::string>();
  EXPECT_THAT(merged, HasSubstr("Nasabah menanyakan"));
  EXPECT_THAT(merged, HasSubstr("Tulisan Budi yang tidak boleh hilang."));
  EXPECT_THAT(merged, HasSubstr("1. Uraikan"));
  EXPECT_THAT(merged, Not(HasSubstr("1. Terangkan")));
  ASSERT_EQ(m.json["conflicts"].size(), 1u) << m.json.dump(2);
  const json& c = m.json["conflicts"][0];
  EXPECT_THAT(c["yours"].get<std::string>(), HasSubstr("1. Uraikan"));
  EXPECT_THAT(c["theirs"].get<std::string>(), HasSubstr("1. Terangkan"));
  EXPECT_THAT(c["base"].get<std::string>(), HasSubstr("1. Jelaskan"));
  const std::string marked = m.json["marked"].get<std::string>();
  EXPECT_THAT(marked, HasSubstr("<<<<<<< yours\n1. Uraikan merjovan kepada pelanggan.\n=======\n"
                                "1. Terangkan merjovan kepada pelanggan.\n>>>>>>> theirs\n"));
  EXPECT_THAT(marked, HasSubstr("Nasabah menanyakan"));

  // Nothing was written by merging, and the merged text saves with the ETag it gave.
  EXPECT_THAT(testing::read_text(file_of(slug)), HasSubstr("1. Terangkan"));
  const Reply saved = put(
      slug,
      json{{"front_matter", {{"title", "Saldo merjovan"}, {"status", "published"}}}, {"body", merged}}.dump(),
      "budi", {{"If-Match", m.json["etag"].get<std::string>()}}, "application/json");
  EXPECT_EQ(saved.status, 200) << saved.describe();

  // A pending draft is theirs when there is one; bad requests are clear errors.
  const Reply d = put(slug, article("Saldo merjovan (draf)", "merjovan kelpirin", "draft"), "ayu",
                      {{"If-Match", saved.header("ETag")}});
  ASSERT_EQ(d.status, 200) << d.describe();
  const Reply md = post("/v1/articles/" + slug + "/merge", json{{"base", merged}, {"yours", merged}}.dump());
  ASSERT_EQ(md.status, 200) << md.describe();
  EXPECT_THAT(md.json["merged"].get<std::string>(), HasSubstr("kelpirin"));
  EXPECT_EQ(md.json["draft_etag"],
            service::etag_of(article("Saldo merjovan (draf)", "merjovan kelpirin", "draft")));
  EXPECT_EQ(md.json["theirs"]["title"], "Saldo merjovan (draf)");
  EXPECT_EQ(post("/v1/articles/" + slug + "/merge", json{{"base", base}}.dump()).status, 400);
  EXPECT_EQ(post("/v1/articles/" + slug + "/merge", json{{"yours", 3}}.dump()).status, 400);
  EXPECT_EQ(post("/v1/articles/uji/tidak-ada/merge", json{{"yours", "x"}}.dump()).status, 404);
  EXPECT_EQ(post("/v1/articles/" + slug + "/merge", json{{"yours", "x"}}.dump(), "rina").status, 403);
}

TEST_F(Editor, PublishingAfterADraftCopyRecordsNoOutsideEdit) {
  const std::string slug = "pembayaran/saldo-drimvol";
  const Reply v1 = put(slug, article("Saldo drimvol", "drimvol"));
  ASSERT_EQ(v1.status, 201) << v1.describe();
  const Reply d =
      put(slug, article("Saldo drimvol", "drimvol draf", "draft"), "ayu", {{"If-Match", v1.header("ETag")}});
  ASSERT_EQ(d.status, 200) << d.describe();
  const Reply p =
      put(slug, article("Saldo drimvol", "drimvol terbit"), "budi", {{"If-Match", v1.header("ETag")}});
  ASSERT_EQ(p.status, 200) << p.describe();
  EXPECT_EQ(p.json["revision"], 3);
  std::vector<std::string> history;
  const json list = revisions(slug);
  for (const auto& v : list["revisions"])
    history.push_back(v["author"].get<std::string>() + ":" + v["status"].get<std::string>());
  EXPECT_EQ(history, (std::vector<std::string>{"budi:published", "ayu:draft", "budi:published"}));
}

TEST_F(Editor, ArchiveTakesItOutOfSearchAndRestoreBringsItBack) {
  const std::string slug = "pengiriman/paket-plumqor";
  const std::string text = article("Paket plumqor", "plumqor");
  const Reply created = put(slug, text);
  ASSERT_EQ(created.status, 201) << created.describe();
  ASSERT_TRUE(await(slug, "plumqor", true));

  // A stale If-Match refuses the archive.
  const Reply stale = del(slug, "budi", {{"If-Match", "\"stale\""}});
  EXPECT_EQ(stale.status, 412) << stale.describe();

  const Reply archived = del(slug, "ayu", {{"If-Match", created.header("ETag")}});
  ASSERT_EQ(archived.status, 200) << archived.describe();
  EXPECT_EQ(archived.json["status"], "archived");
  EXPECT_EQ(archived.json["revision"], 2);
  ASSERT_TRUE(fs::exists(file_of(slug))) << "archiving keeps the file";
  EXPECT_THAT(testing::read_text(file_of(slug)), HasSubstr("\nstatus: archived\n"));
  EXPECT_TRUE(await(slug, "plumqor", false)) << "still searchable 2 s after the archive";
  EXPECT_TRUE(testing::eventually([&] { return get("/v1/articles/" + slug, as("rina")).status == 404; },
                                  searchable_deadline));
  EXPECT_THAT(testing::listed_slugs(get_ok("/v1/articles?limit=200", as("rina"))), Not(Contains(slug)));
  const json history = revisions(slug, "sari");
  ASSERT_EQ(history["revisions"].size(), 2u) << history.dump(2);
  EXPECT_EQ(history["revisions"][1]["action"], "archive");
  EXPECT_EQ(history["revisions"][1]["author"], "ayu");
  EXPECT_EQ(history["revisions"][1]["status"], "archived");

  // Restore with an empty body: published again, searchable again.
  const Reply restored = post("/v1/articles/" + slug + "/restore", "");
  ASSERT_EQ(restored.status, 200) << restored.describe();
  EXPECT_EQ(restored.json["status"], "published");
  EXPECT_EQ(restored.json["revision"], 3);
  EXPECT_TRUE(await(slug, "plumqor", true)) << "not searchable 2 s after the restore";
  EXPECT_TRUE(testing::eventually([&] { return get("/v1/articles/" + slug, as("rina")).status == 200; },
                                  searchable_deadline));
  // Restoring what is not archived is a 400; an unknown slug a 404.
  EXPECT_EQ(post("/v1/articles/" + slug + "/restore", "").status, 400);
  EXPECT_EQ(post("/v1/articles/akun/tidak-ada/restore", "").status, 404);
  EXPECT_EQ(del("akun/tidak-ada").status, 404);
}

TEST_F(Editor, ArchiveThenRestoreKeepsThePendingDraft) {
  const std::string slug = "pengiriman/paket-draxumil";
  const Reply created = put(slug, article("Paket draxumil", "draxumil"));
  ASSERT_EQ(created.status, 201) << created.describe();
  const std::string draft = article("Paket draxumil (draf)", "draxumil dengan vostrela", "draft");
  const Reply d = put(slug, draft, "ayu", {{"If-Match", created.header("ETag")}});
  ASSERT_EQ(d.status, 200) << d.describe();
  ASSERT_EQ(d.json["draft_copy"], true);

  const Reply archived = del(slug, "budi", {{"If-Match", created.header("ETag")}});
  ASSERT_EQ(archived.status, 200) << archived.describe();
  const Reply while_archived = get("/v1/articles/" + slug + "/draft", as("budi"));
  ASSERT_EQ(while_archived.status, 200)
      << "archiving dropped the pending draft: " << while_archived.describe();
  EXPECT_EQ(while_archived.json["markdown"], draft);
  EXPECT_EQ(get("/v1/articles/" + slug, as("budi")).json["pending_draft"], true);

  const Reply restored = post("/v1/articles/" + slug + "/restore", "");
  ASSERT_EQ(restored.status, 200) << restored.describe();
  EXPECT_EQ(restored.json["status"], "published");
  const Reply after = get("/v1/articles/" + slug + "/draft", as("budi"));
  ASSERT_EQ(after.status, 200) << "restoring dropped the pending draft: " << after.describe();
  EXPECT_EQ(after.json["markdown"], draft);
  EXPECT_THAT(testing::read_text(file_of(slug)), HasSubstr("\nstatus: published\n"));
  EXPECT_THAT(testing::read_text(file_of(slug)), Not(HasSubstr("vostrela")));

  // Publishing the article (an edit of it) makes the draft go live: nothing is pending any more.
  const Reply published = put(slug, article("Paket draxumil", "draxumil dengan vostrela"), "ayu",
                              {{"If-Match", restored.header("ETag")}});
  ASSERT_EQ(published.status, 200) << published.describe();
  EXPECT_EQ(get("/v1/articles/" + slug + "/draft", as("budi")).status, 404);
}

TEST_F(Editor, TwoEditorsSavingTheSamePendingDraftCannotOverwriteEachOther) {
  const std::string slug = "pembayaran/saldo-trovalin";
  const Reply live = put(slug, article("Saldo trovalin", "trovalin"));
  ASSERT_EQ(live.status, 201) << live.describe();
  const std::string first = article("Saldo trovalin", "trovalin draf pertama", "draft");
  const Reply d1 = put(slug, first, "ayu", {{"If-Match", live.header("ETag")}});
  ASSERT_EQ(d1.status, 200) << d1.describe();
  EXPECT_EQ(d1.json["draft_etag"], service::etag_of(first));
  EXPECT_EQ(d1.header("ETag"), live.header("ETag")) << "the live article did not change";
  EXPECT_TRUE(live.json["draft_etag"].is_null());

  // Both open the pending draft: its ETag.
  const Reply opened = get("/v1/articles/" + slug + "/draft", as("budi"));
  ASSERT_EQ(opened.status, 200) << opened.describe();
  const std::string draft_etag = opened.json["etag"].get<std::string>();
  EXPECT_EQ(draft_etag, service::etag_of(first));

  // Ayu saves the draft first, from the draft she opened.
  const std::string ayus = article("Saldo trovalin", "trovalin draf ayu", "review");
  const Reply a = put(slug, ayus, "ayu", {{"If-Match", draft_etag}});
  ASSERT_EQ(a.status, 200) << a.describe();
  EXPECT_EQ(a.json["draft_copy"], true);
  EXPECT_EQ(a.json["draft_etag"], service::etag_of(ayus));

  // Budi's save from the same draft is refused with who and when; so is one with the live ETag.
  const std::string budis = article("Saldo trovalin", "trovalin draf budi", "draft");
  for (const std::string& etag : {draft_etag, live.header("ETag")}) {
    const Reply b = put(slug, budis, "budi", {{"If-Match", etag}});
    ASSERT_EQ(b.status, 412) << b.describe();
    EXPECT_EQ(b.json["error"]["code"], "precondition_failed");
    EXPECT_EQ(b.json["changed_by"]["author"], "ayu");
    EXPECT_TRUE(b.json["changed_by"]["at"].is_number_integer()) << b.describe();
    EXPECT_EQ(b.json["current_draft_etag"], service::etag_of(ayus));
    EXPECT_EQ(b.json["current_etag"], live.header("ETag"));
  }
  const Reply pending = get("/v1/articles/" + slug + "/draft", as("budi"));
  EXPECT_EQ(pending.json["markdown"], ayus) << "a refused save changed the draft";
  // With the draft's new ETag it goes through; publishing is checked against the live file.
  const Reply b2 = put(slug, budis, "budi", {{"If-Match", a.json["draft_etag"].get<std::string>()}});
  ASSERT_EQ(b2.status, 200) << b2.describe();
  const Reply p =
      put(slug, article("Saldo trovalin", "trovalin terbit"), "budi", {{"If-Match", live.header("ETag")}});
  EXPECT_EQ(p.status, 200) << p.describe();
}

TEST_F(Editor, VerifiedOnPublishSetsReviewedToTodayAndReviewEveryIsReportedOnlyWhenSet) {
  const std::string slug = "pembayaran/saldo-quenmor";
  const Reply created = put(slug, article("Saldo quenmor", "quenmor"));
  ASSERT_EQ(created.status, 201) << created.describe();
  const json fields = get_ok("/v1/articles/" + slug, as("budi"));
  EXPECT_EQ(fields["review_every_set"], false) << "the article has no review_every of its own";
  EXPECT_EQ(fields["reviewed"], "2026-10-01");

  const std::string before = Date::today().iso();
  const Reply verified = put(slug, article("Saldo quenmor", "quenmor diperiksa"), "budi",
                             {{"If-Match", created.header("ETag")}}, "text/markdown", "?verified=true");
  ASSERT_EQ(verified.status, 200) << verified.describe();
  const std::string text = testing::read_text(file_of(slug));
  // The service's day: the test's day before or after the write (a write at midnight may see either).
  const std::string today =
      text.find("\nreviewed: " + before + "\n") != std::string::npos ? before : Date::today().iso();
  EXPECT_THAT(text, HasSubstr("\nreviewed: " + today + "\n"));
  EXPECT_THAT(text, Not(HasSubstr("2026-10-01")));
  EXPECT_THAT(text, Not(HasSubstr("review_every")));
  EXPECT_EQ(get_ok("/v1/articles/" + slug, as("budi"))["reviewed"], today);

  // Not verified: reviewed stays as sent. verified on a draft, or a bad value, is a clear 400.
  const Reply plain =
      put(slug, article("Saldo quenmor", "quenmor lagi", "published", "review_every: 30d\n"), "budi",
          {{"If-Match", verified.header("ETag")}}, "text/markdown", "?verified=false");
  ASSERT_EQ(plain.status, 200) << plain.describe();
  EXPECT_THAT(testing::read_text(file_of(slug)), HasSubstr("\nreviewed: 2026-10-01\n"));
  EXPECT_EQ(get_ok("/v1/articles/" + slug, as("budi"))["review_every_set"], true);
  const Reply draft = put(slug, article("Saldo quenmor", "quenmor", "draft"), "budi",
                          {{"If-Match", plain.header("ETag")}}, "text/markdown", "?verified=true");
  EXPECT_EQ(draft.status, 400) << draft.describe();
  EXPECT_THAT(draft.error_message(), HasSubstr("verified"));
  EXPECT_EQ(
      put(slug, article("Saldo quenmor", "quenmor"), "budi", {}, "text/markdown", "?verified=ya").status,
      400);
  EXPECT_THAT(testing::read_text(file_of(slug)), HasSubstr("quenmor lagi"))
      << "a refused write changed the file";
}

TEST_F(Editor, ArchivingAnArticleWithAValueOverSeveralUnindentedLinesArchivesIt) {
  // Front matter yaml-cpp reads although a line edit cannot: an unindented last line (read as a key
  // without a value), and a double-quoted value left open up to the closing fence. A "status:
  // archived" line added at the end of the front matter made the first invalid YAML (a 422) and went
  // into the summary of the second (not archived).
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"pengiriman/paket-snorvik", "summary: Paket tertunda\nkarena gudang penuh\n"},
      {"pengiriman/paket-snorvak", "summary: \"Paket tertunda\nkarena gudang penuh\n"}};
  for (const auto& [slug, front] : cases) {
    const std::string text = "---\ntitle: Paket snorvik\nlang: id\nowner: tim-logistik\n" + front +
                             "---\n## Masalah\n\nPaket snorvik tertunda.\n";
    const auto before = parse_article(slug + ".md", text);
    ASSERT_TRUE(before) << before.error().describe();
    const Reply created = put(slug, text);
    ASSERT_EQ(created.status, 201) << created.describe();
    const Reply archived = del(slug);
    ASSERT_EQ(archived.status, 200) << slug << ": " << archived.describe();
    EXPECT_EQ(archived.json["status"], "archived");
    const std::string after = testing::read_text(file_of(slug));
    auto a = parse_article(slug + ".md", after);
    ASSERT_TRUE(a) << a.error().describe() << "\n" << after;
    EXPECT_EQ(a->status, Status::archived) << after;
    EXPECT_EQ(a->summary, before->summary) << after;
    EXPECT_EQ(a->extra, before->extra) << after;
    EXPECT_EQ(a->owner, "tim-logistik") << after;
    // And restoring sets it back the same way.
    const Reply restored = post("/v1/articles/" + slug + "/restore", "");
    ASSERT_EQ(restored.status, 200) << restored.describe();
    auto r = parse_article(slug + ".md", testing::read_text(file_of(slug)));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->status, Status::published);
    EXPECT_EQ(r->summary, before->summary);
  }
}

TEST_F(Editor, RestoringARevisionWritesItsTextAsANewRevision) {
  const std::string slug = "akun/gravulent";
  const std::string v1 = article("Gravulent", "gravulent");
  const Reply r1 = put(slug, v1);
  ASSERT_EQ(r1.status, 201) << r1.describe();
  const Reply r2 = put(slug, article("Gravulent", "gravulent dengan trospinat"), "budi",
                       {{"If-Match", r1.header("ETag")}});
  ASSERT_EQ(r2.status, 200) << r2.describe();
  ASSERT_TRUE(await(slug, "trospinat", true));

  const Reply back =
      post("/v1/articles/" + slug + "/restore", R"({"revision": 1, "note": "kembali ke awal"})");
  ASSERT_EQ(back.status, 200) << back.describe();
  EXPECT_EQ(back.json["revision"], 3);
  EXPECT_EQ(back.header("ETag"), r1.header("ETag"));
  EXPECT_EQ(testing::read_text(file_of(slug)), v1);
  const json rev3 = get_ok("/v1/articles/" + slug + "/revisions/3", as("budi"));
  EXPECT_EQ(rev3["text"], v1);
  EXPECT_EQ(rev3["action"], "restore");
  EXPECT_EQ(rev3["note"], "kembali ke awal");
  EXPECT_TRUE(await(slug, "trospinat", false));
  EXPECT_TRUE(searchable(slug, "gravulent"));

  for (const std::string bad : {R"({"revision": 0})", R"({"revision": "1"})", R"({"revision": 1.5})",
                                R"({"revision": -1})", R"({"rev": 1})", "[1]", "{"}) {
    const Reply r = post("/v1/articles/" + slug + "/restore", bad);
    EXPECT_EQ(r.status, 400) << bad << " → " << r.describe();
  }
  EXPECT_EQ(post("/v1/articles/" + slug + "/restore", R"({"revision": 99})").status, 404);
  EXPECT_EQ(revisions(slug)["revisions"].size(), 3u) << "refused restores recorded nothing";
}

TEST_F(Editor, PublishAtInTheFutureAndValidToInThePastAreNotSearchable) {
  const Reply future =
      put("promo/besok-quallivet", article("Promo", "quallivet", "published", "publish_at: 2099-01-01\n"));
  ASSERT_EQ(future.status, 201) << future.describe();
  EXPECT_EQ(future.json["status"], "published");
  const Reply expired = put("promo/lalu-dostrivane",
                            article("Promo lama", "dostrivane", "published", "valid_to: 2020-01-31\n"));
  ASSERT_EQ(expired.status, 201) << expired.describe();
  // Controls: a past publish_at and a future valid_to are live.
  const Reply live = put("promo/kini-brennifox", article("Promo kini", "brennifox", "published",
                                                         "publish_at: 2020-01-01\nvalid_to: 2099-12-31\n"));
  ASSERT_EQ(live.status, 201) << live.describe();
  ASSERT_TRUE(await("promo/kini-brennifox", "brennifox", true));
  barrier();
  EXPECT_FALSE(searchable("promo/besok-quallivet", "quallivet"));
  EXPECT_FALSE(searchable("promo/lalu-dostrivane", "dostrivane"));
  EXPECT_EQ(get("/v1/articles/promo/besok-quallivet", as("rina")).status, 404);
  EXPECT_EQ(get("/v1/articles/promo/lalu-dostrivane", as("rina")).status, 404);
  for (const std::string word : {"quallivet", "dostrivane"}) {
    const Reply s =
        post("/v1/suggest", json{{"subject", "Promo " + word}, {"body", "Promo " + word + " kak?"}}.dump(),
             "helpdesk");
    ASSERT_EQ(s.status, 200) << s.describe();
    for (const auto& slug : suggested_slugs(s.json)) EXPECT_THAT(slug, Not(HasSubstr(word)));
  }
}

// ------------------------------------------------------------------------------------------------
// Revisions and diffs

TEST_F(Editor, RevisionsAndDiff) {
  const std::string slug = "akun/riwayat-velmondi";
  const std::string v1 =
      "---\ntitle: Riwayat\nowner: tim-akun\n---\nBaris satu.\nBaris dua velmondi.\nBaris tiga.\n";
  const std::string v2 =
      "---\ntitle: Riwayat\nowner: tim-akun\n---\nBaris satu.\nBaris dua diganti.\nBaris tiga.\n"
      "Baris empat baru.\n";
  const Reply r1 = put(slug, v1);
  ASSERT_EQ(r1.status, 201) << r1.describe();
  const Reply r2 =
      put(slug, v2, "ayu", {{"If-Match", r1.header("ETag")}}, "text/markdown", "?note=ganti%20baris");
  ASSERT_EQ(r2.status, 200) << r2.describe();
  const Reply r3 = put(slug, v2 + "Baris lima.\n", "budi", {{"If-Match", r2.header("ETag")}});
  ASSERT_EQ(r3.status, 200) << r3.describe();

  const json list = revisions(slug);
  EXPECT_EQ(list["slug"], slug);
  ASSERT_EQ(list["revisions"].size(), 3u) << list.dump(2);
  std::int64_t last_at = 0;
  for (size_t i = 0; i < 3; ++i) {
    const json& v = list["revisions"][i];
    EXPECT_EQ(v["revision"], i + 1);
    EXPECT_GE(v["at"].get<std::int64_t>(), last_at);
    last_at = v["at"].get<std::int64_t>();
  }
  EXPECT_EQ(list["revisions"][0]["action"], "create");
  EXPECT_EQ(list["revisions"][1]["action"], "update");
  EXPECT_EQ(list["revisions"][1]["author"], "ayu");
  EXPECT_EQ(list["revisions"][1]["note"], "ganti baris");
  EXPECT_EQ(list["revisions"][1]["etag"], r2.header("ETag"));

  const json one = get_ok("/v1/articles/" + slug + "/revisions/1", as("sari"));
  EXPECT_EQ(one["text"], v1);
  EXPECT_EQ(one["revision"], 1);
  EXPECT_EQ(one["slug"], slug);
  EXPECT_EQ(one["author"], "budi");

  const json diff = get_ok("/v1/articles/" + slug + "/diff?from=1&to=2", as("sari"));
  EXPECT_EQ(diff["from"], 1);
  EXPECT_EQ(diff["to"], 2);
  EXPECT_EQ(diff["added"], 2);
  EXPECT_EQ(diff["removed"], 1);
  std::vector<std::string> changed;
  for (const auto& l : diff["lines"])
    if (l["op"] != " ") changed.push_back(l["op"].get<std::string>() + l["text"].get<std::string>());
  EXPECT_EQ(changed,
            (std::vector<std::string>{"-Baris dua velmondi.", "+Baris dua diganti.", "+Baris empat baru."}));
  size_t same = 0;
  for (const auto& l : diff["lines"]) same += l["op"] == " ";
  EXPECT_EQ(same, 6u) << diff.dump(2);
  // Backwards: the same lines, the other way round.
  const json back = get_ok("/v1/articles/" + slug + "/diff?from=2&to=1", as("sari"));
  EXPECT_EQ(back["added"], 1);
  EXPECT_EQ(back["removed"], 2);

  // Unknown revisions and slugs, missing and bad parameters.
  EXPECT_EQ(get("/v1/articles/" + slug + "/revisions/4", as("budi")).status, 404);
  EXPECT_EQ(get("/v1/articles/" + slug + "/diff?from=1&to=9", as("budi")).status, 404);
  EXPECT_EQ(get("/v1/articles/akun/tidak-ada/revisions", as("budi")).status, 404);
  EXPECT_EQ(get("/v1/articles/" + slug + "/diff?from=1", as("budi")).status, 400);
  EXPECT_EQ(get("/v1/articles/" + slug + "/diff?from=a&to=2", as("budi")).status, 400);
  EXPECT_EQ(get("/v1/articles/" + slug + "/diff?from=0&to=2", as("budi")).status, 400);
  EXPECT_EQ(get("/v1/articles/" + slug + "/revisions/0", as("budi")).status, 400);
  // An article that was never written through the API has no revisions yet, but exists.
  const json fixture = revisions("pembayaran/virtual-account");
  EXPECT_TRUE(fixture["revisions"].empty()) << fixture.dump();
}

// ------------------------------------------------------------------------------------------------
// Validation: every refused write leaves the index and the other articles alone

TEST_F(Editor, RefusedWritesLeaveEverythingAlone) {
  const size_t docs = documents();
  const std::string existing = "pembayaran/refund-belum-masuk";
  const std::string existing_text = testing::read_text(file_of(existing));
  const std::string ok_text = article("Valid", "validorex");
  auto check_untouched = [&](const std::string& label) {
    EXPECT_EQ(documents(), docs) << label;
    EXPECT_TRUE(searchable(existing, "refund saldo")) << label;
    EXPECT_EQ(testing::read_text(file_of(existing)), existing_text) << label;
    EXPECT_EQ(get("/healthz").status, 200) << label;
  };

  struct SlugCase {
    std::string label, target;
  };
  const SlugCase bad_slugs[] = {
      {"uppercase", "Akun/Baru"},
      {"dot dot", "akun/%2E%2E/rahasia"},
      {"dot dot plain", "akun/../rahasia"},
      {"absolute", "/etc/passwd-x"},
      {"hidden", "akun/.rahasia"},
      {"hidden drafts folder", ".drafts/akun/x"},
      {"too long", std::string(151, 'a')},
      {"revisions", "akun/x/revisions"},
      {"diff", "akun/diff"},
      {"draft", "akun/draft"},
      {"restore", "akun/restore"},
      {"space", "akun/dua%20kata"},
      {"underscore", "akun/a_b"},
  };
  for (const auto& c : bad_slugs) {
    const Reply r = solusi::put(*client_, c.target, ok_text, as("budi"));
    EXPECT_EQ(r.status, 400) << c.label << " → " << r.describe();
    if (r.status == 400) {
      EXPECT_EQ(r.error_code(), "invalid_argument") << c.label;
    }
  }
  EXPECT_FALSE(fs::exists(dir_ / "rahasia.md"));
  EXPECT_FALSE(fs::exists(articles_dir() / "rahasia.md"));
  EXPECT_FALSE(fs::exists(articles_dir() / ".drafts/akun/x.md"));
  check_untouched("slugs");

  // 422: front matter errors with the line.
  struct ArticleCase {
    std::string label, text;
    int line;
  };
  const ArticleCase bad_articles[] = {
      {"unknown status", "---\ntitle: A\nstatus: nonsense\n---\nBody\n", 3},
      {"bad lang", "---\ntitle: A\nowner: x\nlang: xx\n---\nBody\n", 4},
      {"bad date", "---\ntitle: A\npublish_at: 2026-13-45\n---\nBody\n", 3},
      {"not yaml", "---\ntitle: A\ntags: [unclosed\nowner: x\n---\nBody\n", 0},
      {"title a list", "---\ntitle: [a, b]\n---\nBody\n", 2},
  };
  for (const auto& c : bad_articles) {
    const Reply r = put("akun/rusak", c.text);
    ASSERT_EQ(r.status, 422) << c.label << " → " << r.describe();
    EXPECT_EQ(r.json["error"]["code"], "invalid_article") << c.label;
    EXPECT_TRUE(r.json["error"]["message"].is_string()) << c.label;
    ASSERT_TRUE(r.json["error"]["line"].is_number_integer()) << c.label << ": " << r.describe();
    if (c.line > 0)
      EXPECT_EQ(r.json["error"]["line"], c.line) << c.label;
    else
      EXPECT_GT(r.json["error"]["line"].get<int>(), 1) << c.label;
  }
  // A bad update of an existing article keeps the old one live.
  const Reply bad_update = put(existing, "---\ntitle: A\nstatus: nonsense\n---\nBody\n");
  EXPECT_EQ(bad_update.status, 422) << bad_update.describe();
  EXPECT_FALSE(fs::exists(file_of("akun/rusak")));
  check_untouched("422");

  // 415: neither Markdown nor JSON.
  for (const std::string type : {"application/x-www-form-urlencoded", "image/png", "application/xml"}) {
    const Reply r = put("akun/jenis", ok_text, "budi", {}, type);
    EXPECT_EQ(r.status, 415) << type << " → " << r.describe();
    EXPECT_EQ(r.error_code(), "unsupported_media_type") << type;
  }
  check_untouched("415");

  // 400: invalid UTF-8, bad JSON.
  EXPECT_EQ(put("akun/utf", "---\ntitle: A\n---\nBody \xC3\x28\n").status, 400);
  for (const std::string body : {"{", "[]", R"({"front_matter": [], "body": "x"})", R"({"body": 5})"}) {
    const Reply r = put("akun/json", body, "budi", {}, "application/json");
    EXPECT_EQ(r.status, 400) << body << " → " << r.describe();
  }
  // An unknown field is refused in strict mode (without it, ignored with a warning).
  const Reply extra = put("akun/json", R"({"front_matter": {}, "body": "x", "extra": 1})", "budi", {},
                          "application/json", "?strict=true");
  EXPECT_EQ(extra.status, 400) << extra.describe();
  EXPECT_EQ(put("akun/note", ok_text, "budi", {}, "text/markdown", "?note=" + std::string(501, 'n')).status,
            400);
  EXPECT_EQ(put("akun/param", ok_text, "budi", {}, "text/markdown", "?unknown=1").status, 400);
  check_untouched("400");

  // 413: over 512 KiB of article (under max_body_bytes), and over max_body_bytes.
  const std::string big = article("Besar", "besar") + std::string(service::max_article_bytes, 'x') + "\n";
  const Reply too_big = put("akun/besar", big);
  EXPECT_EQ(too_big.status, 413) << too_big.describe();
  EXPECT_EQ(too_big.error_code(), "too_large");
  const Reply over_limit = put("akun/besar", big + std::string(200 * 1024, 'y'));
  EXPECT_EQ(over_limit.status, 413) << over_limit.describe();
  EXPECT_EQ(over_limit.error_code(), "payload_too_large");
  EXPECT_FALSE(fs::exists(file_of("akun/besar")));
  check_untouched("413");
  for (const std::string slug : {"akun/rusak", "akun/jenis", "akun/utf", "akun/json", "akun/besar"})
    EXPECT_FALSE(fs::exists(file_of(slug))) << slug;

  // After all that, a good write still works.
  EXPECT_EQ(put("akun/valid", ok_text).status, 201);
}

TEST_F(Editor, AJsonFrontMatterStringWithACarriageReturnIsKeptExactly) {
  // yaml-cpp's emitter wrote the CR raw and the parser read it as a line end: a leading CR was a 422,
  // one in the middle became a space in the file.
  const json j = {{"front_matter",
                   {{"title", "Refund\rbelum masuk plonkavar"}, {"lang", "id"}, {"x_note", "\rinternal"}}},
                  {"body", "Refund plonkavar belum masuk.\n"}};
  const Reply r = put("pembayaran/plonkavar", j.dump(), "budi", {}, "application/json");
  ASSERT_EQ(r.status, 201) << r.describe();
  const auto fm = read_front_matter_yaml(testing::read_text(file_of("pembayaran/plonkavar")));
  ASSERT_TRUE(fm) << fm.error().describe();
  EXPECT_EQ(fm->root["title"].as<std::string>(), "Refund\rbelum masuk plonkavar");
  EXPECT_EQ(fm->root["x_note"].as<std::string>(), "\rinternal");
  // The preview of the same JSON is good too.
  const Reply p = post("/v1/preview", j.dump());
  EXPECT_EQ(p.status, 200) << p.describe();
}

TEST_F(Editor, AJsonArticleOverTheLimitIs413LikeMarkdown) {
  const json j = {{"front_matter", {{"title", "Besar"}}},
                  {"body", std::string(service::max_article_bytes + 1, 'x')}};
  const Reply r = put("akun/besar-json", j.dump(), "budi", {}, "application/json");
  EXPECT_EQ(r.status, 413) << r.describe();
}

TEST_F(Editor, JsonWritesBuildTheArticle) {
  const json j = {{"front_matter",
                   {{"title", "Kartu ditolak glimbertu"},
                    {"lang", "id"},
                    {"tags", {"kartu", "pembayaran"}},
                    {"owner", "tim-pembayaran"},
                    {"reviewed", "2026-10-01"},
                    {"audience", "public"}}},
                  {"body", "Kartu ditolak karena glimbertu.\n"},
                  {"note", "dari formulir"}};
  const Reply r = put("pembayaran/glimbertu", j.dump(), "budi", {}, "application/json; charset=utf-8");
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["status"], "published");
  const std::string text = testing::read_text(file_of("pembayaran/glimbertu"));
  EXPECT_TRUE(text.starts_with("---\n")) << text;
  EXPECT_THAT(text, HasSubstr("Kartu ditolak karena glimbertu.\n"));
  EXPECT_EQ(r.header("ETag"), service::etag_of(text));
  ASSERT_TRUE(await("pembayaran/glimbertu", "glimbertu", true));
  Reply view;
  ASSERT_TRUE(testing::eventually(
      [&] { return (view = get("/v1/articles/pembayaran/glimbertu", as("website"))).status == 200; },
      searchable_deadline))
      << view.describe();
  const json& a = view.json;
  EXPECT_EQ(a["title"], "Kartu ditolak glimbertu");
  EXPECT_EQ(revisions("pembayaran/glimbertu")["revisions"][0]["note"], "dari formulir");
}

TEST_F(Editor, PostWithoutContentLengthIs411) {
  const std::string head =
      "POST /v1/articles/en/legacy-refund-form/restore HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer " +
      secret_of("budi") + "\r\n";
  const std::string r = testing::raw_exchange(port_, head + "\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 411 ")) << r;
  EXPECT_THAT(testing::read_text(file_of("en/legacy-refund-form")), HasSubstr("status: archived"));
  const std::string ok =
      testing::raw_exchange(port_, head + "Content-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(ok.starts_with("HTTP/1.1 200 ")) << ok;
  EXPECT_THAT(testing::read_text(file_of("en/legacy-refund-form")), HasSubstr("status: published"));
}

// ------------------------------------------------------------------------------------------------
// Preview

TEST_F(Editor, PreviewRendersSafeHtmlWithFindingsAndSavesNothing) {
  const std::string text =
      "---\ntitle: Pratinjau\nowner: tim-akun\nreviewed: 2026-10-01\n---\n## Langkah\n\n"
      "Halo **dunia**.\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n"
      "[bahaya](javascript:alert(3)) dan [artikel lain](../akun/tidak-ada.md) dan "
      "[refund](../pembayaran/refund-belum-masuk.md)\n";
  const Reply r =
      solusi::post(*client_, "/v1/preview?slug=akun/pratinjau", text, as("budi"), "text/markdown");
  ASSERT_EQ(r.status, 200) << r.describe();
  const std::string html = r.json["html"].get<std::string>();
  EXPECT_THAT(html, HasSubstr("<strong>dunia</strong>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("onerror=")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:")));
  EXPECT_EQ(r.json["valid"], true);
  std::vector<std::string> codes;
  for (const auto& f : r.json["findings"]) codes.push_back(f.value("code", ""));
  EXPECT_THAT(codes, Contains("broken_link")) << r.json["findings"].dump(2);
  size_t broken = 0;
  for (const auto& f : r.json["findings"])
    if (f.value("code", "") == "broken_link") {
      ++broken;
      EXPECT_THAT(f["message"].get<std::string>(), HasSubstr("akun/tidak-ada"));
    }
  EXPECT_EQ(broken, 1u) << "the link to an existing article is not broken";
  EXPECT_FALSE(fs::exists(file_of("akun/pratinjau")));
  EXPECT_EQ(get("/v1/articles/akun/pratinjau/revisions", as("budi")).status, 404);

  // Invalid front matter: still rendered, not valid, the error with its line.
  const Reply bad =
      post("/v1/preview", "---\ntitle: A\nstatus: nonsense\n---\nIsi **tebal**.\n", "sari", "text/markdown");
  ASSERT_EQ(bad.status, 200) << bad.describe();
  EXPECT_EQ(bad.json["valid"], false);
  ASSERT_FALSE(bad.json["findings"].empty());
  EXPECT_EQ(bad.json["findings"][0]["severity"], "error");
  EXPECT_EQ(bad.json["findings"][0]["line"], 3);
  EXPECT_THAT(bad.json["html"].get<std::string>(), HasSubstr("<strong>tebal</strong>"));

  // JSON works as for PUT; other types and bad slugs are refused.
  const Reply js =
      post("/v1/preview", json{{"front_matter", {{"title", "J"}}}, {"body", "*miring*"}}.dump(), "budi");
  ASSERT_EQ(js.status, 200) << js.describe();
  EXPECT_THAT(js.json["html"].get<std::string>(), HasSubstr("<em>miring</em>"));
  EXPECT_EQ(post("/v1/preview", "x", "budi", "image/png").status, 415);
  EXPECT_EQ(solusi::post(*client_, "/v1/preview?slug=../x", "x", as("budi"), "text/markdown").status, 400);
}

TEST_F(Editor, PreviewFindingsSayWhereTheEditorSeesThem) {
  // The editor shows the front matter as a form and the body as text: a finding in the body names
  // the body's line, one about a front matter field names the field, and both carry their values.
  const std::string text =
      "---\ntitle: Tempat temuan\naudience: Admin\nreviewed: 2026-10-01\n---\n"
      "Baris pertama.\n\nLihat [artikel lain](../akun/tidak-ada.md).\n";
  const Reply r = solusi::post(*client_, "/v1/preview?slug=akun/tempat", text, as("budi"), "text/markdown");
  ASSERT_EQ(r.status, 200) << r.describe();
  std::map<std::string, json> by_code;
  for (const auto& f : r.json["findings"]) by_code[f.value("code", "")] = f;
  ASSERT_TRUE(by_code.count("broken_link")) << r.json.dump(2);
  EXPECT_EQ(by_code["broken_link"]["line"], 8);  // of the file
  EXPECT_EQ(by_code["broken_link"]["body_line"], 3);
  EXPECT_EQ(by_code["broken_link"]["args"]["slug"], "akun/tidak-ada");
  EXPECT_FALSE(by_code["broken_link"].contains("field"));
  ASSERT_TRUE(by_code.count("missing_owner")) << r.json.dump(2);
  EXPECT_EQ(by_code["missing_owner"]["field"], "owner");
  EXPECT_FALSE(by_code["missing_owner"].contains("body_line"));
  ASSERT_TRUE(by_code.count("unknown_audience")) << r.json.dump(2);
  EXPECT_EQ(by_code["unknown_audience"]["field"], "audience");
  EXPECT_EQ(by_code["unknown_audience"]["args"]["value"], "Admin");

  // A text that does not parse: an empty body is named by its code.
  const Reply empty = post("/v1/preview", "---\ntitle: Kosong\n---\n\n", "budi", "text/markdown");
  ASSERT_EQ(empty.status, 200) << empty.describe();
  EXPECT_EQ(empty.json["valid"], false);
  ASSERT_FALSE(empty.json["findings"].empty());
  EXPECT_EQ(empty.json["findings"][0]["code"], "empty_body") << empty.json.dump(2);
}

TEST_F(Editor, PipeTablesRenderAsTablesInPreviewAndArticleView) {
  const std::string table =
      "| Metode | Lama refund |\n|:--|--:|\n| **RayaPay** | 1x24 jam |\n| Kartu kredit | 7-14 hari |\n";
  const Reply preview = post("/v1/preview", "---\ntitle: Tabel\n---\n" + table, "budi", "text/markdown");
  ASSERT_EQ(preview.status, 200) << preview.describe();
  EXPECT_THAT(preview.json["html"].get<std::string>(),
              HasSubstr("<th align=\"left\">Metode</th>\n<th align=\"right\">Lama refund</th>"));

  ASSERT_EQ(put("pembayaran/tabel-refund", article("Tabel refund", "zirkonia") + "\n" + table).status, 201);
  const Reply a = get("/v1/articles/pembayaran/tabel-refund", as("rina"));
  ASSERT_EQ(a.status, 200) << a.describe();
  const std::string html = a.json["html"].get<std::string>();
  EXPECT_THAT(html, HasSubstr("<td align=\"left\"><strong>RayaPay</strong></td>"));
  EXPECT_THAT(html, HasSubstr("<td align=\"right\">7-14 hari</td>"));
  EXPECT_THAT(html, HasSubstr("<h2>Solusi</h2>")) << "the rest of the article renders as before";
  EXPECT_THAT(html, Not(HasSubstr("|")));
}

TEST_F(Editor, MarkdownPastedFromGitHubRendersSafelyAndIsSearchable) {
  // Strikethrough, bare links, task lists and a table inside a list, as editors paste them from GitHub,
  // GitLab or Document360; raw HTML and script links stay out.
  const std::string body =
      "Nama lama ~~kaldoriva~~ kini Rp5.000, kirim ~3 hari.\n\nPanduan: "
      "https://warungraya.example/bantuan\n\n"
      "- [x] cek saldo\n- [ ] hubungi bank\n\nKode bank:\n\n1. Transfer:\n\n"
      "   | Bank | Kode |\n   |---|---|\n   | BCA | kwarvelon |\n\n"
      "<script>alert(1)</script>\n\n[klik](javascript:alert(1)) <iframe src=x></iframe>\n";
  const Reply preview = post("/v1/preview", "---\ntitle: GFM\n---\n" + body, "budi", "text/markdown");
  ASSERT_EQ(preview.status, 200) << preview.describe();
  ASSERT_EQ(put("pembayaran/gfm-tempel", article("Tempel dari GitHub", "zelvaroni") + "\n" + body).status,
            201);
  const Reply view = get("/v1/articles/pembayaran/gfm-tempel", as("rina"));
  ASSERT_EQ(view.status, 200) << view.describe();

  for (const auto& html : {preview.json["html"].get<std::string>(), view.json["html"].get<std::string>()}) {
    EXPECT_THAT(html, HasSubstr("<del>kaldoriva</del> kini Rp5.000, kirim ~3 hari."));
    EXPECT_THAT(html, HasSubstr("<a href=\"https://warungraya.example/bantuan\">"));
    EXPECT_THAT(html, HasSubstr("<li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> cek saldo</li>"));
    EXPECT_THAT(html, HasSubstr("<td>kwarvelon</td>"));
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<iframe")));
    EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  }
  // The cell of the table in the list and the struck word are indexed text.
  EXPECT_TRUE(await("pembayaran/gfm-tempel", "kwarvelon", true));
  EXPECT_TRUE(await("pembayaran/gfm-tempel", "kaldoriva", true));
}

// ------------------------------------------------------------------------------------------------
// Outside edits of the articles folder

TEST_F(Editor, OutsideEditsAreNoticedIndexedAndRecorded) {
  await_watcher();
  const std::string slug = "akun/luar-snorvadel";
  testing::write_file(file_of(slug), article("Dari luar", "snorvadel"));
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(await(slug, "snorvadel", true, outside_edit_deadline)) << "a new file not indexed within 5 s";
  std::cout
      << "[ outside edit→searchable ] "
      << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()
      << " ms\n";
  // The watcher records the revision right after its index commit: poll for it too.
  json history;
  EXPECT_TRUE(testing::eventually([&] { return (history = revisions(slug))["revisions"].size() == 1; }, 2s))
      << history.dump(2);
  ASSERT_EQ(history["revisions"].size(), 1u) << history.dump(2);
  EXPECT_EQ(history["revisions"][0]["author"], "file");
  EXPECT_EQ(history["revisions"][0]["action"], "external");

  // Changed outside: the new text replaces the old.
  testing::write_file(file_of(slug), article("Dari luar", "snorvadel kini tambulix"));
  ASSERT_TRUE(await(slug, "tambulix", true, outside_edit_deadline));

  // A broken edit: not indexed, the old version stays, the service keeps serving.
  testing::write_file(file_of(slug), "---\ntitle: [rusak\n---\nsnorvadel rusak dengan kelmiprax\n");
  // Barrier for the watcher: a good file written after the broken one is indexed by the same or a
  // later reindex.
  testing::write_file(file_of("akun/luar-penanda"), article("Penanda", "penandoxil"));
  ASSERT_TRUE(await("akun/luar-penanda", "penandoxil", true, outside_edit_deadline));
  EXPECT_FALSE(searchable(slug, "kelmiprax"));
  EXPECT_TRUE(searchable(slug, "tambulix"));
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_THAT(get_ok("/v1/articles/" + slug, as("rina"))["markdown"].get<std::string>(),
              HasSubstr("tambulix"));
  // The forced reindex reports it.
  const Reply report = post("/v1/admin/reindex", "");
  ASSERT_EQ(report.status, 200) << report.describe();
  for (const std::string field : {"added", "updated", "removed", "unchanged", "documents", "seconds"})
    EXPECT_TRUE(report.json[field].is_number()) << field << ": " << report.describe();
  ASSERT_EQ(report.json["errors"].size(), 1u) << report.describe();
  EXPECT_EQ(report.json["errors"][0]["file"], slug + ".md");

  // Deleted outside: gone from search.
  fs::remove(file_of(slug));
  EXPECT_TRUE(await(slug, "tambulix", false, outside_edit_deadline))
      << "a deleted file still found after 5 s";
  EXPECT_TRUE(testing::eventually([&] { return get("/v1/articles/" + slug, as("rina")).status == 404; },
                                  searchable_deadline));
}

TEST_F(Editor, AdminReindexPicksUpAnEditAtOnce) {
  const std::string slug = "akun/paksa-hontravel";
  testing::write_file(file_of(slug), article("Paksa", "hontravel"));
  const Reply report = post("/v1/admin/reindex", "");
  ASSERT_EQ(report.status, 200) << report.describe();
  EXPECT_TRUE(report.json["errors"].empty()) << report.describe();
  // The watcher may have indexed it first; either way it is searchable now (after the reader refresh).
  EXPECT_TRUE(await(slug, "hontravel", true));
  EXPECT_EQ(report.json["documents"].get<size_t>(), testing::fixture_articles().size() + 1);
}

// ------------------------------------------------------------------------------------------------
// Drafts from tickets

TEST_F(Editor, DraftFromAnIndonesianTicket) {
  const json ticket = {{"subject", "Refund belum masuk ke saldo"},
                       {"body",
                        "Halo kak, saya sudah membatalkan pesanan tapi refund belum masuk ke saldo RayaPay "
                        "saya. Sudah lewat tiga hari kerja.\n\nTerima kasih,\nRina"}};
  const Reply r = post("/v1/drafts/from-ticket", ticket.dump());
  ASSERT_EQ(r.status, 201) << r.describe();
  const std::string slug = r.json["slug"].get<std::string>();
  EXPECT_TRUE(slug.starts_with("draft/")) << slug;
  EXPECT_EQ(r.json["status"], "draft");
  EXPECT_EQ(r.json["created"], true);
  const std::string md = r.json["markdown"].get<std::string>();
  EXPECT_THAT(md, HasSubstr("## Masalah"));
  EXPECT_THAT(md, HasSubstr("## Penyebab"));
  EXPECT_THAT(md, HasSubstr("## Solusi"));
  EXPECT_THAT(md, HasSubstr("membatalkan pesanan tapi refund belum masuk"));
  EXPECT_THAT(md, HasSubstr("status: draft"));
  EXPECT_THAT(md, HasSubstr("lang: id"));
  EXPECT_EQ(testing::read_text(file_of(slug)), md);
  EXPECT_EQ(r.header("ETag"), service::etag_of(md));
  std::vector<std::string> existing;
  for (const auto& e : r.json["existing"]) existing.push_back(e["slug"].get<std::string>());
  EXPECT_THAT(existing, Contains("pembayaran/refund-belum-masuk")) << r.json["existing"].dump(2);
  EXPECT_THAT(existing, Not(Contains(slug)));
  // The draft is not in agent search; the same ticket again gets a slug of its own.
  barrier();
  EXPECT_FALSE(searchable(slug, "refund belum masuk"));
  const Reply again = post("/v1/drafts/from-ticket", ticket.dump());
  ASSERT_EQ(again.status, 201) << again.describe();
  EXPECT_NE(again.json["slug"], slug);
  EXPECT_EQ(again.json["slug"], slug + "-2");
  const json history = revisions(slug);
  EXPECT_EQ(history["revisions"][0]["author"], "budi");
  EXPECT_EQ(history["revisions"][0]["status"], "draft");
}

TEST_F(Editor, ADraftFromAGapIsProposedCleanAndWrittenOnlyWhenSaved) {
  // The lead's "Create draft": the customer's chat words and "!!!" stay out of the title and slug,
  // and nothing is written until the editor saves.
  const json ticket = {{"subject", "UANG BLM BALIK SY UDH NUNGGU!!!"},
                       {"body", "tolong dong refund sy blm masuk ke rek bca, udh 5 hari!!!"},
                       {"save", false}};
  const Reply r = post("/v1/drafts/from-ticket", ticket.dump());
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.json["saved"], false);
  const std::string slug = r.json["slug"].get<std::string>();
  EXPECT_EQ(slug, "draft/uang-belum-balik-saya-sudah-menunggu") << slug;
  EXPECT_EQ(r.json["article"]["title"], "Uang belum balik saya sudah menunggu") << r.json["article"].dump(2);
  EXPECT_EQ(r.json["article"]["status"], "draft");
  EXPECT_THAT(r.json["markdown"].get<std::string>(),
              HasSubstr("title: Uang belum balik saya sudah menunggu"));
  EXPECT_FALSE(fs::exists(file_of(slug))) << "a proposal is not written";
  EXPECT_EQ(get("/v1/articles/" + slug + "/revisions", as("budi")).status, 404);
  EXPECT_FALSE(r.json["existing"].empty());

  // Saved as proposed, it is an ordinary new article; "save" must be a boolean.
  const Reply saved = put(slug, r.json["markdown"].get<std::string>());
  ASSERT_EQ(saved.status, 201) << saved.describe();
  EXPECT_TRUE(fs::exists(file_of(slug)));
  EXPECT_EQ(post("/v1/drafts/from-ticket", json{{"subject", "x y"}, {"save", "no"}}.dump()).status, 400);
}

TEST_F(Editor, DraftFromAnEnglishTicket) {
  const json ticket = {{"subject", "Refund not received in my wallet"},
                       {"body",
                        "Hi, I cancelled my order last week and the refund still has not arrived in my "
                        "RayaPay wallet. When will I get it?"},
                       {"tags", {"refund", "wallet"}},
                       {"owner", "payments-team"}};
  const Reply r = post("/v1/drafts/from-ticket", ticket.dump());
  ASSERT_EQ(r.status, 201) << r.describe();
  const std::string md = r.json["markdown"].get<std::string>();
  EXPECT_THAT(md, HasSubstr("## Problem"));
  EXPECT_THAT(md, HasSubstr("## Cause"));
  EXPECT_THAT(md, HasSubstr("## Resolution"));
  EXPECT_THAT(md, Not(HasSubstr("## Masalah")));
  EXPECT_THAT(md, HasSubstr("the refund still has not arrived"));
  EXPECT_THAT(md, HasSubstr("owner: payments-team"));
  EXPECT_THAT(md, HasSubstr("lang: en"));
  std::vector<std::string> existing;
  for (const auto& e : r.json["existing"]) existing.push_back(e["slug"].get<std::string>());
  EXPECT_THAT(existing, Contains("en/refund-not-received")) << r.json["existing"].dump(2);
}

TEST_F(Editor, DraftFromTicketChoosesOrRefusesTheSlug) {
  const Reply chosen =
      post("/v1/drafts/from-ticket",
           json{{"subject", "Kartu ditolak"}, {"body", "Kartu saya ditolak"}, {"slug", "draf/kartu"}}.dump());
  ASSERT_EQ(chosen.status, 201) << chosen.describe();
  EXPECT_EQ(chosen.json["slug"], "draf/kartu");
  const Reply taken =
      post("/v1/drafts/from-ticket",
           json{{"subject", "Kartu ditolak"}, {"body", "Kartu saya ditolak"}, {"slug", "draf/kartu"}}.dump());
  EXPECT_EQ(taken.status, 412) << taken.describe();
  for (const std::string slug : {"../kartu", "Draf/Kartu", ".kartu"}) {
    const Reply r =
        post("/v1/drafts/from-ticket",
             json{{"subject", "Kartu ditolak"}, {"body", "Kartu saya ditolak"}, {"slug", slug}}.dump());
    EXPECT_EQ(r.status, 400) << slug << " → " << r.describe();
  }
  EXPECT_EQ(post("/v1/drafts/from-ticket", json{{"subject", ""}, {"body", ""}}.dump()).status, 400);
  EXPECT_EQ(post("/v1/drafts/from-ticket?strict=true", json{{"subject", "a"}, {"unknown", 1}}.dump()).status,
            400);
  EXPECT_EQ(post("/v1/drafts/from-ticket", json{{"subject", "a"}, {"lang", "fr"}}.dump()).status, 400);
}

TEST_F(Editor, DraftFromATicketTitledLikeASubResource) {
  // The slug is draft/<slugify(title)>: a title "Restore" would make "draft/restore", which is not a
  // slug an article may have.
  for (const std::string subject : {"Restore", "Draft", "Revisions", "Diff"}) {
    const Reply r = post(
        "/v1/drafts/from-ticket",
        json{{"subject", subject}, {"body", subject + " pesanan saya gagal terus, tolong dibantu"}}.dump());
    EXPECT_EQ(r.status, 201) << subject << " → " << r.describe();
    if (r.status == 201) {
      EXPECT_TRUE(service::validate_write_slug(r.json["slug"].get<std::string>()));
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Durability: kill -9 of the real `solusi serve` right after acknowledged writes

class EditorServe : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_fixture_articles(articles_dir());
    std::string yaml = "listen: 127.0.0.1:0\narticles: " + articles_dir().string() +
                       "\nindex: " + index_dir().string() + "\nevents: " + events_db().string() +
                       "\nthreads: 2\naccess_log: false\nindex_poll_ms: 20\ntokens:\n";
    for (const std::string name : {"budi", "rina"}) {
      const auto& t =
          *std::find_if(std::begin(tokens), std::end(tokens), [&](const Token& x) { return x.name == name; });
      yaml += "  - name: " + t.name + "\n    role: " + std::string(service::to_string(t.role)) +
              "\n    sha256: " + service::sha256_hex(t.secret) + "\n";
    }
    testing::write_file(config_file(), yaml);
  }

  fs::path articles_dir() const { return dir_ / "articles"; }
  fs::path index_dir() const { return dir_ / "kb" / "index"; }
  fs::path events_db() const { return dir_ / "kb" / "events.db"; }
  fs::path config_file() const { return dir_ / "solusi.yaml"; }

  std::unique_ptr<ChildProcess> serve(int& port) {
    auto child = std::make_unique<ChildProcess>(
        std::vector<std::string>{SOLUSI_BINARY, "serve", "--config", config_file().string()}, dir_.path());
    EXPECT_TRUE(child->spawned()) << child->spawn_error();
    port = testing::wait_for_port(*child, startup_timeout);
    EXPECT_GT(port, 0) << "no port printed; exit " << child->exit_code() << "\n" << child->err();
    return child;
  }

  testing::TempDir dir_;
};

TEST_F(EditorServe, AcknowledgedWritesSurviveKillDashNine) {
  const std::vector<std::string> words = {"kresnavolt", "dumbrelik", "wastorin"};
  std::vector<std::pair<std::string, std::string>> acknowledged;  // slug, text
  int kills = 0;
  for (size_t round = 0; round < words.size(); ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int port = 0;
    auto child = serve(port);
    ASSERT_GT(port, 0);
    auto client = testing::make_client(port);
    // Everything acknowledged before the earlier kills is there and searchable after the restart.
    for (const auto& [slug, text] : acknowledged) {
      EXPECT_EQ(testing::read_text(articles_dir() / (slug + ".md")), text) << slug;
      const Reply s =
          testing::get(*client, "/v1/search?q=" + slug.substr(slug.find("tahan-") + 6), as("rina"));
      EXPECT_THAT(testing::hit_slugs(s.json), Contains(slug)) << s.describe();
    }
    const std::string slug = "akun/tahan-" + words[round];
    const std::string text = article("Tahan banting " + words[round], words[round]);
    const Reply r = solusi::put(*client, slug, text, as("budi"));
    ASSERT_EQ(r.status, 201) << r.describe();
    // Acknowledged: kill at once, no chance to flush anything more.
    child->signal(SIGKILL);
    ASSERT_TRUE(child->wait(10s)) << "still running after SIGKILL";
    ++kills;
    acknowledged.emplace_back(slug, text);
    EXPECT_EQ(testing::read_text(articles_dir() / (slug + ".md")), text)
        << "the file has exactly the bytes sent";
  }

  int port = 0;
  auto child = serve(port);
  ASSERT_GT(port, 0);
  auto client = testing::make_client(port);
  for (const auto& [slug, text] : acknowledged) {
    const std::string word = slug.substr(slug.find("tahan-") + 6);
    const Reply s = testing::get(*client, "/v1/search?q=" + word, as("rina"));
    ASSERT_EQ(s.status, 200) << s.describe();
    EXPECT_THAT(testing::hit_slugs(s.json), Contains(slug)) << s.describe();
    const Reply rev = testing::get(*client, "/v1/articles/" + slug + "/revisions/1", as("budi"));
    ASSERT_EQ(rev.status, 200) << rev.describe();
    EXPECT_EQ(rev.json["text"], text);
    EXPECT_EQ(rev.json["author"], "budi");
    EXPECT_EQ(query_text(events_db(), "SELECT text FROM revisions WHERE slug = ?1 AND revision = 1", {slug}),
              text);
  }
  std::cout << "[ kill -9 ] " << kills << " kills, " << acknowledged.size()
            << " acknowledged writes checked\n";
  child->signal(SIGTERM);
  ASSERT_TRUE(child->wait(10s));
  EXPECT_EQ(child->exit_code(), 0) << child->err();
}

}  // namespace
}  // namespace solusi
