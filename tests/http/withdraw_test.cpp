// Feedback can be corrected, through real HTTP on loopback over a copy of the bundled knowledge base:
// DELETE /v1/feedback/{ticket_id}/{slug} takes a resolution back, so its case stops voting in the next
// suggestions (also after a restart and a rebuild of the case index); POST /v1/feedback/withdraw takes
// back everything a token filed in a time range; DELETE /v1/tickets/{ticket_id} erases a customer's
// ticket; 404s, role refusals and bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::post_json;
using testing::Reply;

/// How long a withdrawn case may take to stop voting (the service promises the next suggestion after
/// the case learner's sync, a few milliseconds; generous for the ASan build on a busy machine).
constexpr auto unvote_deadline = 5s;
/// How long a resolution may take to vote (the same learner).
constexpr auto vote_deadline = 10s;

/// Customer words that the cashback article does not contain: only the solved ticket links them to it.
const std::string article = "promo/cashback-belum-masuk";
const json resolved_ticket{
    {"subject", "Hadiah kampanye influencer belum cair"},
    {"body", "Poin hadiah dari kampanye influencer kemarin belum cair juga ke akun saya."}};
const json similar_ticket{
    {"subject", "Poin hadiah belum cair"},
    {"body", "Halo, hadiah poin dari kampanye influencer minggu lalu kok belum cair ya?"}};

struct Token {
  std::string name;
  service::Role role;
  std::string secret;
};
const Token tokens[] = {
    {"rina", service::Role::agent, "sol_agent-rina-0123456789"},
    {"budi", service::Role::editor, "sol_editor-budi-0123456789"},
    {"sari", service::Role::lead, "sol_lead-sari-0123456789"},
    {"helpdesk", service::Role::ticket_system, "sol_ticket-helpdesk-0123456789"},
    {"bot", service::Role::ticket_system, "sol_ticket-bot-0123456789"},
    {"website", service::Role::public_, "sol_public-website-0123456789"},
};
httplib::Headers bearer(const std::string& name) {
  for (const auto& t : tokens)
    if (t.name == name) return {{"Authorization", "Bearer " + t.secret}};
  ADD_FAILURE() << "no token " << name;
  return {};
}

/// The single integer that @p sql returns (-1 and a failure when it cannot be read).
std::int64_t query_int(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::int64_t out = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      out = sqlite3_column_int64(st, 0);
    else
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    sqlite3_finalize(st);
  } else {
    ADD_FAILURE() << "cannot open " << db_path;
  }
  sqlite3_close_v2(db);
  return out;
}

