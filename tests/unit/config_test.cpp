// The service configuration: which listen addresses count as loopback (the only ones the service
// will serve without API tokens).
#include "config.hpp"

#include <gtest/gtest.h>

#include <string>

namespace solusi {
namespace {

TEST(IsLoopback, AcceptsLoopbackAddresses) {
  for (const std::string host : {"127.0.0.1", "127.0.0.0", "127.255.255.255", "127.1.2.3", "127.0.10.200",
                                 "::1", "[::1]", "localhost"}) {
    SCOPED_TRACE(host);
    EXPECT_TRUE(service::is_loopback(host));
  }
}

TEST(IsLoopback, RefusesEverythingElse) {
  const std::string refused[] = {
      // Not loopback at all.
      "", "0.0.0.0", "10.0.0.1", "128.0.0.1", "::", "[::]", "::2", "::ffff:127.0.0.1",
      // Begin with "127." (all the old prefix check looked at) but are names that resolve wherever
      // their owner likes, or no address at all.
      "127.0.0.1.nip.io", "127.evil.example", "127.", "127.0.0.1.",
      // Not four decimal octets of 0-255.
      "127.0.0.256", "127.0.0.1000", "127.0.0.-1", "127.0.0", "127.1", "127..0.1", "127.0.0.0x1",
      "127.0.0. 1", " 127.0.0.1", "127.0.0.1 ", "127.0.0.1:8080",
      // Leading zeros: the resolver reads them as octal (0127 is 87).
      "127.0.0.01", "0127.0.0.1", "127.00.0.1",
      // Only the exact name.
      "LOCALHOST.", "localhost.", "localhost.example", "my-localhost"};
  for (const auto& host : refused) {
    SCOPED_TRACE("'" + host + "'");
    EXPECT_FALSE(service::is_loopback(host));
  }
}

}  // namespace
}  // namespace solusi
