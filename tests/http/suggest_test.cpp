// POST /v1/suggest and POST /v1/feedback through real HTTP on loopback, over a copy of the bundled
// knowledge base (articles/): noisy tickets in both languages, content gaps logged in events.db, error
// codes, audiences and roles, every refused request, feedback idempotency and where its ticket words
// come from, learning from resolved tickets (also across `solusi index --full --events` and a restart
// of the real `solusi serve`) and not-helpful votes lowering an article's confidence.
#include "suggest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "http_support.hpp"
#include "searcher.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::AnyOf;
using testing::ChildProcess;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::post_json;
using testing::Reply;

/// Start-up of the real binary includes indexing; the ASan build is several times slower.
constexpr auto startup_timeout = 30s;
/// How long learning from a resolved ticket may take before the test gives up (the service promises
/// about 1 s).
constexpr auto learning_deadline = 10s;

// ------------------------------------------------------------------------------------------------
// Tickets

struct Ticket {
  std::string subject, body;
};

/// A refund approved a week ago that has not reached the customer's bank account, in a reply to an
/// older e-mail about OTP codes: greeting, order number, signature with a phone number, quoted reply.
const Ticket noisy_refund_id{
    "Re: [#55120] Refund belum masuk",
    "Selamat siang kak,\n\n"
    "Pengembalian dana pesanan INV/20261028/MPL/4839201 sudah disetujui seminggu lalu, tapi dananya belum "
    "masuk ke rekening bank saya. Estimasinya berapa hari kerja ya?\n\n"
    "Terima kasih,\n"
    "Rina Oktaviani\n"
    "0813-1122-4507\n\n"
    "Pada Sen, 14 Sep 2026 pukul 10.12, CS WarungRaya <halo@warungraya.co.id> menulis:\n"
    "> Kode OTP hanya berlaku 5 menit. Kalau muncul OTP-429, tunggu 30 menit\n"
    "> sebelum minta kode OTP baru dan pastikan sinyal ponsel stabil.\n"};

const Ticket refund_en{
    "Refund approved 5 days ago, still nothing on my card",
    "Hello,\n\n"
    "My order 2611142209876 was refunded (the app has said Refund Approved since 16 Nov) but nothing has "
    "shown up on my credit card yet. How long does a card refund take?\n\n"
    "Kind regards,\n"
    "Sarah Whitfield\n\n"
    "On Mon, 16 Nov 2026 at 10:12, WarungRaya Support <help@warungraya.co.id> wrote:\n"
    "> Your parcel is with the courier and should arrive tomorrow.\n"};

const Ticket job_application{
    "Lamaran kerja posisi desainer grafis",
    "Dengan hormat,\n\n"
    "Saya ingin melamar posisi desainer grafis di perusahaan Bapak/Ibu. Terlampir CV dan portofolio saya. "
    "Saya lulusan DKV dengan pengalaman tiga tahun di agensi periklanan.\n\n"
    "Hormat saya,\nAndi\n"};

const Ticket partnership_offer{
    "Partnership proposal",
    "Hi team,\n\n"
    "We are a digital marketing agency and would love to discuss a partnership with your company. Our "
    "influencer network reaches 2 million followers. Could we schedule a call next week to present our "
    "proposal?\n\n"
    "Best regards,\nMark\n"};

const Ticket payment_code{
    "Gagal bayar",
    "Kak, waktu bayar pakai kartu kredit muncul tulisan PAY-402 terus transaksinya gagal. Itu maksudnya "
    "apa?"};

/// Topics whose best answers are internal articles (chargebacks, a hacked account, payment codes).
const Ticket chargeback_en{"Chargeback",
                           "I want to file a chargeback dispute with my bank for an order I never got."};
const Ticket hacked_account_id{"Akun saya diretas",
                               "Ada orang yang masuk ke akun saya dan belanja pakai saldo RayaPay saya. "
                               "Email dan password sudah diganti."};

/// Learning: customer words that the cashback article does not contain (they occur in other articles,
/// so the suggester knows them, but no published article about cashback).
const std::string learned_slug = "promo/cashback-belum-masuk";
const std::vector<std::string> customer_words = {"hadiah", "kampanye", "influencer", "cair", "poin"};
const Ticket resolved_ticket{"Hadiah kampanye influencer belum cair",
                             "Poin hadiah dari kampanye influencer kemarin belum cair juga ke akun saya."};
const Ticket similar_ticket{"Poin hadiah belum cair",
                            "Halo, hadiah poin dari kampanye influencer minggu lalu kok belum cair ya?"};

const std::vector<std::string> refund_articles = {"pembayaran/refund-belum-masuk",
                                                  "payments/refund-timeline"};

json ticket_json(const Ticket& t, const std::string& ticket_id = "") {
  json j{{"subject", t.subject}, {"body", t.body}};
  if (!ticket_id.empty()) j["ticket_id"] = ticket_id;
  return j;
}

std::vector<std::string> suggested_slugs(const json& body) {
  std::vector<std::string> out;
  if (body.contains("suggestions"))
    for (const auto& s : body["suggestions"]) out.push_back(s["slug"].get<std::string>());
  return out;
}

/// The suggestion for @p slug in a /v1/suggest answer, or null.
json suggestion_for(const json& body, const std::string& slug) {
  if (body.contains("suggestions"))
    for (const auto& s : body["suggestions"])
      if (s["slug"] == slug) return s;
  return nullptr;
}

std::vector<std::string> strings(const json& array) {
  std::vector<std::string> out;
  if (array.is_array())
    for (const auto& s : array)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

// ------------------------------------------------------------------------------------------------
// events.db, read with the SQLite C API (read-only, while the service has it open in WAL mode)

/// The single integer that @p sql returns with @p args bound to ?1, ?2…; -1 (and a test failure) when
/// the query fails.
std::int64_t query_int(const fs::path& db_path, const std::string& sql,
                       const std::vector<std::string>& args = {}) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path << ": " << (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close_v2(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  std::int64_t out = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    for (size_t i = 0; i < args.size(); ++i)
      sqlite3_bind_text(st, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
      out = sqlite3_column_int64(st, 0);
    else
      ADD_FAILURE() << sql << ": no row (" << sqlite3_errmsg(db) << ")";
  }
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  return out;
}

/// The text column of the first row of @p sql, or "" when there is none.
std::string query_text(const fs::path& db_path, const std::string& sql,
                       const std::vector<std::string>& args = {}) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      for (size_t i = 0; i < args.size(); ++i)
        sqlite3_bind_text(st, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        if (p) out = p;
      }
    } else {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(st);
  } else {
    ADD_FAILURE() << "cannot open " << db_path;
  }
  sqlite3_close_v2(db);
  return out;
}

// ------------------------------------------------------------------------------------------------
// Requests

Reply post(httplib::Client& c, const std::string& path, const std::string& body,
           const std::string& content_type = "application/json", const httplib::Headers& headers = {}) {
  return testing::to_reply(c.Post(path.c_str(), headers, body, content_type.c_str()));
}

/// A copy of the bundled knowledge base in a TempDir of the test's own.
void copy_articles(const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy(SOLUSI_ARTICLES_DIR, to, fs::copy_options::recursive);
}

