// The single writer of articles and of the index: every API write, every reindex after an outside
// edit, and every learned-terms update runs on the Publisher's own thread, one after the other, while
// readers keep searching their last committed revision.
//
// A publish validates the article, stages the file (a temporary file of its own beside the target,
// fsynced), records the revision in events.db, renames the file into place (fsync of the folder),
// updates the index and commits, and only then answers. Paths are walked without following symbolic
// links (safe_files.hpp); a full disk refuses the publish with insufficient_storage (507) before
// anything changes. An outside edit of articles/ (git pull, a text editor) is noticed through inotify, with a
// periodic rescan as a fallback, and reindexed within seconds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "error.hpp"
#include "events.hpp"
#include "index_writer.hpp"

namespace solusi::service {

/// The ETag of an article file's bytes (quoted, as in the HTTP header).
std::string etag_of(std::string_view bytes);

struct WriteRequest {
  std::string slug;
  std::string text;    ///< the whole article: front matter and body
  std::string author;  ///< the token's name
  std::string note;    ///< one-line change note
  /// The ETag the editor started from ("*": must exist): of what the write replaces, so of the pending
  /// draft for a draft or review copy written while one waits beside the live article, else of the
  /// live file.
  std::optional<std::string> if_match;
  bool must_not_exist = false;  ///< If-None-Match: *
};

struct WriteResult {
  std::string slug;
  int revision = 0;
  std::string etag;
  std::string status;
  bool created = false;
  bool draft_copy = false;  ///< saved as a draft beside the live published version
  std::string draft_etag;   ///< the ETag of that draft copy, for the next draft write's If-Match
  std::vector<Diagnostic> warnings;
  double took_ms = 0;
};

/// Why a write lost the race: who changed the article, when, and its current ETag.
struct Conflict {
  std::string etag;  ///< the live file's
  std::optional<RevisionInfo> latest;
  std::string draft_etag;  ///< the pending draft's, when the write was refused by it
};

class Publisher {
 public:
  Publisher(Config config, EventStore& events);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  /// Starts the writer thread and the watcher of the articles folder.
  void start();
  /// Finishes the job in progress, then stops.
  void stop();

  /// Creates or replaces an article. Errors: invalid_argument (slug), invalid_article (422: the
  /// message names the field and line), conflict (412; @p conflict says who and when), too large.
  Result<WriteResult> write(const WriteRequest& request, Conflict* conflict = nullptr);
  /// Sets status: archived (kept on disk and in history, out of search). A pending draft stays.
  Result<WriteResult> archive(const std::string& slug, const std::string& author, const std::string& note,
                              const std::optional<std::string>& if_match, Conflict* conflict = nullptr);
  /// Un-archives (back to published), or, with @p revision, writes that revision's text as a new one.
  /// A pending draft stays pending.
  Result<WriteResult> restore(const std::string& slug, const std::string& author, const std::string& note,
                              std::optional<int> revision, Conflict* conflict = nullptr);
  /// The draft saved beside a published article, if any.
  Result<std::optional<std::string>> draft_copy(const std::string& slug) const;
  /// The current file text of an article and its ETag; nullopt when there is no file.
  Result<std::optional<std::pair<std::string, std::string>>> current(const std::string& slug) const;

  /// Brings the index in line with the folder now (what the watcher does after an outside edit).
  Result<IndexReport> reindex();
  /// Rewrites the learned terms of these articles from events.db.
  void learned_changed(const std::string& slug);

  /// Outside edits noticed and reindexed since the start (for /metrics and tests).
  std::uint64_t outside_reindexes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace solusi::service
