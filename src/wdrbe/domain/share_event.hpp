// A request to share an item, as it travels from the API through the queue
// to the share worker, and what becomes of it there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wdrbe {

inline constexpr char kShareEventType[] = "SHARE_ITEM";

struct ShareEvent {
  std::string event_id;  // a ULID; the unit of exactly-once
  std::string user_id;
  std::string item_id;
  std::int64_t timestamp_ms = 0;
  std::string request_id;     // of the HTTP request that enqueued it
  std::string trace_context;  // W3C traceparent, "" when none
  friend bool operator==(const ShareEvent&, const ShareEvent&) = default;
};

// An event handed to one worker for a while. Until `lease_expires_ms` no
// other worker receives it; after that it is visible again.
struct LeasedShareEvent {
  ShareEvent event;
  std::string lease_id;   // identifies this delivery
  int receive_count = 0;  // deliveries so far, this one included
  std::int64_t first_seen_ms = 0;
  std::int64_t lease_expires_ms = 0;
};

// What the worker did with one delivery.
struct ShareOutcome {
  LeasedShareEvent lease;
  std::optional<std::string> error;  // set: processing failed with this reason
  std::string activity_id;           // for the ItemShared activity when applied
};

enum class ShareSettlement {
  kApplied,         // sharedCount + 1, isPublic, ItemShared activity
  kAlreadyApplied,  // a redelivery: nothing changed
  kItemNotFound,    // the item was deleted: acknowledged, nothing changed
  kRetryScheduled,  // failed; visible again after a backoff
  kDeadLettered,    // failed for the last allowed time: moved to the DLQ
  kLeaseLost,       // the lease expired and another delivery owns it now
};

struct DeadLetter {
  ShareEvent event;
  int attempts = 0;
  std::string last_error;
  std::int64_t first_seen_ms = 0;
  std::int64_t last_tried_ms = 0;
  std::int64_t dead_lettered_ms = 0;
  std::string history_json;  // [{"at": ms, "error": text}, ...] one per failed attempt
};

}  // namespace wdrbe