class Withdraw : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path());
    fs::copy(SOLUSI_ARTICLES_DIR, articles_dir(), fs::copy_options::recursive);
    auto report = testing::reindex(articles_dir(), index_dir());
    ASSERT_TRUE(report) << report.error().describe();
  }
  void TearDown() override { stop(); }

  fs::path articles_dir() const { return dir_ / "articles"; }
  fs::path index_dir() const { return dir_ / "kb" / "index"; }
  fs::path events_db() const { return dir_ / "kb" / "events.db"; }

  service::Config config(bool with_tokens) const {
    service::Config c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.articles_dir = articles_dir();
    c.index_dir = index_dir();
    c.threads = 4;
    c.access_log = false;
    c.index_poll_ms = 20;
    c.suggest_threshold = 0;  // every candidate is listed: the test looks at what votes for it
    if (with_tokens)
      for (const auto& t : tokens) c.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
    return c;
  }
  void start(bool with_tokens = false) {
    server_ = std::make_unique<service::Server>(config(with_tokens));
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().describe();
    client_ = testing::make_client(*port);
  }
  void stop() {
    if (server_) server_->stop();
    server_.reset();
  }

  Reply del(const std::string& target, const httplib::Headers& headers = {}) {
    return testing::to_reply(client_->Delete(target.c_str(), headers));
  }
  Reply post(const std::string& path, const json& body, const httplib::Headers& headers = {}) {
    return post_json(*client_, path, body, headers);
  }
  Reply resolve(const std::string& ticket_id, const json& text, const std::string& slug,
                const httplib::Headers& headers = {}, const std::string& kind = "resolved") {
    json f = text;
    f["ticket_id"] = ticket_id;
    f["slug"] = slug;
    f["kind"] = kind;
    return post("/v1/feedback", f, headers);
  }

  /// The ticket ids that the suggestion of @p slug for the similar ticket names as solved cases (empty
  /// when the article is not suggested).
  std::vector<std::string> voters(const std::string& slug, const httplib::Headers& headers = {}) {
    json request = similar_ticket;
    request["limit"] = 20;
    const Reply r = post("/v1/suggest", request, headers);
    EXPECT_EQ(r.status, 200) << r.describe();
    std::vector<std::string> out;
    if (r.json.is_object() && r.json.contains("suggestions"))
      for (const auto& s : r.json["suggestions"])
        if (s["slug"] == slug) {
          EXPECT_EQ(s["similar_tickets"]["count"].get<size_t>() > 0,
                    !s["similar_tickets"]["ticket_ids"].empty())
              << s.dump(2);
          for (const auto& id : s["similar_tickets"]["ticket_ids"]) out.push_back(id.get<std::string>());
        }
    last_ = r.json;
    return out;
  }
  /// Whether the suggestion of @p slug for the similar ticket matched words it learned from tickets.
  bool learned(const std::string& slug) {
    json request = similar_ticket;
    request["limit"] = 20;
    const Reply r = post("/v1/suggest", request);
    last_ = r.json;
    if (r.json.is_object() && r.json.contains("suggestions"))
      for (const auto& s : r.json["suggestions"])
        if (s["slug"] == slug) return s["learned"] == true;
    return false;
  }
  bool voted_by(const std::string& ticket_id, std::chrono::milliseconds deadline,
                const httplib::Headers& headers = {}) {
    return testing::eventually(
        [&] {
          const auto ids = voters(article, headers);
          return std::find(ids.begin(), ids.end(), ticket_id) != ids.end();
        },
        deadline);
  }
  bool no_longer_voted_by(const std::string& ticket_id, std::chrono::milliseconds deadline,
                          const httplib::Headers& headers = {}) {
    return testing::eventually(
        [&] {
          const auto ids = voters(article, headers);
          return std::find(ids.begin(), ids.end(), ticket_id) == ids.end();
        },
        deadline);
  }

  testing::TempDir dir_;
  std::unique_ptr<service::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  json last_;
};

TEST_F(Withdraw, AWithdrawnResolutionStopsVotingAlsoAfterARestartAndARebuild) {
  start();
  ASSERT_TRUE(no_longer_voted_by("T1", 0ms)) << last_.dump(2);
  const Reply r = resolve("T1", resolved_ticket, article);
  ASSERT_EQ(r.status, 201) << r.describe();
  ASSERT_TRUE(voted_by("T1", vote_deadline)) << "the solved ticket never voted: " << last_.dump(2);
  ASSERT_TRUE(testing::eventually([&] { return learned(article); }, vote_deadline)) << last_.dump(2);

  const auto t0 = std::chrono::steady_clock::now();
  const Reply w = del("/v1/feedback/T1/" + article);
  ASSERT_EQ(w.status, 200) << w.describe();
  EXPECT_EQ(w.json["withdrawn"], 1);
  EXPECT_EQ(w.json["ticket_id"], "T1");
  EXPECT_EQ(w.json["slug"], article);
  EXPECT_EQ(w.json["kinds"], json::array({"resolved"}));
  EXPECT_TRUE(no_longer_voted_by("T1", unvote_deadline)) << last_.dump(2);
  RecordProperty("unvoted_after_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                        std::chrono::steady_clock::now() - t0)
                                                        .count()));
  // The article's learned words are rewritten without the ticket's (in the index within a second).
  EXPECT_TRUE(testing::eventually([&] { return !learned(article); }, vote_deadline)) << last_.dump(2);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM cases WHERE state = 'withdrawn'"), 1);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE withdrawn_by = 'anonymous'"), 1);

  // Withdrawn already: nothing in force.
  const Reply again = del("/v1/feedback/T1/" + article);
  EXPECT_EQ(again.status, 404) << again.describe();
  EXPECT_TRUE(again.is_error_body());
  EXPECT_EQ(again.error_code(), "not_found");

  stop();
  start();  // the case index catches up from where it was
  EXPECT_TRUE(no_longer_voted_by("T1", 0ms)) << last_.dump(2);
  stop();
  const fs::path case_index = events_db().parent_path() / "events.cases";
  ASSERT_TRUE(fs::is_directory(case_index));
  fs::remove_all(case_index);  // rebuilt from events.db
  start();
  EXPECT_TRUE(no_longer_voted_by("T1", 0ms)) << last_.dump(2);

  // Filed again: the case votes again.
  ASSERT_EQ(resolve("T1", resolved_ticket, article).status, 201);
  EXPECT_TRUE(voted_by("T1", vote_deadline)) << last_.dump(2);
}

