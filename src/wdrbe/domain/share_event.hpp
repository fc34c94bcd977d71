// A request to share an item, as it travels from the API through the queue
// to the share worker, and the dead letter it becomes when every delivery
// of it failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wdrbe {

inline constexpr char kShareEventType[] = "SHARE_ITEM";

struct ShareEvent {
  // The unit of exactly-once: a ULID when this service made the event, any
  // non-empty string when another producer queued it.
  std::string event_id;
  std::string user_id;
  std::string item_id;
  std::int64_t timestamp_ms = 0;
  std::string request_id;     // of the HTTP request that enqueued it
  std::string trace_context;  // W3C traceparent, "" when none
  friend bool operator==(const ShareEvent&, const ShareEvent&) = default;
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
