#include "server.hpp"

#include <httplib.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "api.hpp"
#include "articles.hpp"
#include "case_model.hpp"
#include "cases.hpp"
#include "connections.hpp"
#include "editing.hpp"
#include "events.hpp"
#include "guard.hpp"
#include "index_writer.hpp"
#include "integration.hpp"
#include "lead_actions.hpp"
#include "metrics.hpp"
#include "openapi.hpp"
#include "publisher.hpp"
#include "report_sources.hpp"
#include "reports.hpp"
#include "schema.hpp"
#include "search_days.hpp"
#include "search_json.hpp"
#include "searcher.hpp"
#include "suggest.hpp"
#include "text.hpp"
#include "time_zone.hpp"
#include "usage_log.hpp"
#include "web.hpp"
#include "webhooks.hpp"

namespace solusi::service {
namespace {

using Clock = std::chrono::steady_clock;

/// The gap inbox's window without ?since=: the as_of day and the days before it.
constexpr int default_gap_days = 30;

/// The longest ticket id taken (the field of POST /v1/suggest and /v1/feedback, and the URL segment of
/// the withdrawal and erasure routes).
constexpr size_t max_ticket_id_bytes = 200;

std::string iso_now() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

/// A configured number as people write it: "50", "0.5".
std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

/// True when every '%' in the raw request target starts a valid "%XX" escape.
bool valid_percent_encoding(std::string_view target) {
  auto hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  for (size_t i = 0; i < target.size(); ++i)
    if (target[i] == '%' && (i + 2 >= target.size() || !hex(target[i + 1]) || !hex(target[i + 2])))
      return false;
  return true;
}

/// Decoded query parameters of the raw request target, every occurrence kept (cpp-httplib merges
/// identical name=value pairs, which would hide a repeated parameter).
std::vector<std::pair<std::string, std::string>> query_params(std::string_view target) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  for (const auto pair : text::split(rest, '&')) {
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string name(pair.substr(0, eq));
    const std::string value(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    out.emplace_back(httplib::detail::decode_url(name, true), httplib::detail::decode_url(value, true));
  }
  return out;
}

/// The 'lang' parameter of search and listing: id or en; absent or empty means both languages.
Result<std::optional<Lang>> lang_param(const ApiRequest& r) {
  auto v = r.single("lang");
  if (!v) return tl::unexpected(v.error());
  if (!*v || (*v)->empty()) return std::optional<Lang>{};
  if (**v != "id" && **v != "en")
    return fail(ErrorCode::invalid_argument, "parameter 'lang' must be id or en (got '" + **v + "')");
  return parse_lang(**v);
}

nlohmann::json article_json(const StoredArticle& a) {
  nlohmann::json j = a.to_json();
  return j;
}

/// Signature of the index on disk: changes with every commit and every new generation.
std::string index_signature(const std::filesystem::path& index_dir) {
  std::ifstream in(index_dir / "XAPIANDB");
  std::string backend, generation;
  in >> backend >> generation;
  struct stat st {};
  if (generation.empty() || ::stat((index_dir / generation / "iamglass").c_str(), &st) != 0)
    return generation;
  return generation + "/" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) +
         "/" + std::to_string(st.st_size);
}

/// The line of @p article where its body starts (after the front matter's closing "---"; 1 without
/// front matter), for a text that did not parse.
int body_line_of(std::string_view article) {
  if (!article.starts_with("---")) return 1;
  int line = 1;
  size_t at = article.find('\n');
  while (at != std::string_view::npos) {
    ++line;
    const std::string_view rest = article.substr(at + 1);
    if (rest.starts_with("---") && (rest.size() == 3 || rest[3] == '\n' || rest[3] == '\r')) return line + 1;
    at = article.find('\n', at + 1);
  }
  return line + 1;
}

/// The front matter field a lint finding is about (the editor's form field), or "".
std::string_view front_matter_field_of(std::string_view code) {
  if (code == "missing_title") return "title";
  if (code == "missing_owner") return "owner";
  if (code == "missing_review_date") return "reviewed";
  if (code == "unknown_audience") return "audience";
  return {};
}

}  // namespace

struct Server::Impl {
  Config config;
  HttpServer http;
  Metrics metrics;
  /// Per-token (or per-address) token buckets of the /v1 routes (integration.hpp).
  RateLimiter limiter;
  std::vector<Route> routes;
  std::string openapi_text;  ///< GET /v1/openapi.json: the document of the routes, made once
  std::thread watcher;
  std::thread warmer;
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;
  bool started = false;
  std::atomic<std::uint64_t> index_epoch{1};
  const Clock::time_point started_at = Clock::now();
  std::unique_ptr<EventStore> events;
  /// The single writer: articles, the index, learned terms (created in start()).
  std::unique_ptr<Publisher> publisher;
  /// Searches and article views, written to events.db off the request path.
  std::unique_ptr<UsageLog> usage;
  /// Outgoing webhooks: queued with each revision and gap, delivered by a thread of its own.
  std::unique_ptr<Webhooks> webhooks;
  /// The case index's writer (cases.hpp) and the thread that keeps it in line with events.db: woken by
  /// every resolution and withdrawal, so the next suggestion sees it.
  std::unique_ptr<CaseWriter> case_writer;
  std::thread case_learner;
  bool cases_dirty = false;  ///< guarded by mu
  std::filesystem::path cases_path;
  std::atomic<std::int64_t> cases_synced_seq{0};
  std::atomic<std::size_t> cases_indexed{0};
  /// The linear model over the cases (case_model.hpp), retrained by model_trainer when cases changed.
  std::thread model_trainer;
  std::mutex model_mu;
  std::shared_ptr<const CaseModel> case_model;  ///< guarded by model_mu; null: none yet
  /// Cases are retrained on once they have been quiet this long, or at the latest this often.
  static constexpr auto model_quiet = std::chrono::seconds(2);
  static constexpr auto model_max_wait = std::chrono::seconds(60);
  /// The reports' facts of every article, computed once per index epoch (guarded by facts_mu).
  std::mutex facts_mu;
  std::shared_ptr<const std::vector<ArticleFacts>> facts;
  std::uint64_t facts_epoch = 0;
  /// The stale report's base (lookups, near-copies) over stale_base_facts, reused while it serves a
  /// request (guarded by base_mu).
  std::mutex base_mu;
  std::shared_ptr<const StaleBase> stale_base_cache;
  std::shared_ptr<const std::vector<ArticleFacts>> stale_base_facts;  ///< what the base points into
  std::atomic<std::uint64_t> stale_bases_built{0};
  /// The warmer builds the facts and the base once the index has been quiet this long.
  static constexpr auto warm_delay = std::chrono::seconds(2);

  struct Reader {
    std::optional<Searcher> searcher;
    std::uint64_t epoch = 0;
  };

  explicit Impl(Config c)
      : config(std::move(c)),
        http(connection_limits(config)),
        limiter(
            RateLimitOptions{config.rate_limit_per_second, config.rate_limit_burst, max_rate_limit_keys}) {
    build_routes();
  }

  static ConnectionLimits connection_limits(const Config& c) {
    ConnectionLimits l;
    l.workers = std::max(1u, c.threads);
    l.max_body_bytes = c.max_body_bytes;
    l.max_connections = c.max_connections;
    l.head_timeout = std::chrono::milliseconds(c.header_timeout_ms);
    l.request_timeout = std::chrono::milliseconds(c.request_timeout_ms);
    l.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
    l.max_queued_requests = c.max_queued_requests;
    return l;
  }

  /// This worker thread's own reader, reopened when the index moved on.
  Result<Searcher*> reader() {
    thread_local std::unordered_map<const Impl*, Reader> readers;
    Reader& r = readers[this];
    const std::uint64_t epoch = index_epoch.load(std::memory_order_acquire);
    if (!r.searcher) {
      auto s = Searcher::open(config.index_dir);
      if (!s) return tl::unexpected(s.error());
      r.searcher.emplace(std::move(*s));
      r.epoch = epoch;
    } else if (r.epoch != epoch) {
      if (auto ok = r.searcher->refresh(); !ok) {
        r.searcher.reset();
        return tl::unexpected(ok.error());
      }
      r.epoch = epoch;
    }
    return &*r.searcher;
  }

  void watch_index() {
    std::string last = index_signature(config.index_dir);
    std::unique_lock lk(mu);
    while (!stopping) {
      wake.wait_for(lk, std::chrono::milliseconds(config.index_poll_ms));
      if (stopping) break;
      lk.unlock();
      std::string now = last;
      report_exceptions("index watcher", [&] { now = index_signature(config.index_dir); });
      lk.lock();
      if (now != last) {
        last = std::move(now);
        index_epoch.fetch_add(1, std::memory_order_acq_rel);
        wake.notify_all();  // the warmer
      }
    }
  }

  /// Keeps the reports' facts and today's stale-report base ready: at start and after each index
  /// change, once the index has been quiet for warm_delay (a burst of publishes is read once), so a
  /// team lead's report does not wait for every article to be read.
  void warm_reports() {
    std::uint64_t warmed = 0;
    std::unique_lock lk(mu);
    while (!stopping) {
      const std::uint64_t epoch = index_epoch.load(std::memory_order_acquire);
      if (epoch == warmed) {
        wake.wait(lk);
        continue;
      }
      if (wake.wait_for(lk, warm_delay,
                        [&] { return stopping || index_epoch.load(std::memory_order_acquire) != epoch; }))
        continue;
      lk.unlock();
      // A failure (the index changed under the reader, a damaged table) leaves the reports to compute
      // on demand; the next index change tries again.
      report_exceptions("report warm-up", [&] {
        StaleOptions o;
        o.as_of = day_of(events->now());
        if (auto articles = article_facts(); articles) (void)stale_base_for(*articles, o);
      });
      warmed = epoch;
      lk.lock();
    }
  }

  void queue_learning(const std::string& slug) { publisher->learned_changed(slug); }

  /// Wakes the case learner: cases were written, withdrawn or deleted.
  void cases_changed() {
    {
      std::lock_guard lk(mu);
      cases_dirty = true;
    }
    wake.notify_all();
  }

  void learn_cases() {
    std::unique_lock lk(mu);
    while (!stopping) {
      if (!cases_dirty) {
        wake.wait_for(lk, std::chrono::seconds(1));  // also catches cases written by another process
        if (stopping) break;
      }
      cases_dirty = false;
      lk.unlock();
      report_exceptions("case learner", [&] {
        if (auto r = case_writer->sync(*events); !r) {
          std::cerr << "solusi: case index: " << r.error().describe() << "\n";
        } else {
          cases_synced_seq.store(r->seq, std::memory_order_release);
          cases_indexed.store(r->total, std::memory_order_release);
        }
      });
      lk.lock();
    }
  }

  std::shared_ptr<const CaseModel> current_model() {
    std::lock_guard lk(model_mu);
    return case_model;
  }

  /// Retrains the linear model when the cases changed: once they have been quiet for model_quiet, or
  /// after model_max_wait while they keep changing.
  void train_models() {
    std::int64_t trained_at = 0, seen = 0;
    Clock::time_point changed_at = Clock::now(), pending_since = changed_at;
    bool pending = false;
    std::unique_lock lk(mu);
    while (!stopping) {
      wake.wait_for(lk, std::chrono::milliseconds(500));
      if (stopping) break;
      const std::int64_t seq = cases_synced_seq.load(std::memory_order_acquire);
      const auto now = Clock::now();
      if (seq == trained_at) {
        pending = false;
        continue;
      }
      if (seq != seen) {
        seen = seq;
        changed_at = now;
        if (!pending) pending_since = now;
        pending = true;
      }
      if (now - changed_at < model_quiet && now - pending_since < model_max_wait) continue;
      lk.unlock();
      report_exceptions("model trainer", [&] {
        auto cases = events->active_cases(max_model_training_cases);
        if (!cases) throw std::runtime_error(cases.error().describe());
        auto model = CaseModel::train(*cases, seq);
        std::lock_guard m(model_mu);
        if (model) {
          case_model = std::move(*model);
        } else {
          case_model.reset();  // too few cases left (withdrawn): no model rather than a stale one
        }
      });
      trained_at = seq;  // a failure waits for the next change rather than retrying in a loop
      pending = false;
      lk.lock();
    }
  }

  /// This worker thread's reader of the case index, refreshed on every use (cheap when unchanged).
  CaseReader& case_reader() {
    thread_local std::unordered_map<const Impl*, CaseReader> readers;
    auto it = readers.find(this);
    if (it == readers.end()) it = readers.emplace(this, CaseReader::open(cases_path)).first;
    it->second.refresh();
    return it->second;
  }

