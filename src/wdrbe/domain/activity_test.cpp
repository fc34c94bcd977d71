#include "wdrbe/domain/activity.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "wdrbe/domain/item.hpp"
#include "wdrbe/domain/share_event.hpp"

namespace wdrbe {
namespace {

TEST(ActivityTest, AShareKeepsAnEventIdFromAnotherProducerAsJson) {
  Item item;
  item.user_id = "u1";
  item.item_id = "itm_1";
  item.fields.name = "Wool coat";
  ShareEvent event;
  // An id no ULID generator made: a quote and a backslash must stay data.
  event.event_id = R"(e"1\","injected":"yes)";
  const Activity activity = ItemSharedActivity(item, event, "01JD7ZK4A2R7W3Y5Z8B0C1D2E3", 1000);
  const boost::json::value metadata = boost::json::parse(activity.metadata_json);
  EXPECT_EQ(metadata, (boost::json::object{{"action", "share"}, {"eventId", event.event_id}}));
  EXPECT_EQ(activity.activity_type, kActivityItemShared);
  EXPECT_EQ(activity.item_name, "Wool coat");
  EXPECT_EQ(activity.timestamp_ms, 1000);
}

}  // namespace
}  // namespace wdrbe
