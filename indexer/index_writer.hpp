// Building and refreshing the Xapian index from a folder of articles.
//
// Layout of an index folder:
//   XAPIANDB        a Xapian stub file naming the live generation ("auto gen-000003")
//   gen-000003/     the live glass database
//   .lock           flock()ed by whoever writes
// Readers open the folder (Xapian follows the stub). An incremental run updates the live generation
// inside one transaction; a full rebuild writes a new generation and then atomically replaces the
// stub, so a reader never sees a half-built index.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "article.hpp"
#include "error.hpp"
#include "learned.hpp"

namespace solusi {

struct SourceFile {
  std::string relative;  ///< '/' separated path under the articles folder
  std::filesystem::path absolute;
};

/// Lists the article files of a folder, sorted: every "*.md" below it, skipping hidden files and
/// folders, files starting with '_', and README.md files (documentation for editors, not articles).
/// Symbolic links (to files or folders) are never followed, and a file whose path does not make a
/// valid slug (check_slug()) is not listed: each such one is added to @p skipped, when given, as an
/// error naming its path, so it is never indexed yet unreachable.
Result<std::vector<SourceFile>> scan_articles(const std::filesystem::path& articles_dir,
                                              std::vector<Diagnostic>* skipped = nullptr);

/// The bytes of an article file, read without following a symbolic link: fails with too_large (before
/// reading it) when it is bigger than limits::article_bytes, with io_error when it is not a regular
/// file or cannot be read.
Result<std::string> read_article_file(const std::filesystem::path& path);

/// The diagnostic code for a file that could not be read as an article ("file_too_large",
/// "symlink", "unreadable").
std::string_view read_error_code(const Error& e);

/// What an article file looked like when it was last read: size, modification time, content hash.
struct FileStamp {
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string hash;
};
/// Stamps by relative path, kept by a caller that indexes the same folder again and again.
using FileStamps = std::unordered_map<std::string, FileStamp>;

struct IndexOptions {
  std::filesystem::path articles_dir;
  std::filesystem::path index_dir;
  bool full = false;  ///< rebuild every article into a fresh generation
  ParseOptions parse;
  int default_review_days = 90;
  unsigned threads = 0;  ///< parsing threads; 0 = one per core
  /// Terms learned from resolved tickets, by slug (from events.db). Every article gets exactly its
  /// entry (none when absent), also when its file did not change. nullptr: keep what the index has.
  const LearnedTerms* learned = nullptr;
  /// How long to wait for another writer of the index (a running service) before failing.
  std::chrono::milliseconds lock_wait{0};
  /// When set (the service's rescans), index_folder() does not read a file whose size and
  /// modification time are its stamp's while the index holds the stamp's hash for it: it is unchanged.
  /// The stamps are then replaced by those of the folder's files. update_articles() ignores them.
  FileStamps* stamps = nullptr;
  /// The id of the events store this index goes with (schema::meta::events_id), written into the
  /// index's metadata; an empty string removes it. nullopt: the index keeps the id it has (a full
  /// rebuild carries the previous generation's over).
  std::optional<std::string> events_id;
};

struct IndexReport {
  size_t added = 0, updated = 0, removed = 0, unchanged = 0;
  std::vector<Diagnostic> errors;    ///< articles skipped (a previously indexed version stays live)
  std::vector<Diagnostic> warnings;  ///< articles indexed with findings
  bool rebuilt = false;              ///< a fresh generation was written
  bool synonyms_changed = false;
  size_t synonym_groups = 0;
  bool chat_words_changed = false;
  size_t chat_words = 0;  ///< mappings in chat-words.txt (0 without the file: the built-in table)
  bool category_groups_changed = false;
  size_t category_groups = 0;        ///< groups in categories.txt (one category in several languages)
  size_t learned_updated = 0;        ///< unchanged articles whose learned terms were replaced
  size_t documents = 0;              ///< documents in the index afterwards
  std::vector<std::string> changed;  ///< slugs added, updated or removed
  double seconds = 0;
};

/// Brings the index in line with the folder. Fails only when the folder or the index cannot be used
/// at all; a bad article is reported in the report and skipped.
Result<IndexReport> index_folder(const IndexOptions& options);

/// Reindexes only the files named (relative paths under the articles folder) in the live generation,
/// in one commit: a file that exists is parsed and added or replaced, one that does not is removed.
/// Without an index (or with another schema) it builds the whole index instead.
Result<IndexReport> update_articles(const IndexOptions& options, const std::vector<std::string>& paths);

/// The bytes of a file.
Result<std::string> read_file(const std::filesystem::path& path);

/// Writes @p content to @p path so that a crash leaves the old or the new content, never a mix: a
/// temporary file in the same folder, fsync, rename over the target, fsync of the folder.
Result<void> write_file_durably(const std::filesystem::path& path, std::string_view content);

/// Replaces the learned terms of the articles named in @p learned (slugs not in the index are
/// ignored) in the live generation, in one commit. Returns how many documents changed. Fails with
/// index_unavailable while another process writes the index; the caller retries later.
Result<size_t> update_learned(const std::filesystem::path& index_dir, const LearnedTerms& learned);

/// The content hash the index keeps for an article file (Slot::content_hash) under @p options' parsing
/// settings: equal to the stored one when the indexed document is the file's current content.
std::string content_hash(const IndexOptions& options, std::string_view bytes);

/// Records @p events_id (schema::meta::events_id) in the live generation, in one commit, when it
/// differs; an empty id removes it. Fails with index_unavailable when there is no index or another
/// process writes it.
Result<void> write_events_id(const std::filesystem::path& index_dir, const std::string& events_id,
                             std::chrono::milliseconds lock_wait = std::chrono::milliseconds(0));

/// True when the index exists and was written with this schema version.
bool index_is_current(const std::filesystem::path& index_dir);

/// Path of the live generation of an index folder, or an error when there is none.
Result<std::filesystem::path> live_generation(const std::filesystem::path& index_dir);

}  // namespace solusi