  // ------------------------------------------------------------------------------------------
  // Handlers

  Result<ApiResponse> search(const ApiRequest& r) {
    SearchRequest s;
    auto q = r.single("q");
    if (!q) return tl::unexpected(q.error());
    if (!*q) return fail(ErrorCode::invalid_argument, "parameter 'q' is required");
    s.q = **q;
    if (auto lang = lang_param(r); !lang)
      return tl::unexpected(lang.error());
    else
      s.lang = *lang;
    for (auto& tag : r.all("tag"))  // an empty filter value is no filter, as in the listing
      if (!tag.empty()) s.tags.push_back(std::move(tag));
    if (auto v = r.single("category"); !v)
      return tl::unexpected(v.error());
    else if (*v && !(*v)->empty())
      s.category = **v;
    if (auto v = r.single("limit"); !v)
      return tl::unexpected(v.error());
    else if (*v) {
      auto n = parse_count("limit", **v, 1, max_limit);
      if (!n) return tl::unexpected(n.error());
      s.limit = *n;
    }
    if (auto v = r.single("offset"); !v)
      return tl::unexpected(v.error());
    else if (*v) {
      auto n = parse_count("offset", **v, 0, max_window - 1);
      if (!n) return tl::unexpected(n.error());
      s.offset = *n;
    }
    s.facets = true;
    if (auto v = r.single("facets"); !v)
      return tl::unexpected(v.error());
    else if (*v) {
      auto f = parse_flag("facets", **v);
      if (!f) return tl::unexpected(f.error());
      s.facets = *f;
    }
    if (auto v = r.single("audience"); !v)
      return tl::unexpected(v.error());
    else if (*v) {
      if (**v != "public" && **v != "all")
        return fail(ErrorCode::invalid_argument,
                    "parameter 'audience' must be public or all (got '" + **v + "')");
      s.public_only = **v == "public";
    }
    if (r.principal.role == Role::public_) s.public_only = true;

    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    auto result = (*searcher)->search(s);
    if (!result) return tl::unexpected(result.error());
    std::string search_id;
    if (s.offset == 0 && usage) {  // one search, however many pages the agent turns
      SearchEvent e;
      e.source = source_of(r);
      e.search_id = search_id = new_search_id();
      e.at = events->now();
      e.query = normalize_query(s.q);
      if (const auto lang = s.lang ? s.lang : result->query_language) e.lang = lang_code(*lang);
      e.hits = result->total_estimate;
      for (const auto& h : result->hits) e.shown.push_back(h.slug);
      e.principal = author_of(r);
      usage->record(std::move(e));
    }
    nlohmann::json j = to_json(*result);
    add_urls_to_each(j["hits"]);
    if (!s.facets) j.erase("facets");
    j["query"] = s.q;
    j["offset"] = s.offset;
    j["limit"] = s.limit;
    // The page sends it back with the article it opens from these results (a click on this search).
    if (!search_id.empty()) j["search_id"] = search_id;
    return ApiResponse::json(j);
  }

  /// An article's addresses in an answer (search hit, suggestion, listed or viewed article): "url" in the
  /// agents' page (agent_url_base), and "public_url" in the help centre (public_url_base) when it is set
  /// and the article's audience is public.
  void add_urls(nlohmann::json& item) const {
    if (!item.is_object() || !item.contains("slug") || !item["slug"].is_string()) return;
    const std::string& slug = item["slug"].get_ref<const std::string&>();
    item["url"] = article_url(config.agent_url_base, slug);
    if (!config.public_url_base.empty() && item.value("audience", "") == "public")
      item["public_url"] = article_url(config.public_url_base, slug);
  }
  void add_urls_to_each(nlohmann::json& list) const {
    if (list.is_array())
      for (auto& item : list) add_urls(item);
  }

  /// Where a search or suggestion came from, for the reports: a ticket-system token, else the agent
  /// page when it marked the request (a label only: anyone can send the header), else other API use.
  static EventSource source_of(const ApiRequest& r) {
    if (r.principal.authenticated && r.principal.role == Role::ticket_system)
      return EventSource::ticket_system;
    if (r.client == "web") return EventSource::page;
    return EventSource::api;
  }

  Visibility visibility_for(const Principal& p) const {
    Visibility v;
    v.public_only = p.role == Role::public_;
    if (sees_drafts(p)) {
      v.include_unpublished = true;  // drafts, review copies, archived and scheduled articles
    } else {
      v.today = Date::today();
    }
    return v;
  }

  Result<ApiResponse> article(const ApiRequest& r) {
    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    const std::string& slug = r.path_args.at(0);
    auto a = find_article((*searcher)->database(), slug, visibility_for(r.principal));
    if (!a) return tl::unexpected(a.error());
    auto search_id = r.single("search_id");  // the search it was opened from: a click on that search
    if (!search_id) return tl::unexpected(search_id.error());
    if (*search_id && !valid_search_id(**search_id))
      return fail(ErrorCode::invalid_argument,
                  "parameter 'search_id' must be 1 to " + std::to_string(max_search_id_bytes) +
                      " letters, digits, '_' or '-' (as GET /v1/search returned it)");
    nlohmann::json j = article_json(*a);
    add_urls(j);
    j["markdown"] = a->markdown;
    j["html"] = render_markdown(a->markdown);
    if (usage) usage->record(ViewEvent{events->now(), a->slug, author_of(r), search_id->value_or("")});
    // The ETag of the file as it is now, for an editor's If-Match.
    auto current = publisher->current(slug);
    if (current && *current) {
      // Whether the file sets review_every itself (else the default applies and a save leaves it out).
      j["review_every_set"] = review_every_set(slug, (*current)->first);
      if (sees_drafts(r.principal))
        if (auto draft = publisher->draft_copy(slug); draft && *draft) j["pending_draft"] = true;
    }
    ApiResponse res = ApiResponse::json(j);
    if (current && *current) res.headers.emplace_back("ETag", (*current)->second);
    return res;
  }

  /// Editors and leads see drafts, review copies and archived articles.
  bool sees_drafts(const Principal& p) const {
    return p.authenticated && (p.role == Role::editor || p.role == Role::lead);
  }

  /// The author a write is recorded under: the token's name.
  static std::string author_of(const ApiRequest& r) {
    return r.principal.name.empty() ? "anonymous" : r.principal.name;
  }

  ApiResponse write_response(const WriteResult& w, int status) {
    auto warnings = nlohmann::json::array();
    for (const auto& d : w.warnings)
      warnings.push_back({{"line", d.line}, {"code", d.code}, {"message", d.message}});
    ApiResponse res =
        ApiResponse::json({{"slug", w.slug},
                           {"revision", w.revision},
                           {"etag", w.etag},
                           {"status", w.status},
                           {"created", w.created},
                           {"draft_copy", w.draft_copy},
                           {"draft_etag", w.draft_copy ? nlohmann::json(w.draft_etag) : nlohmann::json()},
                           {"warnings", warnings},
                           {"took_ms", w.took_ms}},
                          status);
    res.headers.emplace_back("ETag", w.etag);
    return res;
  }

  /// A failed write as a response: 412 with who changed the article and when, 422 with the line.
  Result<ApiResponse> write_error(const Error& e, const Conflict& conflict) {
    if (e.code == ErrorCode::precondition_failed) {
      nlohmann::json body = error_body("precondition_failed", e.message);
      body["current_etag"] = conflict.etag;
      if (!conflict.draft_etag.empty()) body["current_draft_etag"] = conflict.draft_etag;
      if (conflict.latest)
        body["changed_by"] = {{"author", conflict.latest->author},
                              {"at", conflict.latest->at},
                              {"revision", conflict.latest->revision},
                              {"note", conflict.latest->note}};
      ApiResponse res = ApiResponse::json(body, 412);
      if (!conflict.etag.empty()) res.headers.emplace_back("ETag", conflict.etag);
      return res;
    }
    if (e.code == ErrorCode::invalid_article) {
      nlohmann::json body = error_body("invalid_article", e.message);
      body["error"]["line"] = e.line;
      return ApiResponse::json(body, 422);
    }
    return tl::unexpected(e);
  }

  Result<std::string> note_of(const ApiRequest& r) {
    auto v = r.single("note");
    if (!v) return tl::unexpected(v.error());
    std::string note = v->value_or("");
    if (note.size() > 500 || !text::is_valid_utf8(note))
      return fail(ErrorCode::invalid_argument, "parameter 'note' must be valid UTF-8 of at most 500 bytes");
    return note;
  }

  Result<ApiResponse> put_article(const ApiRequest& r) {
    WriteRequest w;
    w.slug = r.path_args.at(0);
    w.author = author_of(r);
    auto note = note_of(r);
    if (!note) return tl::unexpected(note.error());
    w.note = *note;
    const std::string type = text::to_lower(text::trim(r.content_type.substr(0, r.content_type.find(';'))));
    if (type == "application/json") {
      auto j = json_object_body(r, {"front_matter", "body", "note"});
      if (!j) return tl::unexpected(j.error());
      if (auto b = j->find("body");
          b != j->end() && b->is_string() && b->get_ref<const std::string&>().size() > max_article_bytes)
        return fail(ErrorCode::too_large,
                    "the article is larger than " + std::to_string(max_article_bytes) + " bytes");
      auto body = string_member(*j, "body", max_article_bytes);
      if (!body) return tl::unexpected(body.error());
      auto n = string_member(*j, "note", 500);
      if (!n) return tl::unexpected(n.error());
      if (*n) w.note = **n;
      const auto fm = j->find("front_matter");
      auto text = article_from_json(fm == j->end() ? nlohmann::json::object() : *fm, body->value_or(""));
      if (!text) return tl::unexpected(text.error());
      w.text = std::move(*text);
    } else if (type == "text/markdown" || type == "text/plain" || type == "text/x-markdown") {
      if (!text::is_valid_utf8(r.body))
        return fail(ErrorCode::invalid_argument, "the article is not valid UTF-8");
      w.text = r.body;
    } else {
      return fail(ErrorCode::unsupported_media_type,
                  "send the article as text/markdown (front matter + body) or application/json "
                  "({\"front_matter\": {…}, \"body\": \"…\"})");
    }
    auto verified_day = apply_verified(r, w);
    if (!verified_day) return tl::unexpected(verified_day.error());
    if (r.if_match) w.if_match = *r.if_match;
    w.must_not_exist = r.if_none_match && text::trim(*r.if_none_match) == "*";
    Conflict conflict;
    auto result = publisher->write(w, &conflict);
    if (!result) return write_error(result.error(), conflict);
    ApiResponse res = write_response(*result, result->created ? 201 : 200);
    if (*verified_day) {  // the date written, for the editor's form
      nlohmann::json body = nlohmann::json::parse(res.body);
      body["reviewed"] = **verified_day;
      ApiResponse out = ApiResponse::json(body, res.status);
      out.headers = res.headers;
      return out;
    }
    return res;
  }

  /// ?verified=true on a publish: the editor checked the content, so `reviewed` becomes today (the
  /// review clock restarts) in the text written; that day, or nullopt without ?verified. Refused on a
  /// write that does not publish.
  Result<std::optional<std::string>> apply_verified(const ApiRequest& r, WriteRequest& w) const {
    auto v = r.single("verified");
    if (!v) return tl::unexpected(v.error());
    if (!*v || **v == "false" || **v == "0") return std::optional<std::string>();
    if (**v != "true" && **v != "1")
      return fail(ErrorCode::invalid_argument, "parameter 'verified' must be true or false");
    ParseOptions po;
    po.default_lang = config.default_lang;
    auto a = parse_article(w.slug + ".md", w.text, po);
    if (!a) return tl::unexpected(a.error());
    if (a->status != Status::published)
      return fail(ErrorCode::invalid_argument,
                  "parameter 'verified' is for a publish (status published), not status " +
                      std::string(to_string(a->status)));
    const std::string today = Date::today().iso();
    auto text = set_front_matter_field(w.text, "reviewed", today);
    if (!text) return tl::unexpected(text.error());
    w.text = std::move(*text);
    return std::optional<std::string>(today);
  }

  Result<ApiResponse> archive_article(const ApiRequest& r) {
    auto note = note_of(r);
    if (!note) return tl::unexpected(note.error());
    Conflict conflict;
    auto result = publisher->archive(r.path_args.at(0), author_of(r), *note, r.if_match, &conflict);
    if (!result) return write_error(result.error(), conflict);
    return write_response(*result, 200);
  }

