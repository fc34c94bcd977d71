// The create/upsert rule of POST /users/{userId}/items, as a decision over
// what the store holds. A store adapter loads a CreateState, asks
// DecideCreate, and writes the plan conditionally (so that a concurrent
// writer that changed the state makes it load and decide again).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/idempotency.hpp"
#include "wdrbe/domain/item.hpp"

namespace wdrbe {

struct CreateItemCommand {
  std::string user_id;
  std::string item_id;  // the client's, or a fresh ULID
  ItemFields fields;
  std::optional<std::string> idempotency_key;
  std::string payload_fingerprint;  // PayloadFingerprint() of the request
  // The ItemCreated activity written if the item is new (ItemCreatedActivity).
  Activity created_activity;
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

// What the store holds that a create depends on.
struct CreateState {
  // The (user, kCreateItem, key) record, when the command has a key.
  std::optional<IdempotencyRecord> key_record;
  // The item the key record names (load it when KeyRecordNeedsItem says so).
  std::optional<Item> key_item;
  // The item with command.item_id.
  std::optional<Item> existing;
};

// True when a replay is possible, so the key record's item must be loaded.
bool KeyRecordNeedsItem(const CreateItemCommand& command, const std::optional<IdempotencyRecord>& record);

struct CreatePlan {
  CreateItemResult result;   // the item as it will be, and what happened
  bool insert_item = false;  // kCreated: insert result.item and command.created_activity
  bool save_item = false;    // kReplaced: overwrite the fields of result.item
  // Save this record for (user, kCreateItem, key); absent for a replay or
  // a create without a key.
  std::optional<IdempotencyRecord> remember_key;
};

// In this order: a live key record replays (kIdempotencyKeyReused if the
// fingerprint differs; kNotFound if its item was deleted, or deleted and
// its id taken by another user); an item_id owned by another user is
// kConflict; an item_id the user owns is replaced; otherwise the item is
// created.
Result<CreatePlan> DecideCreate(const CreateItemCommand& command, const CreateState& state);

}  // namespace wdrbe
