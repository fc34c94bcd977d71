#include "wdrbe/queue/sqs/sqs_limits.hpp"

#include <gtest/gtest.h>

namespace wdrbe::sqs {
namespace {

TEST(SqsLimitsTest, MillisecondsBecomeWholeSecondsRoundedUp) {
  EXPECT_EQ(WholeSecondsUp(-5), 0);
  EXPECT_EQ(WholeSecondsUp(0), 0);
  EXPECT_EQ(WholeSecondsUp(1), 1);
  EXPECT_EQ(WholeSecondsUp(999), 1);
  EXPECT_EQ(WholeSecondsUp(1000), 1);
  EXPECT_EQ(WholeSecondsUp(1001), 2);
  EXPECT_EQ(WholeSecondsUp(30'000), 30);
}

TEST(SqsLimitsTest, ADelayIsAtMost900Seconds) {
  EXPECT_EQ(*DelaySecondsFor(0), 0);
  EXPECT_EQ(*DelaySecondsFor(1500), 2);
  EXPECT_EQ(*DelaySecondsFor(900'000), 900);
  Result<int> too_long = DelaySecondsFor(900'001);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(too_long.error().message.find("900"), std::string::npos);
}

TEST(SqsLimitsTest, AVisibilityIsHeldToTwelveHours) {
  EXPECT_EQ(VisibilitySecondsFor(0), 0);
  EXPECT_EQ(VisibilitySecondsFor(-1), 0);
  EXPECT_EQ(VisibilitySecondsFor(250), 1);
  EXPECT_EQ(VisibilitySecondsFor(30'000), 30);
  EXPECT_EQ(VisibilitySecondsFor(43'200'000), 43'200);
  EXPECT_EQ(VisibilitySecondsFor(30LL * 24 * 3600 * 1000), 43'200);
}

}  // namespace
}  // namespace wdrbe::sqs