  Result<ApiResponse> restore_article(const ApiRequest& r) {
    std::optional<int> revision;
    std::string note;
    if (!text::trim(r.body).empty()) {
      auto j = json_object_body(r, {"revision", "note"});
      if (!j) return tl::unexpected(j.error());
      if (auto rev = j->find("revision"); rev != j->end() && !rev->is_null()) {
        if (!rev->is_number_integer() || rev->get<long long>() < 1 || rev->get<long long>() > 1000000000)
          return fail(ErrorCode::invalid_argument, "field 'revision' must be a positive integer");
        revision = rev->get<int>();
      }
      auto n = string_member(*j, "note", 500);
      if (!n) return tl::unexpected(n.error());
      if (*n) note = **n;
    }
    Conflict conflict;
    auto result = publisher->restore(r.path_args.at(0), author_of(r), note, revision, &conflict);
    if (!result) return write_error(result.error(), conflict);
    return write_response(*result, 200);
  }

  static nlohmann::json revision_json(const RevisionInfo& v) {
    return {{"revision", v.revision},      {"author", v.author}, {"at", v.at},
            {"action", v.action},          {"status", v.status}, {"note", v.note},
            {"etag", "\"" + v.hash + "\""}};
  }

  Result<ApiResponse> revisions(const ApiRequest& r) {
    const std::string& slug = r.path_args.at(0);
    if (auto ok = validate_slug(slug); !ok) return tl::unexpected(ok.error());
    auto list = events->revisions(slug);
    if (!list) return tl::unexpected(list.error());
    if (list->empty()) {
      auto current = publisher->current(slug);
      if (!current) return tl::unexpected(current.error());
      if (!*current) return fail(ErrorCode::not_found, "no article '" + slug + "'");
    }
    auto items = nlohmann::json::array();
    for (const auto& v : *list) items.push_back(revision_json(v));
    return ApiResponse::json({{"slug", slug}, {"revisions", items}});
  }

  Result<ApiResponse> revision(const ApiRequest& r) {
    const std::string& slug = r.path_args.at(0);
    if (auto ok = validate_slug(slug); !ok) return tl::unexpected(ok.error());
    auto n = parse_count("revision", r.path_args.at(1), 1, 1000000000);
    if (!n) return tl::unexpected(n.error());
    auto v = events->revision(slug, static_cast<int>(*n));
    if (!v) return tl::unexpected(v.error());
    if (!*v) return fail(ErrorCode::not_found, "article '" + slug + "' has no revision " + r.path_args.at(1));
    nlohmann::json j = revision_json(**v);
    j["slug"] = slug;
    j["text"] = (*v)->text;
    return ApiResponse::json(j);
  }

  Result<ApiResponse> diff(const ApiRequest& r) {
    const std::string& slug = r.path_args.at(0);
    if (auto ok = validate_slug(slug); !ok) return tl::unexpected(ok.error());
    int numbers[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
      auto v = r.single(i == 0 ? "from" : "to");
      if (!v) return tl::unexpected(v.error());
      if (!*v)
        return fail(ErrorCode::invalid_argument,
                    std::string("parameter '") + (i == 0 ? "from" : "to") + "' is required");
      auto n = parse_count(i == 0 ? "from" : "to", **v, 1, 1000000000);
      if (!n) return tl::unexpected(n.error());
      numbers[i] = static_cast<int>(*n);
    }
    std::string texts[2];
    for (int i = 0; i < 2; ++i) {
      auto v = events->revision(slug, numbers[i]);
      if (!v) return tl::unexpected(v.error());
      if (!*v)
        return fail(ErrorCode::not_found,
                    "article '" + slug + "' has no revision " + std::to_string(numbers[i]));
      texts[i] = (*v)->text;
    }
    auto lines = nlohmann::json::array();
    size_t added = 0, removed = 0;
    for (const auto& d : line_diff(texts[0], texts[1])) {
      lines.push_back({{"op", std::string(1, d.op)}, {"text", d.text}});
      added += d.op == '+';
      removed += d.op == '-';
    }
    return ApiResponse::json({{"slug", slug},
                              {"from", numbers[0]},
                              {"to", numbers[1]},
                              {"added", added},
                              {"removed", removed},
                              {"lines", lines}});
  }

  Result<ApiResponse> draft(const ApiRequest& r) {
    const std::string& slug = r.path_args.at(0);
    auto d = publisher->draft_copy(slug);
    if (!d) return tl::unexpected(d.error());
    if (!*d) return fail(ErrorCode::not_found, "article '" + slug + "' has no pending draft");
    nlohmann::json j{{"slug", slug}, {"markdown", **d}, {"etag", etag_of(**d)}};
    // The draft read like GET /v1/articles/{slug} (its front matter as fields, "markdown" the body), so
    // an editor can fill its form; null when the file no longer parses (edited by hand).
    j["article"] = article_fields(slug, **d);
    return ApiResponse::json(j);
  }

  /// An article file read like GET /v1/articles/{slug}: its front matter as fields, "markdown" the
  /// body; null when it does not parse.
  nlohmann::json article_fields(const std::string& slug, const std::string& text) const {
    ParseOptions po;
    po.default_lang = config.default_lang;
    DocumentOptions options;
    options.default_review_days = config.default_review_days;
    auto a = parse_article(slug + ".md", text, po);
    if (!a) return nullptr;
    nlohmann::json article = article_json(stored_article(*a, options));
    article["markdown"] = a->markdown;
    article["review_every_set"] = a->review_every_days > 0;
    return article;
  }

  /// Whether the article file @p text sets review_every (false when it does not parse).
  bool review_every_set(const std::string& slug, const std::string& text) const {
    ParseOptions po;
    po.default_lang = config.default_lang;
    auto a = parse_article(slug + ".md", text, po);
    return a && a->review_every_days > 0;
  }

  /// POST /v1/articles/{slug}/merge {"base": "…", "yours": "…"}: after a 412, the editor's body
  /// ("yours", an edit of "base", the body it started from) merged three-way with the article as it is
  /// now ("theirs": the pending draft when there is one, else the live file). Conflict regions keep
  /// your lines in "merged" and show both sides between marker lines in "marked"; "theirs" is the
  /// article's fields, "etag" the live file's ETag and "draft_etag" the draft's, for the next write.
  Result<ApiResponse> merge(const ApiRequest& r) {
    const std::string& slug = r.path_args.at(0);
    if (auto ok = validate_slug(slug); !ok) return tl::unexpected(ok.error());
    auto j = json_object_body(r, {"base", "yours"});
    if (!j) return tl::unexpected(j.error());
    auto base = string_member(*j, "base", max_article_bytes);
    if (!base) return tl::unexpected(base.error());
    auto yours = string_member(*j, "yours", max_article_bytes);
    if (!yours) return tl::unexpected(yours.error());
    if (!*yours) return fail(ErrorCode::invalid_argument, "field 'yours' (your Markdown body) is required");
    auto current = publisher->current(slug);
    if (!current) return tl::unexpected(current.error());
    if (!*current) return fail(ErrorCode::not_found, "no article '" + slug + "'");
    auto draft = publisher->draft_copy(slug);
    if (!draft) return tl::unexpected(draft.error());
    const std::string& text = *draft ? **draft : (*current)->first;
    nlohmann::json theirs = article_fields(slug, text);
    if (theirs.is_null())
      return fail(ErrorCode::conflict, "the article as it is now does not parse: open it again to see it");
    const Merge m = merge3(base->value_or(""), theirs["markdown"].get_ref<const std::string&>(), **yours);
    auto conflicts = nlohmann::json::array();
    for (const auto& c : m.conflicts)
      conflicts.push_back(
          {{"line", c.line}, {"lines", c.lines}, {"base", c.base}, {"theirs", c.theirs}, {"yours", c.yours}});
    nlohmann::json out{{"slug", slug},
                       {"etag", (*current)->second},
                       {"draft_etag", *draft ? nlohmann::json(etag_of(**draft)) : nlohmann::json(nullptr)},
                       {"theirs", std::move(theirs)},
                       {"clean", m.clean()},
                       {"merged", m.text},
                       {"marked", with_conflict_markers(m)},
                       {"conflicts", std::move(conflicts)}};
    ApiResponse res = ApiResponse::json(out);
    res.headers.emplace_back("ETag", (*current)->second);
    return res;
  }

  Result<ApiResponse> preview(const ApiRequest& r) {
    std::string text;
    const std::string type = text::to_lower(text::trim(r.content_type.substr(0, r.content_type.find(';'))));
    if (type == "application/json") {
      auto j = json_object_body(r, {"front_matter", "body"});
      if (!j) return tl::unexpected(j.error());
      auto body = string_member(*j, "body", max_article_bytes);
      if (!body) return tl::unexpected(body.error());
      const auto fm = j->find("front_matter");
      auto t = article_from_json(fm == j->end() ? nlohmann::json::object() : *fm, body->value_or(""));
      if (!t) return tl::unexpected(t.error());
      text = std::move(*t);
    } else if (type == "text/markdown" || type == "text/plain" || type == "text/x-markdown") {
      if (!text::is_valid_utf8(r.body))
        return fail(ErrorCode::invalid_argument, "the article is not valid UTF-8");
      text = r.body;
    } else {
      return fail(ErrorCode::unsupported_media_type, "send the article as text/markdown or application/json");
    }
    auto findings = nlohmann::json::array();
    ParseOptions po;
    po.default_lang = config.default_lang;
    // Relative links resolve from where the article will live.
    std::string path = "preview.md";
    if (auto v = r.single("slug"); !v) {
      return tl::unexpected(v.error());
    } else if (*v && !(*v)->empty()) {
      if (auto ok = validate_write_slug(**v); !ok) return tl::unexpected(ok.error());
      path = **v + ".md";
    }
    auto a = parse_article(path, text, po);
    std::string body_markdown;
    // The editor shows the front matter as a form and the body as text: each finding says where it
    // is in what the editor sees (body_line, counted from the body's first line, or the form's field),
    // with a code and its values (args) the page words in its own language.
    const int body_start = a ? a->body_line : body_line_of(text);
    auto finding = [&](const char* severity, int line, std::string code, std::string message,
                       nlohmann::json args = nlohmann::json::object()) {
      nlohmann::json f{
          {"severity", severity}, {"line", line}, {"code", code}, {"message", std::move(message)}};
      if (const auto field = front_matter_field_of(code); !field.empty())
        f["field"] = field;
      else if (line >= body_start)
        f["body_line"] = line - body_start + 1;
      if (!args.empty()) f["args"] = std::move(args);
      findings.push_back(std::move(f));
    };
    if (!a) {
      const std::string& m = a.error().message;
      finding("error", a.error().line,
              m == "article body is empty"                   ? "empty_body"
              : m == "article has headings but no body text" ? "headings_only"
                                                             : "invalid_article",
              m);
      // Still show the body as it would render.
      const auto end = text.find("\n---", 3);
      body_markdown = end == std::string::npos ? text : text.substr(text.find('\n', end + 1) + 1);
    } else {
      for (const auto& d : a->warnings) {
        nlohmann::json args = nlohmann::json::object();
        if (const auto v = a->extra.find("audience"); d.code == "unknown_audience" && v != a->extra.end())
          args["value"] = *v;
        if (d.code == "missing_title") args["title"] = a->title;
        finding("warning", d.line, d.code, d.message, std::move(args));
      }
      auto searcher = reader();
      if (searcher)
        for (const auto& link : a->links)
          if (link.article_slug &&
              !(*searcher)->database().term_exists(schema::term(schema::prefix::id, *link.article_slug)))
            finding("warning", link.line, "broken_link",
                    "link to unknown article '" + *link.article_slug + "'", {{"slug", *link.article_slug}});
      body_markdown = a->markdown;
    }
    return ApiResponse::json(
        {{"html", render_markdown(body_markdown)}, {"findings", findings}, {"valid", bool(a)}});
  }

