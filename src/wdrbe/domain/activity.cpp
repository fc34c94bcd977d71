#include "wdrbe/domain/activity.hpp"

#include "wdrbe/base/json_writer.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/domain/share_event.hpp"

namespace wdrbe {

Activity ItemCreatedActivity(const Item& item, std::string activity_id) {
  return Activity{std::move(activity_id), item.user_id,       kActivityItemCreated,    item.item_id,
                  item.fields.name,       item.created_at_ms, R"({"action":"create"})"};
}

Activity ItemSharedActivity(const Item& item, const ShareEvent& event, std::string activity_id,
                            std::int64_t now_ms) {
  // The event id is escaped: ours are ULIDs, but an event on SQS may come
  // from another producer (the first implementation used GUIDs), and the
  // worker takes any non-empty string.
  std::string metadata;
  JsonWriter(metadata).BeginObject().Member("action", "share").Member("eventId", event.event_id).EndObject();
  return Activity{std::move(activity_id), item.user_id, kActivityItemShared, item.item_id,
                  item.fields.name,       now_ms,       std::move(metadata)};
}

}  // namespace wdrbe
