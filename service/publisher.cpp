#include "publisher.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "article.hpp"
#include "articles.hpp"
#include "editing.hpp"
#include "guard.hpp"
#include "safe_files.hpp"
#include "text.hpp"

namespace fs = std::filesystem;

namespace solusi::service {
namespace {

/// Folder (inside the articles folder) of drafts saved beside a live published article. Hidden, so
/// the indexer never reads it.
constexpr const char* drafts_folder = ".drafts";
/// How long the writer waits for `solusi index` (another process) to release the index.
constexpr auto index_busy_wait = std::chrono::seconds(3);
/// Quiet time after the last change in articles/ before reindexing (editors save in bursts).
constexpr auto settle_time = std::chrono::milliseconds(300);
/// Files that keep changing (a sync tool, a generator) are indexed at least this often all the same.
constexpr auto max_settle_time = std::chrono::seconds(1);
/// Rescan of articles/ even without inotify events (network file systems, missed events).
constexpr auto rescan_every = std::chrono::seconds(30);
/// Deepest folder nesting below the articles folder that the watcher watches.
constexpr int max_watch_depth = 32;
/// A publish needs at least this much free space on the articles' and the index's file systems (plus
/// four times the article's size) before it starts; else it is refused with insufficient_storage
/// before anything is written, so a full disk does not stop a publish half-way (file saved, index not).
constexpr std::uintmax_t min_free_bytes_to_publish = 8u << 20;

/// Free bytes for an unprivileged writer on the file system of @p path; nullopt when unknown.
std::optional<std::uintmax_t> free_bytes(const fs::path& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<std::uintmax_t>(st.f_bavail) * st.f_frsize;
}

/// True when @p message is a full disk as Xapian or the C library words it.
bool says_disk_full(const std::string& message) {
  return message.find("No space left on device") != std::string::npos ||
         message.find("Disk quota exceeded") != std::string::npos;
}

std::string hash_of(std::string_view bytes) {
  return text::to_hex(text::fnv1a64(bytes));
}

}  // namespace

std::string etag_of(std::string_view bytes) {
  return "\"" + hash_of(bytes) + "\"";
}

struct Publisher::Impl {
  Config config;
  EventStore& events;
  std::mutex mu;
  std::condition_variable wake;
  std::deque<std::function<void()>> jobs;
  std::set<std::string> learned_pending;
  bool stopping = false;
  bool started = false;
  std::thread worker, watcher;
  std::thread::id worker_id;
  std::atomic<std::uint64_t> outside{0};
  std::atomic<bool> dirty{false};
  /// The articles' sizes and modification times at the last scan (worker thread only): a rescan reads
  /// only the files that changed since.
  FileStamps stamps;
  /// Every article's learned terms as of feedback_version learned_version (worker thread only): a
  /// rescan reads them again only after new feedback.
  std::optional<LearnedTerms> learned_cache;
  std::int64_t learned_version = -1;
  std::atomic<bool> watching{false};
  /// The shortest time between two commits of learned terms.
  static constexpr auto learn_interval =
      std::chrono::milliseconds(1000);  ///< the watches are in place (start() waits for it)
  int inotify_fd = -1;
  std::unordered_map<int, fs::path> watches;

  Impl(Config c, EventStore& e) : config(std::move(c)), events(e) {}

  /// Paths relative to the articles folder: every read and write by slug goes through safe_files,
  /// which never follows a symbolic link below that folder.
  static std::string file_of(const std::string& slug) { return slug + ".md"; }
  static std::string draft_of(const std::string& slug) {
    return std::string(drafts_folder) + "/" + slug + ".md";
  }

  IndexOptions index_options() const {
    IndexOptions o;
    o.articles_dir = config.articles_dir;
    o.index_dir = config.index_dir;
    o.parse.default_lang = config.default_lang;
    o.default_review_days = config.default_review_days;
    if (!events.id().empty()) o.events_id = events.id();  // the index goes with this events store
    return o;
  }

