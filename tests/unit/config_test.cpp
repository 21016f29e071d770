// The service configuration: which listen addresses count as loopback (the only ones the service
// will serve without API tokens), and the usage log's and the reports' keys.
#include "config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "temp_dir.hpp"

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

TEST(LoadConfig, ReadsTheUsageLogAndReportKeys) {
  testing::TempDir dir;
  const auto path = dir.write("solusi.yaml",
                              "retention_days: 30\nusage_queue_size: 500\nusage_flush_ms: 250\n"
                              "notify_webhook: https://hooks.example.com/x\n");
  auto c = service::load_config(path, service::Config{});
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->retention_days, 30);
  EXPECT_EQ(c->usage_queue_size, 500u);
  EXPECT_EQ(c->usage_flush_ms, 250);
  EXPECT_EQ(c->notify_webhook, "https://hooks.example.com/x");
  const service::Config defaults;
  EXPECT_EQ(defaults.retention_days, 180);
  EXPECT_EQ(defaults.usage_queue_size, 10000u);
  EXPECT_TRUE(defaults.notify_webhook.empty());
}

TEST(LoadConfig, RefusesOutOfRangeUsageLogKeysWithTheLine) {
  testing::TempDir dir;
  for (const std::string bad : {"retention_days: 0", "retention_days: 5000", "usage_queue_size: 0",
                                "usage_flush_ms: 1", "retention_days: soon"}) {
    SCOPED_TRACE(bad);
    const auto path = dir.write("bad.yaml", "threads: 2\n" + bad + "\n");
    auto c = service::load_config(path, service::Config{});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().line, 2);
  }
}

TEST(LoadConfig, TheTeamsTimeZoneIsCheckedWithTheLine) {
  testing::TempDir dir;
  EXPECT_EQ(service::Config{}.time_zone, "Asia/Jakarta");
  auto good = service::load_config(dir.write("tz.yaml", "time_zone: Asia/Makassar\n"), service::Config{});
  ASSERT_TRUE(good) << good.error().describe();
  EXPECT_EQ(good->time_zone, "Asia/Makassar");
  for (const std::string bad : {"Asia/Jakarat", "WIB", "../etc/passwd", "\"\""}) {
    SCOPED_TRACE(bad);
    auto c = service::load_config(dir.write("bad.yaml", "threads: 2\ntime_zone: " + bad + "\n"),
                                  service::Config{});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().line, 2);
    EXPECT_THAT(c.error().message, ::testing::HasSubstr("time zone"));
  }
}

}  // namespace
}  // namespace solusi
