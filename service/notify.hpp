// `solusi stale --notify`: each owner's queue of the stale report, POSTed as JSON to a webhook (one
// POST per owner), with a Slack-compatible `text` field, retried with backoff.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "error.hpp"
#include "reports.hpp"

namespace solusi::service {

/// What one owner is sent.
struct OwnerMessage {
  std::string owner;
  /// {"text", "owner", "as_of", "count", "reasons", "assignees", "articles": [...]}: assignees are the
  /// people the leads assigned the owner's articles to (each article's state.assigned_to, also a line
  /// "assigned to …" under it in the text).
  nlohmann::json payload;
};

/// One message per owner queue of @p report, in the report's owner order. `text` is plain text (Slack
/// shows it as is): a line per article, most impact first, with its reasons.
std::vector<OwnerMessage> owner_messages(const StaleReport& report);

struct NotifyOptions {
  std::string webhook;                     ///< http://… or https://…
  int attempts = 4;                        ///< tries per owner, the first included
  std::chrono::milliseconds backoff{500};  ///< wait before the second try; doubled before each next one
  std::chrono::seconds timeout{10};        ///< connect and read timeout of each try
  /// Waits between tries (injectable so that tests do not sleep).
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct Delivery {
  std::string owner;
  bool delivered = false;
  int attempts = 0;
  int status = 0;     ///< the last HTTP status, 0 when there was no response
  std::string error;  ///< why the last try failed
};

/// A webhook URL split for the HTTP client: "http(s)://host[:port]" and the path (with any query).
struct WebhookUrl {
  std::string origin;
  std::string path;
};
/// Checks and splits @p url: http or https, a host, an optional port, a path.
Result<WebhookUrl> parse_webhook_url(std::string_view url);

/// POSTs each message to the webhook. A try fails on no response, a 5xx or a 429 (and is retried),
/// or on another non-2xx status (not retried: the request itself is wrong). Errors only for a bad URL.
Result<std::vector<Delivery>> notify_owners(const std::vector<OwnerMessage>& messages,
                                            const NotifyOptions& options);

}  // namespace solusi::service
