#include "wdrbe/domain/timestamp.hpp"

#include <gtest/gtest.h>

namespace wdrbe {
namespace {

// Expected values cross-checked with `date -u -d @SECONDS` and Python.
TEST(FormatTimestampTest, Epoch) { EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z"); }

TEST(FormatTimestampTest, KnownInstantWithMilliseconds) {
  EXPECT_EQ(FormatTimestamp(1764064800123), "2025-11-25T10:00:00.123Z");
}

TEST(FormatTimestampTest, MillisecondsAreZeroPadded) {
  EXPECT_EQ(FormatTimestamp(1764064800005), "2025-11-25T10:00:00.005Z");
  EXPECT_EQ(FormatTimestamp(1764064800050), "2025-11-25T10:00:00.050Z");
}

TEST(FormatTimestampTest, LeapDays) {
  EXPECT_EQ(FormatTimestamp(1709210096789), "2024-02-29T12:34:56.789Z");
  EXPECT_EQ(FormatTimestamp(951782400000), "2000-02-29T00:00:00.000Z");
  // 2100 is not a leap year: the day after 28 February is 1 March.
  EXPECT_EQ(FormatTimestamp(4107542400000 - 1), "2100-02-28T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(4107542400000), "2100-03-01T00:00:00.000Z");
}

TEST(FormatTimestampTest, YearTwoThousand) {
  EXPECT_EQ(FormatTimestamp(946684800000), "2000-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(946684800000 - 1), "1999-12-31T23:59:59.999Z");
}

TEST(FormatTimestampTest, TimesBeforeTheEpochRoundDown) {
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(-86400000), "1969-12-31T00:00:00.000Z");
}

TEST(FormatTimestampTest, OutOfRangeYearsArePinnedToTheEnds) {
  EXPECT_EQ(FormatTimestamp(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(253402300800000), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(-62167219200000), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(-62167219200001), "0000-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace wdrbe
