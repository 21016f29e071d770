// The usage log and the team leads' reports through real HTTP on loopback: searches and views land in
// events.db off the request path, a full queue never fails a search (and is counted in /metrics), the
// retention runs on start, GET /v1/reports/stale and /v1/reports/gaps in JSON and CSV, their
// parameters and who may read them; each search and ticket recorded with its source and the reports
// counting the sources asked for, a click clearing only its own search, the unanswered share, and a
// ticket another article answered being no gap.
#include "reports.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "events.hpp"
#include "http_support.hpp"
#include "usage_log.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using testing::eventually;
using ::testing::HasSubstr;
using testing::post_json;
using testing::Reply;
using ::testing::StartsWith;

/// The first column of every row of @p query on the events database, as text.
std::vector<std::string> column(const std::filesystem::path& db_path, const std::string& query) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        out.emplace_back(t ? t : "NULL");
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// What the agent page sends with its requests.
const httplib::Headers from_page{{"X-Solusi-Client", "web"}};

class Reports : public testing::HttpTest {
 protected:
  std::filesystem::path events_db() const { return service::default_events_path(index_dir()); }

  service::Config quick_config() const {
    auto c = base_config();
    c.usage_flush_ms = 20;
    return c;
  }
};

TEST_F(Reports, SearchesAndViewsAreLoggedOffTheRequestPath) {
  start(quick_config());
  ASSERT_EQ(get("/v1/search?q=Refund%20%20BELUM%20masuk&lang=id").status, 200);
  ASSERT_EQ(get("/v1/search?q=refund&offset=10").status, 200);  // a next page is not another search
  ASSERT_EQ(get("/v1/search?q=zzqxv").status, 200);
  ASSERT_EQ(get("/v1/articles/akun/otp-tidak-masuk").status, 200);
  ASSERT_EQ(get("/v1/articles/pembayaran/refund-zamrud").status, 404);  // a draft: no view
  ASSERT_TRUE(eventually(
      [&] { return column(events_db(), "SELECT count(*) FROM views") == std::vector<std::string>{"1"}; },
      5s));
  EXPECT_THAT(column(events_db(),
                     "SELECT query || '|' || lang || '|' || (hits > 0) || '|' || principal "
                     "FROM searches ORDER BY id"),
              ElementsAre("refund belum masuk|id|1|anonymous", "zzqxv||0|anonymous"));
  EXPECT_THAT(column(events_db(), "SELECT slug || '|' || principal FROM views"),
              ElementsAre("akun/otp-tidak-masuk|anonymous"));
  // The first page of the first search showed the refund article: counted for today.
  EXPECT_THAT(column(events_db(),
                     "SELECT search_hits FROM article_daily JOIN article_ids ON id = article "
                     "WHERE slug = 'pembayaran/refund-belum-masuk'"),
              ElementsAre("1"));
  // The counter moves right after the commit the rows above came from.
  EXPECT_TRUE(eventually(
      [&] { return get("/metrics").body.find("solusi_events_logged_total 3\n") != std::string::npos; }, 5s));
  EXPECT_THAT(get("/metrics").body, HasSubstr("solusi_events_dropped_total{reason=\"queue_full\"} 0\n"));
}

