// The leads' actions on the reports' items through real HTTP on loopback (lead_actions.hpp): who may
// take them (lead and editor; never without tokens), "mark reviewed" written as an ordinary revision by
// the caller, assign / snooze / dismiss / reopen with notes and their state in the reports, a snooze
// hiding the item until its day (the report's as_of stands for "now": no sleeping), the same for the
// gap inbox's clusters, and every action audited in events.db.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "date.hpp"
#include "events.hpp"
#include "http_support.hpp"
#include "reports.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::eventually;
using ::testing::HasSubstr;
using testing::post_json;
using testing::Reply;

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
    {"website", service::Role::public_, "sol_public-website-0123456789"},
};

httplib::Headers as(const std::string& name, httplib::Headers more = {}) {
  for (const auto& t : tokens)
    if (t.name == name) more.emplace("Authorization", "Bearer " + t.secret);
  return more;
}

/// Rows of @p query on the events database, each row's columns joined by '|'.
std::vector<std::string> rows(const std::filesystem::path& db_path, const std::string& query) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
          const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
          row += (c ? "|" : "") + std::string(t ? t : "NULL");
        }
        out.push_back(row);
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

std::string today() {
  return solusi::Date::today().iso();  // the tests' zone is UTC (base_config)
}

class LeadActions : public testing::HttpTest {
 protected:
  std::filesystem::path events_db() const { return service::default_events_path(index_dir()); }

  void start_with_tokens() {
    auto c = base_config();
    c.usage_flush_ms = 20;
    for (const auto& t : tokens) c.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
    start(c);
  }

  Reply act(const std::string& path, const json& body, const std::string& who = "sari") {
    return post_json(*client_, path, body, as(who));
  }

  /// The slugs of the stale report at @p query ("" or "?as_of=…").
  std::vector<std::string> stale_slugs(const std::string& query = "") {
    const json j = get_ok("/v1/reports/stale" + query, as("sari"));
    std::vector<std::string> out;
    for (const auto& a : j["articles"]) out.push_back(a["slug"]);
    return out;
  }

  /// An article the stale report lists today.
  std::string a_stale_article() {
    const auto slugs = stale_slugs();
    EXPECT_FALSE(slugs.empty());
    return slugs.empty() ? std::string() : slugs.front();
  }

  json stale_entry(const std::string& slug, const std::string& query) {
    const json j = get_ok("/v1/reports/stale" + query, as("sari"));
    for (const auto& a : j["articles"])
      if (a["slug"] == slug) return a;
    return nullptr;
  }
};

TEST_F(LeadActions, OnlyLeadsAndEditorsWithTokensTakeActions) {
  {
    start();  // no tokens: the reports are open on loopback, the actions are not
    const auto r = post_json(*client_, "/v1/reports/stale/en/card-declined/actions", {{"action", "dismiss"}});
    EXPECT_EQ(r.status, 403) << r.describe();
    EXPECT_EQ(r.error_code(), "forbidden");
    EXPECT_EQ(get("/v1/reports/stale/en/card-declined/actions").status, 403);
    const json who = get_ok("/v1/whoami");
    EXPECT_FALSE(testing::contains(who["can"].get<std::vector<std::string>>(), "report_item_action"));
    server_->stop();
    server_.reset();
  }
  start_with_tokens();
  const std::string slug = a_stale_article();
  ASSERT_FALSE(slug.empty());
  const std::string path = "/v1/reports/stale/" + slug + "/actions";
  EXPECT_EQ(post_json(*client_, path, {{"action", "dismiss"}}).status, 401);
  for (const auto& t : tokens) {
    const auto r = act(path, {{"action", "assign"}, {"assignee", "dewi"}, {"note", "by " + t.name}}, t.name);
    const bool may = t.role == service::Role::lead || t.role == service::Role::editor;
    EXPECT_EQ(r.status, may ? 201 : 403) << t.name << " → " << r.describe();
    EXPECT_EQ(get(path, as(t.name)).status, may ? 200 : 403) << t.name;
  }
  // Only what was allowed was audited.
  EXPECT_EQ(rows(events_db(), "SELECT principal, action, assignee, note FROM lead_actions ORDER BY id"),
            (std::vector<std::string>{"budi|assign|dewi|by budi", "sari|assign|dewi|by sari"}));
}

