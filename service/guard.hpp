// Background threads never let an exception end the process: each round of their work runs guarded.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace solusi::service {

/// Runs @p body; an exception (Xapian's, the standard library's, anything) is reported on stderr as
/// "solusi: <what>: <description>" and counted, and false is returned. Never throws.
bool report_exceptions(std::string_view what, const std::function<void()>& body) noexcept;

/// Exceptions caught by report_exceptions() since the process started (/metrics:
/// solusi_background_errors_total).
std::uint64_t background_errors() noexcept;

}  // namespace solusi::service
