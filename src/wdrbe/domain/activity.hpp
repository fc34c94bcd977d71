// An entry of a user's activity feed.
#pragma once

#include <cstdint>
#include <string>

namespace wdrbe {

inline constexpr char kActivityItemCreated[] = "ItemCreated";
inline constexpr char kActivityItemShared[] = "ItemShared";

struct Activity {
  std::string activity_id;  // a ULID: sorts by time
  std::string user_id;
  std::string activity_type;  // kActivityItemCreated, kActivityItemShared
  std::string item_id;
  std::string item_name;
  std::int64_t timestamp_ms = 0;
  std::string metadata_json;  // a JSON object as text, "{}" when empty
  friend bool operator==(const Activity&, const Activity&) = default;
};

struct Item;
struct ShareEvent;

// The activity a new item gets: metadata {"action":"create"}.
Activity ItemCreatedActivity(const Item& item, std::string activity_id);
// The activity an applied share gets: metadata {"action":"share","eventId":...}.
Activity ItemSharedActivity(const Item& item, const ShareEvent& event, std::string activity_id,
                            std::int64_t now_ms);

}  // namespace wdrbe
