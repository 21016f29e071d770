#include "openapi.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <tuple>

#include "webhooks.hpp"

namespace solusi::service {
namespace {

using nlohmann::json;

json ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}
json str() {
  return {{"type", "string"}};
}
json nullable_str() {
  return {{"type", {"string", "null"}}};
}
json integer() {
  return {{"type", "integer"}};
}
json number() {
  return {{"type", "number"}};
}
json boolean() {
  return {{"type", "boolean"}};
}
json strings() {
  return {{"type", "array"}, {"items", str()}};
}
json array_of(json items) {
  return {{"type", "array"}, {"items", std::move(items)}};
}

/// A closed object: every member listed, the ones in @p optional may be absent, no other member allowed.
json object(json properties, const std::vector<std::string>& optional = {}, std::string description = {}) {
  auto required = json::array();
  for (const auto& [name, _] : properties.items())
    if (std::find(optional.begin(), optional.end(), name) == optional.end()) required.push_back(name);
  json o{{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) o["required"] = std::move(required);
  if (!description.empty()) o["description"] = std::move(description);
  return o;
}

/// Every error code a response may carry, its usual status and meaning (the README links here).
struct ErrorCodeDoc {
  const char* code;
  int status;
  const char* meaning;
};
constexpr ErrorCodeDoc error_codes[] = {
    {"invalid_argument", 400,
     "a parameter or body field is malformed, out of range or unknown (strict mode)"},
    {"invalid_query", 400, "the search query cannot be parsed"},
    {"bad_request", 400, "the HTTP request itself is malformed"},
    {"unauthorized", 401, "no API token, or an unknown one (see WWW-Authenticate)"},
    {"forbidden", 403, "the token's role may not use this route, or writes without tokens configured"},
    {"not_found", 404, "no such route, article, revision, feedback or ticket"},
    {"method_not_allowed", 405, "the path exists but not with this method (see Allow)"},
    {"request_timeout", 408, "the request did not arrive in time"},
    {"conflict", 409, "a concurrent change got there first"},
    {"symlink_in_path", 409, "a symbolic link inside the articles folder is in the way"},
    {"length_required", 411, "a POST or PUT without Content-Length or a chunked body"},
    {"precondition_failed", 412, "If-Match or If-None-Match did not hold: someone else changed the article"},
    {"too_large", 413, "a body or an article over its limit"},
    {"payload_too_large", 413, "a request body over the server's limit"},
    {"uri_too_long", 414, "the request target is over the server's limit"},
    {"unsupported_media_type", 415, "a body in a format the route does not take"},
    {"misdirected_request", 421, "a Host this server does not answer for (allowed_hosts)"},
    {"invalid_article", 422, "the article's front matter or Markdown is unusable (error.line says where)"},
    {"rate_limited", 429, "too many requests for the token (or address): see Retry-After"},
    {"headers_too_large", 431, "the request headers are over the server's limit"},
    {"io_error", 500, "reading or writing a file failed"},
    {"internal", 500, "an unexpected error"},
    {"error", 500, "another HTTP error cpp-httplib produced (the status says which)"},
    {"not_implemented", 501, "an HTTP method or transfer coding the server does not implement"},
    {"index_unavailable", 503, "the index cannot be opened or read right now"},
    {"overloaded", 503, "the server is at its connection or queue limit; try again"},
    {"insufficient_storage", 507, "the disk is full: the write was refused, nothing changed"},
};

json components() {
  json s;
  auto codes = json::array();
  std::string code_list;
  for (const auto& e : error_codes) {
    codes.push_back(e.code);
    code_list += std::string("\n- `") + e.code + "` (" + std::to_string(e.status) + "): " + e.meaning;
  }
  s["ErrorCode"] = {{"type", "string"}, {"enum", codes}, {"description", "Error codes:" + code_list}};
  const json error_member =
      object({{"code", ref("ErrorCode")},
              {"message", str()},
              {"request_id", str()},
              {"line", {{"type", "integer"}, {"description", "invalid_article: the article's line"}}}},
             {"request_id", "line"});
  s["Error"] = object({{"error", error_member}}, {}, "Every error: {\"error\":{\"code\",\"message\"}}");
  s["Error"]["examples"] = {{{"error",
                              {{"code", "invalid_argument"},
                               {"message", "parameter 'q' is required"},
                               {"request_id", "r-3f2a9c"}}}}};
  s["PreconditionFailed"] =
      object({{"error", error_member},
              {"current_etag", str()},
              {"current_draft_etag", str()},
              {"changed_by",
               object({{"author", str()}, {"at", integer()}, {"revision", integer()}, {"note", str()}})}},
             {"changed_by", "current_draft_etag"}, "412: who changed the article since the client's ETag");
  add_webhook_schemas(s);  // webhooks.cpp
  s["RequestWarning"] =
      object({{"code", {{"type", "string"}, {"enum", {"unknown_field", "unknown_fields_not_listed"}}}},
              {"field", str()},
              {"message", str()}},
             {}, "Something of the request the service did not use (an unknown field)");
  s["Warnings"] = array_of(ref("RequestWarning"));
  s["LintWarning"] = object({{"line", integer()}, {"code", str()}, {"message", str()}});
  s["Facet"] = object({{"value", str()}, {"count", integer()}});
  const json common = {
      {"slug", str()},
      {"title", str()},
      {"lang", {{"type", "string"}, {"enum", {"id", "en"}}}},
      {"audience", {{"type", "string"}, {"enum", {"public", "internal"}}}},
      {"url", {{"type", "string"}, {"description", "the article in the agents' page"}}},
      {"public_url",
       {{"type", "string"}, {"description", "in the help centre (public articles, when set)"}}}};
  json hit = common;
  hit.update(
      json{{"summary", str()},
           {"snippet", {{"type", "string"}, {"description", "HTML with <mark> around matched words"}}},
           {"tags", strings()},
           {"category", str()},
           {"owner", str()},
           {"status", str()},
           {"updated", nullable_str()},
           {"reviewed", nullable_str()},
           {"review_due", nullable_str()},
           {"score", number()},
           {"percent", {{"type", "integer"}, {"description", "relevance relative to the best hit, 0-100"}}}});
  s["SearchHit"] = object(hit, {"public_url"});
  s["SearchResponse"] = object(
      {{"hits", array_of(ref("SearchHit"))},
       {"total_estimate",
        {{"type", "integer"},
         {"description", "articles that match well: score at least 40% of the best hit's"}}},
       {"total_any_word",
        {{"type", "integer"},
         {"description", "articles sharing at least one word with the query (estimate)"}}},
       {"corrected", {{"type", {"string", "null"}}, {"description", "the query as spelling corrected it"}}},
       {"query_language",
        {{"type", {"string", "null"}}, {"description", "the language the query was analysed in"}}},
       {"took_ms", number()},
       {"facets", object({{"tags", array_of(ref("Facet"))}, {"categories", array_of(ref("Facet"))}}, {},
                         "absent with facets=false")},
       {"query", str()},
       {"offset", integer()},
       {"limit", integer()},
       {"search_id", {{"type", "string"}, {"description", "send back as ?search_id= when opening a hit"}}}},
      {"facets", "search_id"});
  json article = common;
  article.update(json{{"path", str()},
                      {"summary", str()},
                      {"tags", strings()},
                      {"category", str()},
                      {"owner", str()},
                      {"status", str()},
                      {"review_every_days", integer()},
                      {"links", strings()},
                      {"files", strings()},
                      // Front matter keys the schema does not know, kept as written: free-form by design.
                      {"extra", {{"type", "object"}, {"description", "other front matter keys, as written"}}},
                      {"reviewed", str()},
                      {"review_due", str()},
                      {"updated", str()},
                      {"publish_at", str()},
                      {"valid_to", str()}});
  const std::vector<std::string> article_optional = {"public_url", "reviewed",   "review_due",
                                                     "updated",    "publish_at", "valid_to"};
  s["ArticleSummary"] = object(article, article_optional);
  json full = article;
  full.update(
      json{{"markdown", str()},
           {"html", str()},
           {"pending_draft", {{"type", "boolean"}, {"description", "editors and leads: a draft waits"}}},
           {"review_every_set",
            {{"type", "boolean"}, {"description", "whether the file itself sets review_every"}}}});
  auto full_optional = article_optional;
  full_optional.push_back("pending_draft");
  full_optional.push_back("review_every_set");
  s["Article"] = object(full, full_optional);
  s["ArticleList"] =
      object({{"articles", array_of(ref("ArticleSummary"))},
              {"total", integer()},
              {"offset", integer()},
              {"limit", integer()},
              {"next_cursor", {{"type", {"string", "null"}}, {"description", "?cursor= of the next page"}}}});
  json suggestion = common;
  suggestion.update(
      json{{"confidence",
            {{"type", "number"}, {"description", "0-1, calibrated: share of such suggestions that solved"}}},
           {"coverage",
            {{"type", "number"}, {"description", "weighted share of the ticket's telling words matched"}}},
           {"score", number()},
           {"snippet", str()},
           {"matched", strings()},
           {"learned",
            {{"type", "boolean"}, {"description", "matched through words learned from resolved tickets"}}},
           {"reason", str()},
           {"similar_tickets", object({{"count", integer()}, {"ticket_ids", strings()}})}});
  s["Suggestion"] = object(suggestion, {"public_url"});
  json candidate = suggestion;
  candidate["features"] = {{"type", "object"}, {"additionalProperties", number()}};
  s["Candidate"] = object(candidate, {"public_url"}, "explain=true: every candidate with its features");
  s["SuggestRequest"] = object(
      {{"ticket_id", {{"type", {"string", "integer"}}, {"description", "kept to learn from its feedback"}}},
       {"subject", str()},
       {"body", str()},
       {"tags", strings()},
       {"lang", {{"type", "string"}, {"enum", {"id", "en", ""}}}},
       {"limit", {{"type", "integer"}, {"minimum", 1}}},
       {"audience", {{"type", "string"}, {"enum", {"internal", "public"}}}},
       {"explain", boolean()}},
      {"ticket_id", "subject", "body", "tags", "lang", "limit", "audience", "explain"});
  s["SuggestResponse"] = object(
      {{"suggestions", array_of(ref("Suggestion"))},
       {"language", str()},
       {"language_detected", {{"type", "boolean"}, {"description", "false: the request's lang was used"}}},
       {"key_terms", strings()},
       {"unknown_words", strings()},
       {"codes", {{"type", "array"}, {"items", str()}, {"description", "order numbers, error codes"}}}},
      {});
  s["SuggestResponse"]["properties"].update(json{
      {"gap",
       {{"type", "boolean"}, {"description", "nothing reached the threshold: a gap in the knowledge base"}}},
      {"threshold", number()},
      {"took_ms", number()},
      {"candidates", array_of(ref("Candidate"))},
      {"best_below_threshold", object({{"slug", str()},
                                       {"title", str()},
                                       {"confidence", number()},
                                       {"url", str()},
                                       {"public_url", str()}},
                                      {"public_url"})},
      {"ticket_id", str()},
      {"warnings", ref("Warnings")}});
  s["SuggestResponse"]["required"] = {"suggestions", "language",      "language_detected",
                                      "key_terms",   "unknown_words", "codes",
                                      "gap",         "threshold",     "took_ms"};
  const json kind = {
      {"type", "string"},
      {"enum", {"resolved", "helpful", "not_helpful", "shown", "outdated"}},
      {"description",
       "resolved: the article solved the ticket (learned); helpful / not_helpful: a vote; "
       "shown: the agent sent the article to the customer; outdated: the article needs an update"}};
  s["FeedbackKind"] = kind;
  s["FeedbackRequest"] = object({{"ticket_id", {{"type", {"string", "integer"}}}},
                                 {"slug", str()},
                                 {"kind", ref("FeedbackKind")},
                                 {"agent", str()},
                                 {"subject", str()},
                                 {"body", str()},
                                 {"lang", {{"type", "string"}, {"enum", {"id", "en", ""}}}}},
                                {"agent", "subject", "body", "lang"});
  s["FeedbackResponse"] =
      object({{"recorded", boolean()},
              {"duplicate", boolean()},
              {"ticket_id", str()},
              {"slug", str()},
              {"kind", ref("FeedbackKind")},
              {"terms_from", {{"type", "string"}, {"enum", {"text", "suggestion", "none"}}}},
              {"terms", strings()},
              {"learning", boolean()},
              {"warnings", ref("Warnings")}},
             {"warnings"});
  s["Withdrawal"] = object({{"withdrawn", integer()},
                            {"ticket_id", str()},
                            {"slug", str()},
                            {"kinds", array_of(ref("FeedbackKind"))},
                            {"cases_withdrawn", integer()}});
  const json by_kind = {
      {"type", "object"}, {"additionalProperties", integer()}, {"description", "rows per kind"}};
  s["BulkWithdrawalRequest"] = object({{"principal", str()},
                                       {"since", {{"type", {"string", "integer"}}}},
                                       {"until", {{"type", {"string", "integer"}}}}});
  s["BulkWithdrawal"] = object({{"principal", str()},
                                {"since", integer()},
                                {"until", integer()},
                                {"withdrawn", integer()},
                                {"by_kind", by_kind},
                                {"slugs", strings()},
                                {"cases_withdrawn", integer()},
                                {"warnings", ref("Warnings")}},
                               {"warnings"});
  s["TicketErasure"] = object({{"ticket_id", str()},
                               {"feedback_deleted", integer()},
                               {"by_kind", by_kind},
                               {"cases_deleted", integer()},
                               {"tickets_deleted", integer()},
                               {"suggestions_deleted", integer()},
                               {"slugs", strings()}});
  s["ArticleBody"] = object({{"front_matter", {{"type", "object"}, {"description", "the front matter keys"}}},
                             {"body", str()},
                             {"note", str()}},
                            {"front_matter", "note"});
  // The leads' actions on the reports' items (lead_actions.hpp).
  s["LeadActionRequest"] = object(
      {{"action", {{"type", "string"}, {"enum", {"reviewed", "assign", "snooze", "dismiss", "reopen"}}}},
       {"note", {{"type", "string"}, {"description", "at most 500 bytes"}}},
       {"assignee",
        {{"type", "string"}, {"description", "assign: the person (\"\": nobody); at most 100 bytes"}}},
       {"until", {{"type", "string"}, {"description", "snooze: the day (YYYY-MM-DD) the item comes back"}}}},
      {"note", "assignee", "until"});
  s["LeadAction"] = object({{"id", integer()},
                            {"item", {{"type", "string"}, {"description", "article:<slug> or gap:<id>"}}},
                            {"action", str()},
                            {"by", str()},
                            {"at", str()},
                            {"note", str()},
                            {"assignee", nullable_str()},
                            {"until", nullable_str()},
                            {"revision", {{"type", {"integer", "null"}}}}});
  // The team leads' reports (reports.cpp, to_json).
  s["ReportSources"] =
      object({{"searches",
               {{"type", "array"}, {"items", str()}, {"description", "sources of the searches counted"}}},
              {"tickets",
               {{"type", "array"}, {"items", str()}, {"description", "sources of the tickets counted"}}}});
  s["StaleReason"] = object(
      {{"code", str()},
       {"weight", number()},
       {"summary", {{"type", "string"}, {"description", "the reason in English; the page words it by code"}}},
       {"evidence",
        {{"type", "object"},
         {"description", "the figures behind the reason, by name (depend on the code)"}}}});
  s["StaleEntry"] = object({{"rank", integer()},
                            {"slug", str()},
                            {"title", str()},
                            {"owner", str()},
                            {"category", str()},
                            {"lang", str()},
                            {"audience", str()},
                            {"impact", number()},
                            {"staleness", number()},
                            {"reliance", number()},
                            {"usage", object({{"views", integer()},
                                              {"search_hits", integer()},
                                              {"suggested", integer()},
                                              {"resolved", integer()}})},
                            {"reasons", array_of(ref("StaleReason"))},
                            {"state", ref("ItemState")},
                            {"reviewed", nullable_str()},
                            {"review_due", nullable_str()},
                            {"valid_to", nullable_str()}});
  s["StaleOwner"] = object(
      {{"owner", str()},
       {"count", integer()},
       {"reasons",
        {{"type", "object"}, {"additionalProperties", integer()}, {"description", "articles by code"}}},
       {"slugs", strings()}});
  s["StaleReport"] =
      object({{"as_of", str()},
              {"usage_days", integer()},
              {"articles_checked", integer()},
              {"count", {{"type", "integer"}, {"description", "articles listed before the limit"}}},
              {"hidden", {{"type", "integer"}, {"description", "snoozed or dismissed, left out"}}},
              {"limit", {{"type", {"integer", "null"}}}},
              {"returned", integer()},
              {"unused_checked", boolean()},
              {"usage_since", nullable_str()},
              {"files_checked", boolean()},
              {"owners", array_of(ref("StaleOwner"))},
              {"articles", array_of(ref("StaleEntry"))}});
  s["GapCluster"] = object(
      {{"id", {{"type", "string"}, {"description", "stable while the cluster's core words are the same"}}},
       {"state", ref("ItemState")},
       {"label", str()},
       {"terms", strings()},
       {"count", integer()},
       {"kinds", object({{"zero_result", integer()},
                         {"no_click", integer()},
                         {"no_confident_suggestion", integer()},
                         {"not_helpful", integer()}})},
       {"first_seen", str()},
       {"last_seen", str()},
       {"first_day", {{"type", "string"}, {"description", "day in the team's time zone"}}},
       {"last_day", str()},
       {"examples", strings()},
       {"lang", str()},
       {"nearest",
        {{"anyOf",
          {object({{"slug", str()}, {"title", str()}, {"via", str()}, {"score", number()}}),
           {{"type", "null"}}}}}},
       {"draft", {{"type", "object"}, {"description", "the body POST /v1/drafts/from-ticket takes"}}}});
  s["GapReport"] = object({{"since", str()},
                           {"until", str()},
                           {"time_zone", str()},
                           {"events", integer()},
                           {"count", integer()},
                           {"hidden", integer()},
                           {"clusters", array_of(ref("GapCluster"))},
                           {"sources", ref("ReportSources")}});
  s["SearchDays"] =
      object({{"since", str()},
              {"until", str()},
              {"days", array_of(object({{"day", str()},
                                        {"searches", integer()},
                                        {"zero_results", integer()},
                                        {"judged", integer()},
                                        {"unanswered", integer()}}))},
              {"searches", integer()},
              {"judged", integer()},
              {"unanswered", integer()},
              {"unanswered_share", {{"type", "number"}, {"description", "unanswered / judged, 3 decimals"}}},
              {"sources", ref("ReportSources")}});
  s["ItemState"] = object(
      {{"assigned_to", nullable_str()},
       {"snoozed_until", nullable_str()},
       {"dismissed", boolean()},
       {"hidden", {{"type", "boolean"}, {"description", "snoozed or dismissed as of the report's day"}}},
       {"last",
        {{"anyOf",
          {object({{"action", str()}, {"by", str()}, {"at", str()}, {"note", str()}}),
           {{"type", "null"}}}}}}});
  s["LeadActionResult"] =
      object({{"item", str()},
              {"action", ref("LeadAction")},
              {"state", ref("ItemState")},
              {"reviewed", {{"type", "string"}, {"description", "reviewed: the day written"}}}},
             {"reviewed"});
  s["LeadActionHistory"] = object({{"item", str()},
                                   {"state", ref("ItemState")},
                                   {"actions", array_of(ref("LeadAction"))},
                                   {"total", integer()}});
  s["RestoreRequest"] =
      object({{"revision", {{"type", "integer"}, {"minimum", 1}}}, {"note", str()}}, {"revision", "note"});
  s["WriteResult"] = object(
      {{"slug", str()},
       {"revision", integer()},
       {"etag", str()},
       {"status", str()},
       {"created", boolean()},
       {"draft_copy", boolean()},
       {"draft_etag", {{"type", {"string", "null"}}, {"description", "the pending draft's ETag, if any"}}},
       {"reviewed", {{"type", "string"}, {"description", "?verified=true: the new reviewed day"}}},
       {"warnings",
        {{"type", "array"},
         {"items", {{"anyOf", {ref("LintWarning"), ref("RequestWarning")}}}},
         {"description", "the article's lint warnings, then the request's"}}},
       {"took_ms", number()}},
      {"draft_etag", "reviewed"});
  s["MergeRequest"] = object({{"base", str()}, {"yours", str()}}, {"base"});
  s["MergeConflict"] = object(
      {{"line", integer()}, {"lines", integer()}, {"base", str()}, {"theirs", str()}, {"yours", str()}});
  s["MergeResult"] =
      object({{"slug", str()},
              {"etag", str()},
              {"draft_etag", {{"type", {"string", "null"}}}},
              {"theirs", {{"type", "object"}, {"description", "the article as it is now (fields)"}}},
              {"clean", boolean()},
              {"merged", {{"type", "string"}, {"description", "yours kept where both changed"}}},
              {"marked", {{"type", "string"}, {"description", "conflicts between marker lines"}}},
              {"conflicts", array_of(ref("MergeConflict"))}});
  s["Revision"] = object(
      {{"revision", integer()},
       {"author", str()},
       {"at", {{"type", "integer"}, {"description", "Unix seconds"}}},
       {"action",
        {{"type", "string"}, {"enum", {"create", "update", "archive", "restore", "external", "delete"}}}},
       {"status", str()},
       {"note", str()},
       {"etag", str()}});
  s["RevisionList"] = object({{"slug", str()}, {"revisions", array_of(ref("Revision"))}});
  json revision_text = s["Revision"]["properties"];
  revision_text.update(
      json{{"slug", str()}, {"text", {{"type", "string"}, {"description", "the whole file"}}}});
  s["RevisionText"] = object(revision_text);
  s["Diff"] = object({{"slug", str()},
                      {"from", integer()},
                      {"to", integer()},
                      {"added", integer()},
                      {"removed", integer()},
                      {"lines", array_of(object({{"op", {{"type", "string"}, {"enum", {" ", "-", "+"}}}},
                                                 {"text", str()}}))}});
  json draft_article = article;
  draft_article.erase("url");
  draft_article.erase("public_url");
  draft_article["markdown"] = str();
  draft_article["review_every_set"] = boolean();
  auto draft_optional = article_optional;
  draft_optional.push_back("review_every_set");
  s["Draft"] = object({{"slug", str()},
                       {"markdown", str()},
                       {"etag", str()},
                       {"article",
                        {{"anyOf", {object(draft_article, draft_optional), {{"type", "null"}}}},
                         {"description", "null when the draft does not parse"}}}});
  s["Preview"] = object(
      {{"html", str()},
       {"findings",
        array_of(object(
            {{"severity", {{"type", "string"}, {"enum", {"error", "warning"}}}},
             {"line",
              {{"type", "integer"}, {"description", "line of the whole file, front matter included"}}},
             {"body_line",
              {{"type", "integer"}, {"description", "line of the body as the editor shows it (from 1)"}}},
             {"field", {{"type", "string"}, {"description", "the front matter field it is about"}}},
             {"code", str()},
             {"args", {{"type", "object"}, {"description", "the values the message names, by name"}}},
             {"message", {{"type", "string"}, {"description", "in English; the page words it by code"}}}},
            {"code", "body_line", "field", "args"}))},
       {"valid", boolean()},
       {"warnings", ref("Warnings")}},
      {"warnings"});
  s["PreviewBody"] = object({{"front_matter", {{"type", "object"}}}, {"body", str()}}, {"front_matter"});
  s["DraftFromTicketRequest"] =
      object({{"subject", str()},
              {"body", str()},
              {"lang", {{"type", "string"}, {"enum", {"id", "en", ""}}}},
              {"slug", str()},
              {"tags", strings()},
              {"owner", str()},
              {"save",
               {{"type", "boolean"},
                {"description", "false: the draft is only proposed (200, nothing written); default true"}}}},
             {"subject", "body", "lang", "slug", "tags", "owner", "save"});
  json from_ticket = s["WriteResult"]["properties"];
  from_ticket.update(
      json{{"markdown", str()},
           {"existing", array_of(object({{"slug", str()}, {"title", str()}, {"confidence", number()}}))}});
  s["DraftFromTicket"] = object(from_ticket, {"draft_etag", "reviewed"});
  s["DraftProposal"] = object(
      {{"slug", {{"type", "string"}, {"description", "a free slug under draft/ (or the one asked for)"}}},
       {"saved", {{"type", "boolean"}, {"const", false}}},
       {"markdown", str()},
       {"article",
        {{"anyOf", {object(draft_article, draft_optional), {{"type", "null"}}}},
         {"description", "the proposal read like GET /v1/articles/{slug}"}}},
       {"existing", array_of(object({{"slug", str()}, {"title", str()}, {"confidence", number()}}))}});
  s["Reindex"] =
      object({{"added", integer()},
              {"updated", integer()},
              {"removed", integer()},
              {"unchanged", integer()},
              {"errors", array_of(object({{"file", str()}, {"line", integer()}, {"message", str()}}))},
              {"documents", integer()},
              {"seconds", number()}});
  s["WhoAmI"] = object({{"name", str()},
                        {"role", nullable_str()},
                        {"tokens_required", boolean()},
                        {"can", {{"type", "array"}, {"items", str()}, {"description", "route names"}}}});
  s["Health"] = object({{"status", {{"const", "ok"}}}});
  s["Ready"] = object({{"status", {{"const", "ready"}}}, {"documents", integer()}, {"revision", integer()}});
  s["OpenApiDocument"] = {{"type", "object"}, {"description", "this document"}};
  return json{{"schemas", std::move(s)},
              {"securitySchemes",
               {{"bearerAuth",
                 {{"type", "http"},
                  {"scheme", "bearer"},
                  {"description",
                   "a token from `solusi token --role ROLE`; without tokens configured, "
                   "every route but article writes is open on loopback"}}}}}};
}

/// Query parameters every route may take, by name.
json parameter_schema(const std::string& name) {
  static const std::map<std::string, json> known = {
      {"q", {{"type", "string"}, {"description", "the query"}}},
      {"lang", {{"type", "string"}, {"enum", {"id", "en", ""}}}},
      {"limit", {{"type", "integer"}, {"minimum", 1}}},
      {"offset", {{"type", "integer"}, {"minimum", 0}}},
      {"facets", {{"type", "boolean"}, {"description", "false: no facets member (default true)"}}},
      {"audience", {{"type", "string"}, {"enum", {"public", "all"}}}},
      {"cursor", {{"type", "string"}, {"description", "next_cursor of the previous page"}}},
      {"updated_since", {{"type", "string"}, {"description", "ISO 8601 date or time, or Unix seconds"}}},
      {"search_id", {{"type", "string"}, {"description", "the search the article was opened from"}}},
      {"note", {{"type", "string"}, {"description", "the revision's note, at most 500 bytes"}}},
      {"kind", {{"$ref", "#/components/schemas/FeedbackKind"}}},
      {"strict",
       {{"type", "boolean"}, {"description", "true: an unknown body field is a 400, not a warning"}}},
      {"as_of", {{"type", "string"}, {"description", "the report's day (YYYY-MM-DD)"}}},
      {"since", {{"type", "string"}, {"description", "first day (YYYY-MM-DD)"}}},
      {"format", {{"type", "string"}, {"enum", {"json", "csv"}}}},
      {"include_hidden",
       {{"type", "boolean"}, {"description", "also list the items the leads snoozed or dismissed"}}},
      {"state", {{"type", "string"}, {"enum", {"pending", "delivered", "failed"}}}},
      {"subscription", {{"type", "string"}, {"description", "a configured webhook's id"}}},
  };
  const auto it = known.find(name);
  return it == known.end() ? str() : it->second;
}

json error_response(const std::string& why, const std::string& schema = "Error") {
  return {{"description", why}, {"content", {{"application/json", {{"schema", ref(schema)}}}}}};
}

std::string reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad request (invalid_argument, invalid_query)";
    case 401:
      return "No or unknown API token (unauthorized)";
    case 403:
      return "The token's role may not use this route (forbidden)";
    case 404:
      return "Not found (not_found)";
    case 409:
      return "Conflict (conflict, symlink_in_path)";
    case 412:
      return "The article changed since the client's ETag (precondition_failed)";
    case 413:
      return "Too large (too_large, payload_too_large)";
    case 415:
      return "Unsupported body type (unsupported_media_type)";
    case 422:
      return "Unusable article (invalid_article, error.line)";
    case 429:
      return "Rate limited (rate_limited): see Retry-After";
    case 503:
      return "Index unavailable or overloaded";
    case 507:
      return "Disk full (insufficient_storage): nothing changed";
    default:
      return "See the error code";
  }
}

