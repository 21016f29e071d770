// What a ticket system integrating with Solusi relies on, through real HTTP on loopback: ticket ids as
// strings or numbers, unknown body fields ignored with warnings (strict=true refuses them),
// X-Request-Id in and out (headers, error bodies, the access log), per-token and per-address rate
// limits with 429 and Retry-After, article URLs on hits, suggestions and listed articles, facets=false,
// and the article list's updated_since filter and cursor paging.
#include "integration.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api.hpp"
#include "http_support.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using testing::Reply;

const json refund_ticket{
    {"subject", "Refund belum masuk ke saldo"},
    {"body", "Halo kak, pesanan sudah dibatalkan tapi refund belum masuk ke saldo RayaPay."}};

class IntegrationApi : public testing::HttpTest {
 protected:
  Reply post(const std::string& path, const json& body, const httplib::Headers& headers = {}) {
    return testing::post_json(*client_, path, body, headers);
  }
  json ticket(json id) const {
    json t = refund_ticket;
    t["ticket_id"] = std::move(id);
    return t;
  }
};

// ------------------------------------------------------------------------------------------------
// Ticket ids: string or number

TEST_F(IntegrationApi, NumericTicketIdsAreTheirDecimalStringEverywhere) {
  start();
  const Reply s = post("/v1/suggest", ticket(4711));
  ASSERT_EQ(s.status, 200) << s.describe();
  EXPECT_EQ(s.json["ticket_id"], "4711");

  // Feedback with the number finds the words of the suggestion filed under the same id.
  const json resolved{{"ticket_id", 4711}, {"slug", "pembayaran/refund-belum-masuk"}, {"kind", "resolved"}};
  const Reply f = post("/v1/feedback", resolved);
  ASSERT_EQ(f.status, 201) << f.describe();
  EXPECT_EQ(f.json["ticket_id"], "4711");
  EXPECT_EQ(f.json["terms_from"], "suggestion") << f.describe();

  // The same id as a string is the same ticket: a duplicate.
  json as_string = resolved;
  as_string["ticket_id"] = "4711";
  const Reply again = post("/v1/feedback", as_string);
  EXPECT_EQ(again.status, 200) << again.describe();
  EXPECT_EQ(again.json["duplicate"], true);

  // Withdrawn by the decimal string in the URL.
  const Reply w = testing::to_reply(client_->Delete("/v1/feedback/4711/pembayaran/refund-belum-masuk"));
  EXPECT_EQ(w.status, 200) << w.describe();
  EXPECT_EQ(w.json["ticket_id"], "4711");
}

TEST_F(IntegrationApi, LargeAndExponentTicketIdsKeepEveryDigit) {
  start();
  const std::pair<std::string, std::string> cases[] = {
      {"18446744073709551615", "18446744073709551615"},  // the largest unsigned 64-bit integer
      {"-42", "-42"},
      {"1e3", "1000"},
      {"9007199254740992.0", "9007199254740992"},  // 2^53, written as a float: still exact
  };
  for (const auto& [raw, expected] : cases) {
    const std::string body = R"({"ticket_id": )" + raw + R"(, "subject": "Refund belum masuk"})";
    const Reply r = testing::to_reply(client_->Post("/v1/suggest", body, "application/json"));
    EXPECT_EQ(r.status, 200) << raw << " → " << r.describe();
    EXPECT_EQ(r.json.value("ticket_id", ""), expected) << raw;
  }
}

