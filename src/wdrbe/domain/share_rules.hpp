// The rules of a share, as decisions over what the store holds: admitting a
// share request (ownership and the request's Idempotency-Key) and applying
// a received share event to its item (exactly once per event id). Store
// adapters load the inputs, call these, and write what they decide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/idempotency.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/domain/share_event.hpp"

namespace wdrbe {

// --- Admitting POST /items/{itemId}/share ------------------------------------

struct AdmitShareCommand {
  std::string user_id;
  std::string item_id;
  std::optional<std::string> idempotency_key;
  std::string event_id;  // a fresh ULID, used unless the key replays
  std::int64_t now_ms = 0;
};

struct ShareAdmission {
  std::string event_id;  // the new event's, or the one the key made before
  std::int64_t event_timestamp_ms = 0;
  bool replayed = false;  // the key was seen: no new event
  // The event must be sent to the queue: a new event, or a replayed one
  // whose first send was never confirmed (its record is not completed).
  bool needs_send = true;
};

struct ShareAdmissionPlan {
  ShareAdmission admission;
  // Save this record for (user, kShareItem, key): a new share with a key,
  // saved not completed until CompleteShareKey.
  std::optional<IdempotencyRecord> remember_key;
};

// In this order: a live key record replays (kIdempotencyKeyReused if it was
// for another item); else the item must exist and the user may change it
// (CheckOwnerAccess: kNotFound, kForbidden). `key_record` is the
// (user, kShareItem, key) record, `item` the item with command.item_id
// (it need not be loaded when the key replays).
Result<ShareAdmissionPlan> DecideShareAdmission(const AdmitShareCommand& command,
                                                const std::optional<IdempotencyRecord>& key_record,
                                                const std::optional<Item>& item);

// True when the key decides alone (replay or reuse): the item need not be loaded.
bool ShareKeyDecidesAlone(const AdmitShareCommand& command,
                          const std::optional<IdempotencyRecord>& key_record);

// --- Applying a received share event ------------------------------------------

struct ApplyShareCommand {
  ShareEvent event;
  std::string activity_id;  // for the ItemShared activity, if applied
  std::int64_t now_ms = 0;
};

enum class ShareApplication {
  kApplied,         // sharedCount + 1, isPublic, an ItemShared activity
  kAlreadyApplied,  // this event id was applied before: nothing changed
  kItemNotFound,    // the item is gone (or now another user's): nothing changed
};

struct ShareApplicationPlan {
  ShareApplication outcome = ShareApplication::kAlreadyApplied;
  // Record the event id as applied (every outcome but kAlreadyApplied), so
  // that no later delivery of it changes anything.
  bool mark_applied = false;
  // kApplied: the item after the share, and its ItemShared activity.
  std::optional<Item> shared_item;
  std::optional<Activity> activity;
};

// `already_applied`: the store holds an applied marker for the event id.
ShareApplicationPlan DecideShareApplication(const ApplyShareCommand& command, bool already_applied,
                                            const std::optional<Item>& item);

}  // namespace wdrbe
