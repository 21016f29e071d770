#include "stored_state.hpp"

#include <sqlite3.h>
#include <xapian.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "index_writer.hpp"
#include "schema.hpp"
#include "searcher.hpp"
#include "sql_stmt.hpp"

namespace fs = std::filesystem;

namespace solusi::service {
namespace {

constexpr const char* stub_name = "XAPIANDB";

std::uintmax_t folder_bytes(const fs::path& folder) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const auto size = it->is_regular_file(ec) ? it->file_size(ec) : 0;
    if (!ec) total += size;
  }
  return total;
}

/// The generation the stub file names ("auto gen-000003"), or the reason it names none.
Result<fs::path> stub_generation(const fs::path& index_dir) {
  const fs::path stub = index_dir / stub_name;
  std::ifstream in(stub, std::ios::binary);
  if (!in) return fail(ErrorCode::index_unavailable, "cannot read the stub file " + stub.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  std::istringstream words(ss.str());
  std::string backend, target, extra;
  words >> backend >> target >> extra;
  if (backend != "auto" || target.empty() || !extra.empty() || target.find('/') != std::string::npos ||
      target == "." || target == "..") {
    std::string shown = ss.str().substr(0, 40);
    for (char& c : shown)
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return fail(ErrorCode::index_unavailable,
                "the stub file " + stub.string() + " does not name a generation (it holds '" + shown + "')");
  }
  std::error_code ec;
  if (!fs::is_directory(index_dir / target, ec))
    return fail(ErrorCode::index_unavailable,
                "the stub file " + stub.string() + " names " + target + ", which does not exist");
  return index_dir / target;
}

DoctorFinding good(std::string check, std::string message) {
  return DoctorFinding{std::move(check), true, std::move(message), {}};
}
DoctorFinding bad(std::string check, std::string message, std::string recovery) {
  return DoctorFinding{std::move(check), false, std::move(message), std::move(recovery)};
}

/// "a, b, c and 4 more" of at most doctor_max_listed names.
std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < doctor_max_listed; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > doctor_max_listed)
    out += " and " + std::to_string(names.size() - doctor_max_listed) + " more";
  return out;
}

/// PRAGMA integrity_check of the events store: empty when it says ok, else its first findings.
Result<std::string> events_integrity(const fs::path& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Error e = sql::error(db, "cannot open events database " + path.string());
    sqlite3_close_v2(db);
    return tl::unexpected(e);
  }
  sqlite3_busy_timeout(db, 5000);
  std::string problems;
  int rc = SQLITE_OK;
  {
    sql::Stmt st(db, "PRAGMA integrity_check(5)");
    if (!st.ok()) {
      problems = sqlite3_errmsg(db);
    } else {
      while ((rc = st.step()) == SQLITE_ROW) {
        const std::string row = st.text(0);
        if (row != "ok") problems += (problems.empty() ? "" : "; ") + row;
      }
      if (rc != SQLITE_DONE && problems.empty()) problems = sqlite3_errmsg(db);
    }
  }
  sqlite3_close_v2(db);
  return problems;
}

}  // namespace

IndexHealth inspect_index(const fs::path& index_dir, IndexCheck depth) {
  IndexHealth h;
  std::error_code ec;
  if (!fs::exists(index_dir / stub_name, ec)) return h;
  h.state = IndexHealth::State::damaged;
  auto generation = stub_generation(index_dir);
  if (!generation) {
    h.problem = generation.error().message;
    return h;
  }
  h.generation = *generation;
  try {
    {
      Xapian::Database db(index_dir.string());
      h.schema_version = db.get_metadata(schema::meta::schema_version);
      h.events_id = db.get_metadata(schema::meta::events_id);
      h.documents = db.get_doccount();
    }
    if (h.schema_version == std::to_string(schema::version)) {
      // What the service does first: open a reader (it reads its caches), then answer a query.
      auto searcher = Searcher::open(index_dir);
      if (!searcher) {
        h.problem = searcher.error().message;
        return h;
      }
      if (auto ok = searcher->answers(); !ok) {
        h.problem = ok.error().message;
        return h;
      }
    }
    if (depth == IndexCheck::deep || folder_bytes(*generation) <= startup_check_max_bytes) {
      std::ostringstream out;
      const size_t errors = Xapian::Database::check(generation->string(), 0, &out);
      h.checked = true;
      if (errors > 0) {
        std::string first = out.str();
        first = first.substr(0, first.find('\n'));
        h.problem = "Xapian's check found " + std::to_string(errors) + " errors in " + generation->string() +
                    (first.empty() ? "" : " (" + first + ")");
        return h;
      }
    }
  } catch (const Xapian::Error& e) {
    h.problem = "the live generation " + generation->string() + " cannot be read: " + e.get_description();
    return h;
  }
  h.state = IndexHealth::State::healthy;
  return h;
}