  Result<ApiResponse> draft_from_ticket(const ApiRequest& r) {
    auto j = json_object_body(r, {"subject", "body", "lang", "slug", "tags", "owner", "save"});
    if (!j) return tl::unexpected(j.error());
    bool save = true;  // false: the draft is proposed, not written (the editor writes it when saved)
    if (auto v = j->find("save"); v != j->end()) {
      if (!v->is_boolean()) return fail(ErrorCode::invalid_argument, "'save' must be true or false");
      save = v->get<bool>();
    }
    SuggestRequest s;
    s.threshold = config.suggest_threshold;
    if (auto ok = read_ticket(*j, s); !ok) return tl::unexpected(ok.error());
    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    auto analysis = (*searcher)->analyse_ticket(s);
    if (!analysis) return tl::unexpected(analysis.error());
    const Lang lang = analysis->language;
    // The title without the customer's "!!!" (first: a word with punctuation is not a chat word), in
    // the articles' spelling ("blm" → "belum").
    auto titled = [&](const std::string& words) {
      return draft_title((*searcher)->standard_words(draft_title(words)));
    };
    std::string title = titled(analysis->cleaned_subject);
    if (title.empty()) title = titled(analysis->cleaned_body);
    if (title.empty())
      return fail(ErrorCode::invalid_argument, "the ticket has no words to make a draft from");
    std::vector<std::string> tags;
    if (auto t = j->find("tags"); t != j->end() && t->is_array())
      for (const auto& tag : *t)
        if (tag.is_string()) tags.push_back(tag.get<std::string>());
    auto owner = string_member(*j, "owner", 100);
    if (!owner) return tl::unexpected(owner.error());
    auto slug = string_member(*j, "slug", 150);
    if (!slug) return tl::unexpected(slug.error());
    std::string base = slugify(title, max_draft_slug_bytes);
    if (!validate_write_slug("draft/" + base)) base += "-1";  // "restore", "diff": names of sub-resources
    std::string chosen = *slug && !(*slug)->empty() ? **slug : "draft/" + base;
    if (!*slug || (*slug)->empty())  // a free slug: draft/x, draft/x-2, …
      for (int i = 2; i < 100; ++i) {
        auto cur = publisher->current(chosen);
        if (cur && !*cur) break;
        chosen = "draft/" + base + "-" + std::to_string(i);
      }
    std::string words = analysis->cleaned_subject + "\n" + text::truncate_words(analysis->cleaned_body, 1500);
    WriteRequest w;
    w.slug = chosen;
    w.text = kcs_draft(title, words, lang, owner->value_or(author_of(r)), Date::today().iso(), tags);
    w.author = author_of(r);
    w.note = "draft from a ticket";
    w.must_not_exist = true;
    // Articles that may already cover it: the suggester's ranking, without a threshold.
    auto existing = [&] {
      s.threshold = 0;
      auto similar = (*searcher)->suggest(s);
      auto dup = nlohmann::json::array();
      if (similar)
        for (const auto& x : similar->suggestions)
          if (x.slug != chosen && dup.size() < 5)
            dup.push_back({{"slug", x.slug}, {"title", x.title}, {"confidence", x.confidence}});
      return dup;
    };
    if (!save)
      return ApiResponse::json({{"slug", chosen},
                                {"saved", false},
                                {"markdown", w.text},
                                {"article", article_fields(chosen, w.text)},
                                {"existing", existing()}});
    Conflict conflict;
    auto result = publisher->write(w, &conflict);
    if (!result) return write_error(result.error(), conflict);
    ApiResponse res = write_response(*result, 201);
    nlohmann::json body = nlohmann::json::parse(res.body);
    body["markdown"] = w.text;
    body["existing"] = existing();
    ApiResponse out = ApiResponse::json(body, 201);
    out.headers = res.headers;
    return out;
  }

  Result<ApiResponse> admin_reindex(const ApiRequest&) {
    auto report = publisher->reindex();
    if (!report) return tl::unexpected(report.error());
    auto errors = nlohmann::json::array();
    for (const auto& d : report->errors)
      errors.push_back({{"file", d.file}, {"line", d.line}, {"message", d.message}});
    return ApiResponse::json({{"added", report->added},
                              {"updated", report->updated},
                              {"removed", report->removed},
                              {"unchanged", report->unchanged},
                              {"errors", errors},
                              {"documents", report->documents},
                              {"seconds", report->seconds}});
  }

  Result<ApiResponse> list(const ApiRequest& r) {
    ArticleFilter f;
    for (auto [name, field] : {std::pair{"tag", &f.tag}, std::pair{"category", &f.category},
                               std::pair{"owner", &f.owner}, std::pair{"lang", &f.lang}}) {
      auto v = r.single(name);
      if (!v) return tl::unexpected(v.error());
      if (*v && !(*v)->empty()) *field = **v;
    }
    if (auto lang = lang_param(r); !lang) return tl::unexpected(lang.error());
    if (auto v = r.single("limit"); !v)
      return tl::unexpected(v.error());
    else if (*v) {
      auto n = parse_count("limit", **v, 1, 200);
      if (!n) return tl::unexpected(n.error());
      f.limit = *n;
    }
    if (auto v = r.single("offset"); !v)
      return tl::unexpected(v.error());
    else if (*v) {
      auto n = parse_count("offset", **v, 0, 1000000);
      if (!n) return tl::unexpected(n.error());
      f.offset = *n;
    }
    if (auto v = r.single("cursor"); !v) {
      return tl::unexpected(v.error());
    } else if (*v && !(*v)->empty()) {
      if (f.offset != 0) return fail(ErrorCode::invalid_argument, "give 'cursor' or 'offset', not both");
      auto slug = decode_list_cursor(**v);
      if (!slug) return tl::unexpected(slug.error());
      f.after_slug = std::move(*slug);
    }
    if (auto v = r.single("updated_since"); !v) {
      return tl::unexpected(v.error());
    } else if (*v && !(*v)->empty()) {
      const auto t = parse_time_text(**v, false);
      if (!t)
        return fail(ErrorCode::invalid_argument,
                    "parameter 'updated_since' must be an ISO 8601 date or time (2026-12-07, "
                    "2026-12-07T10:00:00Z, 2026-12-07T17:00:00+07:00) or Unix seconds (got '" +
                        **v + "')");
      // "updated" is a day (UTC): the day of the instant, so nothing changed after it is missed.
      const auto day = *t >= 0 ? *t / 86400 : (*t - 86399) / 86400;
      f.updated_since = Date(std::chrono::sys_days(std::chrono::days(day)));
    }
    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    auto list = list_articles((*searcher)->database(), f, visibility_for(r.principal));
    if (!list) return tl::unexpected(list.error());
    auto items = nlohmann::json::array();
    for (const auto& a : list->articles) {
      items.push_back(article_json(a));
      add_urls(items.back());
    }
    const nlohmann::json next = list->more && !list->articles.empty()
                                    ? nlohmann::json(encode_list_cursor(list->articles.back().slug))
                                    : nlohmann::json();
    return ApiResponse::json({{"articles", items},
                              {"total", list->total},
                              {"offset", f.offset},
                              {"limit", f.limit},
                              {"next_cursor", next}});
  }

  /// Reads the ticket fields shared by /v1/suggest and /v1/feedback.
  static Result<void> read_ticket(const nlohmann::json& j, SuggestRequest& s) {
    // A ticket id may be a number (Zendesk, Freshdesk): kept as its decimal string.
    if (auto v = ticket_id_member(j, "ticket_id", max_ticket_id_bytes); !v)
      return tl::unexpected(v.error());
    else if (*v)
      s.ticket_id = std::move(**v);
    for (auto [name, field, max] : {std::tuple{"subject", &s.subject, max_ticket_bytes},
                                    std::tuple{"body", &s.body, max_ticket_bytes}}) {
      auto v = string_member(j, name, max);
      if (!v) return tl::unexpected(v.error());
      if (*v) *field = std::move(**v);
    }
    if (auto v = string_member(j, "lang", 16); !v) {
      return tl::unexpected(v.error());
    } else if (*v && !(*v)->empty()) {
      if (**v != "id" && **v != "en")
        return fail(ErrorCode::invalid_argument, "field 'lang' must be id or en (got '" + **v + "')");
      s.lang = parse_lang(**v);
    }
    return {};
  }

  Result<ApiResponse> suggest(const ApiRequest& r) {
    auto j =
        json_object_body(r, {"ticket_id", "subject", "body", "tags", "lang", "limit", "audience", "explain"});
    if (!j) return tl::unexpected(j.error());
    SuggestRequest s;
    s.threshold = config.suggest_threshold;
    if (auto ok = read_ticket(*j, s); !ok) return tl::unexpected(ok.error());
    if (auto t = j->find("tags"); t != j->end() && !t->is_null()) {
      if (!t->is_array()) return fail(ErrorCode::invalid_argument, "field 'tags' must be a list of strings");
      for (const auto& tag : *t) {
        if (!tag.is_string())
          return fail(ErrorCode::invalid_argument, "field 'tags' must be a list of strings");
        s.tags.push_back(tag.get<std::string>());
      }
    }
    if (auto l = j->find("limit"); l != j->end() && !l->is_null()) {
      if (!l->is_number_integer() || l->get<long long>() < 1 || l->get<long long>() > long(max_suggestions))
        return fail(ErrorCode::invalid_argument,
                    "field 'limit' must be an integer between 1 and " + std::to_string(max_suggestions));
      s.limit = l->get<size_t>();
    }
    if (auto v = string_member(*j, "audience", 16); !v) {
      return tl::unexpected(v.error());
    } else if (*v) {
      if (**v != "internal" && **v != "public")
        return fail(ErrorCode::invalid_argument,
                    "field 'audience' must be internal or public (got '" + **v + "')");
      s.public_only = **v == "public";
    }
    if (r.principal.role == Role::public_) s.public_only = true;
    if (auto e = j->find("explain"); e != j->end() && !e->is_null()) {
      if (!e->is_boolean()) return fail(ErrorCode::invalid_argument, "field 'explain' must be true or false");
      s.explain = e->get<bool>();
    }
    s.negative_votes = [this](const std::string& slug) { return events->negative_votes(slug); };
    const std::int64_t today = events->now();
    s.case_evidence = [this, today](const std::vector<std::string>& words) {
      return case_reader().evidence(words, today);
    };
    if (auto model = current_model())
      s.model_scores = [model](const std::vector<std::string>& words) { return model->predict(words); };

    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    auto result = (*searcher)->suggest(s);
    if (!result) return tl::unexpected(result.error());

    const std::int64_t now = events->now();
    if (!s.ticket_id.empty() && !result->terms.empty()) {
      TicketRecord t{s.ticket_id,   std::string(lang_code(result->language)),
                     result->terms, text::truncate_words(result->cleaned_subject, 300),
                     now,           text::join(result->words, " ")};
      if (auto ok = events->remember_ticket(t); !ok) return tl::unexpected(ok.error());
    }
    SuggestionLog log;
    log.ticket_id = s.ticket_id;
    log.lang = lang_code(result->language);
    log.terms = result->terms;
    log.text = text::truncate_words(
        text::collapse_whitespace(result->cleaned_subject + "\n" + result->cleaned_body), 500);
    for (const auto& x : result->suggestions) log.shown.push_back(x.slug);
    if (result->best) {
      log.top_slug = result->best->slug;
      log.top_confidence = result->best->confidence;
    }
    log.gap = result->gap;
    log.at = now;
    log.source = source_of(r);
    if (auto ok = events->log_suggestion(log); !ok) return tl::unexpected(ok.error());

    nlohmann::json out = to_json(*result);
    add_urls_to_each(out["suggestions"]);
    if (out.contains("candidates")) add_urls_to_each(out["candidates"]);
    if (result->best && out.contains("best_below_threshold")) {
      out["best_below_threshold"]["audience"] = result->best->audience;
      add_urls(out["best_below_threshold"]);
      out["best_below_threshold"].erase("audience");
    }
    if (!s.ticket_id.empty()) out["ticket_id"] = s.ticket_id;
    return ApiResponse::json(out);
  }

