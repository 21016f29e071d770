#include "webhooks.hpp"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <iostream>
#include <limits>

#include "guard.hpp"
#include "notify.hpp"
#include "reports.hpp"
#include "sql_stmt.hpp"
#include "text.hpp"

namespace solusi::service {
namespace {

using nlohmann::json;
using sql::Stmt;

std::atomic<std::uint64_t> dropped_events{0};

/// next_at_ms of a ping while it is being sent by its route: the delivery thread leaves it alone.
constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string new_event_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {  // no entropy: fall back to the clock and a counter
    static std::atomic<std::uint64_t> n{0};
    return "evt_" + std::to_string(now_ms()) + "_" + std::to_string(++n);
  }
  return "evt_" + to_hex(bytes, sizeof bytes);
}

/// "2026-12-07T10:00:00.123Z".
std::string iso_time_ms(std::int64_t ms) {
  std::string s = iso_time(ms / 1000);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms % 1000));
  if (!s.empty() && s.back() == 'Z') s.insert(s.size() - 1, frac);
  return s;
}

/// Cuts @p s to @p max bytes, never inside a UTF-8 sequence.
std::string cut_utf8(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

/// title, lang and audience from an article's front matter (best effort: empty when unreadable).
struct FrontFacts {
  std::string title, lang, audience;
};
FrontFacts front_facts(const std::string& text) {
  FrontFacts f;
  if (!text.starts_with("---")) return f;
  const auto end = text.find("\n---", 3);
  if (end == std::string::npos) return f;
  try {
    const YAML::Node n = YAML::Load(text.substr(3, end - 3));
    if (!n.IsMap()) return f;
    if (n["title"] && n["title"].IsScalar()) f.title = n["title"].as<std::string>();
    if (n["lang"] && n["lang"].IsScalar()) f.lang = n["lang"].as<std::string>();
    if (n["audience"] && n["audience"].IsScalar()) f.audience = n["audience"].as<std::string>();
  } catch (const YAML::Exception&) {
  }
  return f;
}

struct Due {
  std::int64_t id = 0;
  std::string event_id, subscription, kind, body;
  int attempts = 0;
};

struct Outcome {
  std::int64_t at_ms = 0;
  int status = 0;  ///< 0: no response
  std::string error;
  double duration_ms = 0;
  bool delivered() const { return status >= 200 && status < 300; }
};

}  // namespace

// ------------------------------------------------------------------------------------------------
// Signing

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return to_hex(mac, len);
}

std::string webhook_signature(std::int64_t t, std::string_view body,
                              const std::vector<std::string>& secrets) {
  const std::string ts = std::to_string(t);
  std::string signed_text = ts + ".";
  signed_text.append(body);
  std::string out = "t=" + ts;
  for (const auto& s : secrets) out += ",v1=" + hmac_sha256_hex(s, signed_text);
  return out;
}

bool verify_webhook_signature(std::string_view header, std::string_view body,
                              const std::vector<std::string>& secrets, std::int64_t now,
                              std::int64_t tolerance) {
  std::optional<std::int64_t> t;
  std::vector<std::string_view> v1;
  for (const auto part : text::split(header, ',')) {
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "t") {
      std::int64_t x = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
      if (ec != std::errc() || p != value.data() + value.size()) return false;
      t = x;
    } else if (key == "v1") {
      v1.push_back(value);
    }
  }
  if (!t || v1.empty() || *t < now - tolerance || *t > now + tolerance) return false;
  std::string signed_text = std::to_string(*t) + ".";
  signed_text.append(body);
  for (const auto& secret : secrets) {
    const std::string want = hmac_sha256_hex(secret, signed_text);
    for (const auto got : v1)
      if (got.size() == want.size() && CRYPTO_memcmp(got.data(), want.data(), want.size()) == 0) return true;
  }
  return false;
}

std::optional<std::chrono::milliseconds> webhook_retry_delay(int next_attempt,
                                                             std::chrono::milliseconds first) {
  if (next_attempt < 2 || next_attempt > max_webhook_attempts) return std::nullopt;
  return first * webhook_retry_steps[static_cast<size_t>(next_attempt - 2)];
}

std::string article_event_type(const RevisionInfo& added, const std::string& previous_status,
                               const std::string& previous_hash, bool had_revision, bool previous_deleted) {
  const std::string live = previous_deleted ? std::string() : previous_status;
  if (added.action == "delete") return had_revision && !previous_deleted ? "article.deleted" : "";
  // A file recorded as found before its first write through the API is no news.
  const bool baseline = added.action == "external" && !had_revision;
  if (added.status == "published") {
    if (live == "published") return previous_hash == added.hash ? "" : "article.changed";
    if (live == "archived") return "article.restored";
    return baseline ? "" : "article.published";
  }
  if (added.status == "archived") return live == "published" ? "article.archived" : "";
  return "";  // draft, review: not live
}