  /// Runs @p f on the writer thread and waits for its result.
  template <class T>
  Result<T> run(std::function<Result<T>()> f) {
    if (std::this_thread::get_id() == worker_id) return f();
    auto task = std::make_shared<std::packaged_task<Result<T>()>>(std::move(f));
    auto future = task->get_future();
    {
      std::lock_guard lk(mu);
      if (stopping || !started) return fail(ErrorCode::index_unavailable, "the service is stopping");
      jobs.emplace_back([task] { (*task)(); });
    }
    wake.notify_all();
    return future.get();
  }

  /// Index update of some files, waiting a little while another process holds the index.
  Result<IndexReport> update_index(const std::vector<std::string>& slugs) {
    IndexOptions o = index_options();
    LearnedTerms learned;
    for (const auto& slug : slugs) {
      auto l = events.learned_terms(slug);
      if (!l) return tl::unexpected(l.error());
      for (auto& [s, terms] : *l) learned[s] = std::move(terms);
    }
    o.learned = &learned;
    std::vector<std::string> paths;
    for (const auto& slug : slugs) paths.push_back(slug + ".md");
    const auto deadline = std::chrono::steady_clock::now() + index_busy_wait;
    for (;;) {
      auto report = update_articles(o, paths);
      if (report || std::chrono::steady_clock::now() > deadline) return report;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  Result<std::optional<std::string>> read_optional(const std::string& relative) const {
    return read_below(config.articles_dir, relative);
  }

  /// Refuses a publish up front when the articles' or the index's disk is (nearly) full.
  Result<void> check_free_space(size_t article_bytes) const {
    const std::uintmax_t need = min_free_bytes_to_publish + 4 * static_cast<std::uintmax_t>(article_bytes);
    for (const fs::path& where : {config.articles_dir, config.index_dir}) {
      const auto have = free_bytes(where);
      if (have && *have < need)
        return fail(ErrorCode::insufficient_storage,
                    "the disk holding " + where.string() + " is full (" + std::to_string(*have / 1024) +
                        " KiB free, a publish needs " + std::to_string(need / 1024) +
                        " KiB): nothing was written; try again when space is freed");
    }
    return {};
  }

  /// Records the file as it was before the first write through the API, so history starts from it.
  Result<void> record_baseline(const std::string& slug, const std::string& text) {
    // Any recorded version with these bytes (the latest may be a draft kept beside the live file).
    auto all = events.revisions(slug);
    if (!all) return tl::unexpected(all.error());
    const std::string hash = hash_of(text);
    if (std::any_of(all->begin(), all->end(), [&](const RevisionInfo& v) { return v.hash == hash; }))
      return {};
    std::string status = "published";
    if (auto a = parse_article(slug + ".md", text, index_options().parse)) status = to_string(a->status);
    auto r = events.add_revision(slug, "file", "external", status, "as found in the articles folder", text,
                                 hash_of(text));
    if (!r) return tl::unexpected(r.error());
    return {};
  }

  Result<void> check_precondition(const std::string& slug, const std::optional<std::string>& current,
                                  const WriteRequest& request, Conflict* conflict) {
    const std::string current_etag = current ? etag_of(*current) : std::string();
    bool ok = true;
    std::string why;
    if (request.must_not_exist && current) {
      ok = false;
      why = "article '" + slug + "' already exists";
    } else if (request.if_match) {
      const std::string want = std::string(text::trim(*request.if_match));
      if (want == "*" ? !current : (!current || want != current_etag)) {
        ok = false;
        why = current ? "article '" + slug + "' changed since you loaded it"
                      : "article '" + slug + "' does not exist";
      }
    }
    if (ok) return {};
    auto latest = events.revision(slug);
    if (conflict) {
      conflict->etag = current_etag;
      if (latest && *latest) conflict->latest = static_cast<const RevisionInfo&>(**latest);
    }
    if (latest && *latest)
      why += " (revision " + std::to_string((*latest)->revision) + " by " + (*latest)->author + ")";
    return fail(ErrorCode::precondition_failed, why);
  }

  Result<WriteResult> do_write(const WriteRequest& request, const std::string& action, Conflict* conflict) {
    const auto started_at = std::chrono::steady_clock::now();
    if (auto ok = validate_write_slug(request.slug); !ok) return tl::unexpected(ok.error());
    if (request.text.size() > max_article_bytes)
      return fail(ErrorCode::too_large,
                  "the article is larger than " + std::to_string(max_article_bytes) + " bytes");
    auto article = parse_article(request.slug + ".md", request.text, index_options().parse);
    if (!article) return tl::unexpected(article.error());

    auto current = read_optional(file_of(request.slug));
    if (!current) return tl::unexpected(current.error());
    // A draft or review copy of a live published article waits beside it; the published text stays.
    bool live_published = false;
    if (*current)
      if (auto live = parse_article(request.slug + ".md", **current, index_options().parse))
        live_published = live->status == Status::published;
    const bool unpublished = article->status == Status::draft || article->status == Status::review;
    const bool into_draft = live_published && unpublished;
    // A write into a pending draft is checked against that draft: two editors saving the same draft
    // cannot overwrite each other.
    std::optional<std::string> pending;
    if (into_draft && request.if_match && text::trim(*request.if_match) != "*") {
      auto d = read_optional(draft_of(request.slug));
      if (!d) return tl::unexpected(d.error());
      pending = std::move(*d);
    }
    if (pending) {
      if (auto ok = check_precondition(request.slug, pending, request, conflict); !ok) {
        if (conflict) {
          conflict->draft_etag = conflict->etag;
          conflict->etag = etag_of(**current);
        }
        return tl::unexpected(ok.error());
      }
    } else if (auto ok = check_precondition(request.slug, *current, request, conflict); !ok) {
      return tl::unexpected(ok.error());
    }
    if (auto ok = check_free_space(request.text.size()); !ok) return tl::unexpected(ok.error());

    WriteResult result;
    result.slug = request.slug;
    result.status = std::string(to_string(article->status));
    result.warnings = article->warnings;
    result.created = !*current;
    if (*current)
      if (auto ok = record_baseline(request.slug, **current); !ok) return tl::unexpected(ok.error());

    // The file is staged (written and fsynced beside its target) before the revision is recorded,
    // and put in place only after: a full disk at either step leaves both as they were.
    if (into_draft) {
      auto staged = StagedFile::stage(config.articles_dir, draft_of(request.slug), request.text);
      if (!staged) return tl::unexpected(staged.error());
      auto r = events.add_revision(request.slug, request.author, action, result.status, request.note,
                                   request.text, hash_of(request.text));
      if (!r) return tl::unexpected(r.error());
      if (auto ok = staged->commit(); !ok) return tl::unexpected(ok.error());
      result.revision = r->revision;
      result.etag = etag_of(**current);  // the live article did not change
      result.draft_copy = true;
      result.draft_etag = etag_of(request.text);
      result.took_ms = ms_since(started_at);
      return result;
    }

    auto staged = StagedFile::stage(config.articles_dir, file_of(request.slug), request.text);
    if (!staged) return tl::unexpected(staged.error());
    auto r = events.add_revision(request.slug, request.author, result.created ? "create" : action,
                                 result.status, request.note, request.text, hash_of(request.text));
    if (!r) return tl::unexpected(r.error());
    if (auto ok = staged->commit(); !ok) return tl::unexpected(ok.error());
    // A draft waiting beside the article went live, or was replaced by this edit of the article (its
    // text stays in the revisions). Archiving and restoring keep it pending.
    if (action == "update") (void)remove_below(config.articles_dir, draft_of(request.slug));
    result.revision = r->revision;
    result.etag = etag_of(request.text);
    auto report = update_index({request.slug});
    if (!report && says_disk_full(report.error().message))
      return fail(ErrorCode::insufficient_storage,
                  "the disk is full: article '" + request.slug + "' was saved as revision " +
                      std::to_string(r->revision) +
                      " but is not searchable yet (the index could not be written); it is indexed once "
                      "space is freed");
    if (!report) return tl::unexpected(report.error());
    if (!report->errors.empty()) return fail(ErrorCode::invalid_article, report->errors.front().describe());
    result.took_ms = ms_since(started_at);
    return result;
  }

  static double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
  }

  /// Records the file of @p slug as a revision by "file" when it differs from the latest revision
  /// (or is gone while the history says it exists).
  void record_outside_edit(const std::string& slug, const ParseOptions& parse) {
    auto text = read_optional(file_of(slug));
    if (!text) return;
    auto latest = events.revision(slug);
    if (!latest) return;
    if (!*text) {
      if (*latest && (*latest)->action != "delete")
        (void)events.add_revision(slug, "file", "delete", "", "removed from the articles folder", "", "");
      return;
    }
    if (*latest && (*latest)->hash == hash_of(**text)) return;
    std::string status = "published";
    if (auto a = parse_article(slug + ".md", **text, parse)) status = to_string(a->status);
    (void)events.add_revision(slug, "file", "external", status, "edited in the articles folder", **text,
                              hash_of(**text));
  }

  /// At start: outside edits the last run indexed but did not record (it stopped between its index
  /// commit and the revision), or made while no service ran, become revisions of the articles that
  /// have a history.
  void record_missed_outside_edits() {
    if (config.articles_dir.empty()) return;
    auto slugs = events.revised_slugs();
    if (!slugs) {
      std::cerr << "solusi: cannot read the revision history: " << slugs.error().message << "\n";
      return;
    }
    const IndexOptions o = index_options();
    for (const auto& slug : *slugs) record_outside_edit(slug, o.parse);
  }

  Result<IndexReport> do_reindex(bool outside_edit) {
    IndexOptions o = index_options();
    auto version = events.feedback_version();
    if (!version) return tl::unexpected(version.error());
    if (!learned_cache || *version != learned_version) {
      auto learned = events.learned_terms();
      if (!learned) return tl::unexpected(learned.error());
      learned_cache = std::move(*learned);
      learned_version = *version;
    }
    o.learned = &*learned_cache;
    if (outside_edit) o.stamps = &stamps;  // an explicit reindex (admin) reads every file
    auto report = index_folder(o);
    if (!report) return report;
    for (const auto& d : report->errors)
      std::cerr << "solusi: article rejected: " << d.describe()
                << " (the previous version stays searchable)\n";
    // Outside edits become revisions too, so history has no holes.
    for (const auto& slug : report->changed) record_outside_edit(slug, o.parse);
    if (outside_edit && (report->added || report->updated || report->removed)) {
      ++outside;
      std::cerr << "solusi: articles folder changed: added " << report->added << ", updated "
                << report->updated << ", removed " << report->removed << ", errors " << report->errors.size()
                << "\n";
    }
    return report;
  }

  void apply_learned() {
    std::set<std::string> slugs;
    {
      std::lock_guard lk(mu);
      slugs.swap(learned_pending);
    }
    if (slugs.empty()) return;
    LearnedTerms changes;
    for (const auto& slug : slugs) {
      auto terms = events.learned_terms(slug);
      if (!terms) continue;
      changes[slug] = std::move((*terms)[slug]);
    }
    if (auto applied = update_learned(config.index_dir, changes); !applied) {
      std::cerr << "solusi: learned terms not written yet (will retry): " << applied.error().message << "\n";
      {
        std::lock_guard lk(mu);
        learned_pending.insert(slugs.begin(), slugs.end());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }

  void work() {
    worker_id = std::this_thread::get_id();
    report_exceptions("revision history at start", [this] { record_missed_outside_edits(); });
    std::unique_lock lk(mu);
    // Learned terms are committed at most once per learn_interval: a burst of resolved tickets is one
    // commit, and readers (each commit discards the revision two behind) are not outrun.
    auto next_learning = std::chrono::steady_clock::now();
    while (!stopping || !jobs.empty()) {
      wake.wait_for(lk, std::chrono::milliseconds(500), [&] {
        return stopping || !jobs.empty() ||
               (!learned_pending.empty() && std::chrono::steady_clock::now() >= next_learning);
      });
      while (!jobs.empty()) {
        auto job = std::move(jobs.front());
        jobs.pop_front();
        lk.unlock();
        job();
        lk.lock();
      }
      if (!learned_pending.empty() && (stopping || std::chrono::steady_clock::now() >= next_learning)) {
        lk.unlock();
        report_exceptions("learned terms", [this] { apply_learned(); });
        next_learning = std::chrono::steady_clock::now() + learn_interval;
        lk.lock();
      } else if (!learned_pending.empty()) {
        wake.wait_until(lk, next_learning, [&] { return stopping || !jobs.empty(); });
      }
    }
  }

  /// Watches @p folder and the folders below it. Symbolic links are never followed (IN_DONT_FOLLOW,
  /// symlink_status), so a link loop cannot make it recurse; the depth is bounded all the same (bind
  /// mounts).
  void add_watches(const fs::path& folder, int depth = 0) {
    if (inotify_fd < 0 || depth > max_watch_depth) return;
    const int wd = inotify_add_watch(inotify_fd, folder.c_str(),
                                     IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE |
                                         IN_DELETE_SELF | IN_ONLYDIR | (depth > 0 ? IN_DONT_FOLLOW : 0));
    if (wd < 0) return;
    watches[wd] = folder;
    std::error_code ec;
    for (fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end; it != end;
         it.increment(ec)) {
      if (ec) break;
      const std::string name = it->path().filename().string();
      if (name.starts_with(".")) continue;
      if (it->symlink_status(ec).type() == fs::file_type::directory) add_watches(it->path(), depth + 1);
    }
  }

  void watch() {
    inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd < 0)
      std::cerr << "solusi: inotify unavailable; rescanning " << config.articles_dir.string() << " every "
                << rescan_every.count() << " s\n";
    add_watches(config.articles_dir);
    watching = true;
    auto last_event = std::chrono::steady_clock::now();
    auto first_event = last_event;  // the first change since the last reindex
    auto last_scan = last_event;
    alignas(inotify_event) char buf[8192];
    for (;;) {
      {
        std::lock_guard lk(mu);
        if (stopping) break;
      }
      if (inotify_fd >= 0) {
        pollfd p{inotify_fd, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) {
          ssize_t n;
          while ((n = ::read(inotify_fd, buf, sizeof buf)) > 0) {
            for (char* ptr = buf; ptr < buf + n;) {
              const auto* ev = reinterpret_cast<const inotify_event*>(ptr);
              ptr += sizeof(inotify_event) + ev->len;
              const std::string name = ev->len ? std::string(ev->name) : std::string();
              if (name.starts_with(".")) continue;  // hidden files, drafts, editors' swap files
              if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
                const auto w = watches.find(ev->wd);
                if (w != watches.end()) add_watches(w->second / name, 1);
              }
              if ((ev->mask & IN_ISDIR) || name.ends_with(".md") || name == "synonyms.txt" ||
                  name == "chat-words.txt" || name == "categories.txt") {
                last_event = std::chrono::steady_clock::now();
                if (!dirty) first_event = last_event;
                dirty = true;
              }
            }
          }
        }
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      const auto now = std::chrono::steady_clock::now();
      const bool settled = dirty && (now - last_event >= settle_time || now - first_event >= max_settle_time);
      if (settled || now - last_scan >= rescan_every) {
        dirty = false;
        last_scan = now;
        report_exceptions("reindex after an outside edit", [this] {
          auto report = run<IndexReport>([this] { return do_reindex(true); });
          if (!report)
            std::cerr << "solusi: reindex after an outside edit failed: " << report.error().message << "\n";
        });
      }
    }
    if (inotify_fd >= 0) ::close(inotify_fd);
    inotify_fd = -1;
  }
};

Publisher::Publisher(Config config, EventStore& events)
    : impl_(std::make_unique<Impl>(std::move(config), events)) {}

Publisher::~Publisher() {
  stop();
}

void Publisher::start() {
  Impl& s = *impl_;
  {
    std::lock_guard lk(s.mu);
    if (s.started) return;
    // Temporary files of writes cut short (kill -9, power loss) by an earlier run: never a link.
    if (!s.config.articles_dir.empty())
      for (const auto& path : remove_stale_temporaries(s.config.articles_dir))
        std::cerr << "solusi: removed leftover temporary file " << (s.config.articles_dir / path).string()
                  << "\n";
    s.started = true;
    s.worker = std::thread([&s] { s.work(); });
    if (s.config.articles_dir.empty()) return;
    s.watcher = std::thread([&s] { s.watch(); });
  }
  // An edit made right after start must not wait for the rescan: wait until the watches are set.
  for (int i = 0; i < 2000 && !s.watching; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void Publisher::stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lk(s.mu);
    if (!s.started || s.stopping) return;
    s.stopping = true;
  }
  s.wake.notify_all();
  if (s.watcher.joinable()) s.watcher.join();
  if (s.worker.joinable()) s.worker.join();
}

Result<WriteResult> Publisher::write(const WriteRequest& request, Conflict* conflict) {
  return impl_->run<WriteResult>([&] { return impl_->do_write(request, "update", conflict); });
}

Result<WriteResult> Publisher::archive(const std::string& slug, const std::string& author,
                                       const std::string& note, const std::optional<std::string>& if_match,
                                       Conflict* conflict) {
  return impl_->run<WriteResult>([&]() -> Result<WriteResult> {
    if (auto ok = validate_write_slug(slug); !ok) return tl::unexpected(ok.error());
    auto current = impl_->read_optional(impl_->file_of(slug));
    if (!current) return tl::unexpected(current.error());
    if (!*current) return fail(ErrorCode::not_found, "no article '" + slug + "'");
    auto archived = set_front_matter_field(**current, "status", "archived");
    if (!archived) return tl::unexpected(archived.error());
    WriteRequest w{slug, std::move(*archived), author, note.empty() ? "archived" : note, if_match, false};
    return impl_->do_write(w, "archive", conflict);
  });
}

Result<WriteResult> Publisher::restore(const std::string& slug, const std::string& author,
                                       const std::string& note, std::optional<int> revision,
                                       Conflict* conflict) {
  return impl_->run<WriteResult>([&]() -> Result<WriteResult> {
    if (auto ok = validate_write_slug(slug); !ok) return tl::unexpected(ok.error());
    WriteRequest w;
    w.slug = slug;
    w.author = author;
    if (revision) {
      auto old = impl_->events.revision(slug, *revision);
      if (!old) return tl::unexpected(old.error());
      if (!*old)
        return fail(ErrorCode::not_found,
                    "article '" + slug + "' has no revision " + std::to_string(*revision));
      if ((*old)->text.empty())
        return fail(ErrorCode::invalid_argument, "revision " + std::to_string(*revision) + " is a deletion");
      w.text = (*old)->text;
      w.note = note.empty() ? "restored revision " + std::to_string(*revision) : note;
    } else {
      auto current = impl_->read_optional(impl_->file_of(slug));
      if (!current) return tl::unexpected(current.error());
      if (!*current) return fail(ErrorCode::not_found, "no article '" + slug + "'");
      auto a = parse_article(slug + ".md", **current, impl_->index_options().parse);
      if (a && a->status != Status::archived)
        return fail(ErrorCode::invalid_argument, "article '" + slug + "' is not archived (status " +
                                                     std::string(to_string(a->status)) + ")");
      auto published = set_front_matter_field(**current, "status", "published");
      if (!published) return tl::unexpected(published.error());
      w.text = std::move(*published);
      w.note = note.empty() ? "restored from the archive" : note;
    }
    return impl_->do_write(w, "restore", conflict);
  });
}

Result<std::optional<std::string>> Publisher::draft_copy(const std::string& slug) const {
  if (auto ok = validate_write_slug(slug); !ok) return tl::unexpected(ok.error());
  return impl_->read_optional(impl_->draft_of(slug));
}

Result<std::optional<std::pair<std::string, std::string>>> Publisher::current(const std::string& slug) const {
  if (auto ok = validate_slug(slug); !ok) return tl::unexpected(ok.error());
  auto text = impl_->read_optional(impl_->file_of(slug));
  if (!text) return tl::unexpected(text.error());
  if (!*text) return std::optional<std::pair<std::string, std::string>>{};
  std::string etag = etag_of(**text);
  return std::optional<std::pair<std::string, std::string>>(std::pair{std::move(**text), std::move(etag)});
}

Result<IndexReport> Publisher::reindex() {
  return impl_->run<IndexReport>([this] { return impl_->do_reindex(false); });
}

void Publisher::learned_changed(const std::string& slug) {
  {
    std::lock_guard lk(impl_->mu);
    impl_->learned_pending.insert(slug);
  }
  impl_->wake.notify_all();
}

std::uint64_t Publisher::outside_reindexes() const {
  return impl_->outside.load();
}

}  // namespace solusi::service