TEST_F(Reports, AFullEventQueueNeverFailsASearch) {
  auto config = base_config();
  config.usage_queue_size = 1;
  config.usage_flush_ms = 3600000;  // nothing drains the queue while the test runs
  start(config);
  for (int i = 0; i < 20; ++i) {
    const auto r = get("/v1/search?q=refund%20" + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_FALSE(r.json["hits"].empty());
  }
  const auto metrics = get("/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("solusi_events_dropped_total{reason=\"queue_full\"} 19\n"));
  EXPECT_THAT(metrics, HasSubstr("solusi_events_queue_depth 1\n"));
  server_->stop();  // writes what was queued
  EXPECT_THAT(column(events_db(), "SELECT query FROM searches"), ElementsAre("refund 0"));
}

TEST_F(Reports, TheRetentionRunsOnStart) {
  {
    auto store = service::EventStore::open(events_db());
    ASSERT_TRUE(store) << store.error().describe();
    const std::int64_t old = now_seconds() - 200 * 86400, recent = now_seconds() - 10 * 86400;
    ASSERT_TRUE(service::write_usage(**store, {service::SearchEvent{old, "lama", "id", 0, {}, "rina"},
                                               service::SearchEvent{recent, "baru", "id", 0, {}, "rina"},
                                               service::ViewEvent{old, "akun/otp-tidak-masuk", "rina"}}));
    service::SuggestionLog s;
    s.at = old;
    s.text = "tiket lama";
    ASSERT_TRUE((*store)->log_suggestion(s));
  }
  auto config = quick_config();
  config.retention_days = 180;
  start(config);
  // The writer thread purges first thing: a search, a view, a suggestion and that day's counts.
  EXPECT_TRUE(eventually(
      [&] { return get("/metrics").body.find("solusi_events_purged_total 4\n") != std::string::npos; }, 5s));
  EXPECT_THAT(column(events_db(), "SELECT query FROM searches"), ElementsAre("baru"));
  EXPECT_THAT(column(events_db(), "SELECT count(*) FROM views"), ElementsAre("0"));
  EXPECT_THAT(column(events_db(), "SELECT count(*) FROM suggestions"), ElementsAre("0"));
  EXPECT_THAT(column(events_db(), "SELECT count(*) FROM article_daily"),
              ElementsAre("0"));  // "baru" showed nothing
}

TEST_F(Reports, StaleReportAsJson) {
  start(quick_config());
  const auto j = get_ok("/v1/reports/stale?as_of=2027-03-01");
  EXPECT_EQ(j["as_of"], "2027-03-01");
  EXPECT_EQ(j["articles_checked"], testing::public_slugs.size() + testing::internal_slugs.size());
  EXPECT_FALSE(j["unused_checked"]);  // no usage logged yet
  // Every published article was reviewed in 2026 with the default 90 days: all overdue by then.
  ASSERT_EQ(j["count"], 10);
  for (const auto& a : j["articles"]) {
    EXPECT_FALSE(testing::contains(testing::unpublished_slugs, a["slug"].get<std::string>())) << a.dump();
    EXPECT_EQ(a["reasons"][0]["code"], "review_overdue") << a.dump();
  }
  // The oldest review first: escalation-policy, reviewed 2026-07-01, due 2026-09-29.
  EXPECT_EQ(j["articles"][0]["slug"], "en/escalation-policy");
  EXPECT_EQ(j["articles"][0]["reasons"][0]["evidence"]["days_overdue"], 153);
  EXPECT_EQ(j["articles"][0]["owner"], "support-leads");
  EXPECT_EQ(j["owners"][0]["owner"], "support-leads");

  const auto mine = get_ok("/v1/reports/stale?as_of=2027-03-01&owner=tim-logistik");
  std::vector<std::string> slugs;
  for (const auto& a : mine["articles"]) slugs.push_back(a["slug"]);
  EXPECT_THAT(slugs, ElementsAre("pengiriman/ongkos-kirim", "pengiriman/paket-terlambat"));
  EXPECT_EQ(get_ok("/v1/reports/stale?as_of=2027-03-01&category=pengiriman")["count"], 2);
  EXPECT_EQ(get_ok("/v1/reports/stale?as_of=2026-07-02")["count"], 0);  // nothing due yet
}

TEST_F(Reports, TheStaleReportBaseIsReadyBeforeAReportAsksAndAfterEachIndexChange) {
  start(quick_config());
  auto built = [&] {
    const std::string body = get("/metrics").body, name = "\nsolusi_report_bases_built_total ";
    const auto at = body.find(name);
    return at == std::string::npos ? -1 : std::stoi(body.substr(at + name.size()));
  };
  // Built in the background at start, though no report was asked for.
  ASSERT_TRUE(eventually([&] { return built() >= 1; }, 15s));
  const int at_start = built();
  const std::string today = service::day_of(now_seconds()).iso();
  EXPECT_EQ(get_ok("/v1/reports/stale?owner=tim-baru&as_of=" + today)["count"], 0);
  EXPECT_EQ(built(), at_start);  // the report used it
  // A new article changes the index: the base is built again before anyone asks, and has it.
  testing::write_file(articles_dir() / "internal/catatan-baru.md",
                      "---\ntitle: Catatan tim baru\nlang: id\nowner: tim-baru\ncategory: internal\n---\n"
                      "Daftar kontak tim baru untuk eskalasi.\n");
  ASSERT_TRUE(testing::reindex(articles_dir(), index_dir()));
  ASSERT_TRUE(eventually([&] { return built() > at_start; }, 15s));
  const int after_change = built();
  const auto j = get_ok("/v1/reports/stale?owner=tim-baru&as_of=" + today);
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["articles"][0]["slug"], "internal/catatan-baru");
  EXPECT_EQ(j["articles"][0]["reasons"][0]["code"], "never_reviewed");
  EXPECT_EQ(built(), after_change);
}

