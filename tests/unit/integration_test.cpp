// The pieces of the integration-ready API that need no socket: the rate limiter's buckets (refill,
// Retry-After, the cap on tracked clients), request ids, article URLs, list cursors, ticket ids of
// either JSON type, and the config keys of the rate limit and the article URLs.
#include "integration.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api.hpp"
#include "config.hpp"
#include "temp_dir.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
using service::RateLimiter;
using ::testing::HasSubstr;

TEST(RateLimiter, TakesTheBurstThenWaitsForTheRefill) {
  RateLimiter limiter({.per_second = 2, .burst = 3});
  const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.take("a", t0), 0) << i;
  EXPECT_EQ(limiter.take("a", t0), 1) << "one token comes back within half a second: Retry-After 1";
  EXPECT_EQ(limiter.take("a", t0 + 250ms), 1);
  EXPECT_EQ(limiter.take("a", t0 + 500ms), 0) << "refilled at 2 per second";
  EXPECT_EQ(limiter.take("b", t0), 0) << "another key has its own bucket";
  // Never more than the burst, however long the client was away.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.take("a", t0 + 3600s), 0) << i;
  EXPECT_GT(limiter.take("a", t0 + 3600s), 0);
}

TEST(RateLimiter, RetryAfterIsTheWholeSecondsUntilTheNextToken) {
  RateLimiter limiter({.per_second = 0.25, .burst = 1});
  const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  EXPECT_EQ(limiter.take("a", t0), 0);
  EXPECT_EQ(limiter.take("a", t0), 4);
  EXPECT_EQ(limiter.take("a", t0 + 1s), 3);
}

TEST(RateLimiter, ZeroPerSecondIsNoLimit) {
  RateLimiter limiter({.per_second = 0, .burst = 1});
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.take("a"), 0);
  EXPECT_EQ(limiter.tracked(), 0u);
}

TEST(RateLimiter, TracksAtMostMaxKeysDroppingRefilledBucketsFirst) {
  // One request per 10 s, 5 at once.
  RateLimiter limiter({.per_second = 0.1, .burst = 5, .max_keys = 3});
  const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  EXPECT_EQ(limiter.take("idle", t0), 0);  // full again 10 s later
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.take("busy-1", t0 + 1s), 0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.take("busy-2", t0 + 1s), 0);
  EXPECT_EQ(limiter.tracked(), 3u);
  // A fourth client at t0 + 20 s: the refilled bucket goes, the busy ones keep their state.
  EXPECT_EQ(limiter.take("new", t0 + 20s), 0);
  EXPECT_EQ(limiter.tracked(), 3u);
  EXPECT_EQ(limiter.evicted(), 1u);
  // busy-1 got back 1.9 requests since, not a full bucket: it was not forgotten.
  EXPECT_EQ(limiter.take("busy-1", t0 + 20s), 0);
  EXPECT_GT(limiter.take("busy-1", t0 + 20s), 0);
  // Nobody refilled: the least recently used bucket (busy-2) goes.
  EXPECT_EQ(limiter.take("newer", t0 + 20s), 0);
  EXPECT_EQ(limiter.tracked(), 3u);
  EXPECT_EQ(limiter.evicted(), 2u);
  EXPECT_GT(limiter.take("busy-1", t0 + 20s), 0) << "the busy client that was used recently is still known";
  // Under a flood of new clients the map stays at the cap.
  for (int i = 0; i < 1000; ++i) (void)limiter.take("flood-" + std::to_string(i), t0 + 20s);
  EXPECT_EQ(limiter.tracked(), 3u);
}

TEST(RequestId, ClientIdsMustBeShortVisibleAscii) {
  EXPECT_TRUE(service::valid_request_id("abc-123_XYZ:/=+"));
  EXPECT_TRUE(service::valid_request_id(std::string(service::max_request_id_bytes, 'x')));
  EXPECT_FALSE(service::valid_request_id(std::string(service::max_request_id_bytes + 1, 'x')));
  for (const std::string& bad : {std::string(), std::string("a b"), std::string("a\tb"),
                                 std::string("caf\xc3\xa9"), std::string("a\x7f"), std::string("a\0b", 3)})
    EXPECT_FALSE(service::valid_request_id(bad)) << bad;
  EXPECT_EQ(service::request_id_for("given-1"), "given-1");
  const std::string generated = service::request_id_for("a b");
  EXPECT_EQ(generated.size(), 32u);
  EXPECT_NE(generated, service::new_request_id());
}

