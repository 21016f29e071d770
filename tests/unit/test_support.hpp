// Helpers shared by the unit and CLI tests: building an index in a TempDir, collecting slugs from
// results, and running the real `solusi` binary with its output captured.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "index_writer.hpp"
#include "searcher.hpp"
#include "temp_dir.hpp"

extern char** environ;

/// Skips a test that exposes a known bug in the code under test (listed in the test report), unless
/// SOLUSI_RUN_KNOWN_BUGS is set: run with it to check whether a fix made the test pass.
#define SOLUSI_KNOWN_BUG(reason) \
  if (std::getenv("SOLUSI_RUN_KNOWN_BUGS") == nullptr) GTEST_SKIP() << "known bug: " << reason

namespace solusi::testing {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Index options for @p articles written into @p index, with one parsing thread so the runs are
/// cheap on a 2-core machine running `ctest -j2`.
inline IndexOptions index_options(const std::filesystem::path& articles, const std::filesystem::path& index) {
  IndexOptions o;
  o.articles_dir = articles;
  o.index_dir = index;
  o.threads = 1;
  return o;
}

inline std::vector<std::string> slugs_of(const service::SearchResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.slug);
  return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

inline std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return "[" + out + "]";
}

struct ProcessResult {
  int exit_code = -1;  ///< the exit status, or -1 when the process did not exit normally
  std::string out;
  std::string err;
};

/// Runs @p args (args[0] is the program) with stdin from /dev/null and stdout/stderr captured through
/// files in @p scratch (files, not pipes, so a chatty child can never block on a full pipe). The child
/// runs in @p scratch and without the SOLUSI_* variables, so the caller's environment cannot leak in.
inline ProcessResult run_process(const std::vector<std::string>& args, const TempDir& scratch) {
  static int counter = 0;
  const std::string tag = std::to_string(++counter);
  const auto out_path = scratch / ("stdout-" + tag), err_path = scratch / ("stderr-" + tag);

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
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, scratch.path().c_str());
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  ProcessResult result;
  if (rc != 0) {
    result.err = "posix_spawn failed: " + std::to_string(rc);
    return result;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return result;
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

inline ProcessResult run_solusi(std::vector<std::string> args, const TempDir& scratch) {
  args.insert(args.begin(), SOLUSI_BINARY);
  return run_process(args, scratch);
}

}  // namespace solusi::testing