std::optional<std::string> identity_problem(const std::string& index_events_id, const StoreIdentity& store,
                                            const fs::path& events_path) {
  if (index_events_id.empty()) return std::nullopt;
  const std::string named = "the index goes with events store " + index_events_id;
  switch (store.state) {
    case StoreIdentity::State::missing:
      return "the events store " + events_path.string() + " is missing, but " + named;
    case StoreIdentity::State::empty:
      return "the events store " + events_path.string() + " is empty (0 bytes), but " + named;
    case StoreIdentity::State::present:
      if (store.id == index_events_id) return std::nullopt;
      if (store.id.empty())
        return "the events store " + events_path.string() + " has no id (written by an older Solusi), but " +
               named;
      return "the events store " + events_path.string() + " is another store (id " + store.id + "), but " +
             named;
  }
  return std::nullopt;
}

std::string identity_refusal(const std::string& problem, const fs::path& events_path,
                             const std::string& index_events_id, const std::string& accept_command) {
  return "refusing to start: " + problem +
         ".\nStarting with it would silently lose every article revision, feedback vote and learned ticket "
         "word that store held. Either:\n"
         "  - restore the events store (id " +
         index_events_id + ") from a backup to " + events_path.string() +
         " and run the command again, or\n"
         "  - start with the events store that is there (a new, empty one when it is missing) and accept "
         "the loss:\n      " +
         accept_command + "\n";
}

bool DoctorReport::healthy() const {
  for (const auto& f : findings)
    if (!f.ok) return false;
  return true;
}