TEST_F(Reports, StaleReportUsesTheLoggedUsage) {
  // An article that was never reviewed: listed whatever the day, so today's views can be weighed.
  testing::write_file(
      articles_dir() / "internal/catatan-shift.md",
      "---\ntitle: Catatan serah terima shift\nlang: id\nowner: tim-cs\ncategory: internal\n---\n"
      "Tulis ringkasan tiket yang masih terbuka sebelum shift berakhir.\n");
  ASSERT_TRUE(testing::reindex(articles_dir(), index_dir()));
  start(quick_config());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(get("/v1/articles/internal/catatan-shift").status, 200);
  const std::string today = service::day_of(now_seconds()).iso();
  const std::string target = "/v1/reports/stale?owner=tim-cs&as_of=" + today;
  nlohmann::json j;
  ASSERT_TRUE(eventually(
      [&] {
        j = get_ok(target);
        return j["count"] == 1 && j["articles"][0]["usage"]["views"] == 3;
      },
      5s))
      << j.dump(2);
  const auto& a = j["articles"][0];
  EXPECT_EQ(a["slug"], "internal/catatan-shift");
  EXPECT_EQ(a["reasons"][0]["code"], "never_reviewed");
  EXPECT_EQ(a["reliance"], 3);
  EXPECT_EQ(a["impact"], 8);  // (1 + 3 views) × never_reviewed 2
  EXPECT_EQ(j["usage_since"], today);
  // A report as of yesterday does not count today's views.
  const std::string yesterday = service::day_of(now_seconds() - 86400).iso();
  EXPECT_EQ(get_ok("/v1/reports/stale?owner=tim-cs&as_of=" + yesterday)["articles"][0]["usage"]["views"], 0);
}

TEST_F(Reports, AgentsMarkAnArticleOutdated) {
  start(quick_config());
  const nlohmann::json flag{
      {"ticket_id", "ZD-77"}, {"slug", "pengiriman/ongkos-kirim"}, {"kind", "outdated"}, {"agent", "rina"}};
  const auto first = post_json(*client_, "/v1/feedback", flag);
  ASSERT_EQ(first.status, 201) << first.describe();
  EXPECT_EQ(first.json["kind"], "outdated");
  const auto again = post_json(*client_, "/v1/feedback", flag);
  ASSERT_EQ(again.status, 200) << again.describe();
  EXPECT_EQ(again.json["duplicate"], true);
  auto other = flag;
  other["kind"] = "stale";
  const auto bad = post_json(*client_, "/v1/feedback", other);
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("outdated"));

  const std::string today = service::day_of(now_seconds()).iso();
  const auto j = get_ok("/v1/reports/stale?owner=tim-logistik&as_of=" + today);
  nlohmann::json found;
  for (const auto& a : j["articles"])
    if (a["slug"] == "pengiriman/ongkos-kirim") found = a;
  ASSERT_TRUE(found.is_object()) << j.dump(2);
  nlohmann::json reason;
  for (const auto& x : found["reasons"])
    if (x["code"] == "flagged_outdated") reason = x;
  ASSERT_TRUE(reason.is_object()) << found.dump(2);
  EXPECT_EQ(reason["evidence"]["flags"], 1);
  EXPECT_EQ(reason["evidence"]["last_flagged"], today);
  EXPECT_EQ(reason["weight"], 1.33);
  EXPECT_EQ(j["owners"][0]["reasons"]["flagged_outdated"], 1);
  EXPECT_THAT(column(events_db(), "SELECT kind || '|' || agent FROM feedback"), ElementsAre("outdated|rina"));
}

TEST_F(Reports, StaleReportLimit) {
  start(quick_config());
  const auto all = get_ok("/v1/reports/stale?as_of=2027-03-01");  // default limit 100: every row here
  ASSERT_EQ(all["count"], 10);
  EXPECT_EQ(all["limit"], 100);
  EXPECT_EQ(all["returned"], 10);
  const auto two = get_ok("/v1/reports/stale?as_of=2027-03-01&limit=2");
  EXPECT_EQ(two["count"], 10);
  EXPECT_EQ(two["returned"], 2);
  ASSERT_EQ(two["articles"].size(), 2u);
  EXPECT_EQ(two["articles"][0], all["articles"][0]);
  EXPECT_EQ(two["articles"][1], all["articles"][1]);
  size_t owned = 0, slugs = 0;
  for (const auto& q : two["owners"]) {
    owned += q["count"].get<size_t>();
    slugs += q["slugs"].size();
  }
  EXPECT_EQ(owned, 10u);  // the owners' counts are over every listed article
  EXPECT_EQ(slugs, 2u);
  EXPECT_EQ(two["owners"].size(), all["owners"].size());
  for (const std::string every : {"all", "0"}) {
    const auto j = get_ok("/v1/reports/stale?as_of=2027-03-01&limit=" + every);
    EXPECT_EQ(j["returned"], 10) << every;
    EXPECT_EQ(j["limit"], nlohmann::json()) << every;
  }
  const auto csv = get("/v1/reports/stale?as_of=2027-03-01&format=csv&limit=3");
  ASSERT_EQ(csv.status, 200);
  size_t lines = 0;
  for (char c : csv.body) lines += c == '\n';
  EXPECT_EQ(lines, 4u);
  for (const std::string bad : {"-1", "ten", "1e3", "9999999999"}) {
    const auto r = get("/v1/reports/stale?as_of=2027-03-01&limit=" + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_THAT(r.error_message(), HasSubstr("limit")) << bad;
  }
}

TEST_F(Reports, StaleReportAsCsv) {
  start(quick_config());
  const auto r = get("/v1/reports/stale?as_of=2027-03-01&format=csv");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.header("Content-Disposition"), "attachment; filename=\"solusi-stale-2027-03-01.csv\"");
  EXPECT_THAT(r.body,
              StartsWith("rank,owner,slug,title,category,lang,impact,staleness,reliance,views,search_hits,"
                         "suggested,resolved,reasons,evidence\r\n1,support-leads,en/escalation-policy,"
                         "When to escalate to a team lead,internal,en,"));
  size_t lines = 0;
  for (char c : r.body) lines += c == '\n';
  EXPECT_EQ(lines, 11u);
}

