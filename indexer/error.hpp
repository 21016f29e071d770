// Errors are values inside Solusi: every expected failure is a Result<T>.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace solusi {

/// Domain error codes. HTTP statuses are chosen once, in the HTTP adapter.
enum class ErrorCode {
  invalid_argument,        ///< a caller-supplied value is malformed or out of range
  invalid_query,           ///< the search query cannot be parsed
  invalid_article,         ///< front matter or Markdown of an article is unusable
  not_found,               ///< no such article, file or folder
  conflict,                ///< a concurrent change got there first
  index_unavailable,       ///< the index cannot be opened or read
  io_error,                ///< reading or writing a file failed
  unsupported_media_type,  ///< a request body in a format the route does not take
  forbidden,               ///< the caller's role may not do this
  precondition_failed,     ///< If-Match / If-None-Match did not hold: someone else changed it
  too_large,               ///< a request body or article over its limit
  symlink_in_path,         ///< a write or read by slug met a symbolic link inside the articles folder
  insufficient_storage,    ///< the disk (or quota) is full: the write was refused, nothing changed
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
  std::string file;  ///< file the error is about, if any
  int line = 0;      ///< 1-based line in @c file, 0 when unknown

  /// "file:line: message" (or just the message when there is no file).
  std::string describe() const;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message, std::string file = {}, int line = 0) {
  return tl::unexpected<Error>(Error{code, std::move(message), std::move(file), line});
}

}  // namespace solusi