TEST_F(Withdraw, OneKindOfAPairIsWithdrawnAndTheOthersStay) {
  start();
  ASSERT_EQ(resolve("T2", resolved_ticket, article).status, 201);
  ASSERT_EQ(resolve("T2", resolved_ticket, article, {}, "helpful").status, 201);
  const Reply h = del("/v1/feedback/T2/" + article + "?kind=helpful");
  ASSERT_EQ(h.status, 200) << h.describe();
  EXPECT_EQ(h.json["kinds"], json::array({"helpful"}));
  EXPECT_EQ(del("/v1/feedback/T2/" + article + "?kind=helpful").status, 404);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE withdrawn_at IS NULL"), 1);
  // The query form (a ticket id with a '/'), every kind left.
  ASSERT_EQ(resolve("ZD/7", resolved_ticket, article, {}, "not_helpful").status, 201);
  const Reply q =
      del("/v1/feedback?ticket_id=" + testing::url_encode("ZD/7") + "&slug=" + testing::url_encode(article));
  ASSERT_EQ(q.status, 200) << q.describe();
  EXPECT_EQ(q.json["ticket_id"], "ZD/7");
  EXPECT_EQ(q.json["kinds"], json::array({"not_helpful"}));
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE withdrawn_at IS NULL"), 1);
}

TEST_F(Withdraw, BadRequestsAre400AndUnknownOnes404) {
  start();
  const std::pair<std::string, std::string> bad[] = {
      {"/v1/feedback/T1/" + article + "?kind=liked", "kind"},
      {"/v1/feedback/T1/" + article + "?kind=resolved&kind=helpful", "kind"},
      {"/v1/feedback/T1/" + article + "?color=red", "color"},
      {"/v1/feedback/T1/..%2Fetc%2Fpasswd", "slug"},
      {"/v1/feedback/" + std::string(201, 'x') + "/" + article, "ticket id"},
      {"/v1/feedback/%20/" + article, "ticket id"},
      {"/v1/feedback?slug=" + testing::url_encode(article), "ticket_id"},
      {"/v1/feedback?ticket_id=T1", "slug"},
      {"/v1/feedback/T1/" + article + "%FF", "slug"},
  };
  for (const auto& [target, word] : bad) {
    const Reply r = del(target);
    EXPECT_EQ(r.status, 400) << target << " → " << r.describe();
    EXPECT_TRUE(r.is_error_body()) << target << " → " << r.describe();
    EXPECT_THAT(r.error_message(), HasSubstr(word)) << target;
  }
  for (const std::string& target :
       {"/v1/feedback/NEVER/" + article, std::string("/v1/feedback/T1/no/such-article")}) {
    const Reply r = del(target);
    EXPECT_EQ(r.status, 404) << target << " → " << r.describe();
    EXPECT_EQ(r.error_code(), "not_found");
  }
  const json bulk_bad[] = {
      json{{"since", 0}, {"until", 10}},
      json{{"principal", "bot"}, {"until", 10}},
      json{{"principal", "bot"}, {"since", 0}},
      json{{"principal", "bot"}, {"since", "yesterday"}, {"until", 10}},
      json{{"principal", "bot"}, {"since", "2026-02-30"}, {"until", 10}},
      json{{"principal", "bot"}, {"since", "2026-12-07T25:00:00Z"}, {"until", "2026-12-08"}},
      json{{"principal", "bot"}, {"since", "2026-12-07T10:00:00"}, {"until", "2026-12-08"}},
      json{{"principal", "bot"}, {"since", 20}, {"until", 10}},
      json{{"principal", 7}, {"since", 0}, {"until", 10}},
      json{{"principal", "bot"}, {"since", 0}, {"until", 10}, {"extra", 1}},
  };
  for (const auto& body : bulk_bad) {
    const Reply r = post("/v1/feedback/withdraw", body);
    EXPECT_EQ(r.status, 400) << body.dump() << " → " << r.describe();
    EXPECT_TRUE(r.is_error_body()) << r.describe();
  }
  EXPECT_EQ(del("/v1/tickets/NEVER").status, 404);
  EXPECT_EQ(del("/v1/tickets/" + std::string(201, 'x')).status, 400);
  EXPECT_EQ(testing::to_reply(client_->Get("/v1/feedback/withdraw")).status, 405);
}