TEST_F(LeadActions, MarkReviewedWritesTheDateAsARevisionByTheCaller) {
  start_with_tokens();
  const std::string slug = a_stale_article();
  ASSERT_FALSE(slug.empty());
  const auto before = get_ok("/v1/articles/" + slug + "/revisions", as("sari"))["revisions"].size();
  const auto r =
      act("/v1/reports/stale/" + slug + "/actions", {{"action", "reviewed"}, {"note", "checked with ops"}});
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["reviewed"], today());
  EXPECT_EQ(r.json["action"]["action"], "reviewed");
  EXPECT_EQ(r.json["action"]["by"], "sari");
  ASSERT_TRUE(r.json["action"]["revision"].is_number_integer()) << r.describe();

  // An ordinary revision by the caller, with the new date in the file and in the index.
  const json history = get_ok("/v1/articles/" + slug + "/revisions", as("sari"));
  // (the first write through the API also records the file as it was found)
  ASSERT_GE(history["revisions"].size(), before + 1) << history.dump(2);
  const json& last = history["revisions"].back();
  EXPECT_EQ(last["author"], "sari");
  EXPECT_EQ(last["revision"], r.json["action"]["revision"]);
  EXPECT_THAT(last["note"].get<std::string>(), HasSubstr("checked with ops"));
  const json text = get_ok(
      "/v1/articles/" + slug + "/revisions/" + std::to_string(last["revision"].get<int>()), as("sari"));
  EXPECT_THAT(text["text"].get<std::string>(), HasSubstr("reviewed: " + today()));
  EXPECT_TRUE(
      eventually([&] { return get_ok("/v1/articles/" + slug, as("sari"))["reviewed"] == today(); }, 5s));

  // Reviewed is for articles: a gap cannot be.
  const auto gap = act("/v1/reports/gaps/g0123456789abcdef/actions", {{"action", "reviewed"}});
  EXPECT_EQ(gap.status, 400) << gap.describe();
  EXPECT_EQ(rows(events_db(),
                 "SELECT principal, action, note FROM lead_actions WHERE item = 'article:" + slug + "'"),
            std::vector<std::string>{"sari|reviewed|checked with ops"});
}

