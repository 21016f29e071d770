// Child processes for the tests: the real `solusi` binary (or any program) spawned with its output in
// files, waited for with a time limit, signalled, killed and reaped by its own pid only. Shared by the
// unit/CLI tests (test_support.hpp) and the HTTP tests (http_support.hpp).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

extern char** environ;

namespace solusi::testing {

/// The whole content of a file (empty when it cannot be read).
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A child process with stdin from /dev/null and stdout and stderr in files of @p scratch (files, not
/// pipes: a chatty child can never block on a full pipe). It runs in @p scratch and without the
/// caller's SOLUSI_* variables, so the caller's environment cannot leak into its defaults. Only this
/// object signals its pid; the destructor kills and reaps it if it is still running.
class ChildProcess {
 public:
  /// Spawns @p args (args[0] is the program's path).
  ChildProcess(const std::vector<std::string>& args, const std::filesystem::path& scratch) {
    static std::atomic<int> counter{0};
    const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(++counter);
    out_path_ = scratch / ("child-stdout-" + tag);
    err_path_ = scratch / ("child-stderr-" + tag);

    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e)
      if (!std::string_view(*e).starts_with("SOLUSI_")) env_strings.emplace_back(*e);
    std::vector<char*> env;
    for (auto& s : env_strings) env.push_back(s.data());
    env.push_back(nullptr);
    std::vector<std::string> arg_strings(args);
    std::vector<char*> argv;
    for (auto& s : arg_strings) argv.push_back(s.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addchdir_np(&actions, scratch.c_str());
    const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      spawn_error_ = "posix_spawn " + args.at(0) + " failed: " + std::to_string(rc);
      pid_ = 0;
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  ~ChildProcess() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }

  bool spawned() const { return pid_ > 0; }
  const std::string& spawn_error() const { return spawn_error_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !status_; }

  std::string out() const { return read_text(out_path_); }
  std::string err() const { return read_text(err_path_); }

  /// Sends @p sig to this child (by its pid, never by name).
  void signal(int sig) const {
    if (running()) ::kill(pid_, sig);
  }

  /// Waits up to @p timeout for the child to end; its raw wait status, or nullopt if still running.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        status_ = status;
        break;
      }
      if (r < 0 && errno != EINTR) break;
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status_;
  }

  /// The exit code if the child exited normally; -1 if it was killed by a signal or is running.
  int exit_code() const { return status_ && WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1; }

  /// Waits until stderr contains @p needle (true), or the child ends or @p timeout passes (false).
  bool wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (err().find(needle) == std::string::npos) {
      wait(std::chrono::milliseconds(0));
      if (!running() || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return err().find(needle) != std::string::npos;
  }

 private:
  pid_t pid_ = 0;
  std::optional<int> status_;
  std::string spawn_error_;
  std::filesystem::path out_path_, err_path_;
};

struct ProcessResult {
  int exit_code = -1;  ///< the exit status, or -1 when the process did not exit normally (or in time)
  std::string out;
  std::string err;
};

/// Runs @p args (args[0] is the program) to completion in @p scratch, as a ChildProcess; killed when it
/// runs longer than @p timeout.
inline ProcessResult run_process(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  ChildProcess child(args, scratch);
  ProcessResult r;
  if (!child.spawned()) {
    r.err = child.spawn_error();
    return r;
  }
  child.wait(timeout);
  r.exit_code = child.exit_code();
  r.out = child.out();
  r.err = child.err();
  return r;
}

/// Runs `solusi ARGS…` (the built binary) to completion in @p scratch.
inline ProcessResult run_solusi(std::vector<std::string> args, const std::filesystem::path& scratch,
                                std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  args.insert(args.begin(), SOLUSI_BINARY);
  return run_process(args, scratch, timeout);
}
inline ProcessResult run_solusi(std::vector<std::string> args, const TempDir& scratch,
                                std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  return run_solusi(std::move(args), scratch.path(), timeout);
}

}  // namespace solusi::testing
