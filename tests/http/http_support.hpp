// Helpers shared by the HTTP integration tests: a small bilingual knowledge base written into the
// test's own TempDir, the in-process server on 127.0.0.1 port 0, plain GET/POST helpers that return a
// parsed reply, and child processes of the real `solusi` binary (spawned, signalled, killed and reaped
// by pid only).
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "auth.hpp"
#include "child_process.hpp"
#include "config.hpp"
#include "index_writer.hpp"
#include "json_schema.hpp"
#include "server.hpp"
#include "temp_dir.hpp"

/// Skips a test that exposes a known bug in the service (listed in the test report), unless
/// SOLUSI_RUN_KNOWN_BUGS is set: run with it to check whether a fix made the test pass.
#define SOLUSI_KNOWN_BUG(reason) \
  if (std::getenv("SOLUSI_RUN_KNOWN_BUGS") == nullptr) GTEST_SKIP() << "known bug: " << reason

namespace solusi::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ------------------------------------------------------------------------------------------------
// The knowledge base every test serves

struct ArticleFile {
  std::string path;  ///< relative to the articles folder
  std::string text;  ///< the whole file: front matter and Markdown
};

/// Published slugs by audience, and the ones that must never be served (draft, review, archived).
inline const std::vector<std::string> public_slugs = {
    "akun/otp-tidak-masuk", "en/delivery-delayed", "en/refund-not-received", "pembayaran/refund-belum-masuk",
    "pengiriman/paket-terlambat"};
inline const std::vector<std::string> internal_slugs = {"akun/tempel-skrip", "en/card-declined",
                                                        "en/escalation-policy", "pembayaran/virtual-account",
                                                        "pengiriman/ongkos-kirim"};
inline const std::vector<std::string> unpublished_slugs = {
    "en/legacy-refund-form", "pembayaran/refund-zamrud", "pengiriman/kurir-safir"};

