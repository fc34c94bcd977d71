#include "wdrbe/queue/retry_backoff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace wdrbe {
namespace {

// d = base * 2^(n-1); the delay is in [d/2, d] with both ends capped.
TEST(RetryDelayTest, StaysWithinEqualJitterBoundsCappedAndNeverShrinks) {
  const RetryBackoff backoff{1000, 5000};
  std::int64_t previous_high = 0;
  for (int receives = 1; receives <= 8; ++receives) {
    SCOPED_TRACE("receives " + std::to_string(receives));
    const std::int64_t d = 1000LL << (receives - 1);
    const std::int64_t window_low = std::min<std::int64_t>(backoff.max_delay_ms, d / 2);
    const std::int64_t window_high = std::min<std::int64_t>(backoff.max_delay_ms, d);
    std::int64_t low = window_high;
    std::int64_t high = 0;
    for (std::uint32_t bits : {0u, 1u, 250u, 499u, 500u, 501u, 1000u, 2500u, 123456789u, 0xFFFFFFFFu}) {
      const std::int64_t delay = RetryDelayMs(backoff, receives, bits);
      EXPECT_GE(delay, window_low) << "bits " << bits;
      EXPECT_LE(delay, window_high) << "bits " << bits;
      low = std::min(low, delay);
      high = std::max(high, delay);
    }
    EXPECT_GE(low, previous_high) << "a later retry never waits less than an earlier one";
    previous_high = high;
  }
  EXPECT_EQ(previous_high, backoff.max_delay_ms);
}

TEST(RetryDelayTest, TheJitterReachesBothEndsOfTheWindow) {
  const RetryBackoff backoff{1000, 60'000};
  EXPECT_EQ(RetryDelayMs(backoff, 1, 0), 500);
  EXPECT_EQ(RetryDelayMs(backoff, 1, 500), 1000);
  EXPECT_EQ(RetryDelayMs(backoff, 2, 0), 1000);
  EXPECT_EQ(RetryDelayMs(backoff, 2, 1000), 2000);
}

TEST(RetryDelayTest, TheDefaultsWaitAboutASecondFirstAndAMinuteAtMost) {
  const RetryBackoff backoff;
  EXPECT_EQ(RetryDelayMs(backoff, 1, 0), 500);
  EXPECT_EQ(RetryDelayMs(backoff, 1, 500), 1000);
  EXPECT_EQ(RetryDelayMs(backoff, 30, 0), 60'000);
  EXPECT_EQ(RetryDelayMs(backoff, 30, 0xFFFFFFFFu), 60'000);
}

TEST(RetryDelayTest, ExtremeReceiveCountsStayAtTheCap) {
  const RetryBackoff backoff{600'000, 60'000};
  for (int receives : {1, 2, 31, 64, 1000}) {
    const std::int64_t delay = RetryDelayMs(backoff, receives, 0xFFFFFFFFu);
    EXPECT_GE(delay, 30'000) << receives;
    EXPECT_LE(delay, 60'000) << receives;
  }
  EXPECT_EQ(RetryDelayMs(RetryBackoff{1000, 60'000}, 0, 0), 500) << "no negative shift";
}

}  // namespace
}  // namespace wdrbe