  Result<ApiResponse> feedback(const ApiRequest& r) {
    auto j = json_object_body(r, {"ticket_id", "slug", "kind", "agent", "subject", "body", "lang"});
    if (!j) return tl::unexpected(j.error());
    SuggestRequest ticket;
    if (auto ok = read_ticket(*j, ticket); !ok) return tl::unexpected(ok.error());
    if (text::trim(ticket.ticket_id).empty())
      return fail(ErrorCode::invalid_argument, "field 'ticket_id' is required");
    FeedbackEvent f;
    f.ticket_id = ticket.ticket_id;
    auto slug = string_member(*j, "slug", 300);
    if (!slug) return tl::unexpected(slug.error());
    if (!*slug || (*slug)->empty()) return fail(ErrorCode::invalid_argument, "field 'slug' is required");
    f.slug = **slug;
    auto kind = string_member(*j, "kind", 32);
    if (!kind) return tl::unexpected(kind.error());
    if (!*kind) return fail(ErrorCode::invalid_argument, "field 'kind' is required");
    const auto k = parse_feedback_kind(**kind);
    if (!k)
      return fail(
          ErrorCode::invalid_argument,
          "field 'kind' must be resolved, helpful, not_helpful, shown or outdated (got '" + **kind + "')");
    f.kind = *k;
    auto agent = string_member(*j, "agent", 200);
    if (!agent) return tl::unexpected(agent.error());
    if (*agent) f.agent = **agent;
    f.principal = r.principal.name;

    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    if (auto ok = validate_slug(f.slug); !ok) return tl::unexpected(ok.error());
    // Who cannot see drafts gets the same answer for a draft, scheduled, expired, archived or unknown
    // slug, so feedback cannot probe for hidden articles; editors and leads may file it on any.
    const bool may_see =
        sees_drafts(r.principal)
            ? (*searcher)->database().term_exists(schema::term(schema::prefix::id, f.slug))
            : find_article((*searcher)->database(), f.slug, visibility_for(r.principal)).has_value();
    if (!may_see) return fail(ErrorCode::invalid_argument, "unknown article '" + f.slug + "'");

    // The ticket's words: from this call's text, else from the suggestion that carried its id.
    std::string source = "none";
    if (!text::trim(ticket.subject).empty() || !text::trim(ticket.body).empty()) {
      auto analysis = (*searcher)->analyse_ticket(ticket);
      if (!analysis) return tl::unexpected(analysis.error());
      f.terms = analysis->terms();
      f.lang = lang_code(analysis->language);
      f.words = text::join(analysis->words, " ");
      f.subject = text::truncate_words(analysis->cleaned_subject, 300);
      source = "text";
    } else {
      auto known = events->ticket(f.ticket_id);
      if (!known) return tl::unexpected(known.error());
      if (*known) {
        f.terms = (*known)->terms;
        f.lang = (*known)->lang;
        f.words = (*known)->words;
        f.subject = (*known)->subject;
        source = "suggestion";
      }
    }
    auto inserted = events->add_feedback(f);
    if (!inserted) return tl::unexpected(inserted.error());
    const bool learns = *inserted && f.kind == FeedbackKind::resolved && !f.terms.empty();
    if (learns) queue_learning(f.slug);
    if (*inserted && f.kind == FeedbackKind::resolved) cases_changed();
    auto words = nlohmann::json::array();
    for (const auto& t : f.terms) words.push_back(t.word);
    return ApiResponse::json({{"recorded", *inserted},
                              {"duplicate", !*inserted},
                              {"ticket_id", f.ticket_id},
                              {"slug", f.slug},
                              {"kind", to_string(f.kind)},
                              {"terms_from", source},
                              {"terms", words},
                              {"learning", learns}},
                             *inserted ? 201 : 200);
  }

  // ------------------------------------------------------------------------------------------
  // Taking feedback back (withdrawals) and erasing a customer's ticket

  /// After a withdrawal or an erasure: the case index drops the cases, the articles that lost a
  /// resolution have their learned terms rewritten, so search and suggest stop using them.
  void after_withdrawal(const EventStore::Withdrawal& w) {
    if (w.cases > 0) cases_changed();
    for (const auto& slug : w.resolved_slugs) queue_learning(slug);
  }