inline const std::vector<ArticleFile>& fixture_articles() {
  static const std::vector<ArticleFile> articles = {
      {"pembayaran/refund-belum-masuk.md", R"md(---
title: Refund belum masuk ke saldo RayaPay
lang: id
tags: [refund, saldo]
category: pembayaran
owner: tim-pembayaran
reviewed: 2026-10-01
status: published
audience: public
---
## Masalah

Pelanggan sudah membatalkan pesanan, tetapi refund belum masuk ke saldo RayaPay. Pengembalian dana ke
saldo biasanya selesai dalam 1–3 hari kerja setelah pembatalan disetujui penjual.

## Langkah

1. Buka **Akun > Pesanan Saya** dan cek status pembatalan.
2. Jika status sudah "Dana dikembalikan" tetapi saldo belum bertambah, minta pelanggan memuat ulang aplikasi.
3. Lewat dari 3 hari kerja, buat tiket ke tim-pembayaran dengan nomor pesanan.
)md"},
      {"pembayaran/virtual-account.md", R"md(---
title: Virtual account kedaluwarsa sebelum dibayar
lang: id
tags: [pembayaran, virtual-account]
category: pembayaran
owner: tim-pembayaran
reviewed: 2026-09-12
audience: internal
---
Nomor virtual account berlaku 24 jam sejak checkout. Setelah kedaluwarsa, pesanan batal otomatis dan
pelanggan harus checkout ulang untuk mendapat nomor baru.

Transfer ke nomor yang sudah kedaluwarsa ditolak bank dan dana kembali ke rekening pengirim dalam 1 hari kerja.
)md"},
      {"pengiriman/paket-terlambat.md", R"md(---
title: Paket terlambat dari estimasi
lang: id
tags: [pengiriman, kurir]
category: pengiriman
owner: tim-logistik
reviewed: 2026-10-20
audience: public
---
Paket dianggap terlambat bila lewat dua hari dari estimasi tiba. Cek halaman pelacakan dan hubungi
kurir lewat chat.

Jika status tidak bergerak tujuh hari, ajukan klaim paket hilang dari halaman pesanan.
)md"},
      {"pengiriman/ongkos-kirim.md", R"md(---
title: Cara menghitung ongkos kirim
lang: id
tags: [pengiriman, ongkir]
category: pengiriman
owner: tim-logistik
reviewed: 2026-08-30
audience: internal
---
Ongkos kirim dihitung dari berat paket dan jarak antarkota. Berat volume dipakai bila lebih besar dari
berat asli.

Subsidi ongkir bisa hilang jika sebagian pesanan dibatalkan.
)md"},
      {"akun/otp-tidak-masuk.md", R"md(---
title: Kode OTP tidak masuk
lang: id
tags: [akun, otp]
category: akun
owner: tim-akun
reviewed: 2026-11-02
audience: public
---
Kode OTP dikirim lewat SMS ke nomor ponsel yang terdaftar dan berlaku lima menit.

1. Pastikan sinyal ponsel stabil dan kotak SMS tidak penuh.
2. Tunggu 60 detik sebelum meminta kode baru.

<iframe src="https://evil.example/phish"></iframe>

<img src="x" onerror="alert(document.cookie)">

Jika tetap gagal, [buka formulir bantuan](javascript:alert(document.cookie)) atau hubungi tim-akun.
)md"},
      {"akun/tempel-skrip.md", R"md(---
title: Pelanggan menempelkan skrip di kolom catatan
lang: id
tags: [akun, keamanan]
category: akun
owner: tim-keamanan
reviewed: 2026-10-05
audience: internal
---
Kadang pelanggan menempelkan &lt;script&gt;alert(1)&lt;/script&gt; ke kolom catatan pesanan.
Teks itu tidak berbahaya bagi agen karena tampilan catatan tidak menjalankan skrip.
)md"},
      {"en/refund-not-received.md", R"md(---
title: Refund not received in the wallet
lang: en
tags: [refund]
category: payments
owner: payments-team
reviewed: 2026-10-01
audience: public
---
The customer cancelled the order but the refund has not arrived in their RayaPay wallet. Refunds reach
the wallet within three working days after the seller approves the cancellation.

After that, open a ticket for the payments team with the order number.
)md"},
      {"en/card-declined.md", R"md(---
title: Card payment declined
lang: en
tags: [payment, card]
category: payments
owner: payments-team
reviewed: 2026-09-15
audience: internal
---
The issuing bank declined the card payment. Ask the customer to check the card limit, try another card,
or pay by bank transfer.

Never ask for the full card number or the CVV.
)md"},
      {"en/delivery-delayed.md", R"md(---
title: Delivery delayed past the estimate
lang: en
tags: [delivery, courier]
category: delivery
owner: logistics-team
reviewed: 2026-10-10
audience: public
---
The parcel is late when it is two days past the estimated delivery date. Check the tracking page and
message the courier.

If the tracking status has not moved for seven days, file a lost parcel claim from the order page.
)md"},
      {"en/escalation-policy.md", R"md(---
title: When to escalate to a team lead
lang: en
tags: [escalation]
category: internal
owner: support-leads
reviewed: 2026-07-01
audience: internal
---
Escalate to a team lead when a customer threatens legal action, when a refund over Rp10.000.000 is
disputed, or when the same customer contacts us more than three times about one order.
)md"},
      {"pembayaran/refund-zamrud.md", R"md(---
title: Refund ke kartu kredit Bank Zamrud
lang: id
tags: [refund, kartu-kredit]
category: pembayaran
owner: tim-pembayaran
status: draft
audience: public
---
Refund untuk pembayaran dengan kartu kredit Bank Zamrud diproses bank penerbit dalam 7–14 hari kerja.
)md"},
      {"en/legacy-refund-form.md", R"md(---
title: Old refund request form
lang: en
tags: [refund]
category: payments
owner: payments-team
reviewed: 2025-01-10
status: archived
audience: public
---
Customers used to request a refund with the Obsidian form in the help centre. The form was retired.
)md"},
      {"pengiriman/kurir-safir.md", R"md(---
title: Kurir baru Safir Ekspres
lang: id
tags: [pengiriman, kurir]
category: pengiriman
owner: tim-logistik
status: review
audience: public
---
Safir Ekspres mulai melayani pengiriman sameday di Jabodetabek bulan depan.
)md"},
  };
  return articles;
}

