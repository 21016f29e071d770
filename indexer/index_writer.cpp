#include "index_writer.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "chat_words.hpp"
#include "document.hpp"
#include "schema.hpp"
#include "synonyms.hpp"
#include "text.hpp"

namespace fs = std::filesystem;

namespace solusi {
namespace {

/// Bumped when the indexer turns the same file into a different document (new fields, new rules):
/// part of every content hash, so such a change reindexes everything.
constexpr int indexer_revision = 4;

constexpr const char* stub_name = "XAPIANDB";

/// Exclusive writer lock on the index folder, released on destruction.
class WriterLock {
 public:
  /// Waits up to @p wait for another writer (a running `solusi serve`, another `solusi index`) to finish.
  static Result<WriterLock> acquire(const fs::path& dir,
                                    std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
    const fs::path path = dir / ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return fail(ErrorCode::index_unavailable, "cannot create lock file " + path.string());
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::close(fd);
        return fail(ErrorCode::index_unavailable,
                    "index " + dir.string() + " is being written by another process");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WriterLock(fd);
  }
  WriterLock(WriterLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  WriterLock& operator=(WriterLock&&) = delete;
  ~WriterLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
  }

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

std::optional<std::string> read_stub_target(const fs::path& index_dir) {
  std::ifstream in(index_dir / stub_name);
  std::string backend, target;
  if (!(in >> backend >> target)) return std::nullopt;
  return target;
}

int generation_number(const std::string& name) {
  if (!name.starts_with("gen-")) return 0;
  try {
    return std::stoi(name.substr(4));
  } catch (...) {
    return 0;
  }
}

std::string generation_name(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen-%06d", n);
  return buf;
}

/// Words worth offering as spelling corrections: the unprefixed terms of a document.
template <class F>
void for_each_spelling_word(const Xapian::Document& doc, F&& f) {
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string& t = *it;
    if (t.size() < 3 || (t[0] >= 'A' && t[0] <= 'Z')) continue;
    if (std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    f(t);
  }
}

/// One parsed file on its way from a parsing thread to the writer.
struct Built {
  enum class Kind { unchanged, failed, document } kind = Kind::unchanged;
  std::string slug;
  std::optional<FileStamp> stamp;  ///< the file's, when the caller keeps stamps
  Xapian::Document doc;
  std::optional<Diagnostic> error;
  std::vector<Diagnostic> warnings;
};

struct Existing {
  Xapian::docid docid;
  std::string hash;
  std::string learned;  ///< fingerprint of the learned terms
};

std::unordered_map<std::string, Existing> read_existing(const Xapian::Database& db) {
  std::unordered_map<std::string, Existing> out;
  std::unordered_map<Xapian::docid, std::string> hashes;
  for (auto it = db.valuestream_begin(schema::slot(schema::Slot::content_hash));
       it != db.valuestream_end(schema::slot(schema::Slot::content_hash)); ++it)
    hashes.emplace(it.get_docid(), *it);
  std::unordered_map<Xapian::docid, std::string> learned;
  for (auto it = db.valuestream_begin(schema::slot(schema::Slot::learned));
       it != db.valuestream_end(schema::slot(schema::Slot::learned)); ++it)
    learned.emplace(it.get_docid(), *it);
  for (auto it = db.valuestream_begin(schema::slot(schema::Slot::slug));
       it != db.valuestream_end(schema::slot(schema::Slot::slug)); ++it)
    out.emplace(*it, Existing{it.get_docid(), hashes[it.get_docid()], learned[it.get_docid()]});
  return out;
}

/// Copies the learned terms (and their fingerprint) of @p from into @p to.
void keep_learned_terms(const Xapian::Document& from, Xapian::Document& to) {
  const std::string prefix = learned_term("");
  for (auto it = from.termlist_begin(); it != from.termlist_end(); ++it) {
    it.skip_to(prefix);
    if (it == from.termlist_end() || !(*it).starts_with(prefix)) break;
    to.add_term(*it, it.get_wdf());
  }
  const std::string fp = from.get_value(schema::slot(schema::Slot::learned));
  if (!fp.empty()) to.add_value(schema::slot(schema::Slot::learned), fp);
}

void set_last_commit(Xapian::WritableDatabase& db) {
  db.set_metadata(schema::meta::last_commit,
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count()));
}

Date modification_day(const fs::path& path) {
  std::error_code ec;
  const auto ftime = fs::last_write_time(path, ec);
  if (ec) return Date::today();
  return Date(std::chrono::floor<std::chrono::days>(std::chrono::file_clock::to_sys(ftime)));
}

/// The size and modification time of @p path (hash left empty); nullopt when it cannot be read.
std::optional<FileStamp> stat_stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{static_cast<std::uintmax_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                   {}};
}

/// A document Xapian would refuse (and with it every change not yet committed): reported, never added.
std::optional<Diagnostic> refused_by_xapian(const Xapian::Document& doc, const std::string& relative) {
  const auto term = overlong_term(doc);
  if (!term) return std::nullopt;
  return Diagnostic{Diagnostic::Severity::error, relative, 0, "term_too_long",
                    "skipped: the article makes a search term of " + std::to_string(term->size()) +
                        " bytes ('" + printable_path(term->substr(0, 40)) + "…'); the index takes at most " +
                        std::to_string(schema::max_term_bytes)};
}

std::uint64_t content_seed(const IndexOptions& options) {
  return text::fnv1a64(std::to_string(schema::version) + "/" + std::to_string(indexer_revision) + "/" +
                       std::string(lang_code(options.parse.default_lang)) + "/" +
                       std::to_string(options.default_review_days));
}

}  // namespace