TEST_F(IntegrationApi, TicketIdsThatWouldLoseDigitsAreRefused) {
  start();
  for (const std::string raw : {"12.5", "1e20", "18446744073709551616", "true", "[1]", "{}"}) {
    const std::string body = R"({"ticket_id": )" + raw + R"(, "subject": "Refund belum masuk"})";
    for (const std::string path : {"/v1/suggest", "/v1/feedback"}) {
      const Reply r = testing::to_reply(client_->Post(path, body, "application/json"));
      EXPECT_EQ(r.status, 400) << path << " " << raw << " → " << r.describe();
      EXPECT_EQ(r.error_code(), "invalid_argument") << raw;
      EXPECT_THAT(r.error_message(), HasSubstr("'ticket_id' must be a string or an integer")) << raw;
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Unknown fields: ignored with warnings, or refused with strict=true

TEST_F(IntegrationApi, UnknownFieldsAreIgnoredAndListedInWarnings) {
  start();
  json t = ticket("ZD-1");
  t["priority"] = "high";
  t["requester"] = {{"email", "pelanggan@example.com"}};
  const Reply r = post("/v1/suggest", t);
  ASSERT_EQ(r.status, 200) << r.describe();
  ASSERT_TRUE(r.json["warnings"].is_array()) << r.describe();
  ASSERT_EQ(r.json["warnings"].size(), 2u) << r.describe();
  std::vector<std::string> fields;
  for (const auto& w : r.json["warnings"]) {
    EXPECT_EQ(w["code"], "unknown_field");
    EXPECT_THAT(w["message"].get<std::string>(), HasSubstr("ignored"));
    fields.push_back(w["field"].get<std::string>());
  }
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("priority", "requester"));
  EXPECT_FALSE(r.json["suggestions"].empty()) << "the known fields are used as before";

  // A body with only known fields carries no warnings at all.
  const Reply clean = post("/v1/suggest", ticket("ZD-2"));
  ASSERT_EQ(clean.status, 200) << clean.describe();
  EXPECT_FALSE(clean.json.contains("warnings")) << clean.describe();

  // Feedback and the editors' preview read bodies the same way (one place).
  const Reply f = post("/v1/feedback", {{"ticket_id", "ZD-1"},
                                        {"slug", "pembayaran/refund-belum-masuk"},
                                        {"kind", "helpful"},
                                        {"via", "zendesk-trigger"}});
  ASSERT_EQ(f.status, 201) << f.describe();
  ASSERT_EQ(f.json["warnings"].size(), 1u) << f.describe();
  EXPECT_EQ(f.json["warnings"][0]["field"], "via");
  const Reply p =
      post("/v1/preview", {{"front_matter", {{"title", "Uji"}}}, {"body", "Isi."}, {"color", "red"}});
  ASSERT_EQ(p.status, 200) << p.describe();
  ASSERT_EQ(p.json["warnings"].size(), 1u) << p.describe();
  EXPECT_EQ(p.json["warnings"][0]["field"], "color");
}

TEST_F(IntegrationApi, StrictModeRefusesUnknownFields) {
  start();
  json t = ticket("ZD-3");
  t["priority"] = "high";
  const Reply r = post("/v1/suggest?strict=true", t);
  EXPECT_EQ(r.status, 400) << r.describe();
  EXPECT_EQ(r.error_code(), "invalid_argument");
  EXPECT_THAT(r.error_message(), HasSubstr("'priority'"));
  EXPECT_EQ(post("/v1/suggest?strict=true", ticket("ZD-3")).status, 200);
  EXPECT_EQ(post("/v1/suggest?strict=false", t).status, 200);
  const Reply bad = post("/v1/suggest?strict=maybe", ticket("ZD-3"));
  EXPECT_EQ(bad.status, 400) << bad.describe();
  EXPECT_THAT(bad.error_message(), HasSubstr("'strict'"));
}

TEST_F(IntegrationApi, ManyUnknownFieldsAreCountedNotListedOneByOne) {
  start();
  json t = ticket("ZD-4");
  const size_t extra = service::max_warnings + 10;
  for (size_t i = 0; i < extra; ++i) t["custom_field_" + std::to_string(1000 + i)] = i;
  const Reply r = post("/v1/suggest", t);
  ASSERT_EQ(r.status, 200) << r.describe();
  ASSERT_EQ(r.json["warnings"].size(), service::max_warnings + 1) << r.describe();
  EXPECT_EQ(r.json["warnings"].back()["code"], "unknown_fields_not_listed");
  EXPECT_THAT(r.json["warnings"].back()["message"].get<std::string>(), HasSubstr("10 more"));
}

// ------------------------------------------------------------------------------------------------
// X-Request-Id

TEST_F(IntegrationApi, ClientRequestIdIsEchoedInHeadersAndErrorBodies) {
  start();
  const Reply ok = get("/v1/search?q=refund", {{"X-Request-Id", "zendesk-req-42"}});
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.header("X-Request-Id"), "zendesk-req-42");

  const Reply missing = get("/v1/articles/tidak/ada", {{"X-Request-Id", "zendesk-req-43"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("X-Request-Id"), "zendesk-req-43");
  EXPECT_EQ(missing.json["error"]["request_id"], "zendesk-req-43") << missing.describe();

  // Errors the adapter answers before any handler: an unknown parameter, 405, an unknown route.
  for (const std::string target : {"/v1/search?q=refund&colour=red", "/v1/suggest", "/v1/nothing-here"}) {
    const Reply r = get(target, {{"X-Request-Id", "trace-7"}});
    EXPECT_GE(r.status, 400) << target;
    EXPECT_EQ(r.header("X-Request-Id"), "trace-7") << target;
    EXPECT_EQ(r.json["error"]["request_id"], "trace-7") << target << " → " << r.describe();
  }
  // A handler's own error body (a suggestion without text) gets it too.
  const Reply empty = post("/v1/suggest", {{"ticket_id", "X"}}, {{"X-Request-Id", "trace-8"}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.json["error"]["request_id"], "trace-8") << empty.describe();
}

TEST_F(IntegrationApi, MissingOrUnusableRequestIdsAreReplacedByGeneratedOnes) {
  start();
  const Reply a = get("/healthz");
  const Reply b = get("/healthz");
  const auto generated = [](const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  EXPECT_TRUE(generated(a.header("X-Request-Id"))) << a.header("X-Request-Id");
  EXPECT_TRUE(generated(b.header("X-Request-Id"))) << b.header("X-Request-Id");
  EXPECT_NE(a.header("X-Request-Id"), b.header("X-Request-Id"));

  const std::string longest(service::max_request_id_bytes, 'r');
  EXPECT_EQ(get("/healthz", {{"X-Request-Id", longest}}).header("X-Request-Id"), longest);
  for (const std::string& bad :
       {longest + "r", std::string("with space"), std::string("caf\xc3\xa9"), std::string("tab\there")}) {
    const Reply r = get("/v1/articles/tidak/ada", {{"X-Request-Id", bad}});
    EXPECT_TRUE(generated(r.header("X-Request-Id"))) << bad << " → " << r.header("X-Request-Id");
    EXPECT_EQ(r.json["error"]["request_id"], r.header("X-Request-Id"));
  }
}

TEST_F(IntegrationApi, RequestIdIsInTheAccessLogLine) {
  auto config = base_config();
  config.access_log = true;
  start(config);
  ::testing::internal::CaptureStderr();
  // The log line is written before the answer is sent.
  const Reply r = get("/v1/search?q=refund", {{"X-Request-Id", "log-me-123"}});
  const Reply e = get("/v1/articles/tidak/ada", {{"X-Request-Id", "log-me-404"}});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(e.status, 404);
  EXPECT_THAT(err, HasSubstr("\"request_id\":\"log-me-123\""));
  EXPECT_THAT(err, HasSubstr("\"request_id\":\"log-me-404\""));
}

// ------------------------------------------------------------------------------------------------
// Rate limits

/// A bucket of @p burst that refills one request per 1,000 s: nothing refills during a test.
service::Config tiny_limit(service::Config c, double burst) {
  c.rate_limit_per_second = 0.001;
  c.rate_limit_burst = burst;
  return c;
}

TEST_F(IntegrationApi, WithoutTokensEachClientAddressHasItsOwnBucket) {
  start(tiny_limit(base_config(), 3));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get("/v1/search?q=refund").status, 200) << i;
  const Reply limited = get("/v1/search?q=refund", {{"X-Request-Id", "burst-4"}});
  ASSERT_EQ(limited.status, 429) << limited.describe();
  EXPECT_EQ(limited.error_code(), "rate_limited");
  EXPECT_THAT(limited.error_message(), HasSubstr("per client address"));
  EXPECT_EQ(limited.json["error"]["request_id"], "burst-4");
  const std::string retry = limited.header("Retry-After");
  ASSERT_FALSE(retry.empty());
  ASSERT_EQ(retry.find_first_not_of("0123456789"), std::string::npos) << retry;
  EXPECT_GE(std::stol(retry), 1);
  EXPECT_LE(std::stol(retry), 1000);
  // Every /v1 route shares the bucket; health probes, metrics and the page's files are not limited.
  EXPECT_EQ(post("/v1/suggest", ticket("RL-1")).status, 429);
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/readyz").status, 200);
  const Reply metrics = get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("solusi_rate_limit_clients 1"));
  EXPECT_THAT(metrics.body, HasSubstr("status=\"429\""));
}

TEST_F(IntegrationApi, EachTokenHasItsOwnBucket) {
  auto config = tiny_limit(base_config(), 2);
  const std::pair<std::string, std::string> tokens[] = {{"zendesk", "sol_ticket-zendesk-0123456789"},
                                                        {"jira", "sol_ticket-jira-0123456789"}};
  for (const auto& [name, secret] : tokens)
    config.tokens.push_back({name, service::Role::ticket_system, service::sha256_hex(secret)});
  start(config);
  const httplib::Headers zendesk{{"Authorization", "Bearer " + tokens[0].second}};
  const httplib::Headers jira{{"Authorization", "Bearer " + tokens[1].second}};
  EXPECT_EQ(get("/v1/search?q=refund", zendesk).status, 200);
  EXPECT_EQ(post("/v1/suggest", ticket(1), zendesk).status, 200);
  const Reply limited = post("/v1/suggest", ticket(2), zendesk);
  EXPECT_EQ(limited.status, 429) << limited.describe();
  EXPECT_THAT(limited.error_message(), HasSubstr("per token"));
  EXPECT_FALSE(limited.header("Retry-After").empty());
  // Another token from the same address is not affected.
  EXPECT_EQ(post("/v1/suggest", ticket(3), jira).status, 200);
  EXPECT_EQ(get("/v1/search?q=refund", jira).status, 200);
  EXPECT_EQ(get("/v1/search?q=refund", jira).status, 429);
}

TEST_F(IntegrationApi, ZeroRequestsPerSecondDisablesTheLimit) {
  auto config = base_config();
  config.rate_limit_per_second = 0;
  config.rate_limit_burst = 1;
  start(config);
  for (int i = 0; i < 30; ++i) ASSERT_EQ(get("/v1/search?q=refund").status, 200) << i;
}

TEST_F(IntegrationApi, TheDefaultLimitLetsABurstThrough) {
  const auto defaults = service::Config{};
  auto config = base_config();
  config.rate_limit_per_second = defaults.rate_limit_per_second;  // the shipped defaults
  config.rate_limit_burst = defaults.rate_limit_burst;
  ASSERT_GT(config.rate_limit_per_second, 0);
  ASSERT_GE(config.rate_limit_burst, 100);
  start(config);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(get("/v1/search?q=refund").status, 200) << i;
}

// ------------------------------------------------------------------------------------------------
// Article URLs

TEST_F(IntegrationApi, HitsSuggestionsAndListedArticlesCarryTheAgentPageUrl) {
  start();
  const json search = get_ok("/v1/search?q=refund");
  ASSERT_FALSE(search["hits"].empty());
  for (const auto& h : search["hits"]) {
    EXPECT_EQ(h["url"], "/?a=" + h["slug"].get<std::string>()) << h.dump();
    EXPECT_FALSE(h.contains("public_url")) << "no help centre configured";
  }
  const Reply s = post("/v1/suggest", ticket("U-1"));
  ASSERT_FALSE(s.json["suggestions"].empty()) << s.describe();
  for (const auto& x : s.json["suggestions"]) EXPECT_EQ(x["url"], "/?a=" + x["slug"].get<std::string>());
  const json list = get_ok("/v1/articles?limit=200");
  for (const auto& a : list["articles"]) EXPECT_EQ(a["url"], "/?a=" + a["slug"].get<std::string>());
  EXPECT_EQ(get_ok("/v1/articles/akun/otp-tidak-masuk")["url"], "/?a=akun/otp-tidak-masuk");
}

TEST_F(IntegrationApi, PublicArticlesCarryTheHelpCentreUrlWhenConfigured) {
  auto config = base_config();
  config.agent_url_base = "https://kb.example.co.id/?a=";
  config.public_url_base = "https://bantuan.example.co.id/artikel/";
  start(config);
  json hits = json::array();
  for (const std::string q : {"refund", "ongkos+kirim", "card+declined"}) {
    const json found = get_ok("/v1/search?q=" + q);
    for (const auto& h : found["hits"]) hits.push_back(h);
  }
  bool saw_public = false, saw_internal = false;
  for (const auto& h : hits) {
    const std::string slug = h["slug"];
    EXPECT_EQ(h["url"], "https://kb.example.co.id/?a=" + slug);
    if (h["audience"] == "public") {
      saw_public = true;
      EXPECT_EQ(h.value("public_url", ""), "https://bantuan.example.co.id/artikel/" + slug) << h.dump();
    } else {
      saw_internal = true;
      EXPECT_FALSE(h.contains("public_url")) << "an internal article has no public address: " << h.dump();
    }
  }
  EXPECT_TRUE(saw_public && saw_internal) << hits.dump();
  const Reply s = post("/v1/suggest", ticket("U-2"));
  ASSERT_FALSE(s.json["suggestions"].empty()) << s.describe();
  const auto& best = s.json["suggestions"][0];
  EXPECT_EQ(best["slug"], "pembayaran/refund-belum-masuk");
  EXPECT_EQ(best["public_url"], "https://bantuan.example.co.id/artikel/pembayaran/refund-belum-masuk");
  const json internal = get_ok("/v1/articles/pengiriman/ongkos-kirim");
  EXPECT_EQ(internal["url"], "https://kb.example.co.id/?a=pengiriman/ongkos-kirim");
  EXPECT_FALSE(internal.contains("public_url"));
}

// ------------------------------------------------------------------------------------------------
// facets=false

TEST_F(IntegrationApi, FacetsFalseLeavesFacetsOut) {
  start();
  EXPECT_FALSE(get_ok("/v1/search?q=refund&facets=false").contains("facets"));
  EXPECT_TRUE(get_ok("/v1/search?q=refund&facets=true").contains("facets"));
  EXPECT_TRUE(get_ok("/v1/search?q=refund").contains("facets"));
}

// ------------------------------------------------------------------------------------------------
// The article list: cursor paging and updated_since

TEST_F(IntegrationApi, CursorPagingWalksTheWholeListOnce) {
  start();
  const json all = get_ok("/v1/articles?limit=200");
  const auto expected = testing::listed_slugs(all);
  ASSERT_GE(expected.size(), 8u);
  EXPECT_TRUE(all["next_cursor"].is_null()) << "one page holds them all";

  std::vector<std::string> walked;
  std::string target = "/v1/articles?limit=3";
  for (int pages = 0; pages < 20; ++pages) {
    const json page = get_ok(target);
    EXPECT_EQ(page["total"], all["total"]) << "total counts the whole list on every page";
    for (const auto& s : testing::listed_slugs(page)) walked.push_back(s);
    if (page["next_cursor"].is_null()) break;
    target = "/v1/articles?limit=3&cursor=" + testing::url_encode(page["next_cursor"].get<std::string>());
  }
  EXPECT_EQ(walked, expected);

  // Offset paging still works, and gives a cursor to go on from.
  const json second = get_ok("/v1/articles?limit=3&offset=3");
  EXPECT_EQ(testing::listed_slugs(second),
            std::vector<std::string>(expected.begin() + 3, expected.begin() + 6));
  const json third =
      get_ok("/v1/articles?limit=3&cursor=" + testing::url_encode(second["next_cursor"].get<std::string>()));
  EXPECT_EQ(testing::listed_slugs(third).front(), expected[6]);
}

TEST_F(IntegrationApi, CursorIsStableWhenArticlesArePublishedAndRemovedMeanwhile) {
  start();
  const auto before = testing::listed_slugs(get_ok("/v1/articles?limit=200"));
  const json first = get_ok("/v1/articles?limit=4");
  const auto first_slugs = testing::listed_slugs(first);
  ASSERT_EQ(first_slugs.size(), 4u);
  const std::string cursor = first["next_cursor"];

  // Meanwhile: an article sorting before the cursor is published, the first one removed.
  testing::write_file(articles_dir() / "aaa" / "baru.md",
                      "---\ntitle: Artikel baru\nlang: id\naudience: public\n---\nIsi baru.\n");
  fs::remove(articles_dir() / (first_slugs.front() + ".md"));
  auto report = testing::reindex(articles_dir(), index_dir());
  ASSERT_TRUE(report) << report.error().describe();
  ASSERT_TRUE(testing::eventually(
      [&] { return testing::contains(testing::listed_slugs(get_ok("/v1/articles?limit=200")), "aaa/baru"); },
      10s));

  // The next page is exactly what came after the cursor: nothing skipped, nothing repeated.
  std::vector<std::string> rest;
  std::string target = "/v1/articles?limit=4&cursor=" + testing::url_encode(cursor);
  for (int pages = 0; pages < 20; ++pages) {
    const json page = get_ok(target);
    for (const auto& s : testing::listed_slugs(page)) rest.push_back(s);
    if (page["next_cursor"].is_null()) break;
    target = "/v1/articles?limit=4&cursor=" + testing::url_encode(page["next_cursor"].get<std::string>());
  }
  EXPECT_EQ(rest, std::vector<std::string>(before.begin() + 4, before.end()));
}

TEST_F(IntegrationApi, BadCursorsAreRefused) {
  start();
  const std::string cursor = get_ok("/v1/articles?limit=2")["next_cursor"];
  const std::pair<std::string, std::string> cases[] = {
      {"/v1/articles?cursor=zz", "'cursor'"},
      {"/v1/articles?cursor=c1zz", "'cursor'"},
      {"/v1/articles?cursor=c1abc", "'cursor'"},
      {"/v1/articles?offset=2&cursor=" + cursor, "not both"},
      {"/v1/articles?updated_since=yesterday", "'updated_since'"},
      {"/v1/articles?updated_since=2026-13-01", "'updated_since'"},
      {"/v1/articles?updated_since=2026-10-01T10:00:00", "'updated_since'"},
  };
  for (const auto& [target, message] : cases) {
    const Reply r = get(target);
    EXPECT_EQ(r.status, 400) << target << " → " << r.describe();
    EXPECT_THAT(r.error_message(), HasSubstr(message)) << target;
  }
}

TEST_F(IntegrationApi, UpdatedSinceKeepsArticlesChangedOnOrAfterThatDay) {
  // Files last written long ago: each article's "updated" is then its reviewed date.
  const auto long_ago = fs::file_time_type::clock::now() - std::chrono::hours(24 * 365 * 3);
  for (const auto& a : testing::fixture_articles()) fs::last_write_time(articles_dir() / a.path, long_ago);
  const fs::path index = dir_.path() / "index-old-files";
  auto report = testing::reindex(articles_dir(), index);
  ASSERT_TRUE(report) << report.error().describe();
  auto config = base_config();
  config.index_dir = index;
  start(config);

  const auto since_oct_1 = testing::listed_slugs(get_ok("/v1/articles?limit=200&updated_since=2026-10-01"));
  EXPECT_THAT(since_oct_1,
              ::testing::UnorderedElementsAre("akun/otp-tidak-masuk", "akun/tempel-skrip",
                                              "en/delivery-delayed", "en/refund-not-received",
                                              "pembayaran/refund-belum-masuk", "pengiriman/paket-terlambat"));
  // A time on that day (here 05:00 UTC) keeps the whole day: "updated" is a day, so nothing is missed.
  EXPECT_EQ(testing::listed_slugs(get_ok("/v1/articles?limit=200&updated_since=" +
                                         testing::url_encode("2026-10-01T12:00:00+07:00"))),
            since_oct_1);
  const json later = get_ok("/v1/articles?limit=200&updated_since=2026-10-02T00:00:00Z");
  EXPECT_THAT(testing::listed_slugs(later),
              ::testing::UnorderedElementsAre("akun/otp-tidak-masuk", "akun/tempel-skrip",
                                              "en/delivery-delayed", "pengiriman/paket-terlambat"));
  EXPECT_EQ(later["total"], 4);
  // With cursor paging too.
  const json page = get_ok("/v1/articles?limit=2&updated_since=2026-10-02");
  ASSERT_FALSE(page["next_cursor"].is_null());
  const json next = get_ok("/v1/articles?limit=2&updated_since=2026-10-02&cursor=" +
                           testing::url_encode(page["next_cursor"].get<std::string>()));
  EXPECT_EQ(testing::listed_slugs(next).size(), 2u);
  EXPECT_TRUE(next["next_cursor"].is_null());
}

}  // namespace
}  // namespace solusi