const char* access_roles(Access a) {
  switch (a) {
    case Access::open:
      return "anyone, no token";
    case Access::read:
      return "agent, lead, editor, ticket-system, public";
    case Access::ticket:
      return "agent, ticket-system, editor, lead";
    case Access::review:
      return "editor, lead";
    case Access::write:
      return "editor (never without tokens configured)";
    case Access::report:
      return "lead, editor";
    case Access::lead:
      return "lead";
    case Access::act:
      return "lead, editor (never without tokens configured)";
  }
  return "";
}

const char* access_name(Access a) {
  switch (a) {
    case Access::open:
      return "open";
    case Access::read:
      return "read";
    case Access::ticket:
      return "ticket";
    case Access::review:
      return "review";
    case Access::write:
      return "write";
    case Access::report:
      return "report";
    case Access::lead:
      return "lead";
    case Access::act:
      return "act";
  }
  return "";
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

}  // namespace

const std::vector<RouteDoc>& route_docs() {
  static const std::vector<RouteDoc> docs = [] {
    std::vector<RouteDoc> d;
    auto add = [&d](RouteDoc r) { d.push_back(std::move(r)); };
    const json ok_health = {{"status", "ok"}};
    add({"GET",
         R"(/healthz)",
         "/healthz",
         "",
         "Liveness probe",
         true,
         "",
         {},
         {},
         {{200, ref("Health")}},
         ok_health,
         "application/json",
         {}});
    add({"GET",
         R"(/readyz)",
         "/readyz",
         "",
         "Readiness probe: the index answers",
         true,
         "",
         {},
         {},
         {{200, ref("Ready")}},
         {{"status", "ready"}, {"documents", 13}, {"revision", 4}},
         "application/json",
         {503}});
    add({"GET",
         R"(/metrics)",
         "/metrics",
         "",
         "Prometheus metrics (text)",
         true,
         "",
         {},
         {},
         {{200, nullptr}},
         nullptr,
         "text/plain",
         {}});
    add({"GET",
         R"(/v1/openapi\.json)",
         "/v1/openapi.json",
         "",
         "This document",
         true,
         "",
         {},
         {},
         {{200, ref("OpenApiDocument")}},
         nullptr,
         "application/json",
         {}});
    add({"GET",
         R"(/v1/search)",
         "/v1/search",
         "",
         "Full-text search over the published articles",
         true,
         "",
         {},
         {},
         {{200, ref("SearchResponse")}},
         {{"hits",
           {{{"slug", "en/refund-not-received"},
             {"title", "Refund not received in the wallet"},
             {"summary", "The customer cancelled the order but the refund has not arrived."},
             {"snippet", "the <mark>refund</mark> has not arrived"},
             {"lang", "en"},
             {"tags", {"refund"}},
             {"category", "payments"},
             {"owner", "payments-team"},
             {"status", "published"},
             {"audience", "public"},
             {"updated", "2026-10-01"},
             {"reviewed", "2026-10-01"},
             {"review_due", "2027-04-01"},
             {"score", 3.2},
             {"percent", 100},
             {"url", "/?a=en/refund-not-received"}}}},
          {"total_estimate", 1},
          {"total_any_word", 4},
          {"corrected", nullptr},
          {"query_language", "en"},
          {"took_ms", 1.4},
          {"facets",
           {{"tags", {{{"value", "refund"}, {"count", 1}}}},
            {"categories", {{{"value", "payments"}, {"count", 1}}}}}},
          {"query", "refund"},
          {"offset", 0},
          {"limit", 10},
          {"search_id", "s-5d1c2e"}},
         "application/json",
         {}});
    add({"GET",
         R"(/v1/articles)",
         "/v1/articles",
         "",
         "List the articles (offset or cursor paging)",
         true,
         "",
         {},
         {},
         {{200, ref("ArticleList")}},
         {{"articles", json::array()}, {"total", 0}, {"offset", 0}, {"limit", 50}, {"next_cursor", nullptr}},
         "application/json",
         {}});
    const std::string json_type = "application/json";
    add({"GET",
         R"(/v1/articles/(.+)/revisions)",
         "/v1/articles/{slug}/revisions",
         "",
         "An article's revisions",
         true,
         "",
         {},
         {},
         {{200, ref("RevisionList")}},
         nullptr,
         json_type,
         {404}});
    add({"GET",
         R"(/v1/articles/(.+)/revisions/([0-9]+))",
         "/v1/articles/{slug}/revisions/{revision}",
         "",
         "One revision's text",
         true,
         "",
         {},
         {},
         {{200, ref("RevisionText")}},
         nullptr,
         json_type,
         {404}});
    add({"GET",
         R"(/v1/articles/(.+)/diff)",
         "/v1/articles/{slug}/diff",
         "",
         "Differences between revisions",
         true,
         "",
         {},
         {},
         {{200, ref("Diff")}},
         nullptr,
         json_type,
         {404}});
    add({"POST",
         R"(/v1/articles/(.+)/merge)",
         "/v1/articles/{slug}/merge",
         "article_merge",
         "Three-way merge of an editor's body with the article as it is now (after a 412); writes nothing",
         true,
         "application/json",
         ref("MergeRequest"),
         {{"base", "Refunds arrive in 3 days."}, {"yours", "Refunds arrive in 3 working days."}},
         {{200, ref("MergeResult")}},
         nullptr,
         json_type,
         {404, 409}});
    add({"GET",
         R"(/v1/articles/(.+)/draft)",
         "/v1/articles/{slug}/draft",
         "",
         "The draft beside a published article",
         true,
         "",
         {},
         {},
         {{200, ref("Draft")}},
         nullptr,
         json_type,
         {404}});
    add({"GET",
         R"(/v1/articles/(.+))",
         "/v1/articles/{slug}",
         "",
         "One article: front matter, Markdown and HTML",
         true,
         "",
         {},
         {},
         {{200, ref("Article")}},
         nullptr,
         json_type,
         {404}});
    const json write_example = {{"slug", "en/refund-not-received"},
                                {"revision", 2},
                                {"etag", "\"9f2c\""},
                                {"status", "published"},
                                {"created", false},
                                {"draft_copy", false},
                                {"warnings", json::array()},
                                {"took_ms", 12.5}};
    add({"PUT",
         R"(/v1/articles/(.+))",
         "/v1/articles/{slug}",
         "article_write",
         "Create or replace an article (text/markdown, or JSON front matter and body); If-Match for "
         "optimistic locking, If-None-Match: * to create only",
         true,
         "application/json",
         ref("ArticleBody"),
         {{"front_matter", {{"title", "Refund not received in the wallet"}, {"lang", "en"}}},
          {"body", "Refunds reach the wallet within three working days."}},
         {{200, ref("WriteResult")}, {201, ref("WriteResult")}},
         write_example,
         json_type,
         {409, 412, 413, 415, 422, 507},
         true});
    add({"DELETE",
         R"(/v1/articles/(.+))",
         "/v1/articles/{slug}",
         "article_archive",
         "Archive an article",
         true,
         "",
         {},
         {},
         {{200, ref("WriteResult")}},
         write_example,
         json_type,
         {404, 409, 412, 507}});
    add({"POST",
         R"(/v1/articles/(.+)/restore)",
         "/v1/articles/{slug}/restore",
         "",
         "Restore an archived article or an earlier revision",
         true,
         "application/json",
         ref("RestoreRequest"),
         {{"revision", 1}, {"note", "back to the reviewed text"}},
         {{200, ref("WriteResult")}},
         write_example,
         json_type,
         {404, 409, 412, 415, 422, 507}});
    add({"POST",
         R"(/v1/preview)",
         "/v1/preview",
         "",
         "Render and lint an article without saving it",
         true,
         "application/json",
         ref("PreviewBody"),
         nullptr,
         {{200, ref("Preview")}},
         nullptr,
         json_type,
         {413, 415},
         true});
    add({"POST",
         R"(/v1/drafts/from-ticket)",
         "/v1/drafts/from-ticket",
         "",
         "A draft article from a ticket",
         true,
         "application/json",
         ref("DraftFromTicketRequest"),
         {{"subject", "Refund ke kartu kredit belum masuk"}, {"body", "Sudah dua minggu."}},
         {{201, ref("DraftFromTicket")}, {200, ref("DraftProposal")}},
         nullptr,
         json_type,
         {409, 412, 415, 422, 507}});
    add({"POST",
         R"(/v1/admin/reindex)",
         "/v1/admin/reindex",
         "",
         "Rebuild the index from the articles folder",
         true,
         "",
         {},
         {},
         {{200, ref("Reindex")}},
         nullptr,
         json_type,
         {409, 507}});
    add({"POST",
         R"(/v1/suggest)",
         "/v1/suggest",
         "",
         "Articles that may solve a ticket",
         true,
         "application/json",
         ref("SuggestRequest"),
         {{"ticket_id", 4711},
          {"subject", "Refund belum masuk"},
          {"body", "Sudah 3 hari refund belum masuk ke saldo."}},
         {{200, ref("SuggestResponse")}},
         {{"suggestions",
           {{{"slug", "pembayaran/refund-belum-masuk"},
             {"title", "Refund belum masuk ke saldo RayaPay"},
             {"lang", "id"},
             {"audience", "public"},
             {"confidence", 0.82},
             {"coverage", 0.9},
             {"score", 4.1},
             {"snippet", "<mark>refund</mark> belum masuk ke saldo"},
             {"matched", {"refund", "saldo"}},
             {"learned", false},
             {"reason", "matches refund, saldo"},
             {"similar_tickets", {{"count", 0}, {"ticket_ids", json::array()}}},
             {"url", "/?a=pembayaran/refund-belum-masuk"}}}},
          {"language", "id"},
          {"language_detected", true},
          {"key_terms", {"refund", "saldo"}},
          {"unknown_words", json::array()},
          {"codes", json::array()},
          {"gap", false},
          {"threshold", 0.35},
          {"took_ms", 3.1},
          {"ticket_id", "4711"}},
         json_type,
         {415}});
    add({"POST",
         R"(/v1/feedback)",
         "/v1/feedback",
         "",
         "What an article did for a ticket",
         true,
         "application/json",
         ref("FeedbackRequest"),
         {{"ticket_id", "4711"}, {"slug", "pembayaran/refund-belum-masuk"}, {"kind", "resolved"}},
         {{201, ref("FeedbackResponse")}, {200, ref("FeedbackResponse")}},
         {{"recorded", true},
          {"duplicate", false},
          {"ticket_id", "4711"},
          {"slug", "pembayaran/refund-belum-masuk"},
          {"kind", "resolved"},
          {"terms_from", "suggestion"},
          {"terms", {"refund", "saldo"}},
          {"learning", true}},
         json_type,
         {415}});
    const json withdrawal_example = {{"withdrawn", 1},
                                     {"ticket_id", "4711"},
                                     {"slug", "pembayaran/refund-belum-masuk"},
                                     {"kinds", {"resolved"}},
                                     {"cases_withdrawn", 1}};
    add({"DELETE",
         R"(/v1/feedback/([^/]+)/(.+))",
         "/v1/feedback/{ticket_id}/{slug}",
         "feedback_withdraw",
         "Take back a ticket's feedback on an article (all kinds, or ?kind=)",
         true,
         "",
         {},
         {},
         {{200, ref("Withdrawal")}},
         withdrawal_example,
         json_type,
         {404}});
    add({"DELETE",
         R"(/v1/feedback)",
         "/v1/feedback",
         "feedback_withdraw_query",
         "Take back feedback: the query form, for a ticket id with a '/'",
         true,
         "",
         {},
         {},
         {{200, ref("Withdrawal")}},
         withdrawal_example,
         json_type,
         {404}});
    add({"POST",
         R"(/v1/feedback/withdraw)",
         "/v1/feedback/withdraw",
         "",
         "Take back everything a token filed in a time range (unknown fields always refused)",
         true,
         "application/json",
         ref("BulkWithdrawalRequest"),
         {{"principal", "zendesk"}, {"since", "2026-12-01"}, {"until", "2026-12-07"}},
         {{200, ref("BulkWithdrawal")}},
         {{"principal", "zendesk"},
          {"since", 1764547200},
          {"until", 1765151999},
          {"withdrawn", 2},
          {"by_kind", {{"resolved", 2}}},
          {"slugs", {"pembayaran/refund-belum-masuk"}},
          {"cases_withdrawn", 2}},
         json_type,
         {415}});
    add({"DELETE",
         R"(/v1/tickets/(.+))",
         "/v1/tickets/{ticket_id}",
         "",
         "Erase what is kept of a customer's ticket",
         true,
         "",
         {},
         {},
         {{200, ref("TicketErasure")}},
         nullptr,
         json_type,
         {404}});
    add({"GET",
         R"(/v1/whoami)",
         "/v1/whoami",
         "",
         "The caller's name, role and the routes it may use",
         true,
         "",
         {},
         {},
         {{200, ref("WhoAmI")}},
         {{"name", "zendesk"},
          {"role", "ticket-system"},
          {"tokens_required", true},
          {"can", {"search", "suggest"}}},
         json_type,
         {}});
    add({"GET",
         R"(/)",
         "/",
         "page",
         "The agents' web page",
         true,
         "",
         {},
         {},
         {{200, nullptr}},
         nullptr,
         "text/html",
         {}});
    add({"GET",
         R"(/(lead|api|edit|edit/.+))",
         "/{page}",
         "page_app",
         "The web page's other addresses (lead, api: the API reference, edit)",
         true,
         "",
         {},
         {},
         {{200, nullptr}},
         nullptr,
         "text/html",
         {}});
    add({"GET",
         R"(/assets/(.+))",
         "/assets/{file}",
         "",
         "The web page's assets",
         true,
         "",
         {},
         {},
         {{200, nullptr}},
         nullptr,
         "application/octet-stream",
         {404}});
    for (const auto& [pattern, path, what, id] :
         {std::tuple{R"(/v1/reports/stale/(.+)/actions)", "/v1/reports/stale/{slug}/actions",
                     "a stale article", "report_stale_item"},
          std::tuple{R"(/v1/reports/gaps/([^/]+)/actions)", "/v1/reports/gaps/{id}/actions", "a gap",
                     "report_gap_item"}}) {
      add({"GET",
           pattern,
           path,
           std::string(id) + "_actions",
           std::string("The leads' actions on ") + what + ", oldest first, and its state",
           true,
           "",
           {},
           {},
           {{200, ref("LeadActionHistory")}},
           nullptr,
           json_type,
           {404}});
      add({"POST",
           pattern,
           path,
           std::string(id) + "_action",
           std::string("Take an action on ") + what +
               " (reviewed: articles only, a revision by the caller; assign, snooze, dismiss, reopen)",
           true,
           json_type,
           ref("LeadActionRequest"),
           {{"action", "snooze"}, {"until", "2027-01-15"}, {"note", "after the January release"}},
           {{201, ref("LeadActionResult")}},
           nullptr,
           json_type,
           {404, 409, 412, 415, 422, 507}});
    }
    const json stale_example{
        {"as_of", "2026-12-07"},
        {"usage_days", 90},
        {"articles_checked", 61},
        {"count", 1},
        {"hidden", 0},
        {"limit", 100},
        {"returned", 1},
        {"unused_checked", true},
        {"usage_since", "2026-09-01"},
        {"files_checked", true},
        {"owners",
         {{{"owner", "tim-cs-ops"},
           {"count", 1},
           {"reasons", {{"review_overdue", 1}}},
           {"slugs", {"akun/ganti-nomor-hp"}}}}},
        {"articles",
         {{{"rank", 1},
           {"slug", "akun/ganti-nomor-hp"},
           {"title", "Ganti nomor HP"},
           {"owner", "tim-cs-ops"},
           {"category", "akun"},
           {"lang", "id"},
           {"audience", "public"},
           {"impact", 4.0},
           {"staleness", 3.0},
           {"reliance", 1.0},
           {"usage", {{"views", 12}, {"search_hits", 30}, {"suggested", 4}, {"resolved", 2}}},
           {"reasons",
            {{{"code", "review_overdue"},
              {"weight", 3.0},
              {"summary", "review overdue by 20 days (reviewed 2026-08-19, every 90 days)"},
              {"evidence", {{"days_overdue", 20}, {"reviewed", "2026-08-19"}, {"review_every_days", 90}}}}}},
           {"state",
            {{"assigned_to", "dewi"},
             {"snoozed_until", nullptr},
             {"dismissed", false},
             {"hidden", false},
             {"last",
              {{"action", "assign"}, {"by", "rahmat"}, {"at", "2026-12-06T03:10:00Z"}, {"note", ""}}}}},
           {"reviewed", "2026-08-19"},
           {"review_due", "2026-11-17"},
           {"valid_to", nullptr}}}}};
    const json sources_example{{"searches", {"page"}}, {"tickets", {"page", "ticket_system"}}};
    const json gaps_example{
        {"since", "2026-11-08"},
        {"until", "2026-12-07"},
        {"time_zone", "Asia/Jakarta"},
        {"events", 3},
        {"count", 1},
        {"hidden", 0},
        {"clusters",
         {{{"id", "g0123456789abcdef"},
           {"state",
            {{"assigned_to", nullptr},
             {"snoozed_until", nullptr},
             {"dismissed", false},
             {"hidden", false},
             {"last", nullptr}}},
           {"label", "kripto bayar"},
           {"terms", {"kripto", "bayar"}},
           {"count", 3},
           {"kinds",
            {{"zero_result", 0}, {"no_click", 1}, {"no_confident_suggestion", 2}, {"not_helpful", 0}}},
           {"first_seen", "2026-12-01T02:00:00Z"},
           {"last_seen", "2026-12-06T08:30:00Z"},
           {"first_day", "2026-12-01"},
           {"last_day", "2026-12-06"},
           {"examples", {"bisa bayar pakai kripto?"}},
           {"lang", "id"},
           {"nearest", nullptr},
           {"draft", {{"subject", "bisa bayar pakai kripto?"}, {"body", "bisa bayar pakai kripto?"}}}}}},
        {"sources", sources_example}};
    const json searches_example{
        {"since", "2026-12-06"},
        {"until", "2026-12-07"},
        {"days",
         {{{"day", "2026-12-06"}, {"searches", 40}, {"zero_results", 1}, {"judged", 30}, {"unanswered", 6}},
          {{"day", "2026-12-07"}, {"searches", 12}, {"zero_results", 0}, {"judged", 10}, {"unanswered", 1}}}},
        {"searches", 52},
        {"judged", 40},
        {"unanswered", 7},
        {"unanswered_share", 0.175},
        {"sources", sources_example}};
    for (const auto& [name, path, what, schema, example] :
         {std::tuple{"reports_stale", "/v1/reports/stale",
                     "The stale report: articles that need attention, why and in what order, by owner",
                     "StaleReport", stale_example},
          std::tuple{"reports_gaps", "/v1/reports/gaps",
                     "The content-gap inbox: what was searched for or asked and not answered, clustered",
                     "GapReport", gaps_example},
          std::tuple{"reports_searches", "/v1/reports/searches",
                     "Searches per day and how many went unanswered, for the lead's chart", "SearchDays",
                     searches_example}})
      add({"GET",
           path,
           path,
           name,
           std::string(what) + " (format=csv: the same as CSV, except searches)",
           true,
           "",
           {},
           {},
           {{200, ref(schema)}},
           example,
           json_type,
           {}});
    // Outgoing webhooks: the delivery log, a test ping, redelivery (webhooks.cpp).
    for (auto& w : webhook_route_docs()) add(std::move(w));
    return d;
  }();
  return docs;
}