std::string content_hash(const IndexOptions& options, std::string_view bytes) {
  return text::to_hex(text::fnv1a64(bytes, content_seed(options)));
}

Result<void> write_events_id(const fs::path& index_dir, const std::string& events_id,
                             std::chrono::milliseconds lock_wait) {
  auto lock = WriterLock::acquire(index_dir, lock_wait);
  if (!lock) return tl::unexpected(lock.error());
  const auto live = read_stub_target(index_dir);
  if (!live) return fail(ErrorCode::index_unavailable, "no index at " + index_dir.string());
  try {
    Xapian::WritableDatabase db((index_dir / *live).string(), Xapian::DB_OPEN);
    if (db.get_metadata(schema::meta::events_id) == events_id) return {};
    db.set_metadata(schema::meta::events_id, events_id);
    db.commit();
    return {};
  } catch (const Xapian::Error& e) {
    return fail(ErrorCode::index_unavailable, "index " + index_dir.string() + ": " + e.get_description());
  }
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io_error, "cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<void> write_file_durably(const fs::path& path, std::string_view content) {
  const fs::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorCode::io_error, "cannot write " + tmp.string());
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) {
      ::close(fd);
      return fail(ErrorCode::io_error, "cannot write " + tmp.string());
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0)
    return fail(ErrorCode::io_error, "cannot replace " + path.string());
  const int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<std::vector<SourceFile>> scan_articles(const fs::path& articles_dir,
                                              std::vector<Diagnostic>* skipped) {
  std::error_code ec;
  if (!fs::is_directory(articles_dir, ec))
    return fail(ErrorCode::not_found,
                "articles folder " + articles_dir.string() + " does not exist or is not a folder");
  std::vector<SourceFile> files;
  auto skip = [&](const fs::path& path, std::string code, std::string message) {
    if (skipped)
      skipped->push_back(Diagnostic{Diagnostic::Severity::error,
                                    printable_path(path.lexically_relative(articles_dir).generic_string()), 0,
                                    std::move(code), std::move(message)});
  };
  auto is_article_name = [](const std::string& name) {
    return name.ends_with(".md") && !name.starts_with("_") && name != "README.md";
  };
  // Symbolic links to folders are not followed (no follow_directory_symlink): no loops, nothing outside.
  fs::recursive_directory_iterator it(articles_dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec)
    return fail(ErrorCode::io_error,
                "cannot read articles folder " + articles_dir.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec)
      return fail(ErrorCode::io_error,
                  "cannot read articles folder " + articles_dir.string() + ": " + ec.message());
    const std::string name = it->path().filename().string();
    if (name.starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec)) {
      // Never followed: it may point outside the folder (/etc/passwd) or at itself. Reported when it
      // could be an article or a folder of articles; a link to an image or another file is just skipped.
      const auto target = fs::status(it->path(), ec);
      if (is_article_name(name) || !fs::is_regular_file(target)) {
        std::error_code read_ec;
        const fs::path to = fs::read_symlink(it->path(), read_ec);
        skip(it->path(), "symlink",
             "skipped: a symbolic link" +
                 (read_ec ? std::string() : " to '" + printable_path(to.string()) + "'") +
                 "; articles must be regular files inside the articles folder");
      }
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    if (!is_article_name(name)) continue;
    // Lexically: fs::relative() resolves both paths through the file system (realpath) for every file.
    std::string relative = it->path().lexically_relative(articles_dir).generic_string();
    if (auto ok = check_slug(slug_from_path(relative)); !ok) {
      std::string why = ok.error().message;
      if (why.starts_with("invalid slug: ")) why.erase(0, 14);
      skip(it->path(), "invalid_file_name",
           "skipped: the file name does not make a valid slug (" + why +
               "); rename the file so that the API can reach the article");
      continue;
    }
    files.push_back({std::move(relative), it->path()});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.relative < b.relative; });
  if (skipped)
    std::sort(skipped->begin(), skipped->end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  return files;
}