  static nlohmann::json by_kind_json(const EventStore::Withdrawal& w) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [kind, n] : w.by_kind) j[kind] = n;
    return j;
  }

  /// A ticket id from the URL: the same rule as the field of POST /v1/feedback.
  static Result<void> check_ticket_id(const std::string& id) {
    if (text::trim(id).empty()) return fail(ErrorCode::invalid_argument, "the ticket id is required");
    if (id.size() > max_ticket_id_bytes || !text::is_valid_utf8(id) || id.find('\0') != std::string::npos)
      return fail(ErrorCode::invalid_argument, "the ticket id must be valid UTF-8 of at most " +
                                                   std::to_string(max_ticket_id_bytes) + " bytes");
    return {};
  }

  /// DELETE /v1/feedback/{ticket_id}/{slug}?kind= (or DELETE /v1/feedback?ticket_id=&slug=&kind= for a
  /// ticket id with a '/'): withdraws the feedback of that pair, of one kind or of all.
  Result<ApiResponse> withdraw_feedback(const ApiRequest& r) {
    std::string ticket_id, slug;
    if (r.path_args.size() == 2) {
      ticket_id = r.path_args[0];
      slug = r.path_args[1];
    } else {
      for (auto [name, field] : {std::pair{"ticket_id", &ticket_id}, std::pair{"slug", &slug}}) {
        auto v = r.single(name);
        if (!v) return tl::unexpected(v.error());
        if (!*v || (*v)->empty())
          return fail(ErrorCode::invalid_argument, std::string("parameter '") + name + "' is required");
        *field = **v;
      }
    }
    if (auto ok = check_ticket_id(ticket_id); !ok) return tl::unexpected(ok.error());
    if (auto ok = validate_slug(slug); !ok) return tl::unexpected(ok.error());
    std::optional<FeedbackKind> kind;
    if (auto v = r.single("kind"); !v) {
      return tl::unexpected(v.error());
    } else if (*v && !(*v)->empty()) {
      kind = parse_feedback_kind(**v);
      if (!kind)
        return fail(
            ErrorCode::invalid_argument,
            "parameter 'kind' must be resolved, helpful, not_helpful, shown or outdated (got '" + **v + "')");
    }
    auto w = events->withdraw_feedback(ticket_id, slug, kind, author_of(r));
    if (!w) return tl::unexpected(w.error());
    if (w->rows == 0)
      return fail(ErrorCode::not_found, "no feedback " + (kind ? std::string(to_string(*kind)) + " " : "") +
                                            "in force for ticket '" + ticket_id + "' on article '" + slug +
                                            "'");
    after_withdrawal(*w);
    auto kinds = nlohmann::json::array();
    for (const auto& [k, n] : w->by_kind) kinds.push_back(k);
    return ApiResponse::json({{"withdrawn", w->rows},
                              {"ticket_id", ticket_id},
                              {"slug", slug},
                              {"kinds", kinds},
                              {"cases_withdrawn", w->cases}});
  }

  /// A point in time of a JSON body: Unix seconds (a number or a string of digits), an ISO 8601 date
  /// (its first second, or with @p end_of_day its last) or date and time ("2026-12-07T10:00:00Z", an
  /// offset "+07:00", fractions of a second ignored).
  static Result<std::int64_t> time_member(const nlohmann::json& j, const std::string& name, bool end_of_day) {
    const auto it = j.find(name);
    if (it == j.end() || it->is_null())
      return fail(ErrorCode::invalid_argument, "field '" + name + "' is required");
    if (it->is_number_integer()) return it->get<std::int64_t>();
    const auto t = it->is_string() ? parse_time_text(it->get_ref<const std::string&>(), end_of_day)
                                   : std::optional<std::int64_t>{};
    if (!t)
      return fail(ErrorCode::invalid_argument,
                  "field '" + name +
                      "' must be Unix seconds or an ISO 8601 date or time "
                      "(2026-12-07, 2026-12-07T10:00:00Z, 2026-12-07T17:00:00+07:00)");
    return *t;
  }

  /// POST /v1/feedback/withdraw {"principal", "since", "until"}: everything a token filed in a time
  /// range, taken back at once (a misconfigured integration, a bot that marked everything resolved).
  Result<ApiResponse> withdraw_feedback_bulk(const ApiRequest& r) {
    // Strict always: an unknown field may have been meant to narrow what is taken back.
    auto j = json_object_body(r, {"principal", "since", "until"}, true);
    if (!j) return tl::unexpected(j.error());
    auto principal = string_member(*j, "principal", 200);
    if (!principal) return tl::unexpected(principal.error());
    if (!*principal || text::trim(**principal).empty())
      return fail(ErrorCode::invalid_argument, "field 'principal' (the token's name) is required");
    auto since = time_member(*j, "since", false);
    if (!since) return tl::unexpected(since.error());
    auto until = time_member(*j, "until", true);
    if (!until) return tl::unexpected(until.error());
    if (*until < *since) return fail(ErrorCode::invalid_argument, "field 'until' is before 'since'");
    auto w = events->withdraw_feedback_by(**principal, *since, *until, author_of(r));
    if (!w) return tl::unexpected(w.error());
    after_withdrawal(*w);
    return ApiResponse::json({{"principal", **principal},
                              {"since", *since},
                              {"until", *until},
                              {"withdrawn", w->rows},
                              {"by_kind", by_kind_json(*w)},
                              {"slugs", w->slugs},
                              {"cases_withdrawn", w->cases}});
  }

  /// DELETE /v1/tickets/{ticket_id}: a customer's ticket erased (feedback rows, cases' words, the
  /// ticket's record and its suggestion log).
  Result<ApiResponse> delete_ticket(const ApiRequest& r) {
    const std::string& ticket_id = r.path_args.at(0);
    if (auto ok = check_ticket_id(ticket_id); !ok) return tl::unexpected(ok.error());
    auto w = events->delete_ticket(ticket_id);
    if (!w) return tl::unexpected(w.error());
    if (w->rows + w->cases + w->tickets + w->suggestions == 0)
      return fail(ErrorCode::not_found, "nothing is kept of ticket '" + ticket_id + "'");
    after_withdrawal(*w);
    return ApiResponse::json({{"ticket_id", ticket_id},
                              {"feedback_deleted", w->rows},
                              {"by_kind", by_kind_json(*w)},
                              {"cases_deleted", w->cases},
                              {"tickets_deleted", w->tickets},
                              {"suggestions_deleted", w->suggestions},
                              {"slugs", w->slugs}});
  }

  /// Who the caller is and the routes their role may use: the web page shows only what they allow.
  Result<ApiResponse> whoami(const ApiRequest& r) {
    const bool open = config.tokens.empty();
    auto can = nlohmann::json::array();
    for (const auto& route : routes)
      if (route.access != Access::open && route.name != "whoami" &&
          (open ? !needs_tokens(route.access) : allowed(route.access, r.principal.role)) &&
          std::find(can.begin(), can.end(), route.name) == can.end())
        can.push_back(route.name);
    return ApiResponse::json({{"name", open ? "anonymous" : r.principal.name},
                              {"role", open ? nlohmann::json() : nlohmann::json(to_string(r.principal.role))},
                              {"tokens_required", !open},
                              {"can", can}});
  }

  // ------------------------------------------------------------------------------------------
  // Reports

  /// The reports' facts of every article, read again when the index changed.
  Result<std::shared_ptr<const std::vector<ArticleFacts>>> article_facts() {
    // The epoch first: reader() then serves that revision or a newer one, never an older one.
    const std::uint64_t epoch = index_epoch.load(std::memory_order_acquire);
    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    std::lock_guard lk(facts_mu);
    if (!facts || facts_epoch != epoch) {
      auto loaded = load_article_facts((*searcher)->database());
      if (!loaded) return tl::unexpected(loaded.error());
      facts = std::make_shared<const std::vector<ArticleFacts>>(std::move(*loaded));
      facts_epoch = epoch;
    }
    return facts;
  }

  /// The stale report's base over @p articles for @p o: the last one while it serves (the same facts
  /// and live articles), else a new one.
  std::shared_ptr<const StaleBase> stale_base_for(
      const std::shared_ptr<const std::vector<ArticleFacts>>& articles, const StaleOptions& o) {
    std::lock_guard lk(base_mu);
    if (!stale_base_cache || stale_base_facts != articles || !base_serves(*stale_base_cache, *articles, o)) {
      stale_base_cache = std::make_shared<const StaleBase>(stale_base(*articles, o));
      stale_base_facts = articles;
      stale_bases_built.fetch_add(1, std::memory_order_relaxed);
    }
    return stale_base_cache;
  }

  /// A date parameter (YYYY-MM-DD); nullopt when absent or empty.
  static Result<std::optional<Date>> date_param(const ApiRequest& r, const std::string& name) {
    auto v = r.single(name);
    if (!v) return tl::unexpected(v.error());
    if (!*v || (*v)->empty()) return std::optional<Date>{};
    auto d = Date::parse(**v);
    if (!d || (*v)->size() != 10 || d->iso() != **v)
      return fail(ErrorCode::invalid_argument,
                  "parameter '" + name + "' must be a date YYYY-MM-DD (got '" + **v + "')");
    return std::optional<Date>(*d);
  }

  /// The 'sources' parameter of the reports (parse_source_filter): default, people's searches and
  /// tickets from people and ticket systems.
  static Result<SourceFilter> sources_param(const ApiRequest& r) {
    auto v = r.single("sources");
    if (!v) return tl::unexpected(v.error());
    return parse_source_filter(v->value_or(""));
  }

  /// {"searches": [...], "tickets": [...]}: the sources a report counted.
  static nlohmann::json sources_json(const SourceFilter& f) {
    auto names = [](const std::vector<EventSource>& list) {
      auto out = nlohmann::json::array();
      for (EventSource s : list) out.push_back(to_string(s));
      return out;
    };
    return {{"searches", names(f.searches)}, {"tickets", names(f.tickets)}};
  }

  /// The 'format' parameter: json (default) or csv.
  static Result<bool> csv_format(const ApiRequest& r) {
    auto v = r.single("format");
    if (!v) return tl::unexpected(v.error());
    if (!*v || (*v)->empty() || **v == "json") return false;
    if (**v == "csv") return true;
    return fail(ErrorCode::invalid_argument, "parameter 'format' must be json or csv (got '" + **v + "')");
  }

  /// The stale report's 'limit' parameter: rows returned (default_stale_limit); 0 or "all": every row.
  static Result<size_t> report_limit(const ApiRequest& r) {
    auto v = r.single("limit");
    if (!v) return tl::unexpected(v.error());
    if (!*v || (*v)->empty()) return default_stale_limit;
    if (**v == "all") return size_t{0};
    const std::string& text = **v;
    if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
      return fail(ErrorCode::invalid_argument,
                  "parameter 'limit' must be a number of rows, 0 or 'all' (got '" + text + "')");
    return static_cast<size_t>(std::stoul(text));
  }

  /// The reports' 'include_hidden' parameter: also list what the leads snoozed or dismissed.
  static Result<bool> include_hidden_param(const ApiRequest& r) {
    auto v = r.single("include_hidden");
    if (!v) return tl::unexpected(v.error());
    if (!*v || (*v)->empty()) return false;
    return parse_flag("include_hidden", **v);
  }

  static ApiResponse csv_response(std::string body, const std::string& filename) {
    ApiResponse res;
    res.content_type = "text/csv; charset=utf-8";
    res.body = std::move(body);
    res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    return res;
  }

  Result<ApiResponse> stale_report_handler(const ApiRequest& r) {
    StaleOptions o;
    auto as_of = date_param(r, "as_of");
    if (!as_of) return tl::unexpected(as_of.error());
    o.as_of = as_of->value_or(day_of(events->now()));
    for (auto [name, field] : {std::pair{"owner", &o.owner}, std::pair{"category", &o.category}}) {
      auto v = r.single(name);
      if (!v) return tl::unexpected(v.error());
      if (*v && !(*v)->empty()) *field = **v;
    }
    auto csv = csv_format(r);
    if (!csv) return tl::unexpected(csv.error());
    auto limit = report_limit(r);
    if (!limit) return tl::unexpected(limit.error());
    o.limit = *limit;
    auto include_hidden = include_hidden_param(r);
    if (!include_hidden) return tl::unexpected(include_hidden.error());
    o.include_hidden = *include_hidden;
    if (!config.articles_dir.empty()) {
      const std::filesystem::path dir = config.articles_dir;
      o.file_exists = [dir](const std::string& path) {
        std::error_code ec;
        return std::filesystem::exists(dir / path, ec);
      };
    }
    auto articles = article_facts();
    if (!articles) return tl::unexpected(articles.error());
    auto sources = sources_param(r);
    if (!sources) return tl::unexpected(sources.error());
    auto history = load_stale_history(events->path(), o, config.default_lang, *sources);
    if (!history) return tl::unexpected(history.error());
    const StaleReport report = stale_report(*stale_base_for(*articles, o), *history, o);
    if (*csv) return csv_response(to_csv(report), "solusi-stale-" + report.as_of + ".csv");
    ApiResponse res;
    res.body = to_json_text(report);
    return res;
  }

  Result<ApiResponse> gap_report_handler(const ApiRequest& r) {
    auto as_of = date_param(r, "as_of");
    if (!as_of) return tl::unexpected(as_of.error());
    auto since = date_param(r, "since");
    if (!since) return tl::unexpected(since.error());
    auto csv = csv_format(r);
    if (!csv) return tl::unexpected(csv.error());
    auto sources = sources_param(r);
    if (!sources) return tl::unexpected(sources.error());
    const std::int64_t now = events->now();
    const Date until_day = as_of->value_or(day_of(now));
    const Date since_day = since->value_or(until_day.plus_days(-(default_gap_days - 1)));
    if (since_day > until_day)
      return fail(ErrorCode::invalid_argument,
                  "parameter 'since' (" + since_day.iso() + ") is after as_of (" + until_day.iso() + ")");
    GapOptions o;
    o.since = team_zone().day_start(since_day.days_since_epoch());  // days of the team's time zone
    o.until = team_zone().day_start(until_day.days_since_epoch() + 1);
    auto articles = article_facts();
    if (!articles) return tl::unexpected(articles.error());
    auto gaps = load_gap_events(events->path(), o.since, o.until, now, config.default_lang, *sources);
    if (!gaps) return tl::unexpected(gaps.error());
    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    count_stem_articles((*searcher)->database(), *gaps, o);
    GapReport report = gap_report(**articles, std::move(*gaps), o);
    auto include_hidden = include_hidden_param(r);
    if (!include_hidden) return tl::unexpected(include_hidden.error());
    std::unordered_map<std::string, ItemState> states;  // the leads' actions on gaps (lead_actions.hpp)
    if (auto ok = events->with_connection([&](sqlite3* db) -> Result<void> {
          auto read = read_item_states(db, "gap:");
          if (!read) return tl::unexpected(read.error());
          states = std::move(*read);
          return {};
        });
        !ok)
      return tl::unexpected(ok.error());
    apply_gap_states(report, states, until_day, *include_hidden);
    if (*csv) return csv_response(to_csv(report), "solusi-gaps-" + until_day.iso() + ".csv");
    nlohmann::json j = to_json(report);
    j["sources"] = sources_json(*sources);
    return ApiResponse::json(j);
  }

  /// Searches per day and how many found nothing, for the lead's chart: the same window as the gap
  /// inbox (since, as_of), at most max_search_days days.
  Result<ApiResponse> search_days_handler(const ApiRequest& r) {
    auto as_of = date_param(r, "as_of");
    if (!as_of) return tl::unexpected(as_of.error());
    auto since = date_param(r, "since");
    if (!since) return tl::unexpected(since.error());
    const Date until_day = as_of->value_or(day_of(events->now()));
    const Date since_day = since->value_or(until_day.plus_days(-(default_gap_days - 1)));
    if (since_day > until_day)
      return fail(ErrorCode::invalid_argument,
                  "parameter 'since' (" + since_day.iso() + ") is after as_of (" + until_day.iso() + ")");
    if (until_day - since_day >= max_search_days)
      return fail(ErrorCode::invalid_argument,
                  "at most " + std::to_string(max_search_days) + " days from 'since' to 'as_of'");
    auto sources = sources_param(r);
    if (!sources) return tl::unexpected(sources.error());
    auto days = load_search_days(events->path(), since_day, until_day, events->now(), *sources);
    if (!days) return tl::unexpected(days.error());
    auto items = nlohmann::json::array();
    for (const auto& d : *days)
      items.push_back({{"day", d.day},
                       {"searches", d.searches},
                       {"zero_results", d.zero_results},
                       {"judged", d.judged},
                       {"unanswered", d.unanswered}});
    const SearchTotals t = search_totals(*days);
    return ApiResponse::json({{"since", since_day.iso()},
                              {"until", until_day.iso()},
                              {"days", items},
                              {"searches", t.searches},
                              {"judged", t.judged},
                              {"unanswered", t.unanswered},
                              {"unanswered_share", std::round(t.unanswered_share * 1000) / 1000},
                              {"sources", sources_json(*sources)}});
  }

  /// The leads' actions on an item (@p article: a stale article, else a gap): @p post takes one.
  Result<ApiResponse> lead_action(const ApiRequest& r, bool article, bool post) {
    LeadActionContext c{*events, *publisher, team_zone().date_of(events->now())};
    return post ? post_item_action(c, r, article) : get_item_actions(c, r, article);
  }

  /// Ready when the index opens and answers a query (a damaged table fails here, 503), not merely opens.
  Result<ApiResponse> ready(const ApiRequest&) {
    auto searcher = reader();
    if (!searcher) return tl::unexpected(searcher.error());
    if (auto ok = (*searcher)->answers(); !ok) return tl::unexpected(ok.error());
    return ApiResponse::json({{"status", "ready"},
                              {"documents", (*searcher)->document_count()},
                              {"revision", (*searcher)->revision()}});
  }

  Result<ApiResponse> metrics_text(const ApiRequest&) {
    std::string gauges;
    auto gauge = [&](const char* name, const char* help, double value) {
      gauges += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " +
                std::to_string(value) + "\n";
    };
    gauge("solusi_uptime_seconds", "Seconds since the service started.",
          std::chrono::duration<double>(Clock::now() - started_at).count());
    if (auto searcher = reader()) {
      const auto& db = (*searcher)->database();
      gauge("solusi_index_documents", "Documents in the index.", static_cast<double>(db.get_doccount()));
      gauge("solusi_index_revision", "Revision of the live index generation.",
            static_cast<double>((*searcher)->revision()));
      const std::string last = db.get_metadata(schema::meta::last_commit);
      if (!last.empty()) {
        const double age = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                                   std::chrono::system_clock::now().time_since_epoch())
                                                   .count()) -
                           std::stod(last);
        gauge("solusi_index_last_commit_age_seconds", "Seconds since the last index commit.", age);
      }
    } else {
      gauge("solusi_index_documents", "Documents in the index.", 0);
    }
    if (usage) gauges += usage->metrics_text();
    const ConnectionStats c = http.stats();
    gauge("solusi_connections_open", "Client connections open.", static_cast<double>(c.open));
    gauge("solusi_requests_queued", "Whole requests waiting for a worker.", static_cast<double>(c.queued));
    gauges +=
        "# HELP solusi_connections_total Client connections by what became of them at the connection "
        "layer.\n# TYPE solusi_connections_total counter\n";
    for (const auto& [name, value] : {std::pair{"accepted", c.accepted},
                                      {"evicted_at_cap", c.evicted},
                                      {"refused_at_cap", c.refused},
                                      {"timed_out", c.timed_out},
                                      {"too_large", c.too_large},
                                      {"malformed", c.malformed},
                                      {"overloaded", c.overloaded}})
      gauges +=
          std::string("solusi_connections_total{outcome=\"") + name + "\"} " + std::to_string(value) + "\n";
    gauge("solusi_rate_limit_clients", "Tokens or client addresses the rate limiter tracks.",
          static_cast<double>(limiter.tracked()));
    gauge("solusi_cases", "Solved tickets in the case index.",
          static_cast<double>(cases_indexed.load(std::memory_order_acquire)));
    gauge("solusi_cases_seq", "The last case write the case index is in line with.",
          static_cast<double>(cases_synced_seq.load(std::memory_order_acquire)));
    if (auto model = current_model()) {
      const auto& st = model->stats();
      gauge("solusi_case_model_seq", "The case write the linear model was trained at.",
            static_cast<double>(st.case_seq));
      gauge("solusi_case_model_cases", "Cases the linear model was trained on.",
            static_cast<double>(st.cases));
      gauge("solusi_case_model_classes", "Articles the linear model can name.",
            static_cast<double>(st.classes));
      gauge("solusi_case_model_features", "Features per article in the linear model.",
            static_cast<double>(st.features));
      gauge("solusi_case_model_train_seconds", "How long the last training took.", st.train_ms / 1000);
    }
    if (webhooks) gauges += webhooks->metrics();  // webhooks.cpp
    gauges +=
        "# HELP solusi_background_errors_total Errors caught in background threads (reported on "
        "stderr; the thread goes on).\n# TYPE solusi_background_errors_total counter\n"
        "solusi_background_errors_total " +
        std::to_string(background_errors()) + "\n";
    gauges +=
        "# HELP solusi_report_bases_built_total Times the stale report's base (article lookups, near-copies) "
        "was built: in the background at start and after index changes, or for a report of a day with "
        "other live articles.\n# TYPE solusi_report_bases_built_total "
        "counter\nsolusi_report_bases_built_total " +
        std::to_string(stale_bases_built.load(std::memory_order_relaxed)) + "\n";
    ApiResponse res;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = metrics.render(gauges);
    return res;
  }

  void build_routes() {
    auto bind = [this](auto method) {
      return [this, method](const ApiRequest& r) { return (this->*method)(r); };
    };
    routes = {
        {"GET",
         R"(/healthz)",
         "healthz",
         Access::open,
         {},
         [](const ApiRequest&) -> Result<ApiResponse> {
           return ApiResponse::json({{"status", "ok"}});
         }},
        {"GET", R"(/readyz)", "readyz", Access::open, {}, bind(&Impl::ready)},
        {"GET", R"(/metrics)", "metrics", Access::open, {}, bind(&Impl::metrics_text)},
        // The OpenAPI document of this table (openapi.cpp): open, like the probes.
        {"GET",
         R"(/v1/openapi\.json)",
         "openapi",
         Access::open,
         {},
         [this](const ApiRequest&) -> Result<ApiResponse> {
           ApiResponse res;
           res.body = openapi_text;
           return res;
         }},
        {"GET",
         R"(/v1/search)",
         "search",
         Access::read,
         {"q", "lang", "tag", "category", "limit", "offset", "facets", "audience"},
         bind(&Impl::search)},
        {"GET",
         R"(/v1/articles)",
         "articles",
         Access::read,
         {"tag", "category", "owner", "lang", "limit", "offset", "cursor", "updated_since"},
         bind(&Impl::list)},
        {"GET", R"(/v1/articles/(.+)/revisions)", "revisions", Access::review, {}, bind(&Impl::revisions)},
        {"GET",
         R"(/v1/articles/(.+)/revisions/([0-9]+))",
         "revision",
         Access::review,
         {},
         bind(&Impl::revision)},
        {"GET", R"(/v1/articles/(.+)/diff)", "diff", Access::review, {"from", "to"}, bind(&Impl::diff)},
        {"GET", R"(/v1/articles/(.+)/draft)", "draft", Access::review, {}, bind(&Impl::draft)},
        {"POST", R"(/v1/articles/(.+)/merge)", "article_merge", Access::review, {}, bind(&Impl::merge)},
        {"GET", R"(/v1/articles/(.+))", "article", Access::read, {"search_id"}, bind(&Impl::article)},
        {"PUT",
         R"(/v1/articles/(.+))",
         "article_write",
         Access::write,
         {"note", "verified"},
         bind(&Impl::put_article)},
        {"DELETE",
         R"(/v1/articles/(.+))",
         "article_archive",
         Access::write,
         {"note"},
         bind(&Impl::archive_article)},
        {"POST",
         R"(/v1/articles/(.+)/restore)",
         "article_restore",
         Access::write,
         {},
         bind(&Impl::restore_article)},
        {"POST", R"(/v1/preview)", "preview", Access::review, {"slug"}, bind(&Impl::preview)},
        {"POST",
         R"(/v1/drafts/from-ticket)",
         "draft_from_ticket",
         Access::write,
         {},
         bind(&Impl::draft_from_ticket)},
        {"POST", R"(/v1/admin/reindex)", "admin_reindex", Access::write, {}, bind(&Impl::admin_reindex)},
        {"POST", R"(/v1/suggest)", "suggest", Access::ticket, {}, bind(&Impl::suggest)},
        {"POST", R"(/v1/feedback)", "feedback", Access::ticket, {}, bind(&Impl::feedback)},
        // Taking feedback back, erasing a ticket (the ticket id is one path segment, the slug the rest;
        // a ticket id with a '/' goes in the query form).
        {"DELETE",
         R"(/v1/feedback/([^/]+)/(.+))",
         "feedback_withdraw",
         Access::ticket,
         {"kind"},
         bind(&Impl::withdraw_feedback)},
        {"DELETE",
         R"(/v1/feedback)",
         "feedback_withdraw",
         Access::ticket,
         {"ticket_id", "slug", "kind"},
         bind(&Impl::withdraw_feedback)},
        {"POST",
         R"(/v1/feedback/withdraw)",
         "feedback_withdraw_bulk",
         Access::lead,
         {},
         bind(&Impl::withdraw_feedback_bulk)},
        {"DELETE", R"(/v1/tickets/(.+))", "ticket_delete", Access::lead, {}, bind(&Impl::delete_ticket)},
        {"GET", R"(/v1/whoami)", "whoami", Access::read, {}, bind(&Impl::whoami)},
        // The web page (service/web.cpp): one shell for every page of the app, and its assets.
        {"GET",
         R"(/)",
         "page",
         Access::open,
         {},
         [this](const ApiRequest&) { return web::serve_page(config.web_dir); }},
        {"GET",
         R"(/(lead|api|edit|edit/.+))",
         "page",
         Access::open,
         {},
         [this](const ApiRequest&) { return web::serve_page(config.web_dir); }},
        {"GET",
         R"(/assets/(.+))",
         "asset",
         Access::open,
         {},
         [this](const ApiRequest& r) { return web::serve_asset(config.web_dir, r.path_args.at(0)); }},
        {"GET",
         R"(/v1/reports/stale)",
         "reports_stale",
         Access::report,
         {"owner", "category", "as_of", "format", "limit", "sources", "include_hidden"},
         bind(&Impl::stale_report_handler)},
        {"GET",
         R"(/v1/reports/gaps)",
         "reports_gaps",
         Access::report,
         {"since", "as_of", "format", "sources", "include_hidden"},
         bind(&Impl::gap_report_handler)},
        {"GET",
         R"(/v1/reports/searches)",
         "reports_searches",
         Access::report,
         {"since", "as_of", "sources"},
         bind(&Impl::search_days_handler)},
        // ---- The leads' actions on the reports' items (lead_actions.hpp): lead and editor, never
        // without tokens. POST takes an action, GET reads the item's audited history.
        {"GET",
         R"(/v1/reports/stale/(.+)/actions)",
         "report_item_actions",
         Access::act,
         {},
         [this](const ApiRequest& r) { return lead_action(r, true, false); }},
        {"POST",
         R"(/v1/reports/stale/(.+)/actions)",
         "report_item_action",
         Access::act,
         {},
         [this](const ApiRequest& r) { return lead_action(r, true, true); }},
        {"GET",
         R"(/v1/reports/gaps/([^/]+)/actions)",
         "report_item_actions",
         Access::act,
         {},
         [this](const ApiRequest& r) { return lead_action(r, false, false); }},
        {"POST",
         R"(/v1/reports/gaps/([^/]+)/actions)",
         "report_item_action",
         Access::act,
         {},
         [this](const ApiRequest& r) { return lead_action(r, false, true); }},
        // ---- end of the leads' actions
    };
    // Outgoing webhooks (webhooks.cpp): the delivery log, a test ping, redelivery.
    for (auto& route : webhook_routes(webhooks)) routes.push_back(std::move(route));
    openapi_text = openapi_document(routes).dump();
  }

  // ------------------------------------------------------------------------------------------
  // The adapter: cpp-httplib in, plain structs to the handlers, JSON errors out.

  void add_cors(const httplib::Request& req, httplib::Response& res) const {
    const std::string origin = req.get_header_value("Origin");
    if (origin.empty() || config.cors_origins.empty()) return;
    for (const auto& allowed : config.cors_origins) {
      if (allowed == "*" || allowed == origin) {
        res.set_header("Access-Control-Allow-Origin", allowed == "*" ? "*" : origin);
        res.set_header("Access-Control-Expose-Headers", "ETag, Retry-After, X-Request-Id");
        res.set_header("Vary", "Origin");
        return;
      }
    }
  }

  void log_access(const httplib::Request& req, const httplib::Response& res, const std::string& route,
                  double seconds, const std::string& who) const {
    const int status = res.status;
    const size_t bytes = res.body.size();
    const std::string rid = res.get_header_value("X-Request-Id");
    if (!config.access_log) return;
    nlohmann::json line{{"time", iso_now()}, {"method", req.method}, {"path", req.path},
                        {"route", route},    {"status", status},     {"duration_ms", seconds * 1000.0},
                        {"bytes", bytes},    {"principal", who},     {"request_id", rid}};
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::cerr << text << std::flush;
  }

  /// The request's id: the client's X-Request-Id when valid_request_id(), else a new one; fixed the first
  /// time it is asked for (the pre-routing handler, or the error handler for a request that never got
  /// there) and sent back as the response's X-Request-Id.
  static std::string request_id(const httplib::Request& req, httplib::Response& res) {
    if (const auto it = res.headers.find("X-Request-Id"); it != res.headers.end()) return it->second;
    std::string id = request_id_for(req.get_header_value("X-Request-Id"));
    res.set_header("X-Request-Id", id);
    return id;
  }

  void respond_error(const httplib::Request& req, httplib::Response& res, int status, std::string_view code,
                     std::string_view message) const {
    res.status = status;
    nlohmann::json body = error_body(code, message);
    body["error"]["request_id"] = request_id(req, res);
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
  }

  /// Runs a handler; a reader that fell behind the writer (DatabaseModifiedError: two commits since it
  /// opened, as while feedback is learned every second) is refreshed and the handler tried again, up
  /// to max_reader_attempts times; any other Xapian error is a 503, never a crash.
  Result<ApiResponse> call(const Route& route, const ApiRequest& r) {
    for (int attempt = 1;; ++attempt) {
      try {
        return route.handler(r);
      } catch (const Xapian::DatabaseError& e) {  // modified under the reader, or a block mid-commit
        if (attempt >= max_reader_attempts)
          return fail(ErrorCode::index_unavailable, "index changed during the request: " + e.get_msg());
        if (auto searcher = reader(); searcher) (void)(*searcher)->refresh();
      } catch (const Xapian::Error& e) {
        return fail(ErrorCode::index_unavailable, "index error: " + e.get_msg());
      }
    }
  }

  /// What the adapter adds to a handler's JSON answer: the request's warnings (unknown fields ignored)
  /// to a successful one, after any of its own; the request id to an error body.
  static void decorate(ApiResponse& out, const ApiRequest& r, const std::string& rid) {
    const bool add_warnings = !r.warnings.empty() && out.status < 400;
    if ((!add_warnings && out.status < 400) || !out.content_type.starts_with("application/json")) return;
    nlohmann::json j = nlohmann::json::parse(out.body, nullptr, false);
    if (!j.is_object()) return;
    if (add_warnings) {
      auto& list = j["warnings"];
      if (!list.is_array()) list = nlohmann::json::array();
      for (const auto& w : r.warnings)
        list.push_back({{"code", w.code}, {"field", w.field}, {"message", w.message}});
    }
    if (out.status >= 400 && j.contains("error") && j["error"].is_object()) j["error"]["request_id"] = rid;
    out.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  void dispatch(const Route& route, const httplib::Request& req, httplib::Response& res) {
    const auto t0 = Clock::now();
    std::string who = "anonymous";
    const std::string rid = request_id(req, res);
    [&] {
      if (!valid_percent_encoding(req.target)) {
        respond_error(req, res, 400, "invalid_argument", "malformed percent-encoding in the request URL");
        return;
      }
      ApiRequest r;
      r.method = req.method;
      r.path = req.path;
      r.body = req.body;
      r.content_type = req.get_header_value("Content-Type");
      if (req.has_header("If-Match")) r.if_match = req.get_header_value("If-Match");
      if (req.has_header("If-None-Match")) r.if_none_match = req.get_header_value("If-None-Match");
      r.client = req.get_header_value("X-Solusi-Client");
      for (size_t i = 1; i < req.matches.size(); ++i) r.path_args.push_back(req.matches[i].str());
      for (const auto& [k, v] : query_params(req.target)) {
        if (k == "strict" && route.access != Access::open) {  // every /v1 route takes it
          auto flag = parse_flag("strict", v);
          if (!flag) {
            respond_error(req, res, 400, "invalid_argument", flag.error().message);
            return;
          }
          r.strict = *flag;
          continue;
        }
        // Open routes (health probes, scrapers) ignore parameters: probes add cache-busting ones.
        if (route.access != Access::open &&
            std::find(route.params.begin(), route.params.end(), k) == route.params.end()) {
          std::string accepted;
          for (const auto& p : route.params) accepted += (accepted.empty() ? "" : ", ") + p;
          respond_error(
              req, res, 400, "invalid_argument",
              "unknown parameter '" + k + "'" + (accepted.empty() ? "" : " (accepted: " + accepted + ")"));
          return;
        }
        r.params.emplace_back(k, v);
      }
      if (needs_tokens(route.access) && config.tokens.empty()) {
        respond_error(req, res, 403, "forbidden",
                      route.access == Access::write
                          ? "article writes need an editor token: configure tokens (see `solusi token "
                            "--role editor`)"
                          : "the leads' actions need a lead or editor token: configure tokens (see `solusi "
                            "token --role lead`)");
        return;
      }
      if (route.access != Access::open && !config.tokens.empty()) {
        const std::string auth = req.get_header_value("Authorization");
        std::optional<Principal> p;
        if (auth.size() > 7 &&
            text::to_lower(auth.substr(0, 7)) == "bearer ")  // the scheme is case-insensitive
          p = find_token(config.tokens, text::trim(std::string_view(auth).substr(7)));
        if (!p) {
          res.set_header("WWW-Authenticate", "Bearer realm=\"solusi\"");
          respond_error(
              req, res, 401, "unauthorized",
              auth.empty() ? "this route needs an API token: Authorization: Bearer …" : "unknown API token");
          return;
        }
        r.principal = *p;
        who = p->name;
        if (!allowed(route.access, p->role)) {
          respond_error(req, res, 403, "forbidden",
                        "role '" + std::string(to_string(p->role)) + "' may not use " + route.name);
          return;
        }
      }
      if (route.access != Access::open && limiter.enabled()) {
        // Per token; without tokens per client address (all on loopback then).
        const std::string key = config.tokens.empty() ? "address " + req.remote_addr : "token " + who;
        if (const std::int64_t wait = limiter.take(key); wait > 0) {
          res.set_header("Retry-After", std::to_string(wait));
          respond_error(req, res, 429, "rate_limited",
                        "too many requests: at most " + number_text(config.rate_limit_per_second) +
                            " per second on average and " + number_text(config.rate_limit_burst) +
                            " at once " + (config.tokens.empty() ? "per client address" : "per token") +
                            "; retry after " + std::to_string(wait) + " s");
          return;
        }
      }
      Result<ApiResponse> out = call(route, r);
      if (!out) {
        respond_error(req, res, http_status(out.error().code), to_string(out.error().code),
                      out.error().message);
        return;
      }
      decorate(*out, r, rid);
      res.status = out->status;
      for (const auto& [k, v] : out->headers) {
        res.headers.erase(k);  // the handler's value replaces a default header (Cache-Control)
        res.set_header(k, v);
      }
      if (res.status == 200 &&
          web::etag_matches(req.get_header_value("If-None-Match"), res.get_header_value("ETag"))) {
        res.status = 304;  // the client's copy is current: headers only
        return;
      }
      res.set_content(std::move(out->body), out->content_type);
    }();
    add_cors(req, res);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    metrics.record(route.name, req.method, res.status, seconds);
    log_access(req, res, route.name, seconds, who);
  }

  /// Whether the request's Host may be answered. Without tokens every route but article writes is
  /// open to anyone who can reach the port, which is loopback only: a web page on another site that
  /// points its own name at 127.0.0.1 (DNS rebinding) still sends its own name, and is refused. With
  /// allowed_hosts configured, only those hosts and loopback names are answered, tokens or not.
  /// Health probes are answered for any host.
  bool host_allowed(const httplib::Request& req) const {
    if (!config.tokens.empty() && config.allowed_hosts.empty()) return true;
    if (req.path == "/healthz" || req.path == "/readyz" || !req.has_header("Host")) return true;
    const std::string host = text::to_lower(text::trim(req.get_header_value("Host")));
    for (const auto& allowed : config.allowed_hosts)
      if (host == text::to_lower(allowed)) return true;
    std::string name = host;  // without the port
    if (name.starts_with("[")) {
      name = name.substr(0, name.find(']') == std::string::npos ? name.size() : name.find(']') + 1);
    } else if (const auto colon = name.rfind(':'); colon != std::string::npos) {
      name = name.substr(0, colon);
    }
    if (is_loopback(name)) return true;
    for (const auto& allowed : config.allowed_hosts)
      if (name == text::to_lower(allowed)) return true;
    return false;
  }

  /// The methods the routes take on @p path, each once, in route order; empty for an unknown path.
  std::vector<std::string> allowed_methods(const std::string& path) const {
    std::vector<std::string> methods;
    for (const auto& route : routes)
      if (std::regex_match(path, std::regex(route.pattern)) &&
          std::find(methods.begin(), methods.end(), route.method) == methods.end())
        methods.push_back(route.method);
    return methods;
  }

  /// A request no route takes: a CORS preflight of a known path is a 204 naming the path's methods,
  /// another method on a known path a 405 (naming what is allowed), anything else a 404.
  void unmatched(const httplib::Request& req, httplib::Response& res) {
    const auto t0 = Clock::now();
    std::string allowed;
    for (const auto& method : allowed_methods(req.path)) allowed += (allowed.empty() ? "" : ", ") + method;
    if (allowed.empty()) {
      respond_error(req, res, 404, "not_found", "no such route: " + req.method + " " + req.path);
    } else if (req.method == "OPTIONS" && !config.cors_origins.empty()) {
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", allowed + ", OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, X-Request-Id");
      res.set_header("Access-Control-Max-Age", "600");
    } else {
      res.set_header("Allow", allowed);
      respond_error(req, res, 405, "method_not_allowed",
                    req.method + " is not allowed on " + req.path + " (allowed: " + allowed + ")");
    }
    add_cors(req, res);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    metrics.record("unmatched", req.method, res.status, seconds);
    log_access(req, res, "unmatched", seconds, "anonymous");
  }

  void configure() {
    // Connections, framing, timeouts and body size are the connection layer's (connections.cpp);
    // what it answers itself is counted here.
    http.on_reject([this](int status) { metrics.record("connection", "-", status, 0); });
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      (void)request_id(req, res);  // fixed here, before any answer
      if (!host_allowed(req)) {
        respond_error(req, res, 421, "misdirected_request",
                      "this server does not answer for host '" + req.get_header_value("Host") +
                          "' (loopback names only without tokens; see the config key allowed_hosts)");
        add_cors(req, res);
        metrics.record("unmatched", req.method, res.status, 0);
        log_access(req, res, "unmatched", 0, "anonymous");
        return httplib::Server::HandlerResponse::Handled;
      }
      // cpp-httplib reads the body of a POST, PUT or PATCH without Content-Length or Transfer-Encoding
      // until the client closes the connection, and answers 400 once its read times out (5 s). Such a
      // request has no body (RFC 9112 6.3): when no route takes its method on its path, give the answer
      // of the catch-all handlers (405, 404 or a preflight's 204) here, before that read.
      if (req.method != "GET" && req.method != "HEAD" && !req.has_header("Content-Length") &&
          !req.has_header("Transfer-Encoding")) {
        const auto methods = allowed_methods(req.path);
        if (std::find(methods.begin(), methods.end(), req.method) == methods.end()) {
          unmatched(req, res);
          return httplib::Server::HandlerResponse::Handled;
        }
        if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
          respond_error(req, res, 411, "length_required",
                        req.method + " " + req.path + " needs a Content-Length (or a chunked body)");
          res.set_header("Connection", "close");
          add_cors(req, res);
          metrics.record("unmatched", req.method, res.status, 0);
          log_access(req, res, "unmatched", 0, "anonymous");
          return httplib::Server::HandlerResponse::Handled;
        }
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    http.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}});

    for (const auto& route : routes) {
      auto handler = [this, &route](const httplib::Request& req, httplib::Response& res) {
        dispatch(route, req, res);
      };
      if (route.method == "GET") http.Get(route.pattern, handler);
      if (route.method == "POST") http.Post(route.pattern, handler);
      if (route.method == "PUT") http.Put(route.pattern, handler);
      if (route.method == "DELETE") http.Delete(route.pattern, handler);
    }
    auto other = [this](const httplib::Request& req, httplib::Response& res) { unmatched(req, res); };
    http.Get(".*", other);  // a GET on a POST-only path is a 405, on an unknown path a 404
    http.Post(".*", other);
    http.Put(".*", other);
    http.Delete(".*", other);
    http.Patch(".*", other);
    http.Options(".*", other);

    // Errors cpp-httplib produces itself (unknown GET path, 413, malformed requests): JSON bodies.
    http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      (void)request_id(req, res);  // a request cpp-httplib refused before routing has none yet
      if (!res.body.empty()) return;
      switch (res.status) {
        case 404:
          respond_error(req, res, 404, "not_found", "no such route: " + req.method + " " + req.path);
          break;
        case 413:
          respond_error(req, res, 413, "payload_too_large",
                        "request body is larger than " + std::to_string(config.max_body_bytes) + " bytes");
          break;
        case 414:
          respond_error(req, res, 414, "uri_too_long", "request URL is too long");
          break;
        case 431:
        case 400:
          respond_error(req, res, res.status, "bad_request", "malformed HTTP request");
          break;
        default:
          respond_error(req, res, res.status, "error", "HTTP error " + std::to_string(res.status));
          break;
      }
      add_cors(req, res);
      metrics.record("unmatched", req.method.empty() ? "-" : req.method, res.status, 0);
      log_access(req, res, "unmatched", 0, "anonymous");
    });
    http.set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            std::cerr << "solusi: internal error on " << req.method << " " << req.path << " (request "
                      << request_id(req, res) << "): " << e.what() << "\n";
          } catch (...) {
            std::cerr << "solusi: internal error on " << req.method << " " << req.path << " (request "
                      << request_id(req, res) << ")\n";
          }
          respond_error(req, res, 500, "internal", "internal error");
        });
  }
};