inline void write_file(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

inline void write_fixture_articles(const fs::path& articles_dir) {
  for (const auto& a : fixture_articles()) write_file(articles_dir / a.path, a.text);
}

/// Indexes @p articles into @p index in-process, with one parsing thread (cheap under `ctest -j2`), as
/// `solusi index` does: waiting for a running test server's watcher, which may be indexing the same edits.
inline Result<IndexReport> reindex(const fs::path& articles, const fs::path& index) {
  IndexOptions o;
  o.articles_dir = articles;
  o.index_dir = index;
  o.threads = 1;
  o.lock_wait = std::chrono::seconds(30);
  return index_folder(o);
}

/// Indexes the fixture articles: every one of them indexed, none rejected.
inline void build_index(const fs::path& articles, const fs::path& index) {
  auto report = reindex(articles, index);
  ASSERT_TRUE(report) << report.error().describe();
  ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();
  ASSERT_EQ(report->documents, fixture_articles().size());
}

// ------------------------------------------------------------------------------------------------
// Requests

struct Reply {
  bool answered = false;  ///< false: no HTTP response at all (connection refused, reset, timeout)
  std::string transport_error;
  int status = 0;
  std::string body;
  httplib::Headers headers;
  nlohmann::json json;  ///< the body parsed, or discarded() when it is not JSON

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool has_header(const std::string& name) const { return headers.find(name) != headers.end(); }
  std::string error_code() const { return is_error_body() ? json["error"]["code"].get<std::string>() : ""; }
  std::string error_message() const {
    return is_error_body() ? json["error"]["message"].get<std::string>() : "";
  }
  /// {"error":{"code":"…","message":"…"}} with both strings non-empty.
  bool is_error_body() const {
    return json.is_object() && json.size() == 1 && json.contains("error") && json["error"].is_object() &&
           json["error"].contains("code") && json["error"]["code"].is_string() &&
           !json["error"]["code"].get<std::string>().empty() && json["error"].contains("message") &&
           json["error"]["message"].is_string() && !json["error"]["message"].get<std::string>().empty();
  }
  /// For failure messages.
  std::string describe() const {
    if (!answered) return "no response (" + transport_error + ")";
    return std::to_string(status) + " " + body.substr(0, 600);
  }
};

inline Reply to_reply(const httplib::Result& r) {
  Reply out;
  if (!r) {
    out.transport_error = httplib::to_string(r.error());
    return out;
  }
  out.answered = true;
  out.status = r->status;
  out.body = r->body;
  out.headers = r->headers;
  out.json = nlohmann::json::parse(out.body, nullptr, false);
  return out;
}

// ------------------------------------------------------------------------------------------------
// Every /v1 response checked against the OpenAPI document (service/openapi.cpp)

/// The document GET /v1/openapi.json serves, made once per test binary.
inline const nlohmann::json& openapi_document() {
  static const nlohmann::json doc = service::Server::describe_api();
  return doc;
}

/// What does not match the OpenAPI document in a response to @p method @p target: the JSON body against
/// the schema of its route (the first route of the table whose method and pattern match, as the server
/// picks it) and status ("default" for an error status not listed), objects closed
/// (additionalProperties: false), so a member missing from the description is reported. Error bodies are
/// checked on every /v1 route, success bodies on the routes described (not x-not-yet-described).
/// Empty when it matches or is not checked: not /v1, no body, not JSON.
inline std::vector<std::string> openapi_mismatches(const std::string& method, const std::string& target,
                                                   int status, const std::string& content_type,
                                                   const std::string& body) {
  const std::string path = target.substr(0, target.find('?'));
  if (!path.starts_with("/v1/") || body.empty() || !content_type.starts_with("application/json")) return {};
  const nlohmann::json& doc = openapi_document();
  static const std::vector<std::regex> patterns = [&doc] {
    std::vector<std::regex> out;
    for (const auto& r : doc["x-solusi-routes"]) out.emplace_back(r["pattern"].get<std::string>());
    return out;
  }();
  const nlohmann::json value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_discarded()) return {"the body is not JSON though its Content-Type says so"};
  const nlohmann::json* op = nullptr;
  const auto& routes = doc["x-solusi-routes"];
  for (size_t i = 0; i < routes.size() && !op; ++i) {
    if (routes[i]["method"] != method || !std::regex_match(path, patterns[i])) continue;
    std::string lower = method;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    op = &doc["paths"][routes[i]["path"].get<std::string>()][lower];
  }
  const nlohmann::json error_schema = {{"$ref", "#/components/schemas/Error"}};
  if (!op) return service::validate_json(doc, error_schema, value);  // 404, 405 of no route
  if (status < 400 && op->value("x-not-yet-described", false)) return {};
  const nlohmann::json& responses = (*op)["responses"];
  const std::string code = std::to_string(status);
  if (!responses.contains(code) && status < 400) return {"status " + code + " is not in the description"};
  const nlohmann::json& response = responses.contains(code) ? responses[code] : responses["default"];
  if (!response.contains("content") || !response["content"].contains("application/json") ||
      !response["content"]["application/json"].contains("schema"))
    return {"a JSON body where the description has none for status " + code};
  return service::validate_json(doc, response["content"]["application/json"]["schema"], value);
}

