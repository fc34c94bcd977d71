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
  RateLimiter limiter(clock, {0, 1}, {0, 1});
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(limiter.AdmitRequest(), 0);
    ASSERT_EQ(limiter.AdmitUser("u"), 0);
  }
  EXPECT_EQ(limiter.UserBucketCount(), 0u);
}

TEST(RateLimiterTest, UsersHaveTheirOwnBuckets) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, {0, 1}, {1, 2});
  EXPECT_EQ(limiter.AdmitUser("a"), 0);
  EXPECT_EQ(limiter.AdmitUser("a"), 0);
  EXPECT_GT(limiter.AdmitUser("a"), 0);
  EXPECT_EQ(limiter.AdmitUser("b"), 0);
  clock.Advance(1000);
  EXPECT_EQ(limiter.AdmitUser("a"), 0);
}

TEST(RateLimiterTest, IdleUsersAreForgottenAndMemoryStaysBounded) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, {0, 1}, {10, 10});
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

}  // namespace
}  // namespace wdrbe::http