TEST_F(Reports, BadParametersAre400) {
  start(quick_config());
  for (const std::string target :
       {"/v1/reports/stale?as_of=2027-3-1", "/v1/reports/stale?as_of=03/01/2027",
        "/v1/reports/stale?as_of=2027-02-30", "/v1/reports/stale?format=xml",
        "/v1/reports/stale?owner=a&owner=b", "/v1/reports/stale?top=3", "/v1/reports/stale?limit=three",
        "/v1/reports/gaps?since=yesterday", "/v1/reports/gaps?since=2027-03-02&as_of=2027-03-01",
        "/v1/reports/gaps?format=pdf", "/v1/reports/gaps?owner=x"}) {
    const auto r = get(target);
    EXPECT_EQ(r.status, 400) << target << " → " << r.describe();
    EXPECT_TRUE(r.is_error_body()) << target << " → " << r.describe();
  }
  EXPECT_EQ(testing::raw_exchange(
                port_, "POST /v1/reports/stale HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n")
                .substr(0, 12),
            "HTTP/1.1 405");
}

TEST_F(Reports, GapInboxClustersWhatWasNotFound) {
  start(quick_config());
  // Three tickets about a missing topic, and two searches for it that found nothing, all from the
  // agent page (the inbox counts people's searches and tickets by default).
  const std::vector<std::string> tickets{"Kak, paylater saya ditolak terus, kenapa ya?",
                                         "Cara daftar paylater gimana min",
                                         "limit paylater saya tidak muncul di aplikasi"};
  for (size_t i = 0; i < tickets.size(); ++i) {
    const auto r = post_json(
        *client_, "/v1/suggest",
        {{"ticket_id", "ZD-" + std::to_string(900 + i)}, {"subject", "paylater"}, {"body", tickets[i]}},
        from_page);
    ASSERT_EQ(r.status, 200) << r.describe();
    ASSERT_TRUE(r.json["gap"]) << r.describe();
  }
  for (const std::string q : {"paylater", "aktivasi%20paylater"}) {
    const auto r = get("/v1/search?q=" + q, from_page);
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.json["total_estimate"], 0) << q << " → " << r.describe();
  }
  // An unrelated search that found nothing stays apart.
  ASSERT_EQ(get("/v1/search?q=zzqxv%20wobble", from_page).json["total_estimate"], 0);

  nlohmann::json j;
  ASSERT_TRUE(eventually(
      [&] {
        j = get_ok("/v1/reports/gaps");
        return j["clusters"].size() == 2 && j["clusters"][0]["count"] == 5;
      },
      5s))
      << j.dump(2);
  const auto& c = j["clusters"][0];
  EXPECT_EQ(c["label"], "paylater");
  EXPECT_EQ(c["kinds"]["zero_result"], 2);
  EXPECT_EQ(c["kinds"]["no_confident_suggestion"], 3);
  ASSERT_EQ(c["examples"].size(), 3u);
  for (const auto& e : c["examples"]) EXPECT_THAT(e.get<std::string>(), HasSubstr("paylater"));
  EXPECT_EQ(c["draft"]["subject"], c["examples"][0]);
  EXPECT_THAT(c["draft"]["body"].get<std::string>(), HasSubstr("5 kali"));
  EXPECT_EQ(j["clusters"][1]["count"], 1);
  EXPECT_EQ(j["clusters"][1]["examples"][0], "zzqxv wobble");
  EXPECT_EQ(j["until"], service::day_of(now_seconds()).iso());

  const auto csv = get("/v1/reports/gaps?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_THAT(csv.body, StartsWith("label,count,zero_result,no_click,no_confident_suggestion,not_helpful,"
                                   "first_seen,last_seen,terms,example_1,example_2,example_3,nearest_slug,"
                                   "nearest_title\r\npaylater,5,2,0,3,0,"));
  // A window that ended before today has none of it.
  EXPECT_EQ(get_ok("/v1/reports/gaps?since=2020-01-01&as_of=2020-01-31")["count"], 0);
}