Result<std::string> read_article_file(const fs::path& path) {
  // O_NOFOLLOW: a file replaced by a symbolic link after the scan is still not followed. O_NONBLOCK: a
  // FIFO does not block the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ELOOP)
      return fail(ErrorCode::io_error,
                  "skipped: a symbolic link; articles must be regular files inside the "
                  "articles folder");
    return fail(ErrorCode::io_error, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::io_error, "cannot read " + path.string() + ": not a regular file");
  }
  auto too_large = [](std::uintmax_t size) {
    return fail(ErrorCode::too_large, "skipped: the file is " + std::to_string(size) +
                                          " bytes; an article may be at most " +
                                          std::to_string(limits::article_bytes) + " bytes (512 KiB)");
  };
  if (static_cast<std::uintmax_t>(st.st_size) > limits::article_bytes) {
    ::close(fd);
    return too_large(static_cast<std::uintmax_t>(st.st_size));
  }
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  for (;;) {
    if (done == out.size()) {
      if (out.size() > limits::article_bytes) break;
      out.resize(std::min(out.size() + 4096, limits::article_bytes + 1));  // the file grew since fstat
    }
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return fail(ErrorCode::io_error, "cannot read " + path.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done > limits::article_bytes) return too_large(done);
  out.resize(done);
  return out;
}

std::string_view read_error_code(const Error& e) {
  if (e.code == ErrorCode::too_large) return "file_too_large";
  if (e.message.find("symbolic link") != std::string::npos) return "symlink";
  return "unreadable";
}

Result<fs::path> live_generation(const fs::path& index_dir) {
  auto target = read_stub_target(index_dir);
  if (!target) return fail(ErrorCode::index_unavailable, "no index at " + index_dir.string());
  return index_dir / *target;
}

bool index_is_current(const fs::path& index_dir) {
  try {
    Xapian::Database db(index_dir.string());
    return db.get_metadata(schema::meta::schema_version) == std::to_string(schema::version);
  } catch (const Xapian::Error&) {
    return false;
  }
}

Result<size_t> update_learned(const fs::path& index_dir, const LearnedTerms& learned) {
  auto lock = WriterLock::acquire(index_dir);
  if (!lock) return tl::unexpected(lock.error());
  const auto live = read_stub_target(index_dir);
  if (!live) return fail(ErrorCode::index_unavailable, "no index at " + index_dir.string());
  try {
    Xapian::WritableDatabase db((index_dir / *live).string(), Xapian::DB_OPEN);
    size_t changed = 0;
    for (const auto& [slug, terms] : learned) {
      const std::string id = schema::term(schema::prefix::id, slug);
      auto post = db.postlist_begin(id);
      if (post == db.postlist_end(id)) continue;
      Xapian::Document doc = db.get_document(*post);
      if (doc.get_value(schema::slot(schema::Slot::learned)) == learned_fingerprint(terms)) continue;
      set_learned_terms(doc, terms);
      db.replace_document(*post, doc);
      ++changed;
    }
    if (changed) {
      set_last_commit(db);
      db.commit();
    }
    return changed;
  } catch (const Xapian::Error& e) {
    return fail(ErrorCode::index_unavailable, "index " + index_dir.string() + ": " + e.get_description());
  }
}