Server::Server(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

nlohmann::json Server::describe_api() {
  return nlohmann::json::parse(Impl(Config{}).openapi_text);
}

Server::~Server() {
  stop();
}

Result<int> Server::start() {
  Impl& s = *impl_;
  if (s.started) return fail(ErrorCode::invalid_argument, "server already started");
  {  // The team's time zone: the reports' days and the per-day counters of events.db (opened below).
    auto zone = TimeZone::load(s.config.time_zone);
    if (!zone) return tl::unexpected(zone.error());
    set_team_zone(std::move(*zone));
  }
  if (s.config.tokens.empty() && !is_loopback(s.config.host))
    return fail(ErrorCode::invalid_argument,
                "refusing to listen on " + s.config.host +
                    " without API tokens: configure tokens, or listen on 127.0.0.1");
  if (!s.events) {
    const auto path =
        s.config.events_path.empty() ? default_events_path(s.config.index_dir) : s.config.events_path;
    auto events = EventStore::open(path);
    if (!events) return tl::unexpected(events.error());
    s.events = std::move(*events);
  }
  if (!s.usage) {
    UsageLogOptions u;
    u.capacity = s.config.usage_queue_size;
    u.flush_interval = std::chrono::milliseconds(s.config.usage_flush_ms);
    u.retention_days = s.config.retention_days;
    s.usage = std::make_unique<UsageLog>(*s.events, u);
  }
  if (!s.webhooks) s.webhooks = std::make_unique<Webhooks>(s.config, *s.events);  // before any writer
  s.configure();
  s.cases_path = case_index_path(s.events->path());
  // The writer first: no request may find it missing.
  if (!s.publisher) {
    s.publisher = std::make_unique<Publisher>(s.config, *s.events);
    s.publisher->start();
  }
  auto port = s.http.listen(s.config.host, s.config.port);
  if (!port) {
    s.publisher->stop();
    return tl::unexpected(port.error());
  }
  // The case index, in line with events.db (after the port, whose error says more when a second
  // server starts on the same folders).
  if (!s.case_writer) {
    auto writer = CaseWriter::open(s.cases_path, s.events->id());
    auto synced =
        writer ? (*writer)->sync(*s.events) : Result<CaseSyncReport>(tl::unexpected(writer.error()));
    if (!synced) {
      s.http.shutdown();
      s.publisher->stop();
      return tl::unexpected(synced.error());
    }
    if (synced->rebuilt)
      std::cerr << "solusi: case index rebuilt from events.db (" << synced->why_rebuilt
                << "): " << synced->total << " cases\n";
    s.cases_synced_seq.store(synced->seq);
    s.cases_indexed.store(synced->total);
    s.case_writer = std::move(*writer);
  }
  s.started = true;
  s.watcher = std::thread([&s] { s.watch_index(); });
  s.warmer = std::thread([&s] { s.warm_reports(); });
  s.case_learner = std::thread([&s] { s.learn_cases(); });
  s.model_trainer = std::thread([&s] { s.train_models(); });
  s.usage->start();
  s.webhooks->start();
  return *port;
}

void Server::stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lk(s.mu);
    if (s.stopping || !s.started) return;
    s.stopping = true;
  }
  s.wake.notify_all();
  s.http.shutdown();  // stops accepting; the workers finish the requests they have, then join
  if (s.watcher.joinable()) s.watcher.join();
  if (s.warmer.joinable()) s.warmer.join();
  if (s.case_learner.joinable()) s.case_learner.join();
  if (s.model_trainer.joinable()) s.model_trainer.join();
  if (s.publisher) s.publisher->stop();
  if (s.usage) s.usage->stop();  // writes what the last requests logged
  if (s.webhooks) s.webhooks->stop();
}

}  // namespace solusi::service
