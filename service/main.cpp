// The `solusi` command: thin wrappers around the indexer and the service's domain functions.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "auth.hpp"
#include "cases.hpp"
#include "config.hpp"
#include "events.hpp"
#include "index_writer.hpp"
#include "lint.hpp"
#include "notify.hpp"
#include "report_sources.hpp"
#include "reports.hpp"
#include "search_json.hpp"
#include "searcher.hpp"
#include "server.hpp"
#include "stored_state.hpp"
#include "suggest.hpp"
#include "text.hpp"
#include "time_zone.hpp"

namespace fs = std::filesystem;
using namespace solusi;

namespace {

/// Exit codes: 0 done, 1 the command ran and found problems (check), 2 the command could not run.
constexpr int exit_findings = 1;
constexpr int exit_unusable = 2;

std::string default_articles_dir() {
  if (const char* env = std::getenv("SOLUSI_ARTICLES"); env && *env) return env;
  return SOLUSI_DEFAULT_ARTICLES;
}

/// The web page's folder: an installed binary's copy (<prefix>/share/solusi/web beside <prefix>/bin),
/// else the source folder this binary was built from.
fs::path default_web_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / SOLUSI_INSTALLED_WEB_DIR;
    if (fs::exists(installed / "index.html", ec)) return installed;
  }
  return SOLUSI_WEB_DIR;
}

std::string default_index_dir() {
  if (const char* env = std::getenv("SOLUSI_INDEX"); env && *env) return env;
  return ".solusi/index";
}

nlohmann::json to_json(const Diagnostic& d) {
  return {{"severity", d.severity == Diagnostic::Severity::error ? "error" : "warning"},
          {"file", d.file},
          {"line", d.line},
          {"code", d.code},
          {"message", d.message}};
}

int report_error(const Error& e) {
  std::cerr << "solusi: " << e.describe() << "\n";
  return exit_unusable;
}

/// Renders a snippet (HTML with <mark>) for a terminal: highlights in bold on a tty, «» otherwise.
std::string terminal_snippet(const std::string& html, bool tty) {
  std::string out;
  for (size_t i = 0; i < html.size();) {
    auto starts = [&](std::string_view s) { return html.compare(i, s.size(), s) == 0; };
    if (starts("<mark>")) {
      out += tty ? "\033[1m" : "«";
      i += 6;
    } else if (starts("</mark>")) {
      out += tty ? "\033[0m" : "»";
      i += 7;
    } else if (starts("&amp;")) {
      out += '&';
      i += 5;
    } else if (starts("&lt;")) {
      out += '<';
      i += 4;
    } else if (starts("&gt;")) {
      out += '>';
      i += 4;
    } else if (starts("&quot;")) {
      out += '"';
      i += 6;
    } else if (starts("&#39;")) {
      out += '\'';
      i += 5;
    } else {
      out += html[i++];
    }
  }
  return out;
}

std::string events_path_for(const std::string& events, const std::string& index) {
  return events.empty() ? service::default_events_path(index).string() : events;
}

/// An argument as a POSIX shell reads it back.
std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                            "_./:=@%+,-") == std::string::npos)
    return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// The command line this process was started with, with @p extra appended: the command to repeat.
std::string command_line_with(int argc, char** argv, const std::string& extra) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + shell_quote(argv[i]);
  return out + " " + extra;
}

/// The start of `solusi serve` and `solusi index`, before anything is written: a damaged index is
/// announced (the caller rebuilds it from the articles), and an events store that is not the one the
/// index goes with is refused (false, the message printed) unless @p accept_new_store.
struct StoredState {
  service::IndexHealth index;
  service::StoreIdentity store;
};
std::optional<StoredState> check_stored_state(const fs::path& index_dir, const fs::path& articles_dir,
                                              const fs::path& events_path, bool accept_new_store,
                                              const std::string& accept_command) {
  StoredState state;
  state.index = service::inspect_index(index_dir);
  if (state.index.state == service::IndexHealth::State::damaged)
    std::cerr << "solusi: the index " << index_dir.string() << " is damaged (" << state.index.problem
              << "): rebuilding it from the articles in " << articles_dir.string() << "\n";
  auto store = service::read_store_identity(events_path);
  if (!store) {
    report_error(store.error());
    std::cerr << "  restore " << events_path.string()
              << " from a backup, or move it aside and run: " << accept_command << "\n";
    return std::nullopt;
  }
  state.store = *store;
  if (accept_new_store) {
    if (state.store.state != service::StoreIdentity::State::present) {
      // SQLite would replay an old store's leftover write-ahead log into the new, empty file: move the
      // log aside (kept, not deleted) and drop its index.
      std::error_code ec;
      const std::string base = events_path.string();
      if (fs::exists(base + "-wal", ec)) {
        fs::rename(base + "-wal", base + "-wal.orphaned", ec);
        std::cerr << "solusi: moved the old store's write-ahead log aside to " << base << "-wal.orphaned\n";
      }
      fs::remove(base + "-shm", ec);
    }
    return state;
  }
  if (auto problem = service::identity_problem(state.index.events_id, state.store, events_path)) {
    std::cerr << "solusi: "
              << service::identity_refusal(*problem, events_path, state.index.events_id, accept_command);
    return std::nullopt;
  }
  return state;
}

