#include "safe_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace fs = std::filesystem;

namespace solusi::service {
namespace {

/// A file descriptor closed on destruction.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::atomic<unsigned> temp_counter{0};
/// Attempts at a free temporary name before giving up (another writer's leftovers with our pid).
constexpr int temp_name_attempts = 16;

tl::unexpected<Error> os_error(int err, const std::string& what) {
  if (is_storage_full(err))
    return fail(ErrorCode::insufficient_storage, what + ": the disk is full (" + std::strerror(err) + ")");
  return fail(ErrorCode::io_error, what + ": " + std::strerror(err));
}

tl::unexpected<Error> link_refused(const std::string& shown) {
  return fail(ErrorCode::symlink_in_path,
              shown + " is a symbolic link: the service does not follow links inside the articles folder");
}

/// The path components of @p relative; an error for empty, "." and ".." components.
Result<std::vector<std::string>> components(std::string_view relative) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    const std::string_view c = relative.substr(start, end - start);
    if (c.empty() || c == "." || c == ".." || c.find('\0') != std::string_view::npos)
      return fail(ErrorCode::invalid_argument, "invalid path '" + std::string(relative) + "'");
    out.emplace_back(c);
    start = end + 1;
  }
  return out;
}

/// Why openat(@p dir, @p name, …O_NOFOLLOW) failed with ELOOP/ENOTDIR: a link, or not a folder.
tl::unexpected<Error> not_a_folder(int dir, const std::string& name, const std::string& shown) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
    return link_refused(shown);
  return fail(ErrorCode::conflict, shown + " is not a folder");
}

/// The folder that holds the last component of @p relative, walked from @p root without following
/// links; with @p create, missing folders are made (and their parents fsynced). An empty Fd when a
/// folder is missing and @p create is false.
Result<Fd> open_parent(const fs::path& root, const std::vector<std::string>& parts, bool create) {
  Fd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) {
    if (errno == ENOENT && !create) return Fd();
    return os_error(errno, "cannot open the articles folder " + root.string());
  }
  std::string shown = root.string();
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& name = parts[i];
    shown += "/" + name;
    constexpr int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    Fd next(::openat(dir.get(), name.c_str(), flags));
    if (next.get() < 0 && errno == ENOENT) {
      if (!create) return Fd();
      if (::mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
        return os_error(errno, "cannot create folder " + shown);
      (void)::fsync(dir.get());  // the new folder's entry is durable before a file goes in it
      next = Fd(::openat(dir.get(), name.c_str(), flags));
    }
    if (next.get() < 0) {
      if (errno == ELOOP || errno == ENOTDIR) return not_a_folder(dir.get(), name, shown);
      return os_error(errno, "cannot open folder " + shown);
    }
    dir = std::move(next);
  }
  return dir;
}

std::string shown_path(const fs::path& root, std::string_view relative) {
  return (root / fs::path(std::string(relative))).string();
}

void remove_temporaries_in(int dir, const std::string& prefix, int depth, std::vector<std::string>& removed) {
  const int copy = ::dup(dir);
  if (copy < 0) return;
  DIR* d = ::fdopendir(copy);
  if (!d) {
    ::close(copy);
    return;
  }
  std::vector<std::string> doomed, folders;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || name == ".git") continue;
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      folders.push_back(name);
    } else if (S_ISREG(st.st_mode) &&
               (name.find(temp_file_marker) != std::string::npos || name.ends_with(".md.tmp"))) {
      doomed.push_back(name);
    }
  }
  ::closedir(d);
  for (const auto& name : doomed)
    if (::unlinkat(dir, name.c_str(), 0) == 0) removed.push_back(prefix + name);
  if (depth >= max_cleanup_depth) return;
  for (const auto& name : folders) {
    Fd sub(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (sub.get() >= 0) remove_temporaries_in(sub.get(), prefix + name + "/", depth + 1, removed);
  }
}

}  // namespace

bool is_storage_full(int err) {
  return err == ENOSPC || err == EDQUOT;
}