size_t article_count(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".md") ++n;
  return n;
}

// ------------------------------------------------------------------------------------------------
// The in-process server over the copy

class SuggestFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    copy_articles(articles_dir());
    auto report = testing::reindex(articles_dir(), index_dir());
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();
    ASSERT_EQ(report->documents, article_count(articles_dir()));
  }

  void TearDown() override { stop(); }

  fs::path articles_dir() const { return dir_ / "articles"; }
  fs::path index_dir() const { return dir_ / "kb" / "index"; }
  /// Where the service keeps events.db when not told: next to the index folder.
  fs::path events_db() const { return dir_ / "kb" / "events.db"; }

  service::Config base_config() const {
    service::Config c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.articles_dir = articles_dir();
    c.index_dir = index_dir();
    c.threads = 4;
    c.access_log = false;
    c.index_poll_ms = 20;
    return c;
  }

  void start(service::Config config) {
    server_ = std::make_unique<service::Server>(std::move(config));
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().describe();
    port_ = *port;
    client_ = testing::make_client(port_);
  }
  void stop() {
    if (server_) server_->stop();
    server_.reset();
  }

  Reply suggest_reply(const json& body, const httplib::Headers& headers = {}) {
    return post_json(*client_, "/v1/suggest", body, headers);
  }
  /// POST /v1/suggest that must answer 200 with a JSON object.
  json suggest(const json& body, const httplib::Headers& headers = {}) {
    const Reply r = suggest_reply(body, headers);
    EXPECT_EQ(r.status, 200) << body.dump() << " → " << r.describe();
    EXPECT_TRUE(r.json.is_object()) << r.describe();
    return r.json.is_object() ? r.json : json::object();
  }
  Reply feedback(const json& body, const httplib::Headers& headers = {}) {
    return post_json(*client_, "/v1/feedback", body, headers);
  }

  /// Audience of every published article, as the index has it (slug → "public" / "internal").
  std::map<std::string, std::string> audiences(const httplib::Headers& headers = {}) {
    const Reply r = testing::get(*client_, "/v1/articles?limit=200", headers);
    EXPECT_EQ(r.status, 200) << r.describe();
    std::map<std::string, std::string> out;
    if (r.json.is_object() && r.json.contains("articles"))
      for (const auto& a : r.json["articles"])
        out[a["slug"].get<std::string>()] = a["audience"].get<std::string>();
    EXPECT_GT(out.size(), 20u);
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<service::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
};

class SuggestHttp : public SuggestFixture {
 protected:
  void SetUp() override {
    SuggestFixture::SetUp();
    if (HasFatalFailure()) return;
    start(base_config());
  }
};

// ------------------------------------------------------------------------------------------------
// Suggestions

TEST_F(SuggestHttp, NoisyIndonesianRefundTicketGetsTheRefundArticle) {
  const auto r = suggest_reply(ticket_json(noisy_refund_id, "ZD-1001"));
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_THAT(r.header("Content-Type"), HasSubstr("application/json"));
  const json& body = r.json;
  ASSERT_TRUE(body["suggestions"].is_array()) << body.dump();
  ASSERT_FALSE(body["suggestions"].empty()) << body.dump(2);
  const json& top = body["suggestions"][0];
  EXPECT_THAT(refund_articles, Contains(top["slug"].get<std::string>())) << body.dump(2);

  // Every field of a suggestion, with sane values.
  for (const char* key :
       {"slug", "title", "confidence", "coverage", "score", "snippet", "matched", "learned", "reason"})
    EXPECT_TRUE(top.contains(key)) << key << " missing: " << top.dump();
  ASSERT_TRUE(top["confidence"].is_number()) << top.dump();
  const double confidence = top["confidence"].get<double>();
  EXPECT_GT(confidence, 0.0);
  EXPECT_LE(confidence, 1.0);
  EXPECT_GE(confidence, body["threshold"].get<double>()) << "shown although under the threshold";
  EXPECT_GT(top["coverage"].get<double>(), 0.0);
  EXPECT_LE(top["coverage"].get<double>(), 1.0);
  EXPECT_GT(top["score"].get<double>(), 0.0);
  EXPECT_FALSE(top["title"].get<std::string>().empty());
  ASSERT_TRUE(top["matched"].is_array());
  EXPECT_FALSE(top["matched"].empty()) << top.dump();
  EXPECT_THAT(top["snippet"].get<std::string>(), HasSubstr("<mark>"));
  EXPECT_THAT(top["snippet"].get<std::string>(), HasSubstr("</mark>"));
  EXPECT_EQ(top["learned"], false);
  EXPECT_THAT(top["reason"].get<std::string>(), HasSubstr("telling words"));
  // Confidence never rises down the list, and never leaves [0, 1].
  double previous = std::numeric_limits<double>::infinity();
  for (const auto& s : body["suggestions"]) {
    EXPECT_GE(s["confidence"].get<double>(), 0.0);
    EXPECT_LE(s["confidence"].get<double>(), 1.0);
    EXPECT_LE(s["score"].get<double>(), previous) << "not ranked by score: " << body.dump(2);
    previous = s["score"].get<double>();
  }

  EXPECT_EQ(body["language"], "id");
  EXPECT_EQ(body["language_detected"], true);
  EXPECT_EQ(body["gap"], false);
  EXPECT_DOUBLE_EQ(body["threshold"].get<double>(), service::shipped_threshold());
  EXPECT_TRUE(body["took_ms"].is_number());
  EXPECT_GE(body["took_ms"].get<double>(), 0.0);
  EXPECT_EQ(body["ticket_id"], "ZD-1001");
  EXPECT_FALSE(body.contains("best_below_threshold")) << "only for gaps";
  EXPECT_TRUE(body["codes"].is_array());
  EXPECT_TRUE(body["codes"].empty()) << "the OTP-429 of the quoted reply is not the customer's: "
                                     << body["codes"];

  // The noise is gone: the quoted reply (OTP), the signature and the order number are not key terms.
  const auto terms = strings(body["key_terms"]);
  EXPECT_FALSE(terms.empty());
  for (const std::string noise :
       {"otp", "OTP", "kode", "sinyal", "ponsel", "rina", "Rina", "oktaviani", "Oktaviani"})
    EXPECT_THAT(terms, Not(Contains(noise))) << testing::joined(terms);
  for (const auto& t : terms) EXPECT_EQ(t.find("4839201"), std::string::npos) << t;
  EXPECT_THAT(terms, Contains("disetujui")) << testing::joined(terms);
}

TEST_F(SuggestHttp, EnglishTicketIsReadAsEnglish) {
  const json body = suggest(ticket_json(refund_en, "ZD-1002"));
  EXPECT_EQ(body["language"], "en") << body.dump(2);
  EXPECT_EQ(body["language_detected"], true);
  ASSERT_FALSE(suggested_slugs(body).empty()) << body.dump(2);
  EXPECT_THAT(refund_articles, Contains(suggested_slugs(body)[0])) << body.dump(2);
  EXPECT_THAT(strings(body["key_terms"]), Not(Contains("courier"))) << "quoted reply read as the ticket";
}