std::uint64_t webhook_events_dropped() noexcept {
  return dropped_events.load(std::memory_order_relaxed);
}

// ------------------------------------------------------------------------------------------------
// The service part

struct Webhooks::Impl {
  Config config;
  EventStore& events;
  std::thread thread;
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false, woken = false, started = false;

  Impl(const Config& c, EventStore& e) : config(c), events(e) {}

  const WebhookSubscription* subscription(const std::string& id) const {
    for (const auto& s : config.webhooks)
      if (s.id == id) return &s;
    return nullptr;
  }

  void notify() {
    {
      std::lock_guard lk(mu);
      woken = true;
    }
    wake.notify_all();
  }

  // ----------------------------------------------------------------------------------------------
  // Queueing (inside the store's transaction)

  Result<void> enqueue(sqlite3* db, const std::string& type, json data, std::int64_t at) {
    std::vector<const WebhookSubscription*> subs;
    for (const auto& s : config.webhooks)
      if (s.events.empty() || std::find(s.events.begin(), s.events.end(), type) != s.events.end())
        subs.push_back(&s);
    if (subs.empty()) return {};
    Stmt count(db, "SELECT count(*) FROM webhook_queue WHERE state = 'pending'");
    if (!count.ok() || count.step() != SQLITE_ROW)
      return tl::unexpected(sql::error(db, "cannot queue webhook"));
    if (count.integer(0) + static_cast<std::int64_t>(subs.size()) > max_pending_webhook_deliveries) {
      dropped_events.fetch_add(1, std::memory_order_relaxed);
      std::cerr << "solusi: webhooks: " << max_pending_webhook_deliveries << " deliveries are pending; event "
                << type << " was not queued\n";
      return {};
    }
    const std::string event_id = new_event_id();
    json event{{"id", event_id}, {"type", type}, {"occurred_at", iso_time(at)}, {"data", std::move(data)}};
    std::string body = event.dump(-1, ' ', false, json::error_handler_t::replace);
    if (body.size() > max_webhook_body_bytes) {
      json& d = event["data"];
      for (const char* field : {"note", "text", "title"})
        if (d.contains(field) && d[field].is_string())
          d[field] = cut_utf8(d[field].get<std::string>(), max_webhook_body_bytes / 8);
      d["truncated"] = true;
      body = event.dump(-1, ' ', false, json::error_handler_t::replace);
      if (body.size() > max_webhook_body_bytes) {
        dropped_events.fetch_add(1, std::memory_order_relaxed);
        std::cerr << "solusi: webhooks: event " << type << " is over " << max_webhook_body_bytes
                  << " bytes; not queued\n";
        return {};
      }
    }
    Stmt ins(db,
             "INSERT INTO webhook_queue(event_id, subscription, kind, body, created_at, next_at_ms) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!ins.ok()) return tl::unexpected(sql::error(db, "cannot queue webhook"));
    const std::int64_t due = now_ms();
    for (const auto* s : subs) {
      ins.bind(1, event_id).bind(2, s->id).bind(3, type).bind(4, body).bind(5, at).bind(6, due);
      if (ins.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot queue webhook"));
      ins.reset();
    }
    notify();  // the thread waits for the store's lock, so it sees the rows once they are committed
    return {};
  }

  json article_urls(const std::string& slug, const std::string& audience) const {
    json out{{"url", config.agent_url_base + slug}};
    if (audience == "public" && !config.public_url_base.empty())
      out["public_url"] = config.public_url_base + slug;
    return out;
  }

  Result<void> on_revision(sqlite3* db, const RevisionInfo& r, const std::string& text) {
    if (config.webhooks.empty()) return {};
    std::string previous_status, previous_hash;
    bool had_revision = false, previous_deleted = false;
    {
      Stmt st(db,
              "SELECT status, hash FROM revisions WHERE slug = ?1 AND revision < ?2 "
              "AND status IN ('published', 'archived') ORDER BY revision DESC LIMIT 1");
      if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read revisions"));
      st.bind(1, r.slug).bind(2, static_cast<std::int64_t>(r.revision));
      if (st.step() == SQLITE_ROW) {
        previous_status = st.text(0);
        previous_hash = st.text(1);
      }
    }
    {
      Stmt st(
          db,
          "SELECT action FROM revisions WHERE slug = ?1 AND revision < ?2 ORDER BY revision DESC LIMIT 1");
      if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read revisions"));
      st.bind(1, r.slug).bind(2, static_cast<std::int64_t>(r.revision));
      if (st.step() == SQLITE_ROW) {
        had_revision = true;
        previous_deleted = st.text(0) == "delete";
      }
    }
    const std::string type =
        article_event_type(r, previous_status, previous_hash, had_revision, previous_deleted);
    if (type.empty()) return {};
    const FrontFacts f = front_facts(text);
    json data{{"slug", r.slug},     {"revision", r.revision}, {"status", r.status},
              {"action", r.action}, {"author", r.author},     {"note", r.note},
              {"title", f.title},   {"lang", f.lang},         {"audience", f.audience}};
    if (!r.hash.empty()) data["etag"] = "\"" + r.hash + "\"";
    data.update(article_urls(r.slug, f.audience));
    return enqueue(db, type, std::move(data), r.at);
  }

  Result<void> on_suggestion(sqlite3* db, const SuggestionLog& s) {
    if (config.webhooks.empty() || !s.gap) return {};
    const auto& counted = SourceFilter{}.tickets;  // the gap report's default: people and ticket systems
    if (std::find(counted.begin(), counted.end(), s.source) == counted.end()) return {};
    if (!s.ticket_id.empty()) {  // once per ticket: its first suggestion found nothing confident
      Stmt st(db, "SELECT 1 FROM suggestions WHERE ticket_id = ?1 LIMIT 1");
      if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read suggestions"));
      st.bind(1, s.ticket_id);
      if (st.step() == SQLITE_ROW) return {};
    }
    json words = json::array();
    for (const auto& t : s.terms) words.push_back(t.word);
    json data{{"ticket_id", s.ticket_id.empty() ? json(nullptr) : json(s.ticket_id)},
              {"lang", s.lang},
              {"text", s.text},
              {"key_terms", std::move(words)},
              {"source", std::string(to_string(s.source))},
              {"best_candidate", nullptr}};
    if (!s.top_slug.empty())
      data["best_candidate"] = {{"slug", s.top_slug}, {"confidence", s.top_confidence}};
    return enqueue(db, "gap.created", std::move(data), s.at ? s.at : events.now());
  }

  // ----------------------------------------------------------------------------------------------
  // Delivery

  Outcome post(const WebhookSubscription& sub, const Due& d) const {
    Outcome o;
    o.at_ms = now_ms();
    auto url = parse_webhook_url(sub.url);
    if (!url) {
      o.error = url.error().message;
      return o;
    }
    httplib::Client client(url->origin);
    if (!client.is_valid()) {
      o.error = "cannot make an HTTP client for " + url->origin;
      return o;
    }
    client.set_connection_timeout(static_cast<time_t>(webhook_connect_timeout.count()), 0);
    client.set_read_timeout(static_cast<time_t>(webhook_io_timeout.count()), 0);
    client.set_write_timeout(static_cast<time_t>(webhook_io_timeout.count()), 0);
    client.set_follow_location(false);
    const httplib::Headers headers{
        {"User-Agent", "solusi-webhooks/1"},
        {"X-Solusi-Event", d.kind},
        {"X-Solusi-Event-Id", d.event_id},
        {"X-Solusi-Delivery", std::to_string(d.id)},
        {"X-Solusi-Attempt", std::to_string(d.attempts + 1)},
        {"X-Solusi-Signature", webhook_signature(o.at_ms / 1000, d.body, sub.secrets)}};
    httplib::Request req;
    req.method = "POST";
    req.path = url->path;
    req.headers = headers;
    req.set_header("Content-Type", "application/json");
    req.body = d.body;
    // The answer's body is not kept; reading it stops past max_webhook_response_bytes.
    size_t answered = 0;
    req.content_receiver = [&answered](const char*, size_t n, std::uint64_t, std::uint64_t) {
      answered += n;
      return answered <= max_webhook_response_bytes;
    };
    const auto sent_at = std::chrono::steady_clock::now();
    auto res = client.send(req);
    o.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent_at).count();
    if (answered > max_webhook_response_bytes) {
      o.error = "the answer's body is over " + std::to_string(max_webhook_response_bytes) + " bytes";
    } else if (!res) {
      o.error = "no response: " + httplib::to_string(res.error());
    } else {
      o.status = res->status;
      if (!o.delivered()) o.error = "HTTP " + std::to_string(res->status);
    }
    return o;
  }

  /// Writes the attempt and the delivery's new state; @p retry false: a failure is final.
  Result<void> record(const Due& d, const Outcome& o, bool retry) {
    return events.with_connection([&](sqlite3* db) -> Result<void> {
      return sql::in_transaction(db, "cannot record a webhook attempt", [&]() -> Result<void> {
        const int attempt = d.attempts + 1;
        {
          Stmt st(db,
                  "INSERT INTO webhook_attempts(delivery, attempt, at_ms, status, error, duration_ms) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
          if (!st.ok()) return tl::unexpected(sql::error(db, "cannot record a webhook attempt"));
          st.bind(1, d.id).bind(2, static_cast<std::int64_t>(attempt)).bind(3, o.at_ms);
          if (o.status) st.bind(4, static_cast<std::int64_t>(o.status));
          st.bind(5, o.error).bind(6, o.duration_ms);
          if (st.step() != SQLITE_DONE)
            return tl::unexpected(sql::error(db, "cannot record a webhook attempt"));
        }
        const auto delay =
            retry ? webhook_retry_delay(attempt + 1, std::chrono::milliseconds(config.webhook_retry_first_ms))
                  : std::nullopt;
        const bool finished = o.delivered() || !delay;
        Stmt st(db,
                "UPDATE webhook_queue SET attempts = ?2, last_status = ?3, last_error = ?4, state = ?5, "
                "next_at_ms = ?6, finished_at = ?7 WHERE id = ?1");
        if (!st.ok()) return tl::unexpected(sql::error(db, "cannot record a webhook attempt"));
        st.bind(1, d.id).bind(2, static_cast<std::int64_t>(attempt));
        if (o.status) st.bind(3, static_cast<std::int64_t>(o.status));
        st.bind(4, o.error)
            .bind(5, std::string(o.delivered() ? "delivered"
                                 : finished    ? "failed"
                                               : "pending"));
        st.bind(6, finished ? o.at_ms : o.at_ms + static_cast<std::int64_t>(delay->count()));
        if (finished) st.bind(7, o.at_ms / 1000);
        if (st.step() != SQLITE_DONE)
          return tl::unexpected(sql::error(db, "cannot record a webhook attempt"));
        if (!finished) return {};
        return sql::exec(
            db,
            ("DELETE FROM webhook_attempts WHERE id <= (SELECT max(id) FROM webhook_attempts) - " +
             std::to_string(max_webhook_attempt_rows) +
             "; DELETE FROM webhook_queue WHERE id IN (SELECT id FROM webhook_queue WHERE state <> "
             "'pending' ORDER BY id DESC LIMIT -1 OFFSET " +
             std::to_string(max_finished_webhook_deliveries) + ");")
                .c_str(),
            "cannot trim the webhook log");
      });
    });
  }

  Result<std::vector<Due>> take_due(std::int64_t now) {
    std::vector<Due> out;
    auto ok = events.with_connection([&](sqlite3* db) -> Result<void> {
      Stmt st(db,
              "SELECT id, event_id, subscription, kind, body, attempts FROM webhook_queue "
              "WHERE state = 'pending' AND next_at_ms <= ?1 ORDER BY next_at_ms, id LIMIT ?2");
      if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read the webhook queue"));
      st.bind(1, now).bind(2, static_cast<std::int64_t>(webhook_batch));
      int rc;
      while ((rc = st.step()) == SQLITE_ROW)
        out.push_back(Due{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4),
                          static_cast<int>(st.integer(5))});
      if (rc != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot read the webhook queue"));
      return {};
    });
    if (!ok) return tl::unexpected(ok.error());
    return out;
  }

  /// The next due time of a pending delivery (Unix ms), if any.
  Result<std::optional<std::int64_t>> next_due() {
    std::optional<std::int64_t> out;
    auto ok = events.with_connection([&](sqlite3* db) -> Result<void> {
      Stmt st(db, "SELECT min(next_at_ms) FROM webhook_queue WHERE state = 'pending' AND next_at_ms < ?1");
      if (!st.ok() || st.step() != SQLITE_ROW)
        return tl::unexpected(sql::error(db, "cannot read the webhook queue"));
      if (!st.is_null(0)) out = st.integer(0);
      return {};
    });
    if (!ok) return tl::unexpected(ok.error());
    return out;
  }

  bool is_stopping() {
    std::lock_guard lk(mu);
    return stopping;
  }

  /// Delivers what is due; the next due time afterwards.
  std::optional<std::int64_t> deliver_due() {
    while (!is_stopping()) {
      auto due = take_due(now_ms());
      if (!due) throw std::runtime_error(due.error().describe());
      if (due->empty()) break;
      for (const auto& d : *due) {
        if (is_stopping()) break;
        Outcome o;
        const auto* sub = subscription(d.subscription);
        if (sub) {
          o = post(*sub, d);
        } else {
          o.at_ms = now_ms();
          o.error = "webhook '" + d.subscription + "' is no longer configured";
        }
        if (auto ok = record(d, o, sub != nullptr); !ok) throw std::runtime_error(ok.error().describe());
      }
    }
    auto next = next_due();
    if (!next) throw std::runtime_error(next.error().describe());
    return *next;
  }

  void run() {
    std::unique_lock lk(mu);
    while (!stopping) {
      woken = false;
      lk.unlock();
      std::optional<std::int64_t> next;
      if (!report_exceptions("webhook delivery", [&] { next = deliver_due(); })) next.reset();
      lk.lock();
      if (stopping) break;
      if (woken) continue;
      // At least once a second: also catches deliveries queued by another process on the same store.
      std::chrono::milliseconds wait(1000);
      if (next)
        wait = std::clamp(std::chrono::milliseconds(*next - now_ms()), std::chrono::milliseconds(0), wait);
      wake.wait_for(lk, wait, [&] { return stopping || woken; });
    }
  }

  // ----------------------------------------------------------------------------------------------
  // The routes

  Result<json> delivery_json(sqlite3* db, std::int64_t id) {
    Stmt st(db,
            "SELECT id, event_id, subscription, kind, body, created_at, state, attempts, next_at_ms, "
            "last_status, last_error, finished_at FROM webhook_queue WHERE id = ?1");
    if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
    st.bind(1, id);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return fail(ErrorCode::not_found, "no webhook delivery " + std::to_string(id));
    if (rc != SQLITE_ROW) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
    return row_json(db, st);
  }

  Result<json> row_json(sqlite3* db, Stmt& st) {
    const std::string state = st.text(6);
    const std::int64_t next = st.integer(8);
    json payload = json::parse(st.view(4), nullptr, false);
    if (payload.is_discarded()) payload = json::object();
    json d{{"id", st.integer(0)},
           {"event_id", st.text(1)},
           {"subscription", st.text(2)},
           {"type", st.text(3)},
           {"state", state},
           {"attempts", st.integer(7)},
           {"created_at", iso_time(st.integer(5))},
           {"next_attempt_at", state == "pending" && next != never ? json(iso_time_ms(next)) : json(nullptr)},
           {"last_status", st.is_null(9) ? json(nullptr) : json(st.integer(9))},
           {"last_error", st.text(10)},
           {"finished_at", st.is_null(11) ? json(nullptr) : json(iso_time(st.integer(11)))},
           {"payload", std::move(payload)},
           {"attempt_log", json::array()}};
    Stmt a(db,
           "SELECT attempt, at_ms, status, error, duration_ms FROM "
           "(SELECT id, attempt, at_ms, status, error, duration_ms FROM webhook_attempts WHERE delivery = ?1 "
           "ORDER BY id DESC LIMIT ?2) ORDER BY id");
    if (!a.ok()) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
    a.bind(1, st.integer(0)).bind(2, static_cast<std::int64_t>(max_attempts_listed));
    int rc;
    while ((rc = a.step()) == SQLITE_ROW)
      d["attempt_log"].push_back({{"attempt", a.integer(0)},
                                  {"at", iso_time_ms(a.integer(1))},
                                  {"status", a.is_null(2) ? json(nullptr) : json(a.integer(2))},
                                  {"error", a.text(3)},
                                  {"duration_ms", a.real(4)}});
    if (rc != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
    return d;
  }

  Result<ApiResponse> deliveries(const ApiRequest& r) {
    size_t limit = 50, offset = 0;
    std::string sub, state;
    if (auto v = r.single("limit"); !v) {
      return tl::unexpected(v.error());
    } else if (*v) {
      auto n = parse_count("limit", **v, 1, max_webhook_deliveries_page);
      if (!n) return tl::unexpected(n.error());
      limit = *n;
    }
    if (auto v = r.single("offset"); !v) {
      return tl::unexpected(v.error());
    } else if (*v) {
      auto n =
          parse_count("offset", **v, 0,
                      static_cast<size_t>(max_finished_webhook_deliveries + max_pending_webhook_deliveries));
      if (!n) return tl::unexpected(n.error());
      offset = *n;
    }
    if (auto v = r.single("subscription"); !v)
      return tl::unexpected(v.error());
    else if (*v)
      sub = **v;
    if (auto v = r.single("state"); !v) {
      return tl::unexpected(v.error());
    } else if (*v) {
      state = **v;
      if (state != "pending" && state != "delivered" && state != "failed")
        return fail(ErrorCode::invalid_argument,
                    "parameter 'state' must be pending, delivered or failed (got '" + state + "')");
    }
    json out{{"deliveries", json::array()}, {"total", 0}, {"offset", offset}, {"limit", limit}};
    auto ok = events.with_connection([&](sqlite3* db) -> Result<void> {
      const char* where = " WHERE (?1 = '' OR subscription = ?1) AND (?2 = '' OR state = ?2)";
      Stmt c(db, (std::string("SELECT count(*) FROM webhook_queue") + where).c_str());
      if (!c.ok()) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
      c.bind(1, sub).bind(2, state);
      if (c.step() != SQLITE_ROW) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
      out["total"] = c.integer(0);
      Stmt st(db, (std::string("SELECT id, event_id, subscription, kind, body, created_at, state, attempts, "
                               "next_at_ms, last_status, last_error, finished_at FROM webhook_queue") +
                   where + " ORDER BY id DESC LIMIT ?3 OFFSET ?4")
                      .c_str());
      if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
      st.bind(1, sub).bind(2, state).bind(3, static_cast<std::int64_t>(limit));
      st.bind(4, static_cast<std::int64_t>(offset));
      int rc;
      while ((rc = st.step()) == SQLITE_ROW) {
        auto d = row_json(db, st);
        if (!d) return tl::unexpected(d.error());
        out["deliveries"].push_back(std::move(*d));
      }
      if (rc != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
      return {};
    });
    if (!ok) return tl::unexpected(ok.error());
    return ApiResponse::json(out);
  }

  Result<ApiResponse> test(const ApiRequest& r) {
    const std::string id = r.path_args.at(0);
    const auto* sub = subscription(id);
    if (!sub) return fail(ErrorCode::not_found, "no webhook '" + id + "' is configured");
    const std::int64_t at = events.now();
    Due d;
    d.event_id = new_event_id();
    d.subscription = id;
    d.kind = "ping";
    d.body =
        json{{"id", d.event_id},
             {"type", "ping"},
             {"occurred_at", iso_time(at)},
             {"data",
              {{"subscription", id}, {"message", "a test event from POST /v1/webhooks/" + id + "/test"}}}}
            .dump();
    auto ok = events.with_connection([&](sqlite3* db) -> Result<void> {
      Stmt ins(db,
               "INSERT INTO webhook_queue(event_id, subscription, kind, body, created_at, next_at_ms) "
               "VALUES (?1, ?2, 'ping', ?3, ?4, ?5) RETURNING id");
      if (!ins.ok()) return tl::unexpected(sql::error(db, "cannot log the test delivery"));
      ins.bind(1, d.event_id).bind(2, id).bind(3, d.body).bind(4, at).bind(5, never);
      if (ins.step() != SQLITE_ROW) return tl::unexpected(sql::error(db, "cannot log the test delivery"));
      d.id = ins.integer(0);
      if (ins.step() != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot log the test delivery"));
      return {};
    });
    if (!ok) return tl::unexpected(ok.error());
    const Outcome o = post(*sub, d);
    if (auto rec = record(d, o, false); !rec) return tl::unexpected(rec.error());
    return respond(d.id, 200);
  }

  Result<ApiResponse> respond(std::int64_t id, int status) {
    json out;
    auto ok = events.with_connection([&](sqlite3* db) -> Result<void> {
      auto d = delivery_json(db, id);
      if (!d) return tl::unexpected(d.error());
      out = {{"delivery", std::move(*d)}};
      return {};
    });
    if (!ok) return tl::unexpected(ok.error());
    return ApiResponse::json(out, status);
  }

  Result<ApiResponse> redeliver(const ApiRequest& r) {
    std::int64_t id = 0;
    const std::string& arg = r.path_args.at(0);
    auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), id);
    if (ec != std::errc() || p != arg.data() + arg.size())
      return fail(ErrorCode::not_found, "no webhook delivery " + arg);
    auto ok = events.with_connection([&](sqlite3* db) -> Result<void> {
      return sql::in_transaction(db, "cannot queue the delivery again", [&]() -> Result<void> {
        Stmt st(db, "SELECT state FROM webhook_queue WHERE id = ?1");
        if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
        st.bind(1, id);
        const int rc = st.step();
        if (rc == SQLITE_DONE) return fail(ErrorCode::not_found, "no webhook delivery " + arg);
        if (rc != SQLITE_ROW) return tl::unexpected(sql::error(db, "cannot read the delivery log"));
        if (st.text(0) == "pending")
          return fail(ErrorCode::conflict, "delivery " + arg + " is still pending");
        Stmt c(db, "SELECT count(*) FROM webhook_queue WHERE state = 'pending'");
        if (!c.ok() || c.step() != SQLITE_ROW) return tl::unexpected(sql::error(db, "cannot read the queue"));
        if (c.integer(0) >= max_pending_webhook_deliveries)
          return fail(ErrorCode::conflict, std::to_string(max_pending_webhook_deliveries) +
                                               " deliveries are pending; try again later");
        Stmt up(
            db,
            "UPDATE webhook_queue SET state = 'pending', attempts = 0, next_at_ms = ?2, finished_at = NULL "
            "WHERE id = ?1");
        if (!up.ok()) return tl::unexpected(sql::error(db, "cannot queue the delivery again"));
        up.bind(1, id).bind(2, now_ms());
        if (up.step() != SQLITE_DONE)
          return tl::unexpected(sql::error(db, "cannot queue the delivery again"));
        return {};
      });
    });
    if (!ok) return tl::unexpected(ok.error());
    notify();
    return respond(id, 202);
  }
};

Webhooks::Webhooks(const Config& config, EventStore& events) : impl_(std::make_unique<Impl>(config, events)) {
  Impl* s = impl_.get();
  EventHooks hooks;
  hooks.revision = [s](sqlite3* db, const RevisionInfo& r, const std::string& text) {
    return s->on_revision(db, r, text);
  };
  hooks.suggestion = [s](sqlite3* db, const SuggestionLog& log) { return s->on_suggestion(db, log); };
  events.set_hooks(std::move(hooks));
}

Webhooks::~Webhooks() {
  stop();
  impl_->events.set_hooks({});
}

void Webhooks::start() {
  std::lock_guard lk(impl_->mu);
  if (impl_->started) return;
  impl_->started = true;
  impl_->thread = std::thread([s = impl_.get()] { s->run(); });
}

void Webhooks::stop() {
  {
    std::lock_guard lk(impl_->mu);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<ApiResponse> Webhooks::deliveries(const ApiRequest& r) {
  return impl_->deliveries(r);
}
Result<ApiResponse> Webhooks::test(const ApiRequest& r) {
  return impl_->test(r);
}
Result<ApiResponse> Webhooks::redeliver(const ApiRequest& r) {
  return impl_->redeliver(r);
}

std::string Webhooks::metrics() {
  std::int64_t by_state[3] = {0, 0, 0};
  const char* states[3] = {"pending", "delivered", "failed"};
  auto ok = impl_->events.with_connection([&](sqlite3* db) -> Result<void> {
    Stmt st(db, "SELECT state, count(*) FROM webhook_queue GROUP BY state");
    if (!st.ok()) return tl::unexpected(sql::error(db, "cannot count webhook deliveries"));
    while (st.step() == SQLITE_ROW)
      for (int i = 0; i < 3; ++i)
        if (st.view(0) == states[i]) by_state[i] = st.integer(1);
    return {};
  });
  if (!ok) return {};
  std::string out =
      "# HELP solusi_webhook_deliveries Outgoing webhook deliveries in events.db by state (finished ones "
      "are kept up to a limit).\n# TYPE solusi_webhook_deliveries gauge\n";
  for (int i = 0; i < 3; ++i)
    out += std::string("solusi_webhook_deliveries{state=\"") + states[i] + "\"} " +
           std::to_string(by_state[i]) + "\n";
  out +=
      "# HELP solusi_webhook_events_dropped_total Webhook events not queued (the queue was full or the body "
      "too large).\n# TYPE solusi_webhook_events_dropped_total "
      "counter\nsolusi_webhook_events_dropped_total " +
      std::to_string(webhook_events_dropped()) + "\n";
  return out;
}

// ------------------------------------------------------------------------------------------------
// Routes and their description

std::vector<Route> webhook_routes(const std::unique_ptr<Webhooks>& hooks) {
  const std::unique_ptr<Webhooks>* h = &hooks;
  auto call = [h](Result<ApiResponse> (Webhooks::*method)(const ApiRequest&)) {
    return [h, method](const ApiRequest& r) -> Result<ApiResponse> {
      if (!*h) return fail(ErrorCode::index_unavailable, "the service is not started");
      return ((**h).*method)(r);
    };
  };
  return {
      {"GET",
       R"(/v1/webhooks/deliveries)",
       "webhook_deliveries",
       Access::lead,
       {"limit", "offset", "subscription", "state"},
       call(&Webhooks::deliveries)},
      {"POST",
       R"(/v1/webhooks/deliveries/([0-9]+)/redeliver)",
       "webhook_redeliver",
       Access::lead,
       {},
       call(&Webhooks::redeliver)},
      {"POST", R"(/v1/webhooks/([^/]+)/test)", "webhook_test", Access::lead, {}, call(&Webhooks::test)},
  };
}

namespace {

json wh_str() {
  return {{"type", "string"}};
}
json wh_int() {
  return {{"type", "integer"}};
}
json wh_ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}
json closed(json properties) {
  auto required = json::array();
  for (const auto& [name, _] : properties.items()) required.push_back(name);
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"additionalProperties", false},
          {"required", std::move(required)}};
}

json example_delivery() {
  return {{"id", 42},
          {"event_id", "evt_5f0c2a9d4b1e4c7f8a3b6d2e1f0a9c8b"},
          {"subscription", "helpdesk"},
          {"type", "article.published"},
          {"state", "delivered"},
          {"attempts", 1},
          {"created_at", "2026-12-07T10:00:00Z"},
          {"next_attempt_at", nullptr},
          {"last_status", 200},
          {"last_error", ""},
          {"finished_at", "2026-12-07T10:00:00Z"},
          {"payload",
           {{"id", "evt_5f0c2a9d4b1e4c7f8a3b6d2e1f0a9c8b"},
            {"type", "article.published"},
            {"occurred_at", "2026-12-07T10:00:00Z"},
            {"data", {{"slug", "en/refund-not-received"}, {"revision", 3}, {"status", "published"}}}}},
          {"attempt_log",
           {{{"attempt", 1},
             {"at", "2026-12-07T10:00:00.120Z"},
             {"status", 200},
             {"error", ""},
             {"duration_ms", 8.4}}}}};
}

}  // namespace

void add_webhook_schemas(json& s) {
  s["WebhookAttempt"] =
      closed({{"attempt", wh_int()},
              {"at", wh_str()},
              {"status", {{"type", {"integer", "null"}}, {"description", "null: no response"}}},
              {"error", wh_str()},
              {"duration_ms", {{"type", "number"}}}});
  s["WebhookDelivery"] =
      closed({{"id", wh_int()},
              {"event_id", wh_str()},
              {"subscription", wh_str()},
              {"type",
               {{"type", "string"},
                {"enum",
                 {"article.published", "article.changed", "article.archived", "article.restored",
                  "article.deleted", "gap.created", "ping"}}}},
              {"state", {{"type", "string"}, {"enum", {"pending", "delivered", "failed"}}}},
              {"attempts", wh_int()},
              {"created_at", wh_str()},
              {"next_attempt_at", {{"type", {"string", "null"}}}},
              {"last_status", {{"type", {"integer", "null"}}}},
              {"last_error", wh_str()},
              {"finished_at", {{"type", {"string", "null"}}}},
              {"payload",
               {{"type", "object"},
                {"description", "the event as POSTed: {id, type, occurred_at, data} (see README)"}}},
              {"attempt_log", {{"type", "array"}, {"items", wh_ref("WebhookAttempt")}}}});
  s["WebhookDeliveryList"] =
      closed({{"deliveries", {{"type", "array"}, {"items", wh_ref("WebhookDelivery")}}},
              {"total", wh_int()},
              {"offset", wh_int()},
              {"limit", wh_int()}});
  s["WebhookDeliveryResult"] = closed({{"delivery", wh_ref("WebhookDelivery")}});
}

std::vector<RouteDoc> webhook_route_docs() {
  std::vector<RouteDoc> d;
  d.push_back({"GET",
               R"(/v1/webhooks/deliveries)",
               "/v1/webhooks/deliveries",
               "",
               "The outgoing webhooks' delivery log, newest first (filter by subscription and state)",
               true,
               "",
               {},
               {},
               {{200, wh_ref("WebhookDeliveryList")}},
               {{"deliveries", {example_delivery()}}, {"total", 1}, {"offset", 0}, {"limit", 50}},
               "application/json",
               {}});
  d.push_back({"POST",
               R"(/v1/webhooks/deliveries/([0-9]+)/redeliver)",
               "/v1/webhooks/deliveries/{delivery_id}/redeliver",
               "",
               "Queue a delivered or failed delivery again, from its first attempt",
               true,
               "",
               {},
               {},
               {{202, wh_ref("WebhookDeliveryResult")}},
               nullptr,
               "application/json",
               {404, 409}});
  json ping = example_delivery();
  ping["type"] = "ping";
  d.push_back(
      {"POST",
       R"(/v1/webhooks/([^/]+)/test)",
       "/v1/webhooks/{id}/test",
       "",
       "Send a ping event to a configured webhook now (logged, not retried); the delivery says how it went",
       true,
       "",
       {},
       {},
       {{200, wh_ref("WebhookDeliveryResult")}},
       {{"delivery", ping}},
       "application/json",
       {404}});
  return d;
}

}  // namespace solusi::service
