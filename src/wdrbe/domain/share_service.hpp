// The share use case: enqueue a share event durably (the worker applies it
// later, exactly once). Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/queue/share_queue.hpp"

namespace wdrbe {

// What a share request got: a new event, or the one its key already made.
struct AcceptedShare {
  std::string event_id;
  bool replayed = false;  // the Idempotency-Key was seen: nothing new enqueued
};

struct ShareRequest {
  std::string user_id;
  std::string item_id;
  std::optional<std::string> idempotency_key;  // validated
  std::string request_id;
  std::string trace_context;  // "" when none
};

class ShareService {
 public:
  // `on_enqueued` runs after each new event is committed (wakes the worker).
  ShareService(ShareQueue& queue, const Clock& clock, UlidGenerator& ids, std::function<void()> on_enqueued)
      : queue_(queue), clock_(clock), ids_(ids), on_enqueued_(std::move(on_enqueued)) {}

  Task<Result<AcceptedShare>> Share(ShareRequest request);

 private:
  ShareQueue& queue_;
  const Clock& clock_;
  UlidGenerator& ids_;
  std::function<void()> on_enqueued_;
};

}  // namespace wdrbe