TEST_F(Reports, SearchesPerDayForTheChart) {
  const Date today = service::day_of(now_seconds());
  const std::int64_t day0 = today.plus_days(-3).days_since_epoch() * std::int64_t{86400};
  const std::int64_t day1 = today.plus_days(-2).days_since_epoch() * std::int64_t{86400};
  {
    auto store = service::EventStore::open(events_db());
    ASSERT_TRUE(store) << store.error().describe();
    ASSERT_TRUE(
        service::write_usage(**store, {// Typed on: "ref" then "refund" within seconds is one search.
                                       service::SearchEvent{day0 + 3600, "ref", "id", 4, {}, "rina"},
                                       service::SearchEvent{day0 + 3603, "refund", "id", 3, {}, "rina"},
                                       service::SearchEvent{day0 + 7200, "zzqxv", "", 0, {}, "budi"},
                                       // The same words again later, by someone else: searches of their own.
                                       service::SearchEvent{day0 + 9000, "ref", "id", 4, {}, "rina"},
                                       service::SearchEvent{day0 + 9000, "refund", "id", 3, {}, "budi"},
                                       service::SearchEvent{day1 + 60, "paylater", "id", 0, {}, "rina"},
                                       service::SearchEvent{day1 + 86399, "ongkir", "id", 2, {}, "rina"}}));
  }
  start(quick_config());
  const auto j = get_ok("/v1/reports/searches?since=" + today.plus_days(-4).iso() +
                        "&as_of=" + today.plus_days(-1).iso());
  EXPECT_EQ(j["since"], today.plus_days(-4).iso());
  EXPECT_EQ(j["until"], today.plus_days(-1).iso());
  // Days old, so every search is judged; no article was opened from any: all unanswered.
  EXPECT_EQ(j["days"],
            nlohmann::json::parse(R"([
    {"day": ")" + today.plus_days(-4).iso() +
                                  R"(", "searches": 0, "zero_results": 0, "judged": 0, "unanswered": 0},
    {"day": ")" + today.plus_days(-3).iso() +
                                  R"(", "searches": 4, "zero_results": 1, "judged": 4, "unanswered": 4},
    {"day": ")" + today.plus_days(-2).iso() +
                                  R"(", "searches": 2, "zero_results": 1, "judged": 2, "unanswered": 2},
    {"day": ")" + today.plus_days(-1).iso() +
                                  R"(", "searches": 0, "zero_results": 0, "judged": 0, "unanswered": 0}])"));
  // Without parameters: the 30 days up to today, as the gap inbox.
  const auto all = get_ok("/v1/reports/searches");
  ASSERT_EQ(all["days"].size(), 30u);
  EXPECT_EQ(all["days"][0]["day"], today.plus_days(-29).iso());
  EXPECT_EQ(all["days"][29]["day"], today.iso());
  EXPECT_EQ(all["days"][26]["searches"], 4);

  for (const std::string target :
       {"/v1/reports/searches?since=yesterday", "/v1/reports/searches?as_of=2027-02-30",
        "/v1/reports/searches?since=2027-03-02&as_of=2027-03-01",
        "/v1/reports/searches?since=2025-01-01&as_of=2026-01-02", "/v1/reports/searches?format=csv",
        "/v1/reports/searches?since=2027-01-01&since=2027-01-02"}) {
    const auto r = get(target);
    EXPECT_EQ(r.status, 400) << target << " → " << r.describe();
    EXPECT_TRUE(r.is_error_body()) << target << " → " << r.describe();
  }
  // 366 days is the most: 2025-01-02 … 2026-01-02.
  EXPECT_EQ(get_ok("/v1/reports/searches?since=2025-01-02&as_of=2026-01-02")["days"].size(), 366u);
}

struct Token {
  std::string name;
  service::Role role;
  std::string secret;
};