TEST_F(SuggestHttp, ShortPlainRefundTicketsRankARefundArticleFirst) {
  // Words that many articles use ("refund", "saldo") are still telling in a short ticket.
  const Ticket tickets[] = {
      {"Refund belum masuk", "Refund saya belum masuk ke saldo RayaPay padahal sudah 5 hari."},
      {"Refund not received", "My refund has not arrived in my RayaPay wallet yet."},
  };
  for (const auto& t : tickets) {
    SCOPED_TRACE(t.subject);
    const json body = suggest(ticket_json(t));
    EXPECT_FALSE(body["key_terms"].empty()) << body.dump(2);
    const std::string first =
        suggested_slugs(body).empty()
            ? body.value(json::json_pointer("/best_below_threshold/slug"), std::string())
            : suggested_slugs(body)[0];
    EXPECT_THAT(refund_articles, Contains(first)) << body.dump(2);
  }
  // The Indonesian one is clear enough to be suggested outright.
  EXPECT_EQ(suggest(ticket_json(tickets[0]))["gap"], false);
}

TEST_F(SuggestHttp, GivenLanguageIsNotDetected) {
  json request = ticket_json(noisy_refund_id);
  request["lang"] = "id";
  const json body = suggest(request);
  EXPECT_EQ(body["language"], "id");
  EXPECT_EQ(body["language_detected"], false);
}

TEST_F(SuggestHttp, OffTopicTicketsAreContentGapsLoggedInEventsDb) {
  const std::pair<std::string, Ticket> tickets[] = {{"GAP-job", job_application},
                                                    {"GAP-partner", partnership_offer}};
  for (const auto& [id, ticket] : tickets) {
    SCOPED_TRACE(id);
    const json body = suggest(ticket_json(ticket, id));
    EXPECT_EQ(body["gap"], true) << body.dump(2);
    ASSERT_TRUE(body["suggestions"].is_array()) << body.dump();
    EXPECT_TRUE(body["suggestions"].empty()) << body.dump(2);
    if (body.contains("best_below_threshold")) {
      EXPECT_LT(body["best_below_threshold"]["confidence"].get<double>(), body["threshold"].get<double>());
      EXPECT_TRUE(body["best_below_threshold"]["slug"].is_string());
    }
  }
  // A confident ticket for comparison: logged, but not as a gap.
  EXPECT_EQ(suggest(ticket_json(noisy_refund_id, "OK-refund"))["gap"], false);

  // events.db next to the index folder (the default) holds one row per call.
  ASSERT_TRUE(fs::exists(events_db())) << events_db();
  for (const auto& [id, ticket] : tickets) {
    EXPECT_EQ(
        query_int(events_db(), "SELECT count(*) FROM suggestions WHERE ticket_id = ?1 AND gap = 1", {id}), 1)
        << id;
    EXPECT_EQ(query_text(events_db(), "SELECT shown FROM suggestions WHERE ticket_id = ?1", {id}), "[]")
        << id;
  }
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM suggestions WHERE gap = 1"), 2);
  EXPECT_EQ(
      query_int(events_db(), "SELECT count(*) FROM suggestions WHERE ticket_id = 'OK-refund' AND gap = 0"),
      1);
  // The gap row keeps the customer's words for the content-gap inbox.
  EXPECT_THAT(query_text(events_db(), "SELECT text FROM suggestions WHERE ticket_id = 'GAP-job'"),
              HasSubstr("desainer grafis"));
}

TEST_F(SuggestHttp, ErrorCodeIsKept) {
  const json body = suggest(ticket_json(payment_code, "ZD-402"));
  EXPECT_THAT(strings(body["codes"]), Contains("PAY-402")) << body.dump(2);
  EXPECT_THAT(strings(body["key_terms"]), Contains("PAY-402")) << body.dump(2);
  // Every article that is suggested for it mentions the code.
  for (const auto& s : body["suggestions"])
    EXPECT_THAT(strings(s["matched"]), Contains("PAY-402")) << s.dump();
}

TEST_F(SuggestHttp, LimitCapsTheSuggestions) {
  stop();
  auto config = base_config();
  config.suggest_threshold = 0;  // every candidate
  start(config);
  json request = ticket_json(noisy_refund_id);
  for (int limit : {1, 3, 20}) {
    request["limit"] = limit;
    const json body = suggest(request);
    EXPECT_LE(body["suggestions"].size(), static_cast<size_t>(limit)) << limit;
    EXPECT_GE(body["suggestions"].size(), std::min<size_t>(static_cast<size_t>(limit), 3)) << limit;
    EXPECT_DOUBLE_EQ(body["threshold"].get<double>(), 0.0);
  }
  request.erase("limit");
  EXPECT_EQ(suggest(request)["suggestions"].size(), 5u) << "the default limit is 5";
}

// ------------------------------------------------------------------------------------------------
// Audience and roles

class SuggestAudience : public SuggestFixture {
 protected:
  void SetUp() override {
    SuggestFixture::SetUp();
    if (HasFatalFailure()) return;
    auto config = base_config();
    config.suggest_threshold = 0;  // every candidate shows, so that an internal one cannot hide
    start(config);
  }
};

TEST_F(SuggestAudience, PublicAudienceNeverSuggestsAnInternalArticle) {
  const auto audience = audiences();
  const Ticket tickets[] = {payment_code, chargeback_en, hacked_account_id, noisy_refund_id};
  size_t internal_for_agents = 0;
  for (const auto& t : tickets) {
    SCOPED_TRACE(t.subject);
    json request = ticket_json(t);
    request["limit"] = 20;
    for (const auto& slug : suggested_slugs(suggest(request)))
      if (audience.count(slug) && audience.at(slug) == "internal") ++internal_for_agents;

    request["audience"] = "public";
    const json body = suggest(request);
    EXPECT_FALSE(body["suggestions"].empty()) << body.dump(2);
    for (const auto& s : body["suggestions"]) {
      const std::string slug = s["slug"];
      ASSERT_TRUE(audience.count(slug)) << slug << " is not a published article";
      EXPECT_EQ(audience.at(slug), "public") << slug;
    }
  }
  // Without the audience the same tickets do get internal articles: the filter is what keeps them out.
  EXPECT_GE(internal_for_agents, 3u);
}

TEST_F(SuggestAudience, AudienceInternalIsEveryArticle) {
  json request = ticket_json(chargeback_en);
  request["audience"] = "internal";
  const json body = suggest(request);
  ASSERT_FALSE(body["suggestions"].empty()) << body.dump(2);
  EXPECT_EQ(body["suggestions"][0]["slug"], "internal/handling-chargebacks") << body.dump(2);
}

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

httplib::Headers bearer(const std::string& secret) {
  return {{"Authorization", "Bearer " + secret}};
}

class SuggestRoles : public SuggestFixture {
 protected:
  void SetUp() override {
    SuggestFixture::SetUp();
    if (HasFatalFailure()) return;
    auto config = base_config();
    for (const auto& t : tokens) config.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
    start(config);
  }
  const Token& token(service::Role role) const {
    return *std::find_if(std::begin(tokens), std::end(tokens),
                         [&](const Token& t) { return t.role == role; });
  }
};

