// The web page: static files (HTML, CSS, JavaScript modules) served from a folder by `solusi serve`,
// with the right Content-Type, an ETag for revalidation, and the page's security headers (a
// Content-Security-Policy without 'unsafe-inline', no framing, no referrer). Pure functions over the
// folder: server.cpp registers the routes and turns a matching If-None-Match into a 304.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api.hpp"
#include "error.hpp"

namespace solusi::service::web {

/// The page's Content-Security-Policy: everything from this origin only, no inline script or style,
/// no plugins, no framing, and Trusted Types so that no string reaches an HTML sink unchecked.
inline constexpr std::string_view content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'; trusted-types solusi-html";

/// Headers every page and asset response carries (the CSP among them).
const std::vector<std::pair<std::string, std::string>>& security_headers();

/// Content-Type for a file name by its extension; nullopt for a type that is not served.
std::optional<std::string_view> content_type_for(std::string_view filename);

/// Longest file served (bytes): the folder holds small hand-written files.
inline constexpr std::uintmax_t max_file_bytes = 4 * 1024 * 1024;

/// The page shell (index.html of @p web_dir), shared by every page of the app (`/`, later `/lead`,
/// `/edit`): the page's script decides what to show from the path.
Result<ApiResponse> serve_page(const std::filesystem::path& web_dir);

/// A file under @p web_dir/assets, @p relative as taken from the request path ("app.js",
/// "i18n/en.js"). A path with an empty, hidden ('.'-prefixed) or non-[A-Za-z0-9._-] segment is a 400
/// (this refuses "..", backslashes and NUL); a missing file, a folder, a type not served, or a file
/// that resolves outside the folder through a symbolic link is a 404.
Result<ApiResponse> serve_asset(const std::filesystem::path& web_dir, std::string_view relative);

/// True when an If-None-Match header value names @p etag ("*", or a comma-separated list of entity
/// tags compared weakly: W/"x" matches "x").
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace solusi::service::web
