#include "config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>

#include "notify.hpp"
#include "text.hpp"
#include "time_zone.hpp"

namespace solusi::service {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::agent:
      return "agent";
    case Role::ticket_system:
      return "ticket-system";
    case Role::editor:
      return "editor";
    case Role::lead:
      return "lead";
    case Role::public_:
      return "public";
  }
  return "agent";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "agent") return Role::agent;
  if (s == "ticket-system" || s == "ticket_system") return Role::ticket_system;
  if (s == "editor") return Role::editor;
  if (s == "lead") return Role::lead;
  if (s == "public") return Role::public_;
  return std::nullopt;
}

bool is_loopback(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // Dotted IPv4 in 127.0.0.0/8: four decimal octets 0-255. A leading zero is refused: the resolver
  // reads "0127" as octal (87), and "127.0.0.1.example.com" is a name that may resolve anywhere.
  const auto octets = text::split(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (const auto octet : octets) {
    if (octet.empty() || octet.size() > 3 || (octet.size() > 1 && octet[0] == '0') ||
        octet.find_first_not_of("0123456789") != std::string_view::npos)
      return false;
    int value = 0;
    for (const char c : octet) value = value * 10 + (c - '0');
    if (value > 255) return false;
  }
  return true;
}

Result<void> parse_listen(std::string_view listen, Config& config) {
  std::string_view host = listen, port;
  if (listen.starts_with("[")) {  // "[::1]:8080"
    const auto close = listen.find(']');
    if (close == std::string_view::npos)
      return fail(ErrorCode::invalid_argument, "bad listen address '" + std::string(listen) + "'");
    host = listen.substr(1, close - 1);
    if (close + 1 < listen.size()) {
      if (listen[close + 1] != ':')
        return fail(ErrorCode::invalid_argument, "bad listen address '" + std::string(listen) + "'");
      port = listen.substr(close + 2);
    }
  } else if (const auto colon = listen.rfind(':');
             colon != std::string_view::npos && listen.find(':') == colon) {
    host = listen.substr(0, colon);  // "127.0.0.1:8080" or ":8080"
    port = listen.substr(colon + 1);
  }
  if (!port.empty()) {
    int p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p < 0 || p > 65535)
      return fail(ErrorCode::invalid_argument, "bad port in listen address '" + std::string(listen) + "'");
    config.port = p;
  }
  if (!host.empty()) config.host = std::string(host);
  return {};
}

