// The share queue: messaging between the share endpoint and the share
// worker, shaped like SQS so that one adapter is the embedded SQLite table
// (queue/sqlite) and another an SQS queue with its dead-letter queue. It
// knows nothing of items: the store applies an event (ItemStore::ApplyShares)
// and the worker decides what to tell the queue.
//
// Delivery is at least once: an event may be delivered again (after a lost
// acknowledgement, an expired visibility timeout or an operator's redrive),
// so its consumer applies it idempotently by event id.
//
// Dead-lettering is the queue's own policy, as an SQS redrive policy is: a
// failed delivery that was the `max_receives`th is moved to the dead
// letters (queue/dead_letter_queue.hpp) instead of being retried.
//
// Adapters pass the suites in tests/contract. Every method is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_event.hpp"

namespace wdrbe {

// The most events one Receive returns (SQS's own limit).
inline constexpr int kMaxReceiveBatch = 10;

// One delivery of an event to one consumer: until its visibility timeout
// ends no other consumer receives the event; then it is visible again.
struct ShareDelivery {
  ShareEvent event;
  std::string receipt_handle;  // names this delivery (SQS: ReceiptHandle)
  int receive_count = 0;       // deliveries so far, this one included
  std::int64_t first_received_ms = 0;
};

struct FailedDelivery {
  std::string receipt_handle;
  std::string error;                // why processing failed (kept with a dead letter)
  std::int64_t retry_delay_ms = 0;  // visible again after this long (RetryDelayMs)
};

enum class AckResult {
  kDeleted,    // the event is gone from the queue
  kLeaseLost,  // the handle is stale: the visibility timeout ended and the
               // event was received again (or is gone); nothing changed
};

enum class RetryResult {
  kRetryScheduled,  // visible again after the delay
  kDeadLettered,    // that was the last allowed delivery: moved to the dead letters
  kLeaseLost,       // the handle is stale; nothing changed
};

// What a queue engine can promise beyond the port, so that contract suites
// (and callers) rely on nothing one engine alone gives.
struct QueueCapabilities {
  bool exact_depth = false;  // Depth() is exact (SQS: approximate)
  // Visibility and delays follow the Clock given to the adapter (the
  // embedded queue); otherwise they follow the engine's own clock.
  bool injected_clock = false;
  // Delete and Retry of a handle whose delivery is over (deleted, retried,
  // its lease ended) answer kLeaseLost (SQS accepts a DeleteMessage with
  // such a handle and answers success).
  bool detects_stale_handles = false;
  // A released delivery does not count against max_receives (SQS cannot
  // take back a receive).
  bool uncounted_release = false;
  // A dead letter's history holds every failed delivery (SQS retries by
  // changing a message's visibility, which cannot record the failure).
  bool full_failure_history = false;
  // Sending an event id that is still queued is a no-op, so a redriven
  // event that was also sent again is queued once (SQS standard queues do
  // not deduplicate).
  bool deduplicated_sends = false;
};

class ShareQueue {
 public:
  virtual ~ShareQueue() = default;

  virtual QueueCapabilities capabilities() const = 0;

  // Durably enqueues `event`, received no sooner than `delay_ms` from now.
  // Sending an event id that is still queued may be a no-op.
  virtual Task<Status> Send(ShareEvent event, std::int64_t delay_ms = 0) = 0;

  // Receives up to `max` (1-kMaxReceiveBatch) visible events, oldest first, each hidden
  // from other receivers for `visibility_ms`. Empty when none is visible.
  virtual Task<Result<std::vector<ShareDelivery>>> Receive(int max, std::int64_t visibility_ms) = 0;

  // Acknowledges deliveries: their events leave the queue. One result per
  // handle, in order; one stale handle never affects the others.
  virtual Task<Result<std::vector<AckResult>>> Delete(std::vector<std::string> receipt_handles) = 0;

  // Failed deliveries: each is visible again after its delay, or
  // dead-lettered with its error when its receive count reached the
  // queue's max_receives. One result per delivery, in order.
  virtual Task<Result<std::vector<RetryResult>>> Retry(std::vector<FailedDelivery> failures) = 0;

  // Hands deliveries back unprocessed (a consumer that stops): visible now,
  // and the delivery does not count against max_receives. Stale handles
  // are ignored.
  virtual Task<Status> Release(std::vector<std::string> receipt_handles) = 0;

  // Events waiting or in flight (exact only with capabilities().exact_depth).
  virtual Task<Result<std::int64_t>> Depth() = 0;
};

}  // namespace wdrbe
