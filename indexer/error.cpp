#include "error.hpp"

namespace solusi {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::invalid_query:
      return "invalid_query";
    case ErrorCode::invalid_article:
      return "invalid_article";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::index_unavailable:
      return "index_unavailable";
    case ErrorCode::io_error:
      return "io_error";
    case ErrorCode::unsupported_media_type:
      return "unsupported_media_type";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::precondition_failed:
      return "precondition_failed";
    case ErrorCode::too_large:
      return "too_large";
    case ErrorCode::symlink_in_path:
      return "symlink_in_path";
    case ErrorCode::insufficient_storage:
      return "insufficient_storage";
  }
  return "unknown";
}

std::string Error::describe() const {
  if (file.empty()) return message;
  if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
  return file + ": " + message;
}

}  // namespace solusi