TEST_F(Withdraw, InBulkEverythingATokenFiledInATimeRangeLeadOnly) {
  start(/*with_tokens=*/true);
  for (const std::string id : {"B1", "B2"})
    ASSERT_EQ(resolve(id, resolved_ticket, article, bearer("bot")).status, 201);
  ASSERT_EQ(resolve("B2", resolved_ticket, article, bearer("bot"), "helpful").status, 201);
  ASSERT_EQ(resolve("H1", resolved_ticket, article, bearer("helpdesk")).status, 201);
  ASSERT_TRUE(voted_by("B1", vote_deadline, bearer("rina"))) << last_.dump(2);

  const json body{{"principal", "bot"}, {"since", "2000-01-01"}, {"until", "2100-01-01T00:00:00+07:00"}};
  for (const std::string who : {"rina", "budi", "helpdesk", "bot"}) {
    const Reply r = post("/v1/feedback/withdraw", body, bearer(who));
    EXPECT_EQ(r.status, 403) << who << ": " << r.describe();
    EXPECT_EQ(r.error_code(), "forbidden");
  }
  EXPECT_EQ(post("/v1/feedback/withdraw", body).status, 401);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE withdrawn_at IS NOT NULL"), 0);

  // A range before anything was filed takes nothing back.
  const Reply none =
      post("/v1/feedback/withdraw", {{"principal", "bot"}, {"since", 0}, {"until", "86400"}}, bearer("sari"));
  ASSERT_EQ(none.status, 200) << none.describe();
  EXPECT_EQ(none.json["withdrawn"], 0);

  const Reply r = post("/v1/feedback/withdraw", body, bearer("sari"));
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.json["withdrawn"], 3);
  EXPECT_EQ(r.json["by_kind"], json({{"resolved", 2}, {"helpful", 1}}));
  EXPECT_EQ(r.json["slugs"], json::array({article}));
  EXPECT_EQ(r.json["until"], 4102419600);  // 2100-01-01T00:00:00+07:00
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE withdrawn_by = 'sari'"), 3);
  EXPECT_TRUE(no_longer_voted_by("B1", unvote_deadline, bearer("rina"))) << last_.dump(2);
  EXPECT_THAT(voters(article, bearer("rina")), Not(Contains("B2")));
  EXPECT_THAT(voters(article, bearer("rina")), Contains("H1"));  // another token's resolution stays

  // One pair: the role that may file feedback may take it back; the public one may not.
  EXPECT_EQ(del("/v1/feedback/H1/" + article, bearer("website")).status, 403);
  EXPECT_EQ(del("/v1/feedback/H1/" + article).status, 401);
  EXPECT_EQ(del("/v1/feedback/H1/" + article, bearer("rina")).status, 200);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE withdrawn_by = 'rina'"), 1);
}

