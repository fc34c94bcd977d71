// The share queue: the port between the share endpoint and the share
// worker. The embedded adapter keeps it in the same SQLite database as the
// items (queue/sqlite); a later adapter puts it on SQS. Adapters must pass
// tests/contract/share_queue_contract_test.cpp. All methods are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_event.hpp"

namespace wdrbe {

struct EnqueueShareCommand {
  std::string user_id;
  std::string item_id;
  std::optional<std::string> idempotency_key;
  ShareEvent event;  // event_id fresh; used unless the key replays
  std::int64_t now_ms = 0;
};

// How the queue treats failed deliveries.
struct RetryPolicy {
  int max_receives = 3;                // deliveries before dead-lettering
  std::int64_t base_delay_ms = 1000;   // first retry after about this long
  std::int64_t max_delay_ms = 60'000;  // the backoff's ceiling
};

class ShareQueue {
 public:
  virtual ~ShareQueue() = default;

  // Atomically: checks that the user may share the item (CheckOwnerAccess:
  // kForbidden / kNotFound), replays an idempotency key of the user (the
  // same event id, nothing enqueued), else enqueues command.event and
  // remembers the key for kIdempotencyWindowMs. Returns the event id.
  virtual Task<Result<std::string>> EnqueueShare(EnqueueShareCommand command) = 0;

  // Leases up to `max` visible events, oldest first, until now + visibility.
  virtual Task<Result<std::vector<LeasedShareEvent>>> Receive(int max, std::int64_t visibility_ms,
                                                              std::int64_t now_ms) = 0;

  // Settles each delivery of a batch independently. A success is applied
  // to its item exactly once per event id (a redelivery changes nothing)
  // and acknowledged in the same transaction; a failure is retried after
  // an exponential backoff with jitter, or dead-lettered after
  // policy.max_receives deliveries. One outcome's failure never affects
  // another's. Returns one settlement per outcome, in order.
  virtual Task<Result<std::vector<ShareSettlement>>> Settle(std::vector<ShareOutcome> outcomes,
                                                            std::int64_t now_ms) = 0;

  // Makes leased events visible now (a worker that stops early).
  virtual Task<Status> Release(std::vector<std::string> lease_ids) = 0;

  // Events waiting or leased, and dead letters.
  virtual Task<Result<std::int64_t>> Depth() = 0;
  virtual Task<Result<std::int64_t>> DeadLetterDepth() = 0;
};

}  // namespace wdrbe
