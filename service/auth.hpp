// API tokens: generation, hashing (SHA-256 via OpenSSL) and lookup.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"

namespace solusi::service {

/// Lowercase hex SHA-256 of @p data.
std::string sha256_hex(std::string_view data);

/// A new random token ("sol_" + 43 base64url characters, 256 bits from the OS).
std::string generate_token();

/// Who made a request.
struct Principal {
  std::string name;  ///< token name, or "anonymous" when no tokens are configured
  Role role = Role::agent;
  bool authenticated = false;
};

/// Finds the token whose hash matches (constant-time compare).
std::optional<Principal> find_token(const std::vector<TokenEntry>& tokens, std::string_view token);

}  // namespace solusi::service