nlohmann::json openapi_document(const std::vector<Route>& routes) {
  json doc{{"openapi", "3.1.0"},
           {"info",
            {{"title", "Solusi"},
             {"version", "1"},
             {"description",
              "Knowledge-base search and ticket suggestions. Every error is {\"error\":{\"code\",\"message\","
              "\"request_id\"}}; the codes are listed in components.schemas.ErrorCode and x-error-codes. "
              "Versioning: /v1 only grows (new routes, new optional fields and parameters); a field is never "
              "removed or changes meaning within /v1 (see the README)."}}},
           {"components", components()},
           {"paths", json::object()}};
  auto codes = json::array();
  for (const auto& e : error_codes)
    codes.push_back({{"code", e.code}, {"status", e.status}, {"meaning", e.meaning}});
  doc["x-error-codes"] = std::move(codes);
  auto order = json::array();
  auto not_described = json::array();
  for (const auto& route : routes) {
    const auto& docs = route_docs();
    const auto d = std::find_if(docs.begin(), docs.end(), [&](const RouteDoc& x) {
      return x.method == route.method && x.pattern == route.pattern;
    });
    const std::string path = d == docs.end() ? route.pattern : d->path;
    const std::string id = d == docs.end() || d->operation_id.empty() ? route.name : d->operation_id;
    json op{{"operationId", id},
            {"summary", d == docs.end() ? "" : d->summary},
            {"x-solusi-access", access_name(route.access)},
            {"x-solusi-pattern", route.pattern},
            {"description", std::string("Who may call it: ") + access_roles(route.access) + "."}};
    op["security"] =
        route.access == Access::open ? json::array() : json::array({{{"bearerAuth", json::array()}}});
    auto params = json::array();
    static const std::regex brace(R"(\{([a-z_]+)\})");
    for (auto it = std::sregex_iterator(path.begin(), path.end(), brace); it != std::sregex_iterator(); ++it)
      params.push_back({{"name", (*it)[1].str()}, {"in", "path"}, {"required", true}, {"schema", str()}});
    auto query = route.params;
    if (route.access != Access::open) query.push_back("strict");
    for (const auto& p : query)
      params.push_back({{"name", p},
                        {"in", "query"},
                        {"required", route.name == "search" && p == "q"},
                        {"schema", parameter_schema(p)}});
    if (!params.empty()) op["parameters"] = std::move(params);
    json responses = json::object();
    if (d != docs.end()) {
      if (!d->request_type.empty()) {
        json media{{"schema", d->request}};
        if (!d->request_example.is_null()) media["example"] = d->request_example;
        json content{{d->request_type, media}};
        if (d->markdown_too)
          content["text/markdown"] = {
              {"schema",
               {{"type", "string"}, {"description", "the whole article: front matter and Markdown"}}}};
        op["requestBody"] = {{"required", route.name != "article_restore"}, {"content", std::move(content)}};
      }
      bool first = true;
      for (const auto& [status, schema] : d->responses) {
        json media = json::object();
        if (!schema.is_null()) media["schema"] = schema;
        if (first && !d->response_example.is_null()) media["example"] = d->response_example;
        first = false;
        json response{{"description", reason(status)}};
        if (!d->described) response["description"] = "not yet described";
        response["content"] = {{d->content_type, media}};
        responses[std::to_string(status)] = std::move(response);
      }
      for (int status : d->errors)
        responses[std::to_string(status)] =
            error_response(reason(status), status == 412 ? "PreconditionFailed" : "Error");
      if (!d->described) {
        op["x-not-yet-described"] = true;
        not_described.push_back(route.method + " " + path);
      }
    }
    if (route.access != Access::open)
      for (int status : {400, 401, 403, 429, 503})
        if (!responses.contains(std::to_string(status)))
          responses[std::to_string(status)] = error_response(reason(status));
    responses["default"] = error_response("Any other error (see x-error-codes)");
    op["responses"] = std::move(responses);
    doc["paths"][path][lower(route.method)] = std::move(op);
    order.push_back(
        {{"method", route.method}, {"pattern", route.pattern}, {"path", path}, {"operationId", id}});
  }
  doc["x-solusi-routes"] = std::move(order);
  doc["x-not-yet-described"] = std::move(not_described);
  return doc;
}

}  // namespace solusi::service