/// Fails the running test when openapi_mismatches() finds anything (make_client() installs it).
inline void check_against_openapi(const httplib::Request& req, const httplib::Response& res) {
  const auto problems =
      openapi_mismatches(req.method, req.path, res.status, res.get_header_value("Content-Type"), res.body);
  if (problems.empty()) return;
  std::string all;
  for (const auto& p : problems) all += "\n  " + p;
  ADD_FAILURE() << req.method << " " << req.path << " → " << res.status
                << " does not match the OpenAPI document:" << all << "\n  body: " << res.body.substr(0, 600);
}

inline std::unique_ptr<httplib::Client> make_client(int port) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_logger(check_against_openapi);
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(10, 0);  // generous: the ASan build is slow
  c->set_write_timeout(5, 0);
  return c;
}

/// GET of a raw request target ("/v1/search?q=…", already percent-encoded as the test wants it).
inline Reply get(httplib::Client& c, const std::string& target, const httplib::Headers& headers = {}) {
  return to_reply(c.Get(target, headers));
}

/// POST of @p body as application/json.
inline Reply post_json(httplib::Client& c, const std::string& path, const nlohmann::json& body,
                       const httplib::Headers& headers = {}) {
  return to_reply(c.Post(path.c_str(), headers, body.dump(), "application/json"));
}

/// Percent-encodes a query parameter value (every byte that is not unreserved).
inline std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::vector<std::string> hit_slugs(const nlohmann::json& search_body) {
  std::vector<std::string> out;
  if (search_body.contains("hits"))
    for (const auto& h : search_body["hits"]) out.push_back(h["slug"].get<std::string>());
  return out;
}

inline std::vector<std::string> listed_slugs(const nlohmann::json& list_body) {
  std::vector<std::string> out;
  if (list_body.contains("articles"))
    for (const auto& a : list_body["articles"]) out.push_back(a["slug"].get<std::string>());
  return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

inline std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return "[" + out + "]";
}

/// Polls @p done every 20 ms until it is true or @p timeout passes; returns its last value.
template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

