// The activity stream's event text: the SSE fields in order, the feed's
// JSON on one data line whatever the item's name holds, and an empty
// delivery as no text.
#include "wdrbe/api/sse_events.hpp"

#include <gtest/gtest.h>

namespace wdrbe::api {
namespace {

Activity Shared(std::string name) {
  return Activity{"01JD000000000000000000000A",
                  "usr_a",
                  kActivityItemShared,
                  "itm_1",
                  std::move(name),
                  1'764'064'800'123,
                  R"({"action":"share","eventId":"01JD000000000000000000000E"})"};
}

TEST(SseEventsTest, AnEventIsItsIdTypeAndTheFeedsJsonThenABlankLine) {
  EXPECT_EQ(SseEvents({Shared("Navy Blazer")}),
            "id: 01JD000000000000000000000A\nevent: ItemShared\ndata: "
            R"({"activityId":"01JD000000000000000000000A","activityType":"ItemShared","itemId":"itm_1",)"
            R"("itemName":"Navy Blazer","timestamp":"2025-11-25T10:00:00.123Z",)"
            R"("metadata":{"action":"share","eventId":"01JD000000000000000000000E"}})"
            "\n\n");
}

TEST(SseEventsTest, LineBreaksInANameStayInsideTheJsonSoTheDataIsOneLine) {
  const std::string text = SseEvents({Shared("two\nlines\r\nhere")});
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

TEST(SseEventsTest, SeveralActivitiesAreSeveralEventsInOrder) {
  Activity second = Shared("b");
  second.activity_id = "01JD000000000000000000000B";
  const std::string text = SseEvents({Shared("a"), second});
  EXPECT_LT(text.find("id: 01JD000000000000000000000A"), text.find("id: 01JD000000000000000000000B"));
  EXPECT_EQ(SseEvents({}), "");
}

}  // namespace
}  // namespace wdrbe::api