TEST(ArticleUrl, EncodesEachSegmentAndKeepsTheSlashes) {
  EXPECT_EQ(service::article_url("/?a=", "akun/otp-tidak-masuk"), "/?a=akun/otp-tidak-masuk");
  EXPECT_EQ(service::article_url("https://help.example/", "a b/c&d"), "https://help.example/a%20b/c%26d");
}

TEST(ListCursor, RoundTripsAndRefusesOtherText) {
  for (const std::string slug : {"a", "akun/otp-tidak-masuk", "x/y_z.1"}) {
    auto back = service::decode_list_cursor(service::encode_list_cursor(slug));
    ASSERT_TRUE(back) << slug;
    EXPECT_EQ(*back, slug);
  }
  for (const std::string bad : {"", "c1", "c1a", "c1zz", "c2616b", "616b", "c1616B"})
    EXPECT_FALSE(service::decode_list_cursor(bad)) << bad;
}

TEST(TicketIdMember, StringsAndIntegersAreTakenFractionsAndHugeFloatsRefused) {
  const auto read = [](const std::string& body) {
    return service::ticket_id_member(nlohmann::json::parse(body), "ticket_id", 200);
  };
  EXPECT_EQ(read(R"({"ticket_id": "ZD-1"})")->value(), "ZD-1");
  EXPECT_EQ(read(R"({"ticket_id": 35436})")->value(), "35436");
  EXPECT_EQ(read(R"({"ticket_id": -7})")->value(), "-7");
  EXPECT_EQ(read(R"({"ticket_id": 18446744073709551615})")->value(), "18446744073709551615");
  EXPECT_EQ(read(R"({"ticket_id": 2.5e2})")->value(), "250");
  EXPECT_FALSE(read(R"({"ticket_id": null})")->has_value());
  EXPECT_FALSE(read(R"({})")->has_value());
  for (const std::string bad : {"1.5", "1e300", "9007199254740994.0", "true", "[]"}) {
    auto r = read(R"({"ticket_id": )" + bad + "}");
    ASSERT_FALSE(r) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("must be a string or an integer")) << bad;
  }
}

TEST(IntegrationConfig, ReadsTheRateLimitAndUrlKeys) {
  testing::TempDir dir;
  const auto path =
      dir.write("solusi.yaml",
                "rate_limit_per_second: 5.5\nrate_limit_burst: 20\n"
                "agent_url_base: https://kb.example/?a=\npublic_url_base: https://help.example/\n");
  auto c = service::load_config(path, service::Config{});
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->rate_limit_per_second, 5.5);
  EXPECT_EQ(c->rate_limit_burst, 20);
  EXPECT_EQ(c->agent_url_base, "https://kb.example/?a=");
  EXPECT_EQ(c->public_url_base, "https://help.example/");
  const service::Config defaults;
  EXPECT_EQ(defaults.rate_limit_per_second, 50);
  EXPECT_EQ(defaults.rate_limit_burst, 200);
  EXPECT_EQ(defaults.agent_url_base, "/?a=");
  EXPECT_EQ(defaults.public_url_base, "");
  for (const std::string bad :
       {"rate_limit_per_second: -1", "rate_limit_per_second: 0.0001", "rate_limit_burst: 0",
        "agent_url_base: ''", "public_url_base: ftp://help.example/",
        "agent_url_base: 'https://kb.example/?a= x'"}) {
    const auto p = dir.write("bad.yaml", bad + "\n");
    auto r = service::load_config(p, service::Config{});
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().line, 1) << bad;
    }
  }
}

}  // namespace
}  // namespace solusi