TEST_F(LeadActions, MarkReviewedLeavesAPendingDraftAlone) {
  start_with_tokens();
  const std::string slug = a_stale_article();
  ASSERT_FALSE(slug.empty());
  std::ifstream in(articles_dir() / (slug + ".md"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A draft of the published article (the fixture's files may leave status to its default).
  const auto at = text.find("status: published");
  if (at != std::string::npos)
    text.replace(at, 17, "status: draft");
  else
    text.insert(4, "status: draft\n");
  text += "\nA paragraph an editor is still writing.\n";
  const Reply saved =
      testing::to_reply(client_->Put(("/v1/articles/" + slug).c_str(), as("budi"), text, "text/markdown"));
  ASSERT_EQ(saved.status, 200) << saved.describe();
  ASSERT_EQ(saved.json["draft_copy"], true) << saved.describe();

  const auto r = act("/v1/reports/stale/" + slug + "/actions", {{"action", "reviewed"}});
  EXPECT_EQ(r.status, 409) << r.describe();
  EXPECT_THAT(r.error_message(), HasSubstr("pending draft"));
  EXPECT_EQ(get("/v1/articles/" + slug + "/draft", as("sari")).status, 200);
  EXPECT_EQ(rows(events_db(), "SELECT count(*) FROM lead_actions"), std::vector<std::string>{"0"});
}

TEST_F(LeadActions, ASnoozedArticleIsHiddenUntilItsDayThenComesBack) {
  start_with_tokens();
  const std::string slug = a_stale_article();
  ASSERT_FALSE(slug.empty());
  const auto until = solusi::Date::today().plus_days(10).iso();
  const auto r = act("/v1/reports/stale/" + slug + "/actions",
                     {{"action", "snooze"}, {"until", until}, {"note", "after the release"}}, "budi");
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["state"]["snoozed_until"], until);
  EXPECT_EQ(r.json["state"]["hidden"], true);

  // Today: left out, and counted as hidden.
  EXPECT_FALSE(testing::contains(stale_slugs(), slug));
  EXPECT_EQ(get_ok("/v1/reports/stale", as("sari"))["hidden"], 1);
  // Asked for: listed with its state.
  const json shown = stale_entry(slug, "?include_hidden=true");
  ASSERT_TRUE(shown.is_object());
  EXPECT_EQ(shown["state"]["snoozed_until"], until);
  EXPECT_EQ(shown["state"]["hidden"], true);
  EXPECT_EQ(shown["state"]["last"]["by"], "budi");
  EXPECT_EQ(shown["state"]["last"]["note"], "after the release");
  // On its day the snooze has ended: back in the report.
  const json back = stale_entry(slug, "?as_of=" + until);
  ASSERT_TRUE(back.is_object()) << "not back on " << until;
  EXPECT_EQ(back["state"]["hidden"], false);
  // The day before, still hidden.
  EXPECT_TRUE(stale_entry(slug, "?as_of=" + solusi::Date::today().plus_days(9).iso()).is_null());

  // A snooze needs a day after today, at most a year ahead.
  for (const json& bad :
       std::vector<json>{json{{"action", "snooze"}}, json{{"action", "snooze"}, {"until", today()}},
                         json{{"action", "snooze"}, {"until", "2026-13-01"}},
                         json{{"action", "snooze"}, {"until", solusi::Date::today().plus_days(400).iso()}},
                         json{{"action", "dismiss"}, {"until", until}}, json{{"action", "archive"}},
                         json{{"action", "assign"}}}) {
    const auto refused = act("/v1/reports/stale/" + slug + "/actions", bad);
    EXPECT_EQ(refused.status, 400) << bad.dump() << " → " << refused.describe();
  }
  EXPECT_EQ(act("/v1/reports/stale/no/such-article/actions", {{"action", "dismiss"}}).status, 404);
}

TEST_F(LeadActions, AssignDismissAndReopenAreAuditedAndShownInTheReport) {
  start_with_tokens();
  const std::string slug = a_stale_article();
  ASSERT_FALSE(slug.empty());
  const std::string path = "/v1/reports/stale/" + slug + "/actions";
  ASSERT_EQ(act(path, {{"action", "assign"}, {"assignee", "dewi"}, {"note", "minggu ini"}}).status, 201);
  json entry = stale_entry(slug, "");
  ASSERT_TRUE(entry.is_object());
  EXPECT_EQ(entry["state"]["assigned_to"], "dewi");
  EXPECT_EQ(entry["state"]["dismissed"], false);

  ASSERT_EQ(act(path, {{"action", "dismiss"}, {"note", "not worth it"}}, "budi").status, 201);
  EXPECT_FALSE(testing::contains(stale_slugs(), slug));
  EXPECT_FALSE(testing::contains(stale_slugs("?as_of=" + solusi::Date::today().plus_days(300).iso()), slug))
      << "a dismissal has no end";
  ASSERT_EQ(act(path, {{"action", "reopen"}}).status, 201);
  entry = stale_entry(slug, "");
  ASSERT_TRUE(entry.is_object());
  EXPECT_EQ(entry["state"]["assigned_to"], "dewi");  // the assignment stays

  const json history = get_ok(path, as("budi"));
  EXPECT_EQ(history["item"], "article:" + slug);
  EXPECT_EQ(history["total"], 3);
  ASSERT_EQ(history["actions"].size(), 3u);
  EXPECT_EQ(history["actions"][0]["action"], "assign");
  EXPECT_EQ(history["actions"][0]["assignee"], "dewi");
  EXPECT_EQ(history["actions"][0]["note"], "minggu ini");
  EXPECT_EQ(history["actions"][1]["by"], "budi");
  EXPECT_EQ(history["actions"][1]["note"], "not worth it");
  EXPECT_EQ(history["actions"][2]["action"], "reopen");
  EXPECT_EQ(history["state"]["assigned_to"], "dewi");
  EXPECT_EQ(rows(events_db(), "SELECT principal || ' ' || action FROM lead_actions ORDER BY id"),
            (std::vector<std::string>{"sari assign", "budi dismiss", "sari reopen"}));
  for (const auto& at : rows(events_db(), "SELECT at FROM lead_actions"))
    EXPECT_GT(std::stoll(at), 1700000000);
}

TEST_F(LeadActions, AGapCanBeAssignedSnoozedAndDismissedByItsStableId) {
  start_with_tokens();
  for (const std::string q : {"paylater", "aktivasi%20paylater"}) {
    const auto r = get("/v1/search?q=" + q, as("rina", {{"X-Solusi-Client", "web"}}));
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.json["total_estimate"], 0);
  }
  json gaps;
  ASSERT_TRUE(eventually(
      [&] {
        gaps = get_ok("/v1/reports/gaps", as("sari"));
        return gaps["clusters"].size() == 1;
      },
      5s))
      << gaps.dump(2);
  const std::string id = gaps["clusters"][0]["id"];
  EXPECT_THAT(id, ::testing::MatchesRegex("g[0-9a-f]{16}"));
  EXPECT_EQ(gaps["clusters"][0]["state"]["last"], nullptr);
  // The same cluster has the same id in the next report.
  EXPECT_EQ(get_ok("/v1/reports/gaps", as("sari"))["clusters"][0]["id"], id);

  const std::string path = "/v1/reports/gaps/" + id + "/actions";
  ASSERT_EQ(act(path, {{"action", "assign"}, {"assignee", "Dewi"}}).status, 201);
  EXPECT_EQ(get_ok("/v1/reports/gaps", as("sari"))["clusters"][0]["state"]["assigned_to"], "Dewi");
  const auto until = solusi::Date::today().plus_days(3).iso();
  ASSERT_EQ(act(path, {{"action", "snooze"}, {"until", until}}, "budi").status, 201);
  json j = get_ok("/v1/reports/gaps", as("sari"));
  EXPECT_EQ(j["count"], 0);
  EXPECT_EQ(j["hidden"], 1);
  j = get_ok("/v1/reports/gaps?include_hidden=true", as("sari"));
  ASSERT_EQ(j["clusters"].size(), 1u);
  EXPECT_EQ(j["clusters"][0]["state"]["snoozed_until"], until);
  // Its day: back (as_of stands for the day the report is read on).
  EXPECT_EQ(get_ok("/v1/reports/gaps?as_of=" + until, as("sari"))["clusters"].size(), 1u);

  ASSERT_EQ(act(path, {{"action", "dismiss"}, {"note", "duplicate of the paylater project"}}).status, 201);
  EXPECT_EQ(get_ok("/v1/reports/gaps?as_of=" + until, as("sari"))["count"], 0);
  const json history = get_ok(path, as("sari"));
  ASSERT_EQ(history["actions"].size(), 3u);
  EXPECT_EQ(history["state"]["dismissed"], true);
  EXPECT_EQ(history["actions"][2]["note"], "duplicate of the paylater project");

  EXPECT_EQ(act("/v1/reports/gaps/not-an-id/actions", {{"action", "dismiss"}}).status, 400);
  EXPECT_EQ(rows(events_db(), "SELECT count(*) FROM lead_actions WHERE item = 'gap:" + id + "'"),
            std::vector<std::string>{"3"});
}

}  // namespace
}  // namespace solusi
