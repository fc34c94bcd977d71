#include "wdrbe/domain/activity.hpp"

#include "wdrbe/domain/item.hpp"
#include "wdrbe/domain/share_event.hpp"

namespace wdrbe {

Activity ItemCreatedActivity(const Item& item, std::string activity_id) {
  return Activity{std::move(activity_id), item.user_id,       kActivityItemCreated,    item.item_id,
                  item.fields.name,       item.created_at_ms, R"({"action":"create"})"};
}

Activity ItemSharedActivity(const Item& item, const ShareEvent& event, std::string activity_id,
                            std::int64_t now_ms) {
  // Event ids are ULIDs: no character in them needs escaping in JSON.
  return Activity{std::move(activity_id),
                  item.user_id,
                  kActivityItemShared,
                  item.item_id,
                  item.fields.name,
                  now_ms,
                  R"({"action":"share","eventId":")" + event.event_id + "\"}"};
}

}  // namespace wdrbe