Result<Config> load_config(const std::filesystem::path& path, Config c) {
  const std::string file = path.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    return fail(ErrorCode::not_found, "cannot read config file " + file);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::invalid_argument, "config is not valid YAML: " + e.msg, file, e.mark.line + 1);
  }
  if (root.IsNull()) return c;
  if (!root.IsMap()) return fail(ErrorCode::invalid_argument, "config must be a mapping", file, 1);
  auto bad = [&](const YAML::Node& n, const std::string& message) {
    return fail(ErrorCode::invalid_argument, message, file, n.Mark().line + 1);
  };
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "listen") {
        if (auto ok = parse_listen(v.as<std::string>(), c); !ok) return bad(v, ok.error().message);
      } else if (key == "articles") {
        c.articles_dir = v.as<std::string>();
      } else if (key == "index") {
        c.index_dir = v.as<std::string>();
      } else if (key == "threads") {
        const int t = v.as<int>();
        if (t < 1 || t > 256) return bad(v, "threads must be between 1 and 256");
        c.threads = static_cast<unsigned>(t);
      } else if (key == "max_body_bytes") {
        const long n = v.as<long>();
        if (n < 1024) return bad(v, "max_body_bytes must be at least 1024");
        c.max_body_bytes = static_cast<size_t>(n);
      } else if (key == "max_connections") {
        const long n = v.as<long>();
        if (n < 16 || n > 1000000) return bad(v, "max_connections must be between 16 and 1000000");
        c.max_connections = static_cast<size_t>(n);
      } else if (key == "max_queued_requests") {
        const long n = v.as<long>();
        if (n < 1 || n > 1000000) return bad(v, "max_queued_requests must be between 1 and 1000000");
        c.max_queued_requests = static_cast<size_t>(n);
      } else if (key == "header_timeout_ms" || key == "request_timeout_ms" || key == "idle_timeout_ms") {
        const int ms = v.as<int>();
        if (ms < 100 || ms > 3600000) return bad(v, key + " must be between 100 and 3600000");
        (key == "header_timeout_ms"    ? c.header_timeout_ms
         : key == "request_timeout_ms" ? c.request_timeout_ms
                                       : c.idle_timeout_ms) = ms;
      } else if (key == "allowed_hosts") {
        c.allowed_hosts = v.as<std::vector<std::string>>();
      } else if (key == "default_lang") {
        auto lang = parse_lang(v.as<std::string>());
        if (!lang) return bad(v, "default_lang must be id or en");
        c.default_lang = *lang;
      } else if (key == "time_zone") {
        const auto name = v.as<std::string>();
        if (auto zone = TimeZone::load(name); !zone) return bad(v, zone.error().message);
        c.time_zone = name;
      } else if (key == "review_every_days") {
        c.default_review_days = v.as<int>();
      } else if (key == "cors_origins") {
        c.cors_origins = v.as<std::vector<std::string>>();
      } else if (key == "access_log") {
        c.access_log = v.as<bool>();
      } else if (key == "index_poll_ms") {
        c.index_poll_ms = v.as<int>();
        if (c.index_poll_ms < 10) return bad(v, "index_poll_ms must be at least 10");
      } else if (key == "events") {
        c.events_path = v.as<std::string>();
      } else if (key == "suggest_threshold") {
        c.suggest_threshold = v.as<double>();
        if (!(c.suggest_threshold >= 0 && c.suggest_threshold <= 1))
          return bad(v, "suggest_threshold must be between 0 and 1");
      } else if (key == "web_dir") {
        c.web_dir = v.as<std::string>();
      } else if (key == "retention_days") {
        c.retention_days = v.as<int>();
        if (c.retention_days < 1 || c.retention_days > 3650)
          return bad(v, "retention_days must be between 1 and 3650");
      } else if (key == "usage_queue_size") {
        const long n = v.as<long>();
        if (n < 1 || n > 10000000) return bad(v, "usage_queue_size must be between 1 and 10000000");
        c.usage_queue_size = static_cast<size_t>(n);
      } else if (key == "usage_flush_ms") {
        c.usage_flush_ms = v.as<int>();
        if (c.usage_flush_ms < 10 || c.usage_flush_ms > 3600000)
          return bad(v, "usage_flush_ms must be between 10 and 3600000");
      } else if (key == "rate_limit_per_second") {
        c.rate_limit_per_second = v.as<double>();
        if (!(c.rate_limit_per_second == 0 ||
              (c.rate_limit_per_second >= 0.001 && c.rate_limit_per_second <= 1000000)))
          return bad(v, "rate_limit_per_second must be 0 (no limit) or between 0.001 and 1000000");
      } else if (key == "rate_limit_burst") {
        c.rate_limit_burst = v.as<double>();
        if (!(c.rate_limit_burst >= 1 && c.rate_limit_burst <= 1000000))
          return bad(v, "rate_limit_burst must be between 1 and 1000000");
      } else if (key == "agent_url_base" || key == "public_url_base") {
        const std::string base = v.as<std::string>();
        const bool has_blank = std::any_of(base.begin(), base.end(), [](char ch) {
          return static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f;
        });
        if (has_blank) return bad(v, key + " must not contain spaces or control characters");
        if (key == "agent_url_base") {
          if (base.empty()) return bad(v, "agent_url_base must not be empty");
          c.agent_url_base = base;
        } else {
          if (!base.empty() && !base.starts_with("https://") && !base.starts_with("http://"))
            return bad(v, "public_url_base must start with https:// or http://");
          c.public_url_base = base;
        }
      } else if (key == "notify_webhook") {
        c.notify_webhook = v.as<std::string>();
      } else if (key == "webhooks") {
        if (!v.IsSequence()) return bad(v, "webhooks must be a list");
        if (v.size() > max_webhook_subscriptions)
          return bad(v, "at most " + std::to_string(max_webhook_subscriptions) + " webhooks");
        c.webhooks.clear();
        for (const auto& w : v) {
          if (!w.IsMap()) return bad(w, "each webhook needs id, url and secrets");
          WebhookSubscription sub;
          for (const auto& field : w) {
            const std::string name = field.first.as<std::string>();
            if (name == "id") {
              sub.id = field.second.as<std::string>();
            } else if (name == "url") {
              sub.url = field.second.as<std::string>();
            } else if (name == "events") {
              sub.events = field.second.as<std::vector<std::string>>();
            } else if (name == "secrets") {
              sub.secrets = field.second.as<std::vector<std::string>>();
            } else {
              return bad(field.first, "unknown webhook key '" + name + "' (id, url, events, secrets)");
            }
          }
          if (sub.id.empty() || sub.id.size() > 64 ||
              sub.id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                  std::string::npos)
            return bad(w, "webhook id must be 1 to 64 letters, digits, '_' or '-'");
          for (const auto& other : c.webhooks)
            if (other.id == sub.id) return bad(w, "webhook id '" + sub.id + "' is used twice");
          if (auto url = parse_webhook_url(sub.url); !url) return bad(w, url.error().message);
          for (const auto& e : sub.events)
            if (std::find(std::begin(webhook_event_types), std::end(webhook_event_types), e) ==
                std::end(webhook_event_types))
              return bad(w, "webhook '" + sub.id + "': unknown event '" + e +
                                "' (article.published, article.changed, article.archived, article.restored, "
                                "article.deleted, gap.created)");
          if (sub.secrets.empty() || sub.secrets.size() > max_webhook_secrets)
            return bad(
                w, "webhook '" + sub.id + "' needs 1 to " + std::to_string(max_webhook_secrets) + " secrets");
          for (const auto& secret : sub.secrets)
            if (secret.size() < min_webhook_secret_bytes)
              return bad(w, "webhook '" + sub.id + "': each secret must be at least " +
                                std::to_string(min_webhook_secret_bytes) + " bytes");
          c.webhooks.push_back(std::move(sub));
        }
      } else if (key == "webhook_retry_first_ms") {
        c.webhook_retry_first_ms = v.as<std::int64_t>();
        if (c.webhook_retry_first_ms < 1 || c.webhook_retry_first_ms > 3600000)
          return bad(v, "webhook_retry_first_ms must be between 1 and 3600000");
      } else if (key == "tokens") {
        if (!v.IsSequence()) return bad(v, "tokens must be a list");
        c.tokens.clear();
        for (const auto& t : v) {
          if (!t.IsMap()) return bad(t, "each token needs name, role and sha256");
          TokenEntry e;
          e.name = t["name"].as<std::string>("");
          const std::string role = t["role"].as<std::string>("");
          e.sha256 = text::to_lower(t["sha256"].as<std::string>(""));
          auto r = parse_role(role);
          if (e.name.empty()) return bad(t, "token without a name");
          if (!r)
            return bad(t,
                       "token '" + e.name + "': role must be agent, ticket-system, editor, lead or public");
          if (e.sha256.size() != 64 || e.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
            return bad(t, "token '" + e.name + "': sha256 must be 64 hex digits (see `solusi token`)");
          e.role = *r;
          c.tokens.push_back(std::move(e));
        }
      } else {
        return bad(kv.first, "unknown config key '" + key + "'");
      }
    }
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::invalid_argument, "config: " + e.msg, file, e.mark.line + 1);
  }
  return c;
}

std::filesystem::path default_events_path(const std::filesystem::path& index_dir) {
  const auto normal = index_dir.lexically_normal();
  const auto parent = (normal.has_filename() ? normal : normal.parent_path()).parent_path();
  return parent / "events.db";
}

}  // namespace solusi::service
