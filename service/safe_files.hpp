// Files of the articles folder as the service reads and writes them by slug. Every path is walked
// from the articles folder one component at a time (openat with O_NOFOLLOW), so a symbolic link
// anywhere below that folder is refused (ErrorCode::symlink_in_path) and never followed: a link to a
// folder outside cannot make a write land there, a planted link in place of a temporary file cannot
// redirect a write. The articles folder itself may be a link (it is the configured path).
//
// A write goes to a temporary file of its own (O_CREAT|O_EXCL|O_NOFOLLOW, a unique hidden name beside
// the target), is fsynced, renamed over the target and the folder fsynced: a crash leaves the old or
// the new content, and at worst a leftover temporary file, which remove_stale_temporaries() deletes
// at the next start. A full disk (ENOSPC, EDQUOT) is ErrorCode::insufficient_storage.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace solusi::service {

/// Marker in the name of the service's temporary files: ".<target name>.solusi-tmp-<pid>-<n>".
inline constexpr std::string_view temp_file_marker = ".solusi-tmp-";
/// Deepest folder nesting below the articles folder that the leftover cleanup walks into.
inline constexpr int max_cleanup_depth = 32;

/// The bytes of the file @p relative ("akun/otp.md") below @p root; nullopt when it or a folder on its
/// way does not exist. symlink_in_path when a component is a symbolic link, io_error otherwise.
Result<std::optional<std::string>> read_below(const std::filesystem::path& root, std::string_view relative);

/// A file's new content, written and fsynced to a temporary file beside its target (missing folders
/// are created); commit() puts it in place. Destroyed without commit(), the temporary file is removed.
class StagedFile {
 public:
  static Result<StagedFile> stage(const std::filesystem::path& root, std::string_view relative,
                                  std::string_view content);
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  ~StagedFile();

  /// Renames the temporary file over the target and fsyncs the folder.
  Result<void> commit();

 private:
  StagedFile(int dir_fd, std::string temp_name, std::string name, std::string shown);
  int dir_fd_ = -1;
  std::string temp_name_, name_;
  std::string shown_;  ///< the target's path, for messages
  bool pending_ = false;
};

/// stage() and commit() in one.
Result<void> write_below(const std::filesystem::path& root, std::string_view relative,
                         std::string_view content);

/// Removes the file @p relative below @p root (never what a link points to). False when it did not exist.
Result<bool> remove_below(const std::filesystem::path& root, std::string_view relative);

/// Deletes leftover temporary files of the service below @p root: regular files whose name holds
/// temp_file_marker, and "*.md.tmp" of earlier versions. Symbolic links are neither followed nor
/// removed. Returns the paths removed (relative to @p root).
std::vector<std::string> remove_stale_temporaries(const std::filesystem::path& root);

/// True for errno values that mean the disk (or the quota) is full.
bool is_storage_full(int err);

}  // namespace solusi::service
