#include "wdrbe/http/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "testing/fake_clock.hpp"

namespace wdrbe::http {
namespace {

TEST(TokenBucketTest, AllowsTheBurstThenRefillsAtTheRate) {
  const RateLimit limit{2, 3};  // 2/s, burst 3
  TokenBucket bucket(limit, 0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.TryTake(limit, 0), 0);
  EXPECT_EQ(bucket.TryTake(limit, 0), 500) << "one token takes 500 ms at 2/s";
  const std::int64_t wait = bucket.TryTake(limit, 499);
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 2);
  EXPECT_EQ(bucket.TryTake(limit, 500), 0);
  EXPECT_FALSE(bucket.IsFull(limit, 500));
  EXPECT_TRUE(bucket.IsFull(limit, 2000));
}

TEST(RateLimiterTest, ZeroTurnsALimitOff) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, RateLimits{{0, 1}, {0, 1}, {0, 1}});
  const ClientAddress address = boost::asio::ip::make_address("192.0.2.1");
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(limiter.AdmitUser("u"), 0);
    ASSERT_EQ(limiter.AdmitAnonymous(address), 0);
  }
  EXPECT_EQ(limiter.UserBucketCount(), 0u);
  EXPECT_EQ(limiter.AddressBucketCount(), 0u);
}

TEST(RateLimiterTest, UsersHaveTheirOwnBuckets) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, RateLimits{{0, 1}, {1, 2}, {0, 1}});
  EXPECT_EQ(limiter.AdmitUser("a"), 0);
  EXPECT_EQ(limiter.AdmitUser("a"), 0);
  EXPECT_GT(limiter.AdmitUser("a"), 0);
  EXPECT_EQ(limiter.AdmitUser("b"), 0);
  clock.Advance(1000);
  EXPECT_EQ(limiter.AdmitUser("a"), 0);
}

TEST(RateLimiterTest, IdleUsersAreForgottenAndMemoryStaysBounded) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, RateLimits{{0, 1}, {10, 10}, {0, 1}});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.AdmitUser("idle-" + std::to_string(i)), 0);
  EXPECT_EQ(limiter.UserBucketCount(), 1000u);
  clock.Advance(20'000);  // every bucket is full again and a sweep is due
  for (int i = 0; i < 64 * 8; ++i) ASSERT_EQ(limiter.AdmitUser("new-" + std::to_string(i)), 0);
  EXPECT_EQ(limiter.UserBucketCount(), 64u * 8) << "the idle buckets were swept";

  // A flood of distinct active users never holds more than the bound.
  for (std::size_t i = 0; i < kShards * kMaxBucketsPerShard + 5000; ++i) {
    (void)limiter.AdmitUser("flood-" + std::to_string(i));
  }
  EXPECT_LE(limiter.UserBucketCount(), kShards * kMaxBucketsPerShard);
}

TEST(RateLimiterTest, OnlyRequestsWithinTheirUsersBudgetDrawFromTheServerWideBucket) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, RateLimits{{1, 4}, {1, 2}, {0, 1}});
  EXPECT_EQ(limiter.AdmitUser("noisy"), 0);
  EXPECT_EQ(limiter.AdmitUser("noisy"), 0);
  for (int i = 0; i < 100; ++i) EXPECT_GT(limiter.AdmitUser("noisy"), 0);
  EXPECT_EQ(limiter.AdmitUser("quiet"), 0) << "the server-wide bucket still holds 2 of 4";
  EXPECT_EQ(limiter.AdmitUser("quiet"), 0);
  EXPECT_GT(limiter.AdmitUser("other"), 0) << "now the server-wide bucket is empty";
}

TEST(RateLimiterTest, AThrottledKeyKeepsItsEmptyBucketThroughAFloodOfNewKeys) {
  testing::FakeClock clock;
  KeyedBuckets buckets(clock, RateLimit{0.001, 1});  // refills only after 1000 s
  ASSERT_EQ(buckets.Admit("throttled"), 0);
  ASSERT_GT(buckets.Admit("throttled"), 0);
  // Enough active newcomers to fill every shard many times over.
  for (std::size_t i = 0; i < kShards * kMaxBucketsPerShard * 2; ++i) {
    (void)buckets.Admit("flood-" + std::to_string(i));
  }
  EXPECT_LE(buckets.BucketCount(), kShards * kMaxBucketsPerShard);
  clock.Advance(20'000);  // sweeps are due; nothing is full again
  (void)buckets.Admit("one-more");
  EXPECT_GT(buckets.Admit("throttled"), 0) << "neither eviction nor the flood reset it";
}

TEST(RateLimiterTest, NewcomersToAFullShardShareItsOverflowBucket) {
  testing::FakeClock clock;
  KeyedBuckets buckets(clock, RateLimit{0.001, 1});
  std::size_t refused = 0;
  for (std::size_t i = 0; i < kShards * kMaxBucketsPerShard * 2; ++i) {
    refused += buckets.Admit("key-" + std::to_string(i)) > 0 ? 1 : 0;
  }
  // Each shard admitted its full complement plus one overflow token.
  EXPECT_EQ(refused, kShards * kMaxBucketsPerShard * 2 - buckets.BucketCount() - kShards);
  EXPECT_EQ(buckets.BucketCount(), kShards * kMaxBucketsPerShard);
}

TEST(RateLimiterTest, AddressKeysAreIpv4OrTheIpv6Slash64) {
  const auto key = [](const char* text) { return AddressBucketKey(boost::asio::ip::make_address(text)); };
  EXPECT_EQ(key("192.0.2.1"), key("::ffff:192.0.2.1"));
  EXPECT_NE(key("192.0.2.1"), key("192.0.2.2"));
  EXPECT_EQ(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  EXPECT_NE(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
}

}  // namespace
}  // namespace wdrbe::http
