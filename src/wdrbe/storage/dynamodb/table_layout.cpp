#include "wdrbe/storage/dynamodb/table_layout.hpp"

#include <cstdio>

namespace wdrbe::dynamodb {
namespace {

// 15 digits: every millisecond time from 1970 to year 33658.
constexpr int kTimeDigits = 15;
constexpr std::int64_t kMaxSortableMs = 999'999'999'999'999;

std::string FixedWidthMs(std::int64_t ms) {
  char digits[kTimeDigits + 1];
  std::snprintf(digits, sizeof digits, "%015lld", static_cast<long long>(ms));
  return digits;
}

std::string UserPart(std::string_view user_id) { return "USER#" + KeyPart(user_id); }

std::optional<std::string> SortKeyBefore(std::string_view prefix, const CursorPosition& position) {
  if (position.sort_ms < 0) return std::nullopt;
  if (position.sort_ms > kMaxSortableMs) return std::string(prefix) + "~";  // after every time
  return std::string(prefix) + FixedWidthMs(position.sort_ms) + "#" + position.id;
}

}  // namespace

std::string KeyPart(std::string_view part) {
  std::string escaped;
  escaped.reserve(part.size());
  for (const char c : part) {
    if (c == '%') {
      escaped += "%25";
    } else if (c == '#') {
      escaped += "%23";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

// Keys of one variable part keep it as it is (the first implementation's
// keys): nothing follows it, so it cannot be confused with another.
RowKey ItemMetadataKey(std::string_view item_id) { return {"ITEM#" + std::string(item_id), "METADATA"}; }

RowKey UserItemKey(std::string_view user_id, std::string_view item_id) {
  return {"USER#" + std::string(user_id), "ITEM#" + std::string(item_id)};
}

RowKey IdempotencyKey(std::string_view user_id, IdempotentOperation operation, std::string_view key) {
  const char* kind =
      operation == IdempotentOperation::kCreateItem ? "IDEMPOTENCY#CREATE#" : "IDEMPOTENCY#SHARE#";
  return {"USER#" + std::string(user_id), kind + std::string(key)};
}

RowKey ActivityKey(std::string_view user_id, std::string_view activity_id) {
  return {"USER#" + std::string(user_id), "ACTIVITY#" + std::string(activity_id)};
}

RowKey AppliedShareKey(std::string_view event_id) { return {"EVENT#" + std::string(event_id), "APPLIED"}; }

RowKey SecretKey(std::string_view name) { return {"CONFIG#" + std::string(name), "SECRET"}; }

ItemListPartition ItemListPartitionFor(std::string_view user_id, const std::optional<std::string>& season,
                                       const std::optional<std::string>& category) {
  if (season && category) {
    return {kSeasonCategoryIndex,
            UserPart(user_id) + "#SEASON#" + KeyPart(*season) + "#CATEGORY#" + KeyPart(*category)};
  }
  if (season) return {kSeasonIndex, UserPart(user_id) + "#SEASON#" + KeyPart(*season)};
  if (category) return {kCategoryIndex, UserPart(user_id) + "#CATEGORY#" + KeyPart(*category)};
  return {kAllItemsIndex, UserPart(user_id) + "#ITEMS"};
}

std::string ActivityFeedPartition(std::string_view user_id) { return UserPart(user_id) + "#ACTIVITIES"; }

std::string ItemSortKey(std::int64_t created_at_ms, std::string_view item_id) {
  return "ITEM#" + FixedWidthMs(created_at_ms) + "#" + std::string(item_id);
}

std::string ActivitySortKey(std::int64_t timestamp_ms, std::string_view activity_id) {
  return "ACTIVITY#" + FixedWidthMs(timestamp_ms) + "#" + std::string(activity_id);
}

std::optional<std::string> ItemSortKeyBefore(const CursorPosition& position) {
  return SortKeyBefore("ITEM#", position);
}

std::optional<std::string> ActivitySortKeyBefore(const CursorPosition& position) {
  return SortKeyBefore("ACTIVITY#", position);
}

std::optional<std::string> ActivitySortKeyAfter(const CursorPosition& position) {
  if (position.sort_ms > kMaxSortableMs) return std::nullopt;
  // Every activity's sort key is longer than the bare prefix.
  if (position.sort_ms < 0) return std::string("ACTIVITY#");
  return ActivitySortKey(position.sort_ms, position.id);
}

std::int64_t ExpiresAtSeconds(std::int64_t expires_ms) { return (expires_ms + 999) / 1000; }

}  // namespace wdrbe::dynamodb