struct IndexCommand {
  std::string articles, index, events;
  bool full = false, json = false, show_warnings = false, new_events_store = false;
};

int run_index(const IndexCommand& o, const std::string& accept_command) {
  IndexOptions options;
  options.articles_dir = o.articles;
  options.index_dir = o.index;
  options.full = o.full;
  // A running `solusi serve` may be mid-write (an editor's publish, an outside edit): wait for it.
  options.lock_wait = std::chrono::seconds(30);
  const std::string events_path = events_path_for(o.events, o.index);
  const auto state = check_stored_state(o.index, o.articles, events_path, o.new_events_store, accept_command);
  if (!state) return exit_unusable;
  if (state->index.state == service::IndexHealth::State::damaged) options.full = true;
  // What the articles learned from resolved tickets (nothing when there is no events.db yet).
  auto store = service::EventStore::open(events_path, /*read_only=*/true);
  if (!store) return report_error(store.error());
  auto learned = (*store)->learned_terms();
  if (!learned) return report_error(learned.error());
  options.learned = &*learned;
  // The index goes with this store from now on (no store yet: --new-events-store forgets the old one).
  if (!(*store)->id().empty())
    options.events_id = (*store)->id();
  else if (o.new_events_store)
    options.events_id = std::string();
  const bool json = o.json, show_warnings = o.show_warnings;
  const std::string &articles = o.articles, &index = o.index;
  auto report = index_folder(options);
  if (!report) return report_error(report.error());
  // The case index (solved tickets, cases.hpp) in line with events.db too; a running `solusi serve`
  // holds it and keeps it in line itself.
  std::string cases_note;
  std::optional<service::CaseSyncReport> cases;
  if (!(*store)->id().empty()) {
    auto writable = service::EventStore::open(events_path);
    auto writer = writable
                      ? service::CaseWriter::open(service::case_index_path(events_path), (*writable)->id())
                      : Result<std::unique_ptr<service::CaseWriter>>(tl::unexpected(writable.error()));
    auto synced = writer ? (*writer)->sync(**writable)
                         : Result<service::CaseSyncReport>(tl::unexpected(writer.error()));
    if (synced)
      cases = *synced;
    else
      cases_note = synced.error().message;
  }
  if (json) {
    auto errors = nlohmann::json::array(), warnings = nlohmann::json::array();
    for (const auto& d : report->errors) errors.push_back(to_json(d));
    for (const auto& d : report->warnings) warnings.push_back(to_json(d));
    std::cout << nlohmann::json{{"added", report->added},
                                {"updated", report->updated},
                                {"removed", report->removed},
                                {"unchanged", report->unchanged},
                                {"errors", errors},
                                {"warnings", warnings},
                                {"rebuilt", report->rebuilt},
                                {"synonyms_changed", report->synonyms_changed},
                                {"synonym_groups", report->synonym_groups},
                                {"category_groups", report->category_groups},
                                {"learned_updated", report->learned_updated},
                                {"documents", report->documents},
                                {"cases", cases ? nlohmann::json{{"total", cases->total},
                                                                 {"added", cases->added},
                                                                 {"removed", cases->removed},
                                                                 {"rebuilt", cases->rebuilt}}
                                                : nlohmann::json()},
                                {"seconds", report->seconds}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "indexed " << articles << " into " << index << (report->rebuilt ? " (full rebuild)" : "")
            << " in " << report->seconds << " s\n"
            << "  added " << report->added << ", updated " << report->updated << ", removed "
            << report->removed << ", unchanged " << report->unchanged << ", errors " << report->errors.size()
            << ", warnings " << report->warnings.size() << "\n"
            << "  documents in index: " << report->documents << "; synonym groups: " << report->synonym_groups
            << (report->synonyms_changed ? " (applied)" : " (unchanged)")
            << "; category groups: " << report->category_groups
            << (report->category_groups_changed ? " (applied)" : " (unchanged)") << "\n";
  if (report->learned_updated)
    std::cout << "  learned ticket words refreshed on " << report->learned_updated << " articles\n";
  if (cases)
    std::cout << "  solved tickets in the case index: " << cases->total << " (+" << cases->added << ", -"
              << cases->removed << (cases->rebuilt ? ", rebuilt: " + cases->why_rebuilt : std::string())
              << ")\n";
  else if (!cases_note.empty())
    std::cout << "  case index not brought in line: " << cases_note << "\n";
  for (const auto& d : report->errors) std::cout << "  " << d.describe() << "\n";
  if (show_warnings)
    for (const auto& d : report->warnings) std::cout << "  " << d.describe() << "\n";
  else if (!report->warnings.empty())
    std::cout << "  (" << report->warnings.size() << " warnings: see --warnings or `solusi check`)\n";
  return 0;
}

int run_search(service::SearchRequest request, const std::string& index, bool json) {
  auto searcher = service::Searcher::open(index);
  if (!searcher) return report_error(searcher.error());
  auto result = searcher->search(request);
  if (!result) return report_error(result.error());
  if (json) {
    std::cout << service::to_json(*result).dump(2) << "\n";
    return 0;
  }
  const bool tty = ::isatty(STDOUT_FILENO);
  if (request.explain) std::cout << "Query: " << result->explanation << "\n";
  if (result->corrected) std::cout << "Did you mean: " << *result->corrected << "\n";
  if (result->hits.empty()) {
    std::cout << "No articles found for \"" << request.q << "\".\n";
    return 0;
  }
  size_t rank = request.offset;
  for (const auto& h : result->hits) {
    std::cout << ++rank << ". " << (tty ? "\033[1m" : "") << h.title << (tty ? "\033[0m" : "") << "  ["
              << h.slug << "]  " << h.lang << (h.audience == "internal" ? " · internal" : "") << "\n"
              << "   " << terminal_snippet(h.snippet, tty) << "\n";
  }
  std::cout << "(" << result->hits.size() << " of about " << result->total_estimate << ", " << result->took_ms
            << " ms)\n";
  return 0;
}

/// Reads a ticket from a text: optional "Subject:" (or "Subjek:") header lines first, then the body.
service::SuggestRequest read_ticket_text(const std::string& text) {
  service::SuggestRequest r;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line(text::trim(std::string_view(text).substr(pos, nl - pos)));
    const std::string lower = text::to_lower(line);
    if (lower.starts_with("subject:") || lower.starts_with("subjek:")) {
      r.subject = std::string(text::trim(std::string_view(line).substr(line.find(':') + 1)));
      pos = nl + 1;
      continue;
    }
    break;
  }
  r.body = pos < text.size() ? text.substr(pos) : std::string();
  return r;
}

int run_suggest(service::SuggestRequest request, const std::string& index, const std::string& events,
                bool json) {
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  service::SuggestRequest ticket = read_ticket_text(input);
  if (request.subject.empty()) request.subject = ticket.subject;
  request.body = ticket.body;
  auto store = service::EventStore::open(events_path_for(events, index), /*read_only=*/true);
  if (!store) return report_error(store.error());
  request.negative_votes = [&](const std::string& slug) { return (*store)->negative_votes(slug); };
  // The solved tickets' votes (the linear model is trained by `solusi serve` only).
  auto cases = service::CaseReader::open(service::case_index_path(events_path_for(events, index)));
  const std::int64_t now = (*store)->now();
  request.case_evidence = [&](const std::vector<std::string>& words) { return cases.evidence(words, now); };
  auto searcher = service::Searcher::open(index);
  if (!searcher) return report_error(searcher.error());
  auto result = searcher->suggest(request);
  if (!result) return report_error(result.error());
  if (json) {
    std::cout << service::to_json(*result).dump(2) << "\n";
    return 0;
  }
  const bool tty = ::isatty(STDOUT_FILENO);
  std::string terms;
  for (const auto& t : result->terms) terms += (terms.empty() ? "" : ", ") + t.word;
  std::cout << "Ticket language: " << lang_code(result->language)
            << (result->language_detected ? " (detected)" : "") << "; telling words: " << terms << "\n";
  if (result->suggestions.empty()) {
    std::cout << "No confident suggestion (threshold " << result->threshold << ")";
    if (result->best)
      std::cout << "; best candidate: " << result->best->slug << " at " << result->best->confidence;
    std::cout << ".\n";
    return 0;
  }
  int rank = 0;
  for (const auto& s : result->suggestions) {
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.2f", s.confidence);
    std::cout << ++rank << ". " << conf << "  " << (tty ? "\033[1m" : "") << s.title << (tty ? "\033[0m" : "")
              << "  [" << s.slug << "]\n"
              << "   " << s.reason << "\n"
              << "   " << terminal_snippet(s.snippet, tty) << "\n";
  }
  std::cout << "(" << result->took_ms << " ms)\n";
  return 0;
}

int run_check(const std::string& articles, bool json, bool strict) {
  auto report = check_folder(articles);
  if (!report) return report_error(report.error());
  const size_t errors = report->count(Diagnostic::Severity::error);
  const size_t warnings = report->count(Diagnostic::Severity::warning);
  if (json) {
    auto findings = nlohmann::json::array();
    for (const auto& d : report->findings) findings.push_back(to_json(d));
    std::cout << nlohmann::json{{"articles", report->articles},
                                {"errors", errors},
                                {"warnings", warnings},
                                {"findings", findings}}
                     .dump(2)
              << "\n";
  } else {
    for (const auto& d : report->findings) std::cout << d.describe() << "\n";
    std::cout << report->articles << " articles checked: " << errors << " errors, " << warnings
              << " warnings\n";
  }
  return errors > 0 || (strict && warnings > 0) ? exit_findings : 0;
}

/// The paths and settings a command runs with: the defaults, then --config, then the command's own flags.
struct PathFlags {
  std::string config_file;
  std::optional<std::string> articles, index, events;
};

Result<service::Config> command_config(const PathFlags& o, const std::string& default_articles,
                                       const std::string& default_index) {
  service::Config config;
  config.articles_dir = default_articles;
  config.index_dir = default_index;
  config.web_dir = default_web_dir();
  if (!o.config_file.empty()) {
    auto loaded = service::load_config(o.config_file, config);
    if (!loaded) return tl::unexpected(loaded.error());
    config = std::move(*loaded);
  }
  if (o.articles) config.articles_dir = *o.articles;
  if (o.index) config.index_dir = *o.index;
  if (o.events) config.events_path = *o.events;
  if (config.events_path.empty()) config.events_path = service::default_events_path(config.index_dir);
  // The team's time zone, before any report or events.db is read (checked again here: the default
  // needs the system's zoneinfo too).
  auto zone = service::TimeZone::load(config.time_zone);
  if (!zone) return tl::unexpected(zone.error());
  service::set_team_zone(std::move(*zone));
  return config;
}

struct ServeOptions : PathFlags {
  std::string listen;
  unsigned threads = 0;
  bool no_index = false;
  bool new_events_store = false;
};

int run_serve(const ServeOptions& o, const std::string& default_articles, const std::string& default_index,
              const std::string& accept_command) {
  // Block the stop signals in every thread; one thread waits for them and stops the server gracefully.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  auto configured = command_config(o, default_articles, default_index);
  if (!configured) return report_error(configured.error());
  service::Config config = std::move(*configured);
  // Before anything is written: a damaged index is rebuilt below; an events store that is not the
  // index's own is refused.
  const auto state = check_stored_state(config.index_dir, config.articles_dir, config.events_path,
                                        o.new_events_store, accept_command);
  if (!state) return exit_unusable;
  const bool damaged = state->index.state == service::IndexHealth::State::damaged;
  // Open (create, migrate) events.db before anything else: a broken one stops the start, loudly.
  auto store = service::EventStore::open(config.events_path);
  if (!store) return report_error(store.error());
  if (o.threads) config.threads = o.threads;
  if (!o.listen.empty())
    if (auto ok = service::parse_listen(o.listen, config); !ok) return report_error(ok.error());

  if (o.no_index && !damaged && state->index.state == service::IndexHealth::State::healthy &&
      state->index.events_id != (*store)->id()) {
    // Not refreshed, but from now on it goes with this events store.
    if (auto ok = write_events_id(config.index_dir, (*store)->id()); !ok)
      std::cerr << "solusi: warning: " << ok.error().describe() << "\n";
  }
  if (!o.no_index || damaged) {
    // Bring the index in line with the folder first: cheap when nothing changed (content hashes).
    IndexOptions options;
    options.articles_dir = config.articles_dir;
    options.index_dir = config.index_dir;
    options.parse.default_lang = config.default_lang;
    options.default_review_days = config.default_review_days;
    options.full = damaged;
    options.events_id = (*store)->id();
    auto learned = (*store)->learned_terms();
    if (!learned) return report_error(learned.error());
    options.learned = &*learned;
    auto report = index_folder(options);
    if (!report && !options.full &&
        service::inspect_index(config.index_dir).state == service::IndexHealth::State::damaged) {
      std::cerr << "solusi: the index " << config.index_dir.string() << " is damaged ("
                << report.error().message << "): rebuilding it from the articles\n";
      options.full = true;
      report = index_folder(options);
    }
    if (!report) {
      if (!index_is_current(config.index_dir)) return report_error(report.error());
      if (const auto now = service::inspect_index(config.index_dir);
          now.state != service::IndexHealth::State::healthy) {
        std::cerr << "solusi: the index " << config.index_dir.string() << " is damaged (" << now.problem
                  << ") and could not be rebuilt: " << report.error().describe() << "\n";
        return exit_unusable;
      }
      std::cerr << "solusi: warning: " << report.error().describe() << "; serving the existing index\n";
    } else {
      std::cerr << "solusi: index " << config.index_dir.string() << ": " << report->documents
                << " articles (added " << report->added << ", updated " << report->updated << ", removed "
                << report->removed << ", errors " << report->errors.size() << ")\n";
      for (const auto& d : report->errors) std::cerr << "  " << d.describe() << "\n";
    }
  }

  store->reset();
  // Indexing at start ran on up to 8 threads, each with a malloc arena of its own: give what they
  // freed back to the system, so a service that indexed at start does not stay megabytes larger for
  // its whole life than one that found the index current.
  malloc_trim(0);
  service::Server server(config);
  auto port = server.start();
  if (!port) return report_error(port.error());
  const std::string base = "http://" + config.host + ":" + std::to_string(*port);
  // One write: whoever waits for the address (a script, a test) reads the whole message with it.
  std::ostringstream hello;
  hello << "solusi: serving on " << base << " (" << config.threads << " threads"
        << (config.tokens.empty() ? ", no tokens: open reads on loopback" : "") << ")\n"
        << "  try: curl '" << base << "/v1/search?q=refund+belum+masuk'\n";
  std::error_code ec;
  if (fs::exists(config.web_dir / "index.html", ec))
    hello << "  web page: open " << base << "/ in a browser\n";
  else
    hello << "solusi: warning: no web page in '" << config.web_dir.string() << "' (config key web_dir)\n";
  std::cerr << hello.str() << std::flush;
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cerr << "solusi: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ": finishing requests in flight\n";
  server.stop();
  std::cerr << "solusi: stopped\n";
  return 0;
}

struct StaleCommand : PathFlags {
  std::string as_of, owner, category, format = "table", webhook, limit;
  bool notify = false, dry_run = false;
};

/// `solusi stale`: exit 0 when the report ran (whether or not it lists articles) and, with --notify,
/// every owner was notified; 1 when some owner could not be notified; 2 when it could not run.
int run_stale(const StaleCommand& o, const std::string& default_articles, const std::string& default_index) {
  auto configured = command_config(o, default_articles, default_index);
  if (!configured) return report_error(configured.error());
  service::Config config = std::move(*configured);

  service::StaleOptions options;
  options.as_of = service::team_zone().today();
  if (!o.as_of.empty()) {
    auto d = Date::parse(o.as_of);
    if (!d || d->iso() != o.as_of) {
      std::cerr << "solusi: --as-of must be a date YYYY-MM-DD (got '" << o.as_of << "')\n";
      return exit_unusable;
    }
    options.as_of = *d;
  }
  if (!o.owner.empty()) options.owner = o.owner;
  if (!o.category.empty()) options.category = o.category;
  // Rows: default_stale_limit for a person to read; each owner's whole queue for --notify.
  options.limit = o.notify ? 0 : service::default_stale_limit;
  if (!o.limit.empty()) {
    if (o.limit == "all") {
      options.limit = 0;
    } else if (o.limit.size() <= 9 && o.limit.find_first_not_of("0123456789") == std::string::npos) {
      options.limit = static_cast<size_t>(std::stoul(o.limit));
    } else {
      std::cerr << "solusi: --limit must be a number of rows, 0 or 'all' (got '" << o.limit << "')\n";
      return exit_unusable;
    }
  }
  std::error_code ec;
  if (!fs::is_directory(config.articles_dir, ec)) {
    std::cerr << "solusi: articles folder " << config.articles_dir.string() << " does not exist\n";
    return exit_unusable;
  }
  const fs::path dir = config.articles_dir;
  options.file_exists = [dir](const std::string& path) {
    std::error_code e;
    return fs::exists(dir / path, e);
  };

  auto searcher = service::Searcher::open(config.index_dir);
  if (!searcher) return report_error(searcher.error());
  // The index (the articles' facts, then the report's base) and events.db are read at the same time:
  // two independent sources.
  struct Articles {
    Result<std::vector<service::ArticleFacts>> facts;
    service::StaleBase base;
  };
  auto reading = std::async(std::launch::async, [&searcher, &options] {
    auto a = std::make_unique<Articles>(Articles{service::load_article_facts(searcher->database()), {}});
    if (a->facts) a->base = service::stale_base(*a->facts, options);
    return a;
  });
  auto history = service::load_stale_history(config.events_path, options, config.default_lang);
  const auto articles = reading.get();
  if (!articles->facts) return report_error(articles->facts.error());
  if (!history) return report_error(history.error());
  const service::StaleReport report = service::stale_report(articles->base, *history, options);

  if (!o.notify) {
    if (o.format == "json")
      std::cout << service::to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    else if (o.format == "csv")
      std::cout << service::to_csv(report);
    else
      std::cout << service::to_text(report);
    return 0;
  }

  const auto messages = service::owner_messages(report);
  const std::string webhook = o.webhook.empty() ? config.notify_webhook : o.webhook;
  if (o.dry_run) {
    std::cout << "Dry run: " << messages.size() << (messages.size() == 1 ? " owner" : " owners")
              << " would be notified at " << (webhook.empty() ? "(no webhook configured)" : webhook) << "\n";
    for (const auto& m : messages)
      std::cout << "\nPOST for " << (m.owner.empty() ? "(no owner)" : m.owner) << ":\n"
                << m.payload.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (webhook.empty()) {
    std::cerr << "solusi: --notify needs a webhook: --webhook URL, or notify_webhook in the config file\n";
    return exit_unusable;
  }
  if (messages.empty()) {
    std::cout << "Nothing to notify: no article needs attention as of " << report.as_of << ".\n";
    return 0;
  }
  service::NotifyOptions notify;
  notify.webhook = webhook;
  auto deliveries = service::notify_owners(messages, notify);
  if (!deliveries) return report_error(deliveries.error());
  bool all = true;
  for (size_t k = 0; k < deliveries->size(); ++k) {
    const auto& d = (*deliveries)[k];
    const std::string owner = d.owner.empty() ? "(no owner)" : d.owner;
    const size_t count = messages[k].payload["count"].get<size_t>();
    if (d.delivered) {
      std::cout << "notified " << owner << " (" << count << (count == 1 ? " article" : " articles")
                << "): HTTP " << d.status << " after " << d.attempts << (d.attempts == 1 ? " try" : " tries")
                << "\n";
    } else {
      all = false;
      std::cerr << "solusi: could not notify " << owner << ": " << d.error << " after " << d.attempts
                << (d.attempts == 1 ? " try" : " tries") << "\n";
    }
  }
  return all ? 0 : exit_findings;
}

struct DoctorCommand : PathFlags {
  bool json = false;
};

/// `solusi doctor`: exit 0 when the index, events.db and the articles agree, 1 when not, 2 when it
/// cannot run.
int run_doctor(const DoctorCommand& o, const std::string& default_articles,
               const std::string& default_index) {
  auto configured = command_config(o, default_articles, default_index);
  if (!configured) return report_error(configured.error());
  const service::Config config = std::move(*configured);
  service::DoctorOptions options;
  options.articles_dir = config.articles_dir;
  options.index_dir = config.index_dir;
  options.events_path = config.events_path;
  options.parse.default_lang = config.default_lang;
  options.default_review_days = config.default_review_days;
  options.paths = " --articles " + shell_quote(config.articles_dir.string()) + " --index " +
                  shell_quote(config.index_dir.string());
  if (config.events_path != service::default_events_path(config.index_dir))
    options.paths += " --events " + shell_quote(config.events_path.string());
  const service::DoctorReport report = service::run_doctor(options);
  if (o.json) {
    auto findings = nlohmann::json::array();
    for (const auto& f : report.findings)
      findings.push_back(
          {{"check", f.check}, {"ok", f.ok}, {"message", f.message}, {"recovery", f.recovery}});
    std::cout << nlohmann::json{{"healthy", report.healthy()}, {"findings", findings}}.dump(
                     2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    for (const auto& f : report.findings) {
      std::cout << (f.ok ? "ok   " : "FAIL ") << f.check << ": " << f.message << "\n";
      if (!f.ok) std::cout << "     to recover: " << f.recovery << "\n";
    }
    std::cout << (report.healthy() ? "healthy: the index, events.db and the articles agree\n"
                                   : "not healthy: see the recovery commands above\n");
  }
  return report.healthy() ? 0 : exit_findings;
}

int run_token(const std::string& name, const std::string& role) {
  if (!service::parse_role(role)) {
    std::cerr << "solusi: role must be agent, ticket-system, editor, lead or public\n";
    return exit_unusable;
  }
  const std::string token = service::generate_token();
  std::cout << "token:  " << token << "\n"
            << "sha256: " << service::sha256_hex(token) << "\n\n"
            << "Give the token to " << name << "; put only the hash in the config file:\n"
            << "tokens:\n"
            << "  - name: " << name << "\n"
            << "    role: " << role << "\n"
            << "    sha256: " << service::sha256_hex(token) << "\n";
  return 0;
}

}  // namespace

constexpr const char* new_events_store_help =
    "Use the events.db that is there (a new, empty one when it is missing) although the index went "
    "with another one: the revisions, feedback and learned ticket words of that one are lost";

int main(int argc, char** argv) try {
  // Commands without --config read days in the default zone (as the default config does) but leave
  // events.db's counters in the zone they are in; UTC when the system has no zoneinfo, and a command
  // that reads the config says so.
  if (auto zone = service::TimeZone::load(service::default_time_zone))
    service::set_team_zone(std::move(*zone), /*configured=*/false);
  CLI::App app{"Solusi: knowledge-base search for customer-support teams"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "solusi 0.1.0");

  std::string articles = default_articles_dir();
  std::string index = default_index_dir();
  bool json = false;

  auto* index_cmd = app.add_subcommand("index", "Build or refresh the index from a folder of articles");
  IndexCommand index_run;
  index_cmd->add_option("--articles", articles, "Folder of Markdown articles")->capture_default_str();
  index_cmd->add_option("--index", index, "Index folder")->capture_default_str();
  index_cmd->add_option(
      "--events", index_run.events,
      "events.db whose learned ticket words go into the index (default: next to the index)");
  index_cmd->add_flag("--full", index_run.full, "Rebuild every article into a fresh index");
  index_cmd->add_flag("--json", index_run.json, "Print the report as JSON");
  index_cmd->add_flag("--warnings", index_run.show_warnings, "List every warning");
  index_cmd->add_flag("--new-events-store", index_run.new_events_store, new_events_store_help);

  auto* search_cmd = app.add_subcommand("search", "Search the index");
  service::SearchRequest request;
  std::vector<std::string> words;
  std::string lang;
  std::string category;
  search_cmd->add_option("query", words, "Search words")->required();
  search_cmd->add_option("--index", index, "Index folder")->capture_default_str();
  search_cmd->add_option("--lang", lang, "Only articles in this language")
      ->check(CLI::IsMember({"id", "en"}));
  search_cmd->add_option("--limit", request.limit, "Number of hits")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  search_cmd->add_option("--offset", request.offset, "Hits to skip")->check(CLI::Range(0, 999));
  search_cmd->add_option("--tag", request.tags, "Only articles with this tag (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)  // "--tag refund dana kode": one tag, two query words
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  search_cmd->add_option("--category", category, "Only articles in this category");
  search_cmd->add_flag("--public", request.public_only, "Only articles whose audience is public");
  search_cmd->add_flag("--facets", request.facets, "Count tags and categories (with --json)");
  search_cmd->add_flag("--json", json, "Print the result as JSON");
  search_cmd->add_flag("--explain", request.explain, "Show the query Xapian ran");

  auto* suggest_cmd = app.add_subcommand("suggest", "Suggest articles for a ticket read from standard input");
  service::SuggestRequest suggest;
  std::string suggest_lang, audience = "internal", events;
  suggest_cmd->add_option("--index", index, "Index folder")->capture_default_str();
  suggest_cmd->add_option("--events", events, "events.db (default: next to the index folder)");
  suggest_cmd->add_option("--subject", suggest.subject, "Ticket subject (else a leading 'Subject:' line)");
  suggest_cmd->add_option("--lang", suggest_lang, "Ticket language (default: detected)")
      ->check(CLI::IsMember({"id", "en"}));
  suggest_cmd->add_option("--limit", suggest.limit, "Most suggestions")
      ->check(CLI::Range(1, static_cast<int>(service::max_suggestions)))
      ->capture_default_str();
  suggest_cmd->add_option("--audience", audience, "internal (all articles) or public (self-service only)")
      ->check(CLI::IsMember({"internal", "public"}))
      ->capture_default_str();
  suggest_cmd->add_option("--threshold", suggest.threshold, "Confidence under which nothing is suggested")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  suggest_cmd->add_flag("--json", json, "Print the result as JSON");

  auto* check_cmd = app.add_subcommand("check", "Lint a folder of articles");
  bool strict = false;
  check_cmd->add_option("--articles", articles, "Folder of Markdown articles")->capture_default_str();
  check_cmd->add_flag("--json", json, "Print the findings as JSON");
  check_cmd->add_flag("--strict", strict, "Fail on warnings too");

  auto* serve_cmd = app.add_subcommand("serve", "Serve the index over HTTP (indexes the articles first)");
  ServeOptions serve;
  serve_cmd->add_option("--config", serve.config_file, "YAML config file")->check(CLI::ExistingFile);
  serve_cmd->add_option("--listen", serve.listen, "host:port to listen on (default 127.0.0.1:8080)");
  serve_cmd->add_option("--articles", serve.articles, "Folder of Markdown articles");
  serve_cmd->add_option("--index", serve.index, "Index folder");
  serve_cmd->add_option("--events", serve.events, "events.db (default: next to the index folder)");
  serve_cmd->add_option("--threads", serve.threads, "Worker threads")->check(CLI::Range(1, 256));
  serve_cmd->add_flag("--no-index", serve.no_index, "Serve the existing index without refreshing it first");
  serve_cmd->add_flag("--new-events-store", serve.new_events_store, new_events_store_help);

  auto* doctor_cmd = app.add_subcommand(
      "doctor", "Check that the index, events.db and the articles agree; say what to run to recover");
  DoctorCommand doctor;
  doctor_cmd->add_option("--config", doctor.config_file, "YAML config file (paths)")
      ->check(CLI::ExistingFile);
  doctor_cmd->add_option("--articles", doctor.articles, "Folder of Markdown articles");
  doctor_cmd->add_option("--index", doctor.index, "Index folder");
  doctor_cmd->add_option("--events", doctor.events, "events.db (default: next to the index folder)");
  doctor_cmd->add_flag("--json", doctor.json, "Print the findings as JSON");

  auto* stale_cmd = app.add_subcommand(
      "stale", "The team leads' report: articles that need attention, by owner, most impact first");
  StaleCommand stale;
  stale_cmd->add_option("--config", stale.config_file, "YAML config file (notify_webhook, paths)")
      ->check(CLI::ExistingFile);
  stale_cmd->add_option("--articles", stale.articles,
                        "Folder of Markdown articles (local files are checked)");
  stale_cmd->add_option("--index", stale.index, "Index folder");
  stale_cmd->add_option("--events", stale.events, "events.db (default: next to the index folder)");
  stale_cmd->add_option("--as-of", stale.as_of, "Report as of this day, YYYY-MM-DD (default: today)");
  stale_cmd->add_option("--owner", stale.owner, "Only this owner's articles");
  stale_cmd->add_option("--category", stale.category, "Only this category");
  stale_cmd->add_option(
      "--limit", stale.limit,
      "Rows to print, most impact first (default 100; 0 or 'all': every row; --notify: all); "
      "the counts are over every article listed");
  stale_cmd->add_option("--format", stale.format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  stale_cmd->add_flag("--notify", stale.notify, "POST each owner's queue to the webhook instead of printing");
  stale_cmd->add_option("--webhook", stale.webhook, "Webhook URL for --notify (default: notify_webhook)");
  stale_cmd->add_flag("--dry-run", stale.dry_run, "With --notify: print what would be sent, send nothing");

  auto* token_cmd = app.add_subcommand("token", "Print a new API token and the hash for the config file");
  std::string token_name = "someone", token_role = "agent";
  token_cmd->add_option("--name", token_name, "Who the token is for (a person or a system)");
  token_cmd->add_option("--role", token_role, "agent, ticket-system, editor, lead or public")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : exit_unusable;
  }

  if (*index_cmd) {
    index_run.articles = articles;
    index_run.index = index;
    return run_index(index_run, command_line_with(argc, argv, "--new-events-store"));
  }
  if (*doctor_cmd) return run_doctor(doctor, default_articles_dir(), default_index_dir());
  if (*suggest_cmd) {
    if (!suggest_lang.empty()) suggest.lang = parse_lang(suggest_lang);
    suggest.public_only = audience == "public";
    return run_suggest(suggest, index, events, json);
  }
  if (*search_cmd) {
    for (const auto& w : words) {
      if (!request.q.empty()) request.q += ' ';
      request.q += w;
    }
    if (!lang.empty()) request.lang = parse_lang(lang);
    if (!category.empty()) request.category = category;
    return run_search(request, index, json);
  }
  if (*check_cmd) return run_check(articles, json, strict);
  if (*serve_cmd)
    return run_serve(serve, default_articles_dir(), default_index_dir(),
                     command_line_with(argc, argv, "--new-events-store"));
  if (*token_cmd) return run_token(token_name, token_role);
  if (*stale_cmd) {
    if (stale.dry_run && !stale.notify) {
      std::cerr << "solusi: --dry-run goes with --notify\n";
      return exit_unusable;
    }
    return run_stale(stale, default_articles_dir(), default_index_dir());
  }
  return exit_unusable;
} catch (const std::exception& e) {
  std::cerr << "solusi: internal error: " << e.what() << "\n";
  return exit_unusable;
}