TEST_F(SuggestRoles, PublicRoleIsRefusedOnBothRoutes) {
  const auto auth = bearer(token(service::Role::public_).secret);
  const Reply s = suggest_reply(ticket_json(noisy_refund_id, "PUB-1"), auth);
  EXPECT_EQ(s.status, 403) << s.describe();
  ASSERT_TRUE(s.is_error_body()) << s.describe();
  EXPECT_EQ(s.error_code(), "forbidden");
  EXPECT_THAT(s.error_message(), HasSubstr("public"));
  const Reply f = feedback(
      {{"ticket_id", "PUB-1"}, {"slug", "pembayaran/refund-belum-masuk"}, {"kind", "helpful"}}, auth);
  EXPECT_EQ(f.status, 403) << f.describe();
  EXPECT_EQ(f.error_code(), "forbidden");
  // Nothing of the refused calls reached events.db.
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM suggestions"), 0);
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback"), 0);
  // The same token still reads public articles.
  EXPECT_EQ(testing::get(*client_, "/v1/search?q=refund", auth).status, 200);
}

TEST_F(SuggestRoles, NoTokenOrAWrongOneIs401) {
  for (const auto& headers : {httplib::Headers{}, bearer("sol_not-a-token")}) {
    const Reply s = suggest_reply(ticket_json(noisy_refund_id), headers);
    EXPECT_EQ(s.status, 401) << s.describe();
    EXPECT_THAT(s.header("WWW-Authenticate"), HasSubstr("Bearer"));
    const Reply f = feedback(
        {{"ticket_id", "X"}, {"slug", "pembayaran/refund-belum-masuk"}, {"kind", "helpful"}}, headers);
    EXPECT_EQ(f.status, 401) << f.describe();
  }
}

TEST_F(SuggestRoles, AgentTicketSystemEditorAndLeadMayUseBothRoutes) {
  for (const auto role :
       {service::Role::agent, service::Role::ticket_system, service::Role::editor, service::Role::lead}) {
    const Token& t = token(role);
    SCOPED_TRACE(t.name);
    const std::string id = "ROLE-" + t.name;
    const Reply s = suggest_reply(ticket_json(noisy_refund_id, id), bearer(t.secret));
    EXPECT_EQ(s.status, 200) << s.describe();
    const Reply f = feedback({{"ticket_id", id},
                              {"slug", "pembayaran/refund-belum-masuk"},
                              {"kind", "helpful"},
                              {"agent", "Agent " + t.name}},
                             bearer(t.secret));
    EXPECT_EQ(f.status, 201) << f.describe();
    // The token's name is recorded as who gave the feedback, next to the agent the client named.
    EXPECT_EQ(query_text(events_db(), "SELECT principal FROM feedback WHERE ticket_id = ?1", {id}), t.name);
    EXPECT_EQ(query_text(events_db(), "SELECT agent FROM feedback WHERE ticket_id = ?1", {id}),
              "Agent " + t.name);
  }
}