Result<std::optional<std::string>> read_below(const fs::path& root, std::string_view relative) {
  auto parts = components(relative);
  if (!parts) return tl::unexpected(parts.error());
  auto dir = open_parent(root, *parts, false);
  if (!dir) return tl::unexpected(dir.error());
  if (dir->get() < 0) return std::optional<std::string>{};
  const std::string shown = shown_path(root, relative);
  Fd f(::openat(dir->get(), parts->back().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (f.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    if (errno == ELOOP) return link_refused(shown);
    return os_error(errno, "cannot read " + shown);
  }
  struct stat st {};
  if (::fstat(f.get(), &st) != 0) return os_error(errno, "cannot read " + shown);
  if (!S_ISREG(st.st_mode)) return fail(ErrorCode::conflict, shown + " is not a regular file");
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(f.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_error(errno, "cannot read " + shown);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return std::optional<std::string>(std::move(out));
}

StagedFile::StagedFile(int dir_fd, std::string temp_name, std::string name, std::string shown)
    : dir_fd_(dir_fd),
      temp_name_(std::move(temp_name)),
      name_(std::move(name)),
      shown_(std::move(shown)),
      pending_(true) {}

StagedFile::StagedFile(StagedFile&& o) noexcept
    : dir_fd_(std::exchange(o.dir_fd_, -1)),
      temp_name_(std::move(o.temp_name_)),
      name_(std::move(o.name_)),
      shown_(std::move(o.shown_)),
      pending_(std::exchange(o.pending_, false)) {}

StagedFile::~StagedFile() {
  if (dir_fd_ < 0) return;
  if (pending_) (void)::unlinkat(dir_fd_, temp_name_.c_str(), 0);
  ::close(dir_fd_);
}

Result<StagedFile> StagedFile::stage(const fs::path& root, std::string_view relative,
                                     std::string_view content) {
  auto parts = components(relative);
  if (!parts) return tl::unexpected(parts.error());
  auto dir = open_parent(root, *parts, true);
  if (!dir) return tl::unexpected(dir.error());
  const std::string& name = parts->back();
  const std::string shown = shown_path(root, relative);
  struct stat st {};
  if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return link_refused(shown);
    if (!S_ISREG(st.st_mode)) return fail(ErrorCode::conflict, shown + " is not a regular file");
  }
  Fd file;
  std::string temp;
  for (int attempt = 0; attempt < temp_name_attempts && file.get() < 0; ++attempt) {
    temp = "." + name + std::string(temp_file_marker) + std::to_string(::getpid()) + "-" +
           std::to_string(temp_counter.fetch_add(1));
    file = Fd(::openat(dir->get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (file.get() < 0 && errno != EEXIST) return os_error(errno, "cannot write " + shown);
  }
  if (file.get() < 0) return fail(ErrorCode::io_error, "cannot write " + shown + ": no free temporary name");
  StagedFile staged(dir->release(), temp, name, shown);  // removes the temporary file on failure
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(file.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return os_error(n < 0 ? errno : ENOSPC, "cannot write " + shown);
    done += static_cast<size_t>(n);
  }
  if (::fsync(file.get()) != 0) return os_error(errno, "cannot write " + shown);
  if (::close(file.release()) != 0) return os_error(errno, "cannot write " + shown);
  return staged;
}

Result<void> StagedFile::commit() {
  if (!pending_) return fail(ErrorCode::io_error, "cannot replace " + shown_ + ": nothing staged");
  if (::renameat(dir_fd_, temp_name_.c_str(), dir_fd_, name_.c_str()) != 0)
    return os_error(errno, "cannot replace " + shown_);
  pending_ = false;
  if (::fsync(dir_fd_) != 0) return os_error(errno, "cannot sync the folder of " + shown_);
  return {};
}

Result<void> write_below(const fs::path& root, std::string_view relative, std::string_view content) {
  auto staged = StagedFile::stage(root, relative, content);
  if (!staged) return tl::unexpected(staged.error());
  return staged->commit();
}

Result<bool> remove_below(const fs::path& root, std::string_view relative) {
  auto parts = components(relative);
  if (!parts) return tl::unexpected(parts.error());
  auto dir = open_parent(root, *parts, false);
  if (!dir) return tl::unexpected(dir.error());
  if (dir->get() < 0) return false;
  if (::unlinkat(dir->get(), parts->back().c_str(), 0) != 0) {
    if (errno == ENOENT) return false;
    return os_error(errno, "cannot remove " + shown_path(root, relative));
  }
  (void)::fsync(dir->get());
  return true;
}

std::vector<std::string> remove_stale_temporaries(const fs::path& root) {
  std::vector<std::string> removed;
  Fd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) remove_temporaries_in(dir.get(), "", 0, removed);
  return removed;
}

}  // namespace solusi::service
