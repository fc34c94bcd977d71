// The share use case: admit a share request (ownership, Idempotency-Key)
// in the store, then send its event durably to the share queue; the worker
// applies it later, exactly once. Thread-safe.
//
// No acknowledged share is lost: a key is recorded (not completed) before
// its event is sent and completed after, so a replay after a failed send
// sends the same event again. A duplicate send is harmless, because the
// store applies an event once per event id.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/queue/atomic_share_sender.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/item_store.hpp"

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
  // `on_sent` runs after each event is on the queue (wakes the worker).
  // `sender` is optional: where set, admission and send are one commit.
  ShareService(ItemStore& store, ShareQueue& queue, AtomicShareSender* sender, const Clock& clock,
               UlidGenerator& ids, std::function<void()> on_sent)
      : store_(store),
        queue_(queue),
        sender_(sender),
        clock_(clock),
        ids_(ids),
        on_sent_(std::move(on_sent)) {}

  Task<Result<AcceptedShare>> Share(ShareRequest request);

  ItemStore& store() const { return store_; }
  ShareQueue& queue() const { return queue_; }
  AtomicShareSender* sender() const { return sender_; }
  // This service on other ports (ones that record spans around these).
  ShareService WithPorts(ItemStore& store, ShareQueue& queue, AtomicShareSender* sender) const {
    return ShareService(store, queue, sender, clock_, ids_, on_sent_);
  }

 private:
  ItemStore& store_;
  ShareQueue& queue_;
  AtomicShareSender* sender_;
  const Clock& clock_;
  UlidGenerator& ids_;
  std::function<void()> on_sent_;
};

}  // namespace wdrbe