TEST_F(SuggestRoles, AgentAskingForPublicGetsNoInternalArticleNorBestCandidate) {
  const auto auth = bearer(token(service::Role::agent).secret);
  const auto audience = audiences(auth);
  for (const auto& t : {payment_code, chargeback_en, hacked_account_id}) {
    SCOPED_TRACE(t.subject);
    json request = ticket_json(t);
    request["audience"] = "public";
    request["limit"] = 20;
    const json body = suggest(request, auth);
    for (const auto& slug : suggested_slugs(body)) {
      ASSERT_TRUE(audience.count(slug)) << slug << " is not a published article";
      EXPECT_EQ(audience.at(slug), "public") << slug;
    }
    if (body.contains("best_below_threshold")) {
      const std::string best = body["best_below_threshold"]["slug"];
      ASSERT_TRUE(audience.count(best)) << best << " is not a published article";
      EXPECT_EQ(audience.at(best), "public") << best << " leaks through best_below_threshold";
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Refused requests

struct BadCall {
  std::string label;
  std::string route;
  std::string body;
  std::string content_type;
  int status;
  std::string code;
  std::string message;  ///< a part of the message that names the problem
};

class SuggestValidation : public SuggestHttp {
 protected:
  void check(const BadCall& c) {
    SCOPED_TRACE(c.label);
    const Reply r = post(*client_, c.route, c.body, c.content_type);
    EXPECT_EQ(r.status, c.status) << r.describe();
    ASSERT_TRUE(r.is_error_body()) << r.describe();
    EXPECT_EQ(r.error_code(), c.code) << r.describe();
    EXPECT_THAT(r.error_message(), HasSubstr(c.message)) << r.describe();
    EXPECT_THAT(r.header("Content-Type"), HasSubstr("application/json"));
  }
  void TearDown() override {
    if (client_) {
      // Refused calls leave nothing in events.db, and the server still answers.
      EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM suggestions"), 0);
      EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback"), 0);
      EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM tickets"), 0);
      EXPECT_EQ(suggest_reply(ticket_json(noisy_refund_id)).status, 200);
    }
    SuggestHttp::TearDown();
  }
};

std::string with(json j, const std::string& key, json value) {
  j[key] = std::move(value);
  return j.dump();
}

TEST_F(SuggestValidation, SuggestRefusesEveryBadRequest) {
  const json ok = ticket_json(noisy_refund_id, "V-1");
  const std::string s = "/v1/suggest";
  const std::string bad_utf8 =
      R"({"subject":"Refund","body":"dana belum masuk )" + std::string("\xff\xfe") + R"("})";
  const std::string long_body = with(json{{"subject", "Refund"}}, "body", std::string(300 * 1024, 'a'));
  json split = ticket_json(noisy_refund_id);
  split["subject"] = std::string(200 * 1024, 'a');
  split["body"] = std::string(100 * 1024, 'b');
  const BadCall cases[] = {
      {"unknown field in strict mode", s + "?strict=true", with(ok, "priority", "high"), "application/json",
       400, "invalid_argument", "'priority'"},
      {"invalid JSON", s, R"({"subject": "Refund", )", "application/json", 400, "invalid_argument",
       "not valid JSON"},
      {"JSON array", s, R"(["Refund"])", "application/json", 400, "invalid_argument", "JSON object"},
      {"empty body", s, "", "application/json", 400, "invalid_argument", "JSON"},
      {"text/plain", s, ok.dump(), "text/plain", 415, "unsupported_media_type", "application/json"},
      {"form", s, "subject=Refund", "application/x-www-form-urlencoded", 415, "unsupported_media_type",
       "JSON"},
      {"limit 0", s, with(ok, "limit", 0), "application/json", 400, "invalid_argument", "'limit'"},
      {"limit 21", s, with(ok, "limit", 21), "application/json", 400, "invalid_argument", "between 1 and 20"},
      {"limit -1", s, with(ok, "limit", -1), "application/json", 400, "invalid_argument", "'limit'"},
      {"limit as text", s, with(ok, "limit", "5"), "application/json", 400, "invalid_argument", "'limit'"},
      {"limit fraction", s, with(ok, "limit", 2.5), "application/json", 400, "invalid_argument", "'limit'"},
      {"explain as text", s, with(ok, "explain", "yes"), "application/json", 400, "invalid_argument",
       "'explain'"},
      {"explain as number", s, with(ok, "explain", 1), "application/json", 400, "invalid_argument",
       "'explain'"},
      {"lang xx", s, with(ok, "lang", "xx"), "application/json", 400, "invalid_argument", "'lang'"},
      {"audience everyone", s, with(ok, "audience", "everyone"), "application/json", 400, "invalid_argument",
       "'audience'"},
      {"tags not a list", s, with(ok, "tags", "refund"), "application/json", 400, "invalid_argument",
       "'tags'"},
      {"tags of numbers", s, with(ok, "tags", json::array({1, 2})), "application/json", 400,
       "invalid_argument", "'tags'"},
      {"subject a number", s, with(ok, "subject", 42), "application/json", 400, "invalid_argument",
       "'subject'"},
      {"only whitespace", s, json{{"subject", "  \t "}, {"body", " \n\r\n  "}}.dump(), "application/json",
       400, "invalid_argument", "no subject and no body"},
      {"no text at all", s, json{{"ticket_id", "V-2"}}.dump(), "application/json", 400, "invalid_argument",
       "no subject and no body"},
      {"300 KB body", s, long_body, "application/json", 400, "invalid_argument", "longer than 262144 bytes"},
      {"subject and body together over 256 KiB", s, split.dump(), "application/json", 400, "invalid_argument",
       "262144"},
      {"invalid UTF-8", s, bad_utf8, "application/json", 400, "invalid_argument", "UTF-8"},
      {"NUL in body", s, with(ok, "body", std::string("dana\0belum", 10)), "application/json", 400,
       "invalid_argument", "NUL"},
      {"ticket_id too long", s, with(ok, "ticket_id", std::string(201, 't')), "application/json", 400,
       "invalid_argument", "'ticket_id'"},
  };
  for (const auto& c : cases) check(c);
}

TEST_F(SuggestValidation, MissingContentTypeIs415) {
  const std::string body = ticket_json(noisy_refund_id).dump();
  const std::string raw = testing::raw_exchange(
      port_, "POST /v1/suggest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 415")) << raw.substr(0, 300);
  EXPECT_THAT(raw, HasSubstr("unsupported_media_type"));
}

TEST_F(SuggestValidation, BodyOverMaxBodyBytesIs413) {
  const std::string huge = with(json{{"subject", "Refund"}}, "body", std::string((1 << 20) + 1024, 'a'));
  const Reply r = post(*client_, "/v1/suggest", huge);
  EXPECT_EQ(r.status, 413) << r.describe();
  EXPECT_EQ(r.error_code(), "payload_too_large") << r.describe();
}

TEST_F(SuggestValidation, FeedbackRefusesEveryBadRequest) {
  const json ok{{"ticket_id", "F-1"}, {"slug", "pembayaran/refund-belum-masuk"}, {"kind", "resolved"}};
  const std::string f = "/v1/feedback";
  json no_id = ok;
  no_id.erase("ticket_id");
  json no_slug = ok;
  no_slug.erase("slug");
  json no_kind = ok;
  no_kind.erase("kind");
  const std::string bad_utf8 =
      R"({"ticket_id":"F-1","slug":"pembayaran/refund-belum-masuk","kind":"resolved","body":"dana )" +
      std::string("\xc3\x28") + R"("})";
  const BadCall cases[] = {
      {"missing ticket_id", f, no_id.dump(), "application/json", 400, "invalid_argument",
       "'ticket_id' is required"},
      {"blank ticket_id", f, with(ok, "ticket_id", "   "), "application/json", 400, "invalid_argument",
       "'ticket_id'"},
      {"missing slug", f, no_slug.dump(), "application/json", 400, "invalid_argument", "'slug'"},
      {"unknown slug", f, with(ok, "slug", "pembayaran/tidak-ada"), "application/json", 400,
       "invalid_argument", "pembayaran/tidak-ada"},
      {"missing kind", f, no_kind.dump(), "application/json", 400, "invalid_argument", "'kind'"},
      {"unknown kind", f, with(ok, "kind", "liked"), "application/json", 400, "invalid_argument", "liked"},
      {"kind in capitals", f, with(ok, "kind", "RESOLVED"), "application/json", 400, "invalid_argument",
       "'kind'"},
      {"unknown field in strict mode", f + "?strict=true", with(ok, "rating", 5), "application/json", 400,
       "invalid_argument", "'rating'"},
      {"invalid JSON", f, "{\"ticket_id\": \"F-1\"", "application/json", 400, "invalid_argument",
       "not valid JSON"},
      {"text/plain", f, ok.dump(), "text/plain", 415, "unsupported_media_type", "application/json"},
      {"lang xx", f, with(ok, "lang", "xx"), "application/json", 400, "invalid_argument", "'lang'"},
      {"invalid UTF-8", f, bad_utf8, "application/json", 400, "invalid_argument", "UTF-8"},
      {"300 KB body", f, with(ok, "body", std::string(300 * 1024, 'a')), "application/json", 400,
       "invalid_argument", "longer than 262144 bytes"},
  };
  for (const auto& c : cases) check(c);
}

TEST_F(SuggestValidation, OtherMethodsOnThePostRoutesAre405) {
  for (const std::string path : {"/v1/suggest", "/v1/feedback"}) {
    // DELETE /v1/feedback?ticket_id=…&slug=… withdraws feedback (withdraw_test.cpp).
    const std::string allowed = path == "/v1/feedback" ? "POST, DELETE" : "POST";
    std::vector<Reply> replies{testing::to_reply(client_->Put(path.c_str(), "{}", "application/json"))};
    if (path == "/v1/suggest") replies.push_back(testing::to_reply(client_->Delete(path.c_str())));
    for (const Reply& r : replies) {
      EXPECT_EQ(r.status, 405) << path << " → " << r.describe();
      EXPECT_EQ(r.header("Allow"), allowed) << path;
      EXPECT_EQ(r.error_code(), "method_not_allowed") << path;
    }
  }
}

TEST_F(SuggestValidation, GetOnThePostRoutesIs405) {
  for (const std::string path : {"/v1/suggest", "/v1/feedback"}) {
    const Reply r = testing::get(*client_, path);
    EXPECT_EQ(r.status, 405) << path << " → " << r.describe();
    EXPECT_THAT(r.header("Allow"), HasSubstr("POST")) << path;
  }
}

// ------------------------------------------------------------------------------------------------
// Feedback

class FeedbackHttp : public SuggestHttp {};

