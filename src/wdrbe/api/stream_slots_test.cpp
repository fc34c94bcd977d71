// The caps on open activity streams: per user and per server, a slot given
// back when its stream ends, and the gauge of open streams.
#include "wdrbe/api/stream_slots.hpp"

#include <gtest/gtest.h>

namespace wdrbe::api {
namespace {

TEST(StreamSlotsTest, EachUserHasItsCapAndTheServerOneForAll) {
  obs::Gauge open;
  StreamSlots slots(StreamLimits{3, 2}, &open);
  auto a1 = slots.TryTake("usr_a");
  auto a2 = slots.TryTake("usr_a");
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(slots.TryTake("usr_a"), nullptr) << "usr_a's cap";
  auto b1 = slots.TryTake("usr_b");
  ASSERT_TRUE(b1);
  EXPECT_EQ(slots.TryTake("usr_c"), nullptr) << "the server's cap";
  EXPECT_EQ(open.Value(), 3);
  a1.reset();
  EXPECT_EQ(open.Value(), 2);
  EXPECT_NE(slots.TryTake("usr_c"), nullptr) << "a slot given back is free again";
}

TEST(StreamSlotsTest, AUserWhoseStreamsAllEndedStartsAfresh) {
  StreamSlots slots(StreamLimits{10, 1}, nullptr);
  auto first = slots.TryTake("usr_a");
  ASSERT_TRUE(first);
  EXPECT_EQ(slots.TryTake("usr_a"), nullptr);
  first.reset();
  EXPECT_NE(slots.TryTake("usr_a"), nullptr);
  EXPECT_EQ(slots.open(), 0u) << "the temporary slot above was given back at once";
}

}  // namespace
}  // namespace wdrbe::api