/// The word (characters up to a space, tab, '(' or line end) after the first @p marker in @p text and
/// any blanks following it; empty when the marker is missing.
inline std::string word_after(const std::string& text, const std::string& marker) {
  auto at = text.find(marker);
  if (at == std::string::npos) return {};
  at = text.find_first_not_of(" \t", at + marker.size());
  if (at == std::string::npos) return {};
  const auto end = text.find_first_of(" \t\r\n(", at);
  return text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

/// A plain TCP connection to 127.0.0.1:@p port (for what httplib::Client cannot send); -1 on failure.
inline int connect_raw(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Sends @p raw bytes on the connection @p fd and reads one response: the head, then as many body
/// bytes as its Content-Length says (without waiting for the server to close). Empty if the server
/// closed the connection without answering.
inline std::string raw_exchange_on(int fd, const std::string& raw) {
  (void)::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  size_t need = std::string::npos;
  while (need == std::string::npos || out.size() < need) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    const auto head_end = out.find("\r\n\r\n");
    if (need == std::string::npos && head_end != std::string::npos) {
      std::string head = out.substr(0, head_end);
      std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
      const std::string length = word_after(head, "\r\ncontent-length:");
      need = head_end + 4 + (length.empty() ? 0 : std::stoul(length));
    }
  }
  return out;
}

/// raw_exchange_on() on a fresh connection, closed afterwards.
inline std::string raw_exchange(int port, const std::string& raw) {
  const int fd = connect_raw(port);
  if (fd < 0) return {};
  std::string out = raw_exchange_on(fd, raw);
  ::close(fd);
  return out;
}

// ------------------------------------------------------------------------------------------------
// The in-process server on a folder of its own

/// Every HTTP test: a TempDir with the fixture articles and their index, and a server on 127.0.0.1
/// port 0 started by start().
class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_fixture_articles(articles_dir());
    build_index(articles_dir(), index_dir());
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  fs::path articles_dir() const { return dir_ / "articles"; }
  fs::path index_dir() const { return dir_ / "index"; }

  service::Config base_config() const {
    service::Config c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.articles_dir = articles_dir();
    c.index_dir = index_dir();
    c.threads = 4;
    c.access_log = false;
    c.index_poll_ms = 20;
    // Off: load and concurrency tests make thousands of requests from one address; the rate limit's
    // own tests (integration_test.cpp) turn it on.
    c.rate_limit_per_second = 0;
    // UTC days, as the tests that build times from day numbers expect; the zone's own tests set one.
    c.time_zone = "UTC";
    return c;
  }

  /// Starts the server; the test fails (fatally) when it cannot.
  void start(service::Config config) {
    server_ = std::make_unique<service::Server>(std::move(config));
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().describe();
    ASSERT_GT(*port, 0);
    port_ = *port;
    client_ = make_client(port_);
  }
  void start() { start(base_config()); }

  Reply get(const std::string& target, const httplib::Headers& headers = {}) {
    return testing::get(*client_, target, headers);
  }
  /// GET that must answer 200 with a JSON body.
  nlohmann::json get_ok(const std::string& target, const httplib::Headers& headers = {}) {
    const Reply r = get(target, headers);
    EXPECT_EQ(r.status, 200) << target << " → " << r.describe();
    EXPECT_FALSE(r.json.is_discarded()) << target << " → " << r.describe();
    return r.json.is_discarded() ? nlohmann::json::object() : r.json;
  }

  TempDir dir_;
  std::unique_ptr<service::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
};

// ------------------------------------------------------------------------------------------------
// Child processes of the real binary

/// The port of "serving on http://127.0.0.1:PORT" once the `solusi serve` @p child printed it; 0 when
/// it did not within @p timeout (or ended first).
inline int wait_for_port(ChildProcess& child, std::chrono::milliseconds timeout) {
  if (!child.wait_for_stderr("serving on http://", timeout)) return 0;
  const std::string port = word_after(child.err(), "serving on http://127.0.0.1:");
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoi(port);
}

}  // namespace solusi::testing