TEST_F(FeedbackHttp, SameTicketSlugAndKindIsRecordedOnce) {
  const json f{
      {"ticket_id", "FB-1"}, {"slug", "pembayaran/refund-belum-masuk"}, {"kind", "helpful"},
      {"agent", "rina"},     {"subject", noisy_refund_id.subject},      {"body", noisy_refund_id.body}};
  const Reply first = feedback(f);
  ASSERT_EQ(first.status, 201) << first.describe();
  EXPECT_EQ(first.json["recorded"], true);
  EXPECT_EQ(first.json["duplicate"], false);
  EXPECT_EQ(first.json["terms_from"], "text");
  EXPECT_EQ(first.json["learning"], false) << "only resolved tickets teach";

  const Reply again = feedback(f);
  EXPECT_EQ(again.status, 200) << again.describe();
  EXPECT_EQ(again.json["recorded"], false);
  EXPECT_EQ(again.json["duplicate"], true);
  EXPECT_EQ(again.json["learning"], false);

  // Another kind for the same ticket and article is another event; another article too.
  json resolved = f;
  resolved["kind"] = "resolved";
  const Reply third = feedback(resolved);
  EXPECT_EQ(third.status, 201) << third.describe();
  EXPECT_EQ(third.json["learning"], true);
  const Reply resolved_again = feedback(resolved);
  EXPECT_EQ(resolved_again.status, 200) << resolved_again.describe();
  EXPECT_EQ(resolved_again.json["duplicate"], true);
  EXPECT_EQ(resolved_again.json["learning"], false) << "a duplicate must not queue learning again";
  json other = f;
  other["slug"] = "payments/refund-timeline";
  EXPECT_EQ(feedback(other).status, 201);

  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE ticket_id = 'FB-1'"), 3);
  EXPECT_EQ(
      query_int(events_db(), "SELECT count(*) FROM feedback WHERE ticket_id = 'FB-1' AND kind = 'helpful'"),
      2);
}

TEST_F(FeedbackHttp, TermsComeFromTheEarlierSuggestionWithTheSameTicketId) {
  const json shown = suggest(ticket_json(noisy_refund_id, "FB-2"));
  const auto key_terms = strings(shown["key_terms"]);
  ASSERT_FALSE(key_terms.empty()) << shown.dump(2);
  const Reply r =
      feedback({{"ticket_id", "FB-2"}, {"slug", "pembayaran/refund-belum-masuk"}, {"kind", "resolved"}});
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["recorded"], true);
  EXPECT_EQ(r.json["terms_from"], "suggestion");
  EXPECT_EQ(strings(r.json["terms"]), key_terms);
  EXPECT_EQ(r.json["learning"], true);
  EXPECT_EQ(r.json["ticket_id"], "FB-2");
  EXPECT_EQ(r.json["slug"], "pembayaran/refund-belum-masuk");
  EXPECT_EQ(r.json["kind"], "resolved");
  EXPECT_EQ(query_text(events_db(), "SELECT lang FROM feedback WHERE ticket_id = 'FB-2'"), "id");
}

TEST_F(FeedbackHttp, TermsAreNoneWhenTheTicketWasNeverSeenAndHasNoText) {
  const Reply r =
      feedback({{"ticket_id", "FB-never"}, {"slug", "payments/refund-timeline"}, {"kind", "resolved"}});
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["recorded"], true);
  EXPECT_EQ(r.json["duplicate"], false);
  EXPECT_EQ(r.json["terms_from"], "none");
  EXPECT_TRUE(r.json["terms"].is_array());
  EXPECT_TRUE(r.json["terms"].empty());
  EXPECT_EQ(r.json["learning"], false) << "nothing to learn from";
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE ticket_id = 'FB-never'"), 1);
}

TEST_F(FeedbackHttp, TermsComeFromTheTextWhenGivenEvenAfterASuggestion) {
  suggest(ticket_json(noisy_refund_id, "FB-3"));
  const Reply r = feedback({{"ticket_id", "FB-3"},
                            {"slug", "payments/refund-timeline"},
                            {"kind", "resolved"},
                            {"subject", refund_en.subject},
                            {"body", refund_en.body}});
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["terms_from"], "text");
  const auto terms = strings(r.json["terms"]);
  EXPECT_THAT(terms, Contains("approved")) << testing::joined(terms);
  EXPECT_THAT(terms, Not(Contains("disetujui"))) << "terms of the earlier suggestion, not of this text";
  EXPECT_EQ(r.json["learning"], true);
  EXPECT_EQ(query_text(events_db(), "SELECT lang FROM feedback WHERE ticket_id = 'FB-3'"), "en");
}

TEST_F(FeedbackHttp, ShownFeedbackIsRecordedWithoutLearning) {
  const Reply r = feedback({{"ticket_id", "FB-4"},
                            {"slug", "pembayaran/refund-belum-masuk"},
                            {"kind", "shown"},
                            {"subject", noisy_refund_id.subject},
                            {"body", noisy_refund_id.body}});
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["learning"], false);
  EXPECT_EQ(query_text(events_db(), "SELECT kind FROM feedback WHERE ticket_id = 'FB-4'"), "shown");
}

// ------------------------------------------------------------------------------------------------
// Not-helpful votes

class SuggestNotHelpful : public SuggestFixture {
 protected:
  void SetUp() override {
    SuggestFixture::SetUp();
    if (HasFatalFailure()) return;
    auto config = base_config();
    config.suggest_threshold = 0;  // the article stays in the list, so its confidence can be compared
    start(config);
  }
};

TEST_F(SuggestNotHelpful, VotesFromTheSameTicketTextLowerTheArticlesConfidence) {
  json request = ticket_json(noisy_refund_id);
  request["limit"] = 20;
  const std::string slug = "pembayaran/refund-belum-masuk";
  const json before = suggestion_for(suggest(request), slug);
  ASSERT_TRUE(before.is_object()) << "the article is not among the candidates";
  double confidence = before["confidence"].get<double>();
  double coverage = before["coverage"].get<double>();
  ASSERT_GT(confidence, 0.0);
  EXPECT_THAT(before["reason"].get<std::string>(), Not(HasSubstr("not-helpful")));

  // Each vote from a ticket with the same text lowers the article's confidence, until it may drop out
  // of the 20 best candidates altogether (the ordering may change: only the numbers are compared).
  for (int i = 1; i <= 3; ++i) {
    SCOPED_TRACE("after vote " + std::to_string(i));
    json vote = ticket_json(noisy_refund_id, "NH-" + std::to_string(i));
    vote["slug"] = slug;
    vote["kind"] = "not_helpful";
    const Reply r = feedback(vote);
    ASSERT_EQ(r.status, 201) << r.describe();
    EXPECT_EQ(r.json["learning"], false);
    const json after = suggestion_for(suggest(request), slug);
    if (i == 1) {
      ASSERT_TRUE(after.is_object()) << "one vote took the article out of the candidates";
    }
    if (!after.is_object()) break;
    EXPECT_LT(after["confidence"].get<double>(), confidence * 0.9) << "before " << confidence;
    EXPECT_LT(after["coverage"].get<double>(), coverage);
    EXPECT_THAT(after["reason"].get<std::string>(), HasSubstr("not-helpful"));
    confidence = after["confidence"].get<double>();
    coverage = after["coverage"].get<double>();
  }
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE kind = 'not_helpful'"), 3);

  // A ticket on another topic is not touched by these votes.
  json other = ticket_json(chargeback_en);
  other["limit"] = 20;
  const json other_body = suggest(other);  // not a temporary: the loop must not outlive it
  for (const auto& s : other_body["suggestions"])
    EXPECT_THAT(s["reason"].get<std::string>(), Not(HasSubstr("not-helpful"))) << s["slug"];
}

