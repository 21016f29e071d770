#include "notify.hpp"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "text.hpp"

namespace solusi::service {
namespace {

/// Longest Retry-After a webhook may ask for before the next try (seconds).
constexpr long max_retry_after_seconds = 60;

std::string message_text(const StaleReport& report, const OwnerQueue& q) {
  std::string text = "Solusi stale report for " +
                     (q.owner.empty() ? std::string("articles without an owner") : q.owner) + " as of " +
                     report.as_of + ": " + std::to_string(q.count) +
                     (q.count == 1 ? " article needs" : " articles need") + " attention, most impact first.";
  size_t n = 0;
  for (size_t k : q.entries) {
    const StaleEntry& e = report.articles[k];
    text += "\n" + std::to_string(++n) + ". " + e.title + " (" + e.slug + ")";
    if (!e.state.assigned_to.empty()) text += "\n    assigned to " + e.state.assigned_to;
    for (const auto& r : e.reasons) text += "\n    - " + r.summary;
  }
  return text;
}

}  // namespace

std::vector<OwnerMessage> owner_messages(const StaleReport& report) {
  std::vector<OwnerMessage> out;
  for (const auto& q : report.owners) {
    auto articles = nlohmann::json::array();
    for (size_t k : q.entries) articles.push_back(to_json(report.articles[k]));
    auto reasons = nlohmann::json::object();
    for (const auto& [code, n] : q.reasons) reasons[code] = n;
    // Who the leads assigned the owner's articles to (lead_actions.hpp), each once, in rank order.
    auto assignees = nlohmann::json::array();
    for (size_t k : q.entries)
      if (const auto& who = report.articles[k].state.assigned_to;
          !who.empty() && std::find(assignees.begin(), assignees.end(), who) == assignees.end())
        assignees.push_back(who);
    out.push_back(OwnerMessage{q.owner,
                               {{"text", message_text(report, q)},
                                {"owner", q.owner},
                                {"as_of", report.as_of},
                                {"count", q.count},
                                {"reasons", reasons},
                                {"assignees", assignees},
                                {"articles", articles}}});
  }
  return out;
}

Result<WebhookUrl> parse_webhook_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::invalid_argument, "webhook URL '" + std::string(url) + "': " + why);
  };
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return bad("must start with http:// or https://");
  const std::string scheme = text::to_lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") return bad("must start with http:// or https://");
  std::string_view rest = url.substr(sep + 3);
  const auto path_at = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_at);
  std::string path(path_at == std::string_view::npos ? std::string_view("/") : rest.substr(path_at));
  if (const auto hash = path.find('#'); hash != std::string::npos) path.erase(hash);
  if (path.empty() || path[0] == '?') path.insert(path.begin(), '/');
  if (authority.find('@') != std::string_view::npos)
    return bad("user names and passwords in the URL are not supported");
  std::string_view host = authority, port;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in the host");
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("bad port");
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host == "[]") return bad("no host");
  if (!port.empty() || authority.ends_with(":")) {
    int p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || p < 1 || p > 65535)
      return bad("bad port");
  }
  for (const char c : path)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return bad("the path has spaces or control characters");
  WebhookUrl out;
  out.origin = scheme + "://" + std::string(host) + (port.empty() ? "" : ":" + std::string(port));
  out.path = std::move(path);
  return out;
}

Result<std::vector<Delivery>> notify_owners(const std::vector<OwnerMessage>& messages,
                                            const NotifyOptions& o) {
  auto url = parse_webhook_url(o.webhook);
  if (!url) return tl::unexpected(url.error());
  auto sleep = o.sleep ? o.sleep : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  httplib::Client client(url->origin);
  const auto timeout = static_cast<time_t>(o.timeout.count());
  client.set_connection_timeout(timeout, 0);
  client.set_read_timeout(timeout, 0);
  client.set_write_timeout(timeout, 0);
  const httplib::Headers headers{{"User-Agent", "solusi/0.1.0"}};

  std::vector<Delivery> out;
  for (const auto& m : messages) {
    Delivery d;
    d.owner = m.owner;
    const std::string body = m.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto wait = o.backoff;
    for (int attempt = 1; attempt <= std::max(1, o.attempts); ++attempt) {
      d.attempts = attempt;
      bool retry = true;
      auto next_wait = wait;
      auto res = client.Post(url->path, headers, body, "application/json");
      if (!res) {
        d.status = 0;
        d.error = "no response: " + httplib::to_string(res.error());
      } else {
        d.status = res->status;
        if (res->status >= 200 && res->status < 300) {
          d.delivered = true;
          d.error.clear();
          break;
        }
        d.error = "HTTP " + std::to_string(res->status);
        retry = res->status >= 500 || res->status == 429;
        if (res->status == 429 && res->has_header("Retry-After")) {
          const std::string after = res->get_header_value("Retry-After");
          long seconds = 0;
          auto [ptr, ec] = std::from_chars(after.data(), after.data() + after.size(), seconds);
          if (ec == std::errc() && ptr == after.data() + after.size() && seconds >= 0)
            next_wait = std::max(
                next_wait, std::chrono::milliseconds(1000 * std::min(seconds, max_retry_after_seconds)));
        }
      }
      if (!retry || attempt >= o.attempts) break;
      sleep(next_wait);
      wait *= 2;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace solusi::service