Result<IndexReport> update_articles(const IndexOptions& options, const std::vector<std::string>& paths) {
  if (!index_is_current(options.index_dir)) return index_folder(options);
  const auto started = std::chrono::steady_clock::now();
  auto lock = WriterLock::acquire(options.index_dir, options.lock_wait);
  if (!lock) return tl::unexpected(lock.error());
  IndexReport report;
  try {
    const auto live = read_stub_target(options.index_dir);
    if (!live) return fail(ErrorCode::index_unavailable, "no index at " + options.index_dir.string());
    Xapian::WritableDatabase db((options.index_dir / *live).string(), Xapian::DB_OPEN);
    const std::uint64_t seed = content_seed(options);
    Xapian::TermGenerator tg;
    for (const auto& relative : paths) {
      const std::string slug = slug_from_path(relative);
      if (auto ok = check_slug(slug); !ok) {
        report.errors.push_back(Diagnostic{Diagnostic::Severity::error, printable_path(relative), 0,
                                           "invalid_file_name", "skipped: " + ok.error().message});
        continue;
      }
      const std::string id = schema::term(schema::prefix::id, slug);
      auto post = db.postlist_begin(id);
      const Xapian::docid docid = post == db.postlist_end(id) ? 0 : *post;  // 0: not in the index
      const fs::path absolute = options.articles_dir / relative;
      std::error_code ec;
      if (!fs::exists(fs::symlink_status(absolute, ec))) {
        if (docid) {
          for_each_spelling_word(db.get_document(docid),
                                 [&](const std::string& w) { db.remove_spelling(w); });
          db.delete_document(docid);
          ++report.removed;
          report.changed.push_back(slug);
        }
        continue;
      }
      auto bytes = read_article_file(absolute);
      if (!bytes) {
        report.errors.push_back(Diagnostic{Diagnostic::Severity::error, relative, 0,
                                           std::string(read_error_code(bytes.error())),
                                           bytes.error().message});
        continue;
      }
      auto article = parse_article(relative, *bytes, options.parse);
      if (!article) {
        report.errors.push_back(Diagnostic{Diagnostic::Severity::error, relative, article.error().line,
                                           "invalid_article", article.error().message});
        continue;
      }
      DocumentOptions dopt;
      dopt.default_review_days = options.default_review_days;
      dopt.modified = modification_day(absolute);
      Xapian::Document doc = make_document(*article, text::to_hex(text::fnv1a64(*bytes, seed)), dopt, tg);
      if (options.learned) {
        const auto l = options.learned->find(slug);
        if (l != options.learned->end()) set_learned_terms(doc, l->second);
      }
      if (auto refused = refused_by_xapian(doc, relative)) {
        report.errors.push_back(std::move(*refused));
        continue;
      }
      if (docid) {
        const Xapian::Document previous = db.get_document(docid);
        if (!options.learned) keep_learned_terms(previous, doc);
        for_each_spelling_word(previous, [&](const std::string& w) { db.remove_spelling(w); });
        db.replace_document(docid, doc);
        ++report.updated;
      } else {
        db.add_document(doc);
        ++report.added;
      }
      for_each_spelling_word(doc, [&](const std::string& w) { db.add_spelling(w); });
      for (auto& w : article->warnings) report.warnings.push_back(std::move(w));
      report.changed.push_back(slug);
    }
    const bool new_events_id =
        options.events_id && db.get_metadata(schema::meta::events_id) != *options.events_id;
    if (new_events_id) db.set_metadata(schema::meta::events_id, *options.events_id);
    if (report.added || report.updated || report.removed) set_last_commit(db);
    if (report.added || report.updated || report.removed || new_events_id) db.commit();
    report.documents = db.get_doccount();
  } catch (const Xapian::Error& e) {
    return fail(ErrorCode::index_unavailable,
                "index " + options.index_dir.string() + ": " + e.get_description());
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

Result<IndexReport> index_folder(const IndexOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Diagnostic> skipped;
  auto files = scan_articles(options.articles_dir, &skipped);
  if (!files) return tl::unexpected(files.error());

  std::error_code ec;
  fs::create_directories(options.index_dir, ec);
  if (ec)
    return fail(ErrorCode::index_unavailable,
                "cannot create index folder " + options.index_dir.string() + ": " + ec.message());
  auto lock = WriterLock::acquire(options.index_dir, options.lock_wait);
  if (!lock) return tl::unexpected(lock.error());

  IndexReport report;
  report.errors = std::move(skipped);
  try {
    // Decide between an incremental run on the live generation and a full rebuild into a new one.
    const auto live = read_stub_target(options.index_dir);
    bool full = options.full || !live;
    if (live && !full) {
      Xapian::Database current((options.index_dir / *live).string());
      if (current.get_metadata(schema::meta::schema_version) != std::to_string(schema::version)) full = true;
    }
    int next_generation = 1;
    for (const auto& entry : fs::directory_iterator(options.index_dir))
      next_generation = std::max(next_generation, generation_number(entry.path().filename().string()) + 1);
    const std::string generation = full ? generation_name(next_generation) : *live;
    const fs::path db_path = options.index_dir / generation;
    // The events store's id goes with the index from generation to generation (unless given).
    std::string previous_events_id;
    if (full && live && !options.events_id) {
      try {
        previous_events_id =
            Xapian::Database((options.index_dir / *live).string()).get_metadata(schema::meta::events_id);
      } catch (const Xapian::Error&) {  // a damaged generation: nothing to carry over
      }
    }

    Xapian::WritableDatabase db(db_path.string(), full ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_OPEN);
    const auto existing = full ? std::unordered_map<std::string, Existing>{} : read_existing(db);
    if (!full) db.begin_transaction();  // readers keep seeing the previous revision until commit

    const std::uint64_t seed = content_seed(options);

    // Parsing threads fill a window of slots in file order; this thread writes them in the same order,
    // so document ids (and ties in ranking) do not depend on thread timing.
    const size_t n = files->size();
    constexpr size_t window = 256;
    std::vector<std::optional<Built>> slots(window);
    std::mutex mu;
    std::condition_variable produced, consumed;
    size_t written = 0;
    std::atomic<size_t> next{0};

    auto work = [&] {
      Xapian::TermGenerator tg;
      for (;;) {
        const size_t i = next.fetch_add(1);
        if (i >= n) return;
        {
          std::unique_lock lk(mu);
          consumed.wait(lk, [&] { return i < written + window; });
        }
        const SourceFile& f = (*files)[i];
        Built b;
        b.slug = slug_from_path(f.relative);
        auto old = existing.find(b.slug);
        if (options.stamps) {  // read only (its stamps are replaced after the workers are done)
          b.stamp = stat_stamp(f.absolute);
          const auto known = options.stamps->find(f.relative);
          if (b.stamp && known != options.stamps->end() && known->second.size == b.stamp->size &&
              known->second.mtime_ns == b.stamp->mtime_ns && old != existing.end() &&
              old->second.hash == known->second.hash) {
            b.stamp = known->second;
            b.kind = Built::Kind::unchanged;
            {
              std::lock_guard lk(mu);
              slots[i % window] = std::move(b);
            }
            produced.notify_all();
            continue;
          }
        }
        auto bytes = read_article_file(f.absolute);
        if (!bytes) {
          b.kind = Built::Kind::failed;
          b.error = Diagnostic{Diagnostic::Severity::error, f.relative, 0,
                               std::string(read_error_code(bytes.error())), bytes.error().message};
        } else {
          const std::string hash = text::to_hex(text::fnv1a64(*bytes, seed));
          if (b.stamp) b.stamp->hash = hash;
          if (old != existing.end() && old->second.hash == hash) {
            b.kind = Built::Kind::unchanged;
          } else if (auto article = parse_article(f.relative, *bytes, options.parse); !article) {
            b.kind = Built::Kind::failed;
            b.error = Diagnostic{Diagnostic::Severity::error, f.relative, article.error().line,
                                 "invalid_article", article.error().message};
          } else {
            DocumentOptions dopt;
            dopt.default_review_days = options.default_review_days;
            dopt.modified = modification_day(f.absolute);
            b.kind = Built::Kind::document;
            b.doc = make_document(*article, hash, dopt, tg);
            if (options.learned) {
              const auto l = options.learned->find(b.slug);
              if (l != options.learned->end()) set_learned_terms(b.doc, l->second);
            }
            b.warnings = std::move(article->warnings);
            if (auto refused = refused_by_xapian(b.doc, f.relative)) {
              b.kind = Built::Kind::failed;
              b.error = std::move(refused);
            }
          }
        }
        {
          std::lock_guard lk(mu);
          slots[i % window] = std::move(b);
        }
        produced.notify_all();
      }
    };

    const unsigned threads =
        std::clamp(options.threads ? options.threads : std::thread::hardware_concurrency(), 1u, 8u);
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);

    std::unordered_map<std::string, bool> seen;
    seen.reserve(n);
    FileStamps stamps;
    if (options.stamps) stamps.reserve(n);
    std::exception_ptr failure;
    for (size_t i = 0; i < n; ++i) {
      Built b;
      {
        std::unique_lock lk(mu);
        produced.wait(lk, [&] { return slots[i % window].has_value(); });
        b = std::move(*slots[i % window]);
        slots[i % window].reset();
        ++written;
      }
      consumed.notify_all();
      if (b.stamp) stamps.emplace((*files)[i].relative, std::move(*b.stamp));
      if (failure) continue;  // keep draining so the workers can finish
      try {
        seen[b.slug] = true;
        switch (b.kind) {
          case Built::Kind::unchanged: {
            ++report.unchanged;
            if (!options.learned) break;
            const auto& old = existing.at(b.slug);
            const auto l = options.learned->find(b.slug);
            static const std::vector<LearnedTerm> none;
            const auto& terms = l == options.learned->end() ? none : l->second;
            if (learned_fingerprint(terms) != old.learned) {
              Xapian::Document doc = db.get_document(old.docid);
              set_learned_terms(doc, terms);
              db.replace_document(old.docid, doc);
              ++report.learned_updated;
            }
            break;
          }
          case Built::Kind::failed:
            report.errors.push_back(std::move(*b.error));
            break;
          case Built::Kind::document: {
            auto old = existing.find(b.slug);
            if (old != existing.end()) {
              const Xapian::Document previous = db.get_document(old->second.docid);
              if (!options.learned) keep_learned_terms(previous, b.doc);
              for_each_spelling_word(previous, [&](const std::string& w) { db.remove_spelling(w); });
              db.replace_document(old->second.docid, b.doc);
              ++report.updated;
              report.changed.push_back(b.slug);
            } else {
              db.add_document(b.doc);
              ++report.added;
              report.changed.push_back(b.slug);
            }
            for_each_spelling_word(b.doc, [&](const std::string& w) { db.add_spelling(w); });
            for (auto& w : b.warnings) report.warnings.push_back(std::move(w));
            break;
          }
        }
      } catch (...) {
        failure = std::current_exception();
      }
    }
    pool.clear();  // joins
    if (failure) std::rethrow_exception(failure);
    if (options.stamps) *options.stamps = std::move(stamps);

    for (const auto& [slug, old] : existing) {
      if (seen.count(slug)) continue;
      for_each_spelling_word(db.get_document(old.docid),
                             [&](const std::string& w) { db.remove_spelling(w); });
      db.delete_document(old.docid);
      ++report.removed;
      report.changed.push_back(slug);
    }

    // Synonyms: replaced wholesale when the file changed.
    const fs::path synonyms_path = options.articles_dir / synonyms_file_name;
    std::string synonyms_text;
    if (fs::exists(synonyms_path, ec)) {
      auto content = read_file(synonyms_path);
      if (!content) return tl::unexpected(content.error());
      synonyms_text = std::move(*content);
    }
    const std::string synonyms_hash = text::to_hex(text::fnv1a64(synonyms_text));
    SynonymFile synonyms = parse_synonyms(synonyms_text);
    report.synonym_groups = synonyms.groups.size();
    for (auto& p : synonyms.problems)
      (p.severity == Diagnostic::Severity::error ? report.errors : report.warnings).push_back(std::move(p));
    if (full || db.get_metadata(schema::meta::synonyms_hash) != synonyms_hash) {
      std::vector<std::string> keys(db.synonym_keys_begin(), db.synonym_keys_end());
      for (const auto& k : keys) db.clear_synonyms(k);
      for (const auto& group : synonyms.groups)
        for (const auto& key : group)
          for (const auto& other : group)
            if (other != key) db.add_synonym(key, other);
      db.set_metadata(schema::meta::synonyms_hash, synonyms_hash);
      report.synonyms_changed = true;
    }

    // Chat words: the table is stored whole in the metadata; no file, no table (the built-in one).
    const fs::path chat_words_path = options.articles_dir / chat_words_file_name;
    std::string chat_words_stored;
    if (fs::exists(chat_words_path, ec)) {
      // Read one byte past the limit, so that the parser reports the line that crosses it.
      std::ifstream in(chat_words_path, std::ios::binary);
      if (!in) return fail(ErrorCode::io_error, "cannot read " + chat_words_path.string());
      std::string content(max_chat_words_file_bytes + 1, '\0');
      in.read(content.data(), static_cast<std::streamsize>(content.size()));
      content.resize(static_cast<size_t>(in.gcount()));
      ChatWordsFile chat_words = parse_chat_words(content);
      report.chat_words = chat_words.words.size();
      for (auto& p : chat_words.problems)
        (p.severity == Diagnostic::Severity::error ? report.errors : report.warnings).push_back(std::move(p));
      chat_words_stored = chat_words.words.serialise();
    }
    if (db.get_metadata(schema::meta::chat_words) != chat_words_stored) {
      db.set_metadata(schema::meta::chat_words, chat_words_stored);  // "" removes the key
      report.chat_words_changed = true;
    }

    // Category groups: the same category in both languages ("pembayaran, payments"), stored as one
    // line per group; a category filter matches every category of its group.
    const fs::path categories_path = options.articles_dir / category_groups_file_name;
    std::string categories_stored;
    if (fs::exists(categories_path, ec)) {
      auto content = read_file(categories_path);
      if (!content) return tl::unexpected(content.error());
      SynonymFile groups = parse_synonyms(*content, std::string(category_groups_file_name));
      report.category_groups = groups.groups.size();
      for (auto& p : groups.problems)
        (p.severity == Diagnostic::Severity::error ? report.errors : report.warnings).push_back(std::move(p));
      categories_stored = serialise_category_groups(groups.groups);
    }
    if (db.get_metadata(schema::meta::category_groups) != categories_stored) {
      db.set_metadata(schema::meta::category_groups, categories_stored);
      report.category_groups_changed = true;
    }

    const bool changed = full || report.added || report.updated || report.removed ||
                         report.synonyms_changed || report.chat_words_changed ||
                         report.category_groups_changed || report.learned_updated;
    if (changed) {
      db.set_metadata(schema::meta::schema_version, std::to_string(schema::version));
      db.set_metadata(schema::meta::languages, "id en");
      db.set_metadata(schema::meta::articles_dir,
                      fs::absolute(options.articles_dir).lexically_normal().string());
      set_last_commit(db);
    }
    const std::string events_id =
        options.events_id.value_or(full ? previous_events_id : db.get_metadata(schema::meta::events_id));
    if (db.get_metadata(schema::meta::events_id) != events_id)
      db.set_metadata(schema::meta::events_id, events_id);
    if (full) {
      db.commit();
    } else {
      db.commit_transaction();
    }
    report.documents = db.get_doccount();
    db.close();

    if (full) {
      // Publish the new generation atomically, then drop the old ones (open readers keep their files).
      if (auto ok = write_file_durably(options.index_dir / stub_name, "auto " + generation + "\n"); !ok)
        return tl::unexpected(ok.error());
      report.rebuilt = true;
      for (const auto& entry : fs::directory_iterator(options.index_dir)) {
        const std::string name = entry.path().filename().string();
        if (generation_number(name) > 0 && name != generation) fs::remove_all(entry.path(), ec);
      }
    }
  } catch (const Xapian::DatabaseLockError& e) {
    return fail(ErrorCode::index_unavailable, "index is locked by another writer: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    return fail(ErrorCode::index_unavailable,
                "index " + options.index_dir.string() + ": " + e.get_description());
  } catch (const fs::filesystem_error& e) {
    return fail(ErrorCode::io_error, e.what());
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace solusi