TEST_F(Withdraw, ErasingATicketLeavesNothingOfItsWords) {
  start(/*with_tokens=*/true);
  json with_id = resolved_ticket;
  with_id["ticket_id"] = "E1";
  with_id["limit"] = 3;
  ASSERT_EQ(post("/v1/suggest", with_id, bearer("helpdesk")).status, 200);
  ASSERT_EQ(resolve("E1", json::object(), article, bearer("helpdesk")).status,
            201);  // words of the suggestion
  ASSERT_EQ(resolve("E1", json::object(), "pembayaran/refund-belum-masuk", bearer("helpdesk"), "not_helpful")
                .status,
            201);
  ASSERT_EQ(resolve("E2", resolved_ticket, article, bearer("helpdesk")).status, 201);
  ASSERT_TRUE(voted_by("E1", vote_deadline, bearer("rina"))) << last_.dump(2);

  // The lead's gap inbox has its not-helpful vote, in the ticket's words.
  const Reply before = testing::get(*client_, "/v1/reports/gaps", bearer("sari"));
  ASSERT_EQ(before.status, 200) << before.describe();
  EXPECT_THAT(before.body, HasSubstr("influencer"));

  for (const std::string who : {"rina", "budi", "helpdesk", "website"})
    EXPECT_EQ(del("/v1/tickets/E1", bearer(who)).status, 403) << who;
  const Reply r = del("/v1/tickets/E1", bearer("sari"));
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.json["ticket_id"], "E1");
  EXPECT_EQ(r.json["feedback_deleted"], 2);
  EXPECT_EQ(r.json["cases_deleted"], 1);
  EXPECT_EQ(r.json["tickets_deleted"], 1);
  EXPECT_EQ(r.json["suggestions_deleted"], 1);
  EXPECT_TRUE(no_longer_voted_by("E1", unvote_deadline, bearer("rina"))) << last_.dump(2);
  EXPECT_THAT(voters(article, bearer("rina")), Contains("E2"));

  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE ticket_id = 'E1'"), 0);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM tickets WHERE ticket_id = 'E1'"), 0);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM suggestions WHERE ticket_id = 'E1'"), 0);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM cases WHERE ticket_id = 'E1'"), 0);
  EXPECT_EQ(query_int(events_db(),
                      "SELECT count(*) FROM cases WHERE state = 'deleted' AND words = '' AND "
                      "subject = '' AND ticket_id LIKE 'erased:%'"),
            1);
  EXPECT_EQ(del("/v1/tickets/E1", bearer("sari")).status, 404);
  // The lead's gap inbox no longer has its not-helpful vote.
  const Reply gaps = testing::get(*client_, "/v1/reports/gaps", bearer("sari"));
  ASSERT_EQ(gaps.status, 200) << gaps.describe();
  EXPECT_THAT(gaps.body, Not(HasSubstr("E1")));
  EXPECT_THAT(gaps.body, Not(HasSubstr("influencer")));
}

TEST_F(Withdraw, WhoamiNamesTheNewRoutesByRole) {
  start(/*with_tokens=*/true);
  const Reply agent = testing::get(*client_, "/v1/whoami", bearer("rina"));
  ASSERT_EQ(agent.status, 200) << agent.describe();
  EXPECT_THAT(agent.json["can"], Contains("feedback_withdraw"));
  EXPECT_THAT(agent.json["can"], Not(Contains("ticket_delete")));
  const Reply lead = testing::get(*client_, "/v1/whoami", bearer("sari"));
  EXPECT_THAT(lead.json["can"], Contains("ticket_delete"));
  EXPECT_THAT(lead.json["can"], Contains("feedback_withdraw_bulk"));
}

}  // namespace
}  // namespace solusi