DoctorReport run_doctor(const DoctorOptions& o) {
  DoctorReport report;
  const std::string index_cmd = "solusi index" + o.paths;
  const std::string full_cmd = "solusi index --full" + o.paths;
  const std::string accept_cmd = "solusi serve --new-events-store" + o.paths;

  // (1) The index.
  const IndexHealth index = inspect_index(o.index_dir, IndexCheck::deep);
  const bool index_current =
      index.state == IndexHealth::State::healthy && index.schema_version == std::to_string(schema::version);
  switch (index.state) {
    case IndexHealth::State::absent:
      report.findings.push_back(bad("index", "no index at " + o.index_dir.string(), index_cmd));
      break;
    case IndexHealth::State::damaged:
      report.findings.push_back(bad("index",
                                    "the index " + o.index_dir.string() + " is damaged: " + index.problem,
                                    full_cmd + "   (rebuilds it from the articles; learned words come back "
                                               "from events.db)"));
      break;
    case IndexHealth::State::healthy:
      if (!index_current)
        report.findings.push_back(bad("index",
                                      "the index " + o.index_dir.string() +
                                          " was written with schema version '" + index.schema_version +
                                          "', this build needs " + std::to_string(schema::version),
                                      full_cmd));
      else
        report.findings.push_back(good("index", "index " + o.index_dir.string() + ": " +
                                                    std::to_string(index.documents) + " documents in " +
                                                    index.generation.filename().string() +
                                                    ", opens, answers and passes Xapian's check"));
      break;
  }

  // (2) The events store: readable, intact, and the one the index goes with.
  const std::string events = o.events_path.string();
  auto store = read_store_identity(o.events_path);
  if (!store) {
    report.findings.push_back(bad("events",
                                  "the events store " + events + " cannot be read: " + store.error().message,
                                  "restore " + events +
                                      " from a backup; or move it aside and start a new one "
                                      "(its revisions, feedback and learned words are lost): " +
                                      accept_cmd));
  } else {
    std::optional<std::string> damage;
    if (store->state == StoreIdentity::State::present) {
      auto integrity = events_integrity(o.events_path);
      if (!integrity)
        damage = integrity.error().message;
      else if (!integrity->empty())
        damage = *integrity;
    }
    const auto mismatch = index.state == IndexHealth::State::healthy
                              ? identity_problem(index.events_id, *store, o.events_path)
                              : std::nullopt;
    if (damage) {
      report.findings.push_back(bad("events", "the events store " + events + " is damaged: " + *damage,
                                    "restore " + events +
                                        " from a backup (or salvage what SQLite can read: "
                                        "sqlite3 " +
                                        events +
                                        " .recover | sqlite3 recovered.db, then put "
                                        "recovered.db in its place)"));
    } else if (mismatch) {
      report.findings.push_back(bad("events", *mismatch,
                                    "restore the events store (id " + index.events_id +
                                        ") from a backup to " + events +
                                        "; or accept the store that is there (a new one when it is "
                                        "missing) and lose what the old one held: " +
                                        accept_cmd));
    } else if (store->state != StoreIdentity::State::present) {
      report.findings.push_back(
          good("events", "no events store at " + events + " yet: the first `solusi serve` creates it"));
    } else {
      std::string message = "events store " + events + ": id " +
                            (store->id.empty() ? "(none yet)" : store->id) + ", schema version " +
                            std::to_string(store->schema_version) + ", integrity check ok";
      if (store->schema_version < EventStore::schema_version)
        message +=
            "; the next `solusi serve` migrates it to version " + std::to_string(EventStore::schema_version);
      if (index.state == IndexHealth::State::healthy && index.events_id.empty())
        message += "; the index records its id at the next `solusi serve` or `solusi index`";
      report.findings.push_back(good("events", message));
    }
  }

  // (3) The articles and the index agree.
  if (!index_current) return report;
  auto files = scan_articles(o.articles_dir);
  if (!files) {
    report.findings.push_back(bad("articles", files.error().message,
                                  "point --articles (or the config's `articles`) at the articles folder"));
    return report;
  }
  std::map<std::string, std::string> indexed;  // slug → content hash
  try {
    Xapian::Database db(o.index_dir.string());
    std::unordered_map<Xapian::docid, std::string> hashes;
    const auto hash_slot = schema::slot(schema::Slot::content_hash);
    for (auto it = db.valuestream_begin(hash_slot); it != db.valuestream_end(hash_slot); ++it)
      hashes.emplace(it.get_docid(), *it);
    const auto slug_slot = schema::slot(schema::Slot::slug);
    for (auto it = db.valuestream_begin(slug_slot); it != db.valuestream_end(slug_slot); ++it)
      indexed.emplace(*it, hashes[it.get_docid()]);
  } catch (const Xapian::Error& e) {
    report.findings.push_back(
        bad("index", "cannot read the index's articles: " + e.get_description(), full_cmd));
    return report;
  }
  IndexOptions hashing;
  hashing.parse = o.parse;
  hashing.default_review_days = o.default_review_days;
  std::vector<std::string> missing, outdated, orphans, rejected;
  std::set<std::string> with_file;
  for (const auto& f : *files) {
    const std::string slug = slug_from_path(f.relative);
    with_file.insert(slug);
    auto bytes = read_file(f.absolute);
    if (!bytes) {
      rejected.push_back(f.relative);
      continue;
    }
    if (!parse_article(f.relative, *bytes, o.parse)) {
      rejected.push_back(f.relative);  // the indexer skips it; an earlier version may stay searchable
      continue;
    }
    const auto it = indexed.find(slug);
    if (it == indexed.end())
      missing.push_back(slug);
    else if (it->second != content_hash(hashing, *bytes))
      outdated.push_back(slug);
  }
  for (const auto& [slug, hash] : indexed)
    if (!with_file.count(slug)) orphans.push_back(slug);

  const std::string reindex =
      index_cmd + "   (a running `solusi serve` catches up by itself within a second)";
  if (!missing.empty())
    report.findings.push_back(bad(
        "articles",
        std::to_string(missing.size()) + " article files are not in the index: " + listed(missing), reindex));
  if (!outdated.empty())
    report.findings.push_back(
        bad("articles",
            std::to_string(outdated.size()) +
                " articles are indexed with other content than their file: " + listed(outdated),
            reindex));
  if (!orphans.empty())
    report.findings.push_back(
        bad("articles", std::to_string(orphans.size()) + " indexed articles have no file: " + listed(orphans),
            reindex));
  if (missing.empty() && outdated.empty() && orphans.empty())
    report.findings.push_back(good("articles", "articles " + o.articles_dir.string() + ": " +
                                                   std::to_string(files->size() - rejected.size()) +
                                                   " valid files, each indexed with its current content"));
  if (!rejected.empty())
    report.findings.push_back(
        good("articles", std::to_string(rejected.size()) +
                             " files are rejected by the indexer (see `solusi check`): " + listed(rejected)));
  return report;
}

}  // namespace solusi::service