TEST_F(Reports, OnlyLeadsAndEditorsReadTheReports) {
  const Token tokens[] = {
      {"rina", service::Role::agent, "sol_agent-rina-0123456789"},
      {"budi", service::Role::editor, "sol_editor-budi-0123456789"},
      {"sari", service::Role::lead, "sol_lead-sari-0123456789"},
      {"helpdesk", service::Role::ticket_system, "sol_ticket-helpdesk-0123456789"},
      {"website", service::Role::public_, "sol_public-website-0123456789"},
  };
  auto config = quick_config();
  for (const auto& t : tokens) config.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
  start(config);
  for (const std::string route : {"/v1/reports/stale", "/v1/reports/gaps", "/v1/reports/searches"}) {
    EXPECT_EQ(get(route).status, 401) << route;
    for (const auto& t : tokens) {
      const auto r = get(route, {{"Authorization", "Bearer " + t.secret}});
      const bool may = t.role == service::Role::lead || t.role == service::Role::editor;
      EXPECT_EQ(r.status, may ? 200 : 403) << route << " as " << t.name << " → " << r.describe();
      if (!may) {
        EXPECT_EQ(r.error_code(), "forbidden");
      }
    }
  }
  // The token's name is the principal of the searches logged.
  ASSERT_EQ(get("/v1/search?q=refund", {{"Authorization", "Bearer " + tokens[0].secret}}).status, 200);
  EXPECT_TRUE(eventually(
      [&] {
        return column(events_db(), "SELECT principal FROM searches") == std::vector<std::string>{"rina"};
      },
      5s));
}

// ------------------------------------------------------------------------------------------------
// Trustworthy gaps: each search and ticket with its source, "no click" judged per search.

/// @p headers with @p token's Authorization.
httplib::Headers as(const Token& token, httplib::Headers headers = {}) {
  headers.emplace("Authorization", "Bearer " + token.secret);
  return headers;
}