// ------------------------------------------------------------------------------------------------
// Learning from resolved tickets

class SuggestLearning : public SuggestHttp {};

/// Slugs that GET /v1/search finds for @p words (all of them, as one query of up to 50 hits).
std::vector<std::string> search_slugs(httplib::Client& c, const std::vector<std::string>& words) {
  std::string q;
  for (const auto& w : words) q += (q.empty() ? "" : " ") + w;
  const Reply r = testing::get(c, "/v1/search?limit=50&q=" + testing::url_encode(q));
  EXPECT_EQ(r.status, 200) << r.describe();
  return testing::hit_slugs(r.json);
}

/// Polls /v1/suggest with @p ticket until @p slug is suggested as learned (true) or @p deadline passes.
bool wait_until_learned(httplib::Client& c, const Ticket& ticket, const std::string& slug, json& last,
                        std::chrono::milliseconds deadline) {
  return testing::eventually(
      [&] {
        const Reply r = post_json(c, "/v1/suggest", ticket_json(ticket));
        if (r.status != 200 || !r.json.is_object()) return false;
        last = r.json;
        const json s = suggestion_for(last, slug);
        return s.is_object() && s["learned"] == true;
      },
      deadline);
}

TEST_F(SuggestLearning, ResolvedTicketTeachesTheArticleItsWords) {
  // The customer's words do not find the article, by search or by suggestion.
  EXPECT_THAT(search_slugs(*client_, customer_words), Not(Contains(learned_slug)));
  std::string article = testing::read_text(articles_dir() / (learned_slug + ".md"));
  std::transform(article.begin(), article.end(), article.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  ASSERT_FALSE(article.empty());
  for (const auto& w : customer_words) EXPECT_EQ(article.find(w), std::string::npos) << w;
  const json before = suggest(ticket_json(similar_ticket));
  EXPECT_THAT(suggested_slugs(before), Not(Contains(learned_slug))) << before.dump(2);

  json resolve = ticket_json(resolved_ticket, "LRN-1");
  resolve["slug"] = learned_slug;
  resolve["kind"] = "resolved";
  resolve["agent"] = "rina";
  const Reply r = feedback(resolve);
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.json["learning"], true);
  EXPECT_EQ(r.json["terms_from"], "text");
  for (const auto& w : customer_words) EXPECT_THAT(strings(r.json["terms"]), Contains(w));

  json last;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until_learned(*client_, similar_ticket, learned_slug, last, learning_deadline))
      << "not learned within 10 s; last answer: " << last.dump(2);
  RecordProperty("learned_after_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                        std::chrono::steady_clock::now() - t0)
                                                        .count()));
  ASSERT_FALSE(last["suggestions"].empty());
  EXPECT_EQ(last["suggestions"][0]["slug"], learned_slug) << last.dump(2);
  EXPECT_THAT(last["suggestions"][0]["reason"].get<std::string>(), HasSubstr("learned"));
  // Search is about the articles' own words: the learned ones do not leak into it.
  EXPECT_THAT(search_slugs(*client_, customer_words), Not(Contains(learned_slug)));
}

/// The suggestion for @p slug that names at least one similar solved ticket, polled until @p deadline.
bool wait_until_a_case_votes(httplib::Client& c, const Ticket& ticket, const std::string& slug, json& last,
                             std::chrono::milliseconds deadline) {
  return testing::eventually(
      [&] {
        json body = ticket_json(ticket);
        body["explain"] = true;
        const Reply r = post_json(c, "/v1/suggest", body);
        if (r.status != 200 || !r.json.is_object() || !r.json.contains("candidates")) return false;
        last = r.json;
        for (const auto& cand : last["candidates"])
          if (cand["slug"] == slug && cand["similar_tickets"]["count"].get<int>() > 0) return true;
        return false;
      },
      deadline);
}

TEST_F(SuggestLearning, AResolvedTicketIsACaseThatVotesForItsArticleInTheNextSuggestion) {
  json resolve = ticket_json(resolved_ticket, "CASE-1");
  resolve["slug"] = learned_slug;
  resolve["kind"] = "resolved";
  ASSERT_EQ(feedback(resolve).status, 201);
  json last;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until_a_case_votes(*client_, similar_ticket, learned_slug, last, learning_deadline))
      << last.dump(2);
  RecordProperty("case_votes_after_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                           std::chrono::steady_clock::now() - t0)
                                                           .count()));
  for (const auto& cand : last["candidates"]) {
    if (cand["slug"] != learned_slug) continue;
    EXPECT_THAT(strings(cand["similar_tickets"]["ticket_ids"]), Contains("CASE-1"));
    EXPECT_THAT(cand["reason"].get<std::string>(), HasSubstr("CASE-1"));
    EXPECT_GT(cand["features"]["vote_share"].get<double>(), 0.5);
  }
  // The case keeps lowercase stems of the cleaned ticket.
  const fs::path events = dir_ / "kb" / "events.db";
  EXPECT_EQ(query_int(events,
                      "SELECT count(*) FROM cases WHERE ticket_id = 'CASE-1' AND state = 'active' AND "
                      "' ' || words || ' ' LIKE '% hadiah %' AND words NOT GLOB '*[A-Z]*'"),
            1);
}

TEST_F(SuggestLearning, NotResolvedFeedbackTeachesNothing) {
  for (const std::string kind : {"helpful", "shown", "not_helpful"}) {
    json f = ticket_json(resolved_ticket, "LRN-" + kind);
    f["slug"] = learned_slug;
    f["kind"] = kind;
    const Reply r = feedback(f);
    ASSERT_EQ(r.status, 201) << kind << ": " << r.describe();
    EXPECT_EQ(r.json["learning"], false) << kind;
  }
  // Give a learner (if one wrongly ran) well over its ~1 s to act, then check: nothing learned.
  json last;
  EXPECT_FALSE(wait_until_learned(*client_, similar_ticket, learned_slug, last, 2500ms)) << last.dump(2);
}

/// `solusi serve` as a child process, learning, then `solusi index --full --events …` and a restart.
class SuggestServe : public ::testing::Test {
 protected:
  void SetUp() override { copy_articles(articles_dir()); }

  fs::path articles_dir() const { return dir_ / "articles"; }
  fs::path index_dir() const { return dir_ / "kb" / "index"; }
  fs::path events_db() const { return dir_ / "data" / "solusi-events.db"; }

