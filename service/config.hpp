// Configuration of `solusi serve`: a YAML file, every field optional.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "confidence.hpp"
#include "error.hpp"
#include "language.hpp"

namespace solusi::service {

enum class Role { agent, ticket_system, editor, lead, public_ };

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view s);

/// An API token as configured: only the SHA-256 of the secret is stored.
struct TokenEntry {
  std::string name;  ///< a person or a system; shows in logs and revision history
  Role role = Role::agent;
  std::string sha256;  ///< lowercase hex of SHA-256(token)
};

/// An outgoing webhook (webhooks.hpp): where events are POSTed, which ones, and the secrets they are
/// signed with (every one of them: a receiver rotating its key accepts either signature).
struct WebhookSubscription {
  std::string id;                    ///< [A-Za-z0-9_-], unique: names it in the delivery log and the routes
  std::string url;                   ///< http:// or https://
  std::vector<std::string> events;   ///< event types it wants (webhook_event_types); empty: all
  std::vector<std::string> secrets;  ///< at least one; each at least min_webhook_secret_bytes
};

/// Webhook subscriptions configured at most.
inline constexpr size_t max_webhook_subscriptions = 32;
/// Secrets of one subscription at most (the current key and the ones being rotated out).
inline constexpr size_t max_webhook_secrets = 4;
/// Shortest webhook secret accepted (bytes).
inline constexpr size_t min_webhook_secret_bytes = 16;
/// The event types a subscription may ask for.
inline constexpr std::string_view webhook_event_types[] = {"article.published", "article.changed",
                                                           "article.archived",  "article.restored",
                                                           "article.deleted",   "gap.created"};

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::filesystem::path articles_dir;
  std::filesystem::path index_dir = ".solusi/index";
  /// events.db (feedback, tickets, suggestions); empty: "events.db" next to the index folder.
  std::filesystem::path events_path;
  unsigned threads = 8;
  size_t max_body_bytes = 1 << 20;  ///< larger request bodies get 413
  /// Open client connections at most (connections.hpp: at the cap the longest-idle one is closed).
  size_t max_connections = 2048;
  /// A request head must arrive within this time of its first byte, a whole request within the
  /// second; a kept-alive connection with no request is closed after the third (milliseconds).
  int header_timeout_ms = 10'000;
  int request_timeout_ms = 30'000;
  int idle_timeout_ms = 30'000;
  /// Whole requests waiting for a worker at most; more get 503 with Retry-After.
  size_t max_queued_requests = 1024;
  /// Host header values (host or host:port) the service answers besides loopback names; with no
  /// tokens configured, a request naming another host is refused (DNS rebinding).
  std::vector<std::string> allowed_hosts;
  Lang default_lang = Lang::id;
  int default_review_days = 90;
  std::vector<std::string> cors_origins;  ///< "*" allows any origin
  std::vector<TokenEntry> tokens;
  bool access_log = true;
  /// How often the service checks the index for a newer revision (milliseconds).
  int index_poll_ms = 100;
  /// Confidence under which /v1/suggest suggests nothing and logs a content gap.
  double suggest_threshold = shipped_threshold();  // confidence.hpp
  /// Folder of the web page (index.html and assets/); empty: the page is not served.
  std::filesystem::path web_dir;
  /// Searches, views, suggestions and tickets older than this many days are deleted from events.db.
  int retention_days = 180;
  /// Usage events (searches, views) waiting to be written at most; more are dropped and counted.
  size_t usage_queue_size = 10000;
  /// How often the usage log writes what is queued (milliseconds).
  int usage_flush_ms = 1000;
  /// Requests per second each API token (each client address when no tokens are configured) may make
  /// to /v1 routes on average, and how many at once (a token bucket); past them 429 with Retry-After.
  /// 0 requests per second: no limit. Health probes, metrics and the web page's files are not limited.
  double rate_limit_per_second = 50;
  double rate_limit_burst = 200;
  /// The start of an article's address in the agents' page: the slug is appended ("url" of search hits,
  /// suggestions and listed articles). The default is this service's own page ("/?a=akun/otp").
  std::string agent_url_base = "/?a=";
  /// The start of an article's address in a public help centre; when set, articles with audience
  /// public also carry "public_url". Empty: none.
  std::string public_url_base;
  /// Where `solusi stale --notify` posts each owner's queue (http:// or https://); empty: none.
  std::string notify_webhook;
  /// Outgoing webhooks for article and gap events (webhooks.hpp); empty: none.
  std::vector<WebhookSubscription> webhooks;
  /// The first retry of a failed webhook delivery waits this long; the later ones wait multiples of
  /// it (webhook_retry_steps: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h by default) (milliseconds).
  std::int64_t webhook_retry_first_ms = 10'000;
  /// The team's time zone (IANA name): the reports' days, their since / as_of and the per-day
  /// counters of events.db are days of this zone (time_zone.hpp). Checked when the config is read.
  std::string time_zone = "Asia/Jakarta";
};

/// Where events.db lives for an index folder when not configured: next to it.
std::filesystem::path default_events_path(const std::filesystem::path& index_dir);

/// Reads a config file. Unknown keys and wrong types are errors with the line.
Result<Config> load_config(const std::filesystem::path& path, Config defaults);

/// Parses "host:port", "host" or ":port" into @p config.
Result<void> parse_listen(std::string_view listen, Config& config);

/// True for a dotted IPv4 address in 127.0.0.0/8 (four decimal octets 0-255, no leading zeros),
/// "::1", "[::1]" and "localhost".
bool is_loopback(std::string_view host);

}  // namespace solusi::service
