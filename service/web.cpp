#include "web.hpp"

#include <fstream>

#include "auth.hpp"
#include "text.hpp"

namespace solusi::service::web {
namespace {

namespace fs = std::filesystem;

/// A path segment we serve: [A-Za-z0-9._-]+, not starting with '.'.
bool plain_segment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return false;
  for (const char c : segment) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

/// True when @p path (canonical) is @p root (canonical) or below it.
bool is_within(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p)
    if (p == path.end() || *p != *r) return false;
  return true;
}

/// Reads @p file (which must stay inside @p root, symbolic links resolved) into a response.
Result<ApiResponse> read_file(const fs::path& root, const fs::path& file, std::string_view shown_name) {
  auto missing = [&] { return fail(ErrorCode::not_found, "no such file: " + std::string(shown_name)); };
  const auto type = content_type_for(file.filename().string());
  if (!type) return missing();
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec) return missing();
  const fs::path real = fs::canonical(file, ec);
  if (ec || !is_within(real, real_root) || !fs::is_regular_file(real, ec)) return missing();
  const auto size = fs::file_size(real, ec);
  if (ec || size > max_file_bytes) return missing();
  std::ifstream in(real, std::ios::binary);
  if (!in) return missing();
  ApiResponse res;
  res.body.resize(static_cast<size_t>(size));
  in.read(res.body.data(), static_cast<std::streamsize>(size));
  res.body.resize(static_cast<size_t>(in.gcount()));  // a file that shrank meanwhile
  if (in.bad()) return fail(ErrorCode::io_error, "cannot read " + std::string(shown_name));
  res.content_type = std::string(*type);
  res.headers = security_headers();
  // Files change only with an upgrade, but carry no version in their names: always revalidate.
  res.headers.emplace_back("Cache-Control", "no-cache");
  res.headers.emplace_back("ETag", "\"" + sha256_hex(res.body).substr(0, 32) + "\"");
  return res;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& security_headers() {
  static const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy", std::string(content_security_policy)},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
  };
  return headers;
}

std::optional<std::string_view> content_type_for(std::string_view filename) {
  static const std::pair<std::string_view, std::string_view> types[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const std::string ext = text::to_lower(filename.substr(dot));
  for (const auto& [e, type] : types)
    if (e == ext) return type;
  return std::nullopt;
}

Result<ApiResponse> serve_page(const std::filesystem::path& web_dir) {
  if (web_dir.empty()) return fail(ErrorCode::not_found, "the web page is not installed (no web_dir)");
  return read_file(web_dir, web_dir / "index.html", "index.html");
}

Result<ApiResponse> serve_asset(const std::filesystem::path& web_dir, std::string_view relative) {
  if (relative.size() > 256) return fail(ErrorCode::invalid_argument, "invalid asset path: too long");
  for (const auto segment : text::split(relative, '/'))
    if (!plain_segment(segment))
      return fail(ErrorCode::invalid_argument,
                  "invalid asset path: each part must be letters, digits, '.', '-' or '_', not starting "
                  "with '.'");
  if (web_dir.empty()) return fail(ErrorCode::not_found, "no such file: " + std::string(relative));
  const fs::path root = web_dir / "assets";
  return read_file(root, root / fs::path(relative), relative);
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  auto opaque = [](std::string_view tag) {
    tag = text::trim(tag);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  if (etag.empty()) return false;
  if (text::trim(if_none_match) == "*") return true;
  for (const auto candidate : text::split(if_none_match, ','))
    if (!opaque(candidate).empty() && opaque(candidate) == opaque(etag)) return true;
  return false;
}

}  // namespace solusi::service::web