TEST_F(Reports, ThePagesSearchesAndTicketSystemsTicketsCountAnIntegrationsSearchesDoNot) {
  const Token agent{"rina", service::Role::agent, "sol_agent-rina-0123456789"};
  const Token bot{"bot", service::Role::agent, "sol_agent-bot-0123456789"};
  const Token lead{"sari", service::Role::lead, "sol_lead-sari-0123456789"};
  const Token helpdesk{"helpdesk", service::Role::ticket_system, "sol_ticket-helpdesk-0123456789"};
  auto config = quick_config();
  for (const auto& t : {agent, bot, lead, helpdesk})
    config.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
  start(config);
  // An agent on the page: a search no article answers.
  ASSERT_EQ(get("/v1/search?q=paylater", as(agent, from_page)).json["total_estimate"], 0);
  // The ticket system's integration searching the same words again and again.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(get("/v1/search?q=paylater", as(helpdesk)).status, 200);
  // Another API client (an agent token without the page's mark).
  ASSERT_EQ(get("/v1/search?q=zzqxv%20wobble", as(bot)).json["total_estimate"], 0);
  // A ticket from the ticket system that no article answers: a real gap.
  const auto ticket = post_json(*client_, "/v1/suggest",
                                {{"ticket_id", "ZD-77"},
                                 {"subject", "paylater"},
                                 {"body", "Kak, paylater saya ditolak terus, kenapa ya?"}},
                                as(helpdesk));
  ASSERT_EQ(ticket.status, 200) << ticket.describe();
  ASSERT_TRUE(ticket.json["gap"]) << ticket.describe();
  ASSERT_TRUE(eventually(
      [&] { return column(events_db(), "SELECT count(*) FROM searches") == std::vector<std::string>{"5"}; },
      5s));
  EXPECT_THAT(column(events_db(), "SELECT source FROM searches ORDER BY id"),
              ElementsAre("page", "ticket_system", "ticket_system", "ticket_system", "api"));
  EXPECT_THAT(column(events_db(), "SELECT source FROM suggestions"), ElementsAre("ticket_system"));

  // By default: the page's search and the ticket, one cluster of two.
  const auto j = get_ok("/v1/reports/gaps", as(lead));
  EXPECT_EQ(j["events"], 2) << j.dump(2);
  ASSERT_EQ(j["clusters"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["clusters"][0]["label"], "paylater");
  EXPECT_EQ(j["clusters"][0]["count"], 2);
  EXPECT_EQ(j["clusters"][0]["kinds"]["zero_result"], 1);
  EXPECT_EQ(j["clusters"][0]["kinds"]["no_confident_suggestion"], 1);
  EXPECT_EQ(j["sources"], nlohmann::json::parse(R"({"searches": ["page", "unknown"],
                                                     "tickets": ["page", "ticket_system", "unknown"]})"));
  // Asked for: everything, or one source.
  const auto all = get_ok("/v1/reports/gaps?sources=all", as(lead));
  EXPECT_EQ(all["events"], 6) << all.dump(2);
  EXPECT_EQ(all["clusters"][0]["count"], 5);
  const auto api = get_ok("/v1/reports/gaps?sources=api", as(lead));
  ASSERT_EQ(api["clusters"].size(), 1u) << api.dump(2);
  EXPECT_EQ(api["clusters"][0]["examples"], nlohmann::json::array({"zzqxv wobble"}));
  EXPECT_EQ(get_ok("/v1/reports/gaps?sources=ticket_system", as(lead))["events"], 4);
  // The chart counts the same searches.
  EXPECT_EQ(get_ok("/v1/reports/searches", as(lead))["searches"], 1);
  EXPECT_EQ(get_ok("/v1/reports/searches?sources=page,api", as(lead))["searches"], 2);
  for (const std::string target : {"/v1/reports/gaps?sources=robots", "/v1/reports/searches?sources=page,",
                                   "/v1/reports/stale?sources=everything"}) {
    const auto r = get(target, as(lead));
    EXPECT_EQ(r.status, 400) << target << " → " << r.describe();
    EXPECT_THAT(r.body, HasSubstr("sources")) << target;
  }
}

TEST_F(Reports, AClickClearsOnlyTheGapOfTheSearchItCameFrom) {
  const std::int64_t t0 = now_seconds() - 3600;  // an hour ago: every search can be judged
  {
    auto store = service::EventStore::open(events_db());
    ASSERT_TRUE(store) << store.error().describe();
    using service::EventSource;
    ASSERT_TRUE(service::write_usage(
        **store,
        {service::SearchEvent{t0, "refund saldo", "id", 3, {}, "anonymous", EventSource::page, "s-refund"},
         service::SearchEvent{
             t0 + 60, "ongkir mahal", "id", 2, {}, "anonymous", EventSource::page, "s-ongkir"},
         // A search from before search ids: judged by the same token's views, as before.
         service::SearchEvent{t0 + 100, "paket terlambat", "id", 2, {}, "anonymous"},
         // An article view by the same token soon after, opened from neither page search: it used to
         // clear every search of the token; now it clears only the search without an id.
         service::ViewEvent{t0 + 120, "akun/otp-tidak-masuk", "anonymous"}}));
  }
  start(quick_config());
  // The page opens an article from the refund search's results, with that search's id.
  ASSERT_EQ(get("/v1/articles/pembayaran/refund-belum-masuk?search_id=s-refund", from_page).status, 200);
  ASSERT_TRUE(eventually(
      [&] { return column(events_db(), "SELECT count(*) FROM views") == std::vector<std::string>{"2"}; },
      5s));
  const auto j = get_ok("/v1/reports/gaps");
  std::vector<std::string> no_click;
  for (const auto& c : j["clusters"])
    if (c["kinds"]["no_click"] > 0)
      for (const auto& e : c["examples"]) no_click.push_back(e);
  EXPECT_THAT(no_click, ElementsAre("ongkir mahal")) << j.dump(2);

  // The page's own round trip: the search's id comes with its results and goes back with the view.
  const auto search = get("/v1/search?q=refund", from_page);
  ASSERT_EQ(search.status, 200);
  const std::string id = search.json.value("search_id", "");
  EXPECT_THAT(id, ::testing::MatchesRegex("[0-9a-f]{16}"));
  ASSERT_EQ(get("/v1/articles/pembayaran/refund-belum-masuk?search_id=" + id, from_page).status, 200);
  ASSERT_TRUE(eventually(
      [&] {
        return column(events_db(),
                      "SELECT v.slug FROM views AS v JOIN searches AS s ON s.search_id = v.search_id "
                      "WHERE s.query = 'refund' AND s.source = 'page'") ==
               std::vector<std::string>{"pembayaran/refund-belum-masuk"};
      },
      5s));
  // A search id that GET /v1/search cannot have made is refused.
  for (const std::string& bad : {std::string(65, 'a'), std::string("a%20b"), std::string("")}) {
    const auto r = get("/v1/articles/akun/otp-tidak-masuk?search_id=" + bad);
    EXPECT_EQ(r.status, 400) << bad << " → " << r.describe();
    EXPECT_TRUE(r.is_error_body()) << r.describe();
  }
}

TEST_F(Reports, TheUnansweredShareReplacesTheZeroResultShare) {
  const Date today = service::day_of(now_seconds());
  const std::int64_t yesterday = today.plus_days(-1).days_since_epoch() * std::int64_t{86400};
  {
    auto store = service::EventStore::open(events_db());
    ASSERT_TRUE(store) << store.error().describe();
    using service::EventSource;
    using service::SearchEvent;
    using service::ViewEvent;
    ASSERT_TRUE(service::write_usage(
        **store, {// Found nothing: unanswered.
                  SearchEvent{yesterday + 3600, "zzqxv", "", 0, {}, "rina", EventSource::page, "a"},
                  // Found something and a result was opened from it: answered.
                  SearchEvent{yesterday + 7200, "refund", "id", 3, {}, "rina", EventSource::page, "b"},
                  ViewEvent{yesterday + 7230, "pembayaran/refund-belum-masuk", "rina", "b"},
                  // Found something, nothing opened from it (a view of another search's result does
                  // not count): unanswered.
                  SearchEvent{yesterday + 7300, "ongkir", "id", 2, {}, "rina", EventSource::page, "c"},
                  // From before search ids: a view by the same token within 10 minutes answers it.
                  SearchEvent{yesterday + 9000, "kode otp", "id", 2, {}, "budi"},
                  ViewEvent{yesterday + 9060, "akun/otp-tidak-masuk", "budi"},
                  // An integration's search: not counted by default.
                  SearchEvent{yesterday + 9500, "zzqxv", "", 0, {}, "bot", EventSource::api, "d"},
                  // Today, just now: counted, not judged yet.
                  SearchEvent{now_seconds(), "refund", "id", 3, {}, "rina", EventSource::page, "e"}}));
  }
  start(quick_config());
  const auto j = get_ok("/v1/reports/searches?since=" + today.plus_days(-1).iso());
  EXPECT_EQ(j["days"],
            nlohmann::json::parse(R"([
    {"day": ")" + today.plus_days(-1).iso() +
                                  R"(", "searches": 4, "zero_results": 1, "judged": 4, "unanswered": 2},
    {"day": ")" + today.iso() + R"(", "searches": 1, "zero_results": 0, "judged": 0, "unanswered": 0}])"));
  EXPECT_EQ(j["searches"], 5);
  EXPECT_EQ(j["judged"], 4);
  EXPECT_EQ(j["unanswered"], 2);
  EXPECT_EQ(j["unanswered_share"], 0.5);
  const auto all = get_ok("/v1/reports/searches?sources=all&since=" + today.plus_days(-1).iso());
  EXPECT_EQ(all["unanswered"], 3);
  EXPECT_EQ(all["judged"], 5);
  EXPECT_EQ(all["unanswered_share"], 0.6);
}

TEST_F(Reports, ATicketAnotherArticleAnsweredIsNoGapAgainstThisOne) {
  // Four tickets whose words are the title of pembayaran/refund-belum-masuk; the suggester's best
  // candidate for each was another article, far under the threshold.
  std::vector<std::string> stems;
  service::TermExtractor extract;
  extract.add("refund saldo rayapay belum masuk", Lang::id, stems);
  ASSERT_FALSE(stems.empty());
  std::vector<service::TicketTerm> terms;
  for (const auto& s : stems) terms.push_back({s, s, 1.0});
  const std::int64_t t0 = now_seconds() - 2 * 86400;
  const std::string other = "pembayaran/virtual-account";
  {
    auto store = service::EventStore::open(events_db());
    ASSERT_TRUE(store) << store.error().describe();
    for (int i = 1; i <= 4; ++i) {
      service::SuggestionLog s;
      s.ticket_id = "ZD-" + std::to_string(i);
      s.at = t0 + i * 60;
      s.lang = "id";
      s.terms = terms;
      s.text = "refund saldo rayapay belum masuk, tiket " + std::to_string(i);
      s.top_slug = other;
      s.top_confidence = 0.1;
      s.gap = true;
      s.source = service::EventSource::ticket_system;
      ASSERT_TRUE((*store)->log_suggestion(s));
    }
    // ZD-1 asked again later, and the other article was then a confident answer.
    service::SuggestionLog again;
    again.ticket_id = "ZD-1";
    again.at = t0 + 3600;
    again.lang = "id";
    again.terms = terms;
    again.text = "refund saldo rayapay belum masuk, tiket 1";
    again.shown = {other};
    again.top_slug = other;
    again.top_confidence = 0.8;
    again.source = service::EventSource::ticket_system;
    ASSERT_TRUE((*store)->log_suggestion(again));
  }
  start(quick_config());
  // ZD-2 was resolved with the other article.
  const auto resolved =
      post_json(*client_, "/v1/feedback", {{"ticket_id", "ZD-2"}, {"slug", other}, {"kind", "resolved"}});
  ASSERT_EQ(resolved.status, 201) << resolved.describe();

  const auto j = get_ok("/v1/reports/stale?limit=all");
  const nlohmann::json* gap = nullptr;
  for (const auto& a : j["articles"])
    if (a["slug"] == "pembayaran/refund-belum-masuk")
      for (const auto& r : a["reasons"])
        if (r["code"] == "losing_to_gap") gap = &r;
  ASSERT_NE(gap, nullptr) << j.dump(2);
  // Only ZD-3 and ZD-4: the answered tickets are no gap, against this article or any other.
  EXPECT_EQ((*gap)["evidence"]["events"], 2) << gap->dump(2);
  EXPECT_EQ((*gap)["evidence"]["no_confident_suggestions"], 2);
  EXPECT_EQ((*gap)["evidence"]["examples"],
            nlohmann::json::array(
                {"refund saldo rayapay belum masuk, tiket 4", "refund saldo rayapay belum masuk, tiket 3"}));
  // Nor in the gap inbox.
  EXPECT_EQ(get_ok("/v1/reports/gaps")["events"], 2);
}

}  // namespace
}  // namespace solusi
