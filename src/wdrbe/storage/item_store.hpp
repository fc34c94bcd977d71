// The item and activity store: the port every storage adapter implements
// (SQLite by default; DynamoDB in the scale-out deployment). Adapters must
// pass tests/contract. All methods are safe to call concurrently from any
// thread; the returned Task completes on the awaiting coroutine's executor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item.hpp"

namespace wdrbe {

// How long an idempotency key is remembered.
inline constexpr std::int64_t kIdempotencyWindowMs = 24LL * 60 * 60 * 1000;

struct CreateItemCommand {
  std::string user_id;
  std::string item_id;  // the client's, or a fresh ULID
  ItemFields fields;
  std::optional<std::string> idempotency_key;
  std::string payload_fingerprint;  // PayloadFingerprint() of the request
  std::string activity_id;          // id for the ItemCreated activity, if one is made
  std::int64_t now_ms = 0;
};

enum class CreateOutcome {
  kCreated,   // a new item (and an ItemCreated activity)
  kReplaced,  // the caller's existing item, editable fields replaced
  kReplayed,  // an idempotent repeat: nothing written, the item as it is now
};

struct CreateItemResult {
  Item item;
  CreateOutcome outcome;
};

struct ListItemsQuery {
  std::string user_id;
  std::optional<std::string> season;    // normalised
  std::optional<std::string> category;  // exact match
  std::optional<CursorPosition> after;  // start after this (created_at, item_id)
  int limit = 20;
};

struct ItemPage {
  std::vector<Item> items;
  bool has_more = false;  // true exactly when more matching items exist
};

struct ListActivitiesQuery {
  std::string user_id;
  std::optional<CursorPosition> after;  // (timestamp, activity_id)
  int limit = 20;
};

struct ActivityPage {
  std::vector<Activity> activities;
  bool has_more = false;
};

class ItemStore {
 public:
  virtual ~ItemStore() = default;

  // Creates, replaces or replays atomically, in this order of checks:
  // a live idempotency record for (user, key) replays (kIdempotencyKeyReused
  // if the fingerprint differs, kNotFound if its item was deleted since);
  // an item_id owned by another user is kConflict; an item_id the user owns
  // is replaced; otherwise the item and its ItemCreated activity are
  // inserted. A new key is remembered for kIdempotencyWindowMs.
  virtual Task<Result<CreateItemResult>> CreateItem(CreateItemCommand command) = 0;

  // kNotFound when absent. Access rules are the caller's (domain/item_access).
  virtual Task<Result<Item>> GetItem(std::string item_id) = 0;

  // Applies `patch` if CheckOwnerAccess allows; updated_at = now_ms when a
  // field actually changes.
  virtual Task<Result<Item>> UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                        std::int64_t now_ms) = 0;

  // Removes the item if CheckOwnerAccess allows; its activities stay.
  virtual Task<Status> DeleteItem(std::string user_id, std::string item_id) = 0;

  // Newest first by (created_at, item_id); a range scan, never OFFSET.
  virtual Task<Result<ItemPage>> ListItems(ListItemsQuery query) = 0;

  // Newest first by (timestamp, activity_id).
  virtual Task<Result<ActivityPage>> ListActivities(ListActivitiesQuery query) = 0;

  // Answers when the store can serve reads (for readiness checks).
  virtual Task<Status> Ping() = 0;
};

}  // namespace wdrbe