  std::unique_ptr<ChildProcess> serve(int& port, std::vector<std::string> more = {}) {
    std::vector<std::string> args{SOLUSI_BINARY,  "serve",   "--listen",  "127.0.0.1:0", "--articles",
                                  articles_dir(), "--index", index_dir(), "--events",    events_db()};
    args.insert(args.end(), more.begin(), more.end());
    auto child = std::make_unique<ChildProcess>(args, dir_.path());
    EXPECT_TRUE(child->spawned()) << child->spawn_error();
    port = testing::wait_for_port(*child, startup_timeout);
    EXPECT_GT(port, 0) << "no port printed; exit " << child->exit_code() << "\n" << child->err();
    return child;
  }
  void stop(ChildProcess& child) {
    child.signal(SIGTERM);
    ASSERT_TRUE(child.wait(10s)) << "still running 10 s after SIGTERM\n" << child.err();
    EXPECT_EQ(child.exit_code(), 0) << child.err();
  }

  /// The suggestion for @p slug when the index on disk is read directly (as `solusi suggest` does).
  std::optional<service::Suggestion> from_index(const Ticket& t, const std::string& slug, size_t& rank) {
    auto searcher = service::Searcher::open(index_dir());
    EXPECT_TRUE(searcher) << searcher.error().describe();
    if (!searcher) return std::nullopt;
    service::SuggestRequest r;
    r.subject = t.subject;
    r.body = t.body;
    r.limit = 20;
    r.threshold = 0;
    auto result = searcher->suggest(r);
    EXPECT_TRUE(result) << result.error().describe();
    if (!result) return std::nullopt;
    for (size_t i = 0; i < result->suggestions.size(); ++i)
      if (result->suggestions[i].slug == slug) {
        rank = i;
        return result->suggestions[i];
      }
    return std::nullopt;
  }

  testing::TempDir dir_;
};

TEST_F(SuggestServe, LearnedWordsComeBackFromEventsDbAfterAFullRebuildAndARestart) {
  {
    int port = 0;
    auto child = serve(port);
    ASSERT_GT(port, 0);
    auto client = testing::make_client(port);
    // --events decides where events.db lives: nothing is written next to the index.
    EXPECT_TRUE(fs::exists(events_db())) << events_db();
    EXPECT_FALSE(fs::exists(dir_ / "kb" / "events.db"));

    json resolve = ticket_json(resolved_ticket, "SRV-1");
    resolve["slug"] = learned_slug;
    resolve["kind"] = "resolved";
    const Reply r = post_json(*client, "/v1/feedback", resolve);
    ASSERT_EQ(r.status, 201) << r.describe();
    ASSERT_EQ(r.json["learning"], true) << r.describe();
    json last;
    ASSERT_TRUE(wait_until_learned(*client, similar_ticket, learned_slug, last, learning_deadline))
        << "not learned within 10 s; last answer: " << last.dump(2) << "\n"
        << child->err();
    EXPECT_EQ(last["suggestions"][0]["slug"], learned_slug) << last.dump(2);
    stop(*child);
  }
  EXPECT_EQ(query_int(events_db(), "SELECT count(*) FROM feedback WHERE kind = 'resolved' AND slug = ?1",
                      {learned_slug}),
            1);

  // A full rebuild from an events.db without that feedback (another store: the operator says so with
  // --new-events-store): the index forgets the learned words…
  const auto empty_events = dir_ / "data" / "empty-events.db";
  auto rebuilt = testing::run_solusi({"index", "--full", "--articles", articles_dir(), "--index", index_dir(),
                                      "--events", empty_events, "--new-events-store"},
                                     dir_.path());
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  size_t rank = 0;
  auto s = from_index(similar_ticket, learned_slug, rank);
  EXPECT_FALSE(s && s->learned) << "learned words survived a full rebuild without them";

  // …and a full rebuild with the real one (the store switched back, deliberately again) replays them.
  rebuilt = testing::run_solusi({"index", "--full", "--articles", articles_dir(), "--index", index_dir(),
                                 "--events", events_db(), "--new-events-store"},
                                dir_.path());
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  EXPECT_THAT(rebuilt.out, HasSubstr("full rebuild"));
  s = from_index(similar_ticket, learned_slug, rank);
  ASSERT_TRUE(s) << "the article is not a candidate after the rebuild";
  EXPECT_TRUE(s->learned);
  EXPECT_EQ(rank, 0u);

  // A restart of serve (which refreshes the index from the articles first) keeps them too.
  int port = 0;
  auto child = serve(port);
  ASSERT_GT(port, 0);
  auto client = testing::make_client(port);
  const Reply r = post_json(*client, "/v1/suggest", ticket_json(similar_ticket, "SRV-2"));
  ASSERT_EQ(r.status, 200) << r.describe();
  ASSERT_FALSE(suggested_slugs(r.json).empty()) << r.json.dump(2);
  EXPECT_EQ(r.json["suggestions"][0]["slug"], learned_slug) << r.json.dump(2);
  EXPECT_EQ(r.json["suggestions"][0]["learned"], true);
  stop(*child);
}

TEST_F(SuggestServe, CasesSurviveAKillAndALostCaseIndexIsRebuiltFromEventsDb) {
  {
    int port = 0;
    auto child = serve(port);
    ASSERT_GT(port, 0);
    auto client = testing::make_client(port);
    json resolve = ticket_json(resolved_ticket, "KILL-1");
    resolve["slug"] = learned_slug;
    resolve["kind"] = "resolved";
    ASSERT_EQ(post_json(*client, "/v1/feedback", resolve).status, 201);
    child->signal(SIGKILL);  // acknowledged is written: events.db is the source of truth
    ASSERT_TRUE(child->wait(10s));
  }
  for (const bool lose_the_case_index : {false, true}) {
    SCOPED_TRACE(lose_the_case_index ? "case index deleted" : "after kill -9");
    if (lose_the_case_index) {
      const fs::path cases = dir_ / "data" / "solusi-events.cases";
      ASSERT_TRUE(fs::exists(cases));
      fs::remove_all(cases);
    }
    int port = 0;
    auto child = serve(port);
    ASSERT_GT(port, 0);
    auto client = testing::make_client(port);
    json last;
    EXPECT_TRUE(wait_until_a_case_votes(*client, similar_ticket, learned_slug, last, learning_deadline))
        << last.dump(2) << child->err();
    stop(*child);
  }
}

TEST_F(SuggestServe, EventsDbDefaultsToTheIndexFoldersParent) {
  std::vector<std::string> args{SOLUSI_BINARY, "serve",        "--listen", "127.0.0.1:0",
                                "--articles",  articles_dir(), "--index",  index_dir()};
  ChildProcess child(args, dir_.path());
  ASSERT_TRUE(child.spawned()) << child.spawn_error();
  const int port = testing::wait_for_port(child, startup_timeout);
  ASSERT_GT(port, 0) << child.err();
  auto client = testing::make_client(port);
  const Reply r = post_json(*client, "/v1/suggest", ticket_json(job_application, "DEF-1"));
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.json["gap"], true);
  stop(child);
  const auto default_db = dir_ / "kb" / "events.db";
  ASSERT_TRUE(fs::exists(default_db));
  EXPECT_EQ(query_int(default_db, "SELECT count(*) FROM suggestions WHERE ticket_id = 'DEF-1' AND gap = 1"),
            1);
  EXPECT_FALSE(fs::exists(dir_ / "events.db")) << "not in the working directory";
}

}  // namespace
}  // namespace solusi
