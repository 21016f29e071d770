#include "guard.hpp"

#include <xapian.h>

#include <atomic>
#include <exception>
#include <iostream>
#include <string>

namespace solusi::service {
namespace {

std::atomic<std::uint64_t> errors{0};

void report(std::string_view what, const std::string& description) noexcept {
  errors.fetch_add(1, std::memory_order_relaxed);
  try {
    std::cerr << "solusi: " << what << ": " << description << "\n" << std::flush;
  } catch (...) {  // a failing stderr must not end the thread either
  }
}

}  // namespace

bool report_exceptions(std::string_view what, const std::function<void()>& body) noexcept {
  try {
    body();
    return true;
  } catch (const Xapian::Error& e) {
    report(what, e.get_description());
  } catch (const std::exception& e) {
    report(what, e.what());
  } catch (...) {
    report(what, "unknown error");
  }
  return false;
}

std::uint64_t background_errors() noexcept {
  return errors.load(std::memory_order_relaxed);
}

}  // namespace solusi::service
