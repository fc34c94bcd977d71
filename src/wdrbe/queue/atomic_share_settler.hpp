// An optional capability of a backend whose store and queue commit in one
// transaction (the embedded one): a delivery's event is applied to the
// store and the delivery deleted from the queue in the same commit, so an
// applied event never sits in the queue and costs one commit, not two.
// Backends without it (SQS and DynamoDB share no transaction) take the
// generic path, ItemStore::ApplyShares then ShareQueue::Delete, which is
// correct on its own: this is only an optimisation of it.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/queue/share_queue.hpp"

namespace wdrbe {

struct SettledShare {
  Result<ShareApplication> application;  // as ItemStore::ApplyShares answers
  // kDeleted when applied (or already applied, or its item gone) and the
  // delivery was current; kLeaseLost when the delivery was stale (the event
  // was still applied: it is idempotent). Meaningless when application failed.
  AckResult ack = AckResult::kLeaseLost;
};

class AtomicShareSettler {
 public:
  virtual ~AtomicShareSettler() = default;

  // commands[i] is the event of the delivery named by receipt_handles[i].
  // Each pair is atomic on its own and independent of the others; a failed
  // application deletes nothing. One result per pair, in order.
  virtual Task<std::vector<SettledShare>> ApplyAndDelete(std::vector<ApplyShareCommand> commands,
                                                         std::vector<std::string> receipt_handles) = 0;
};

}  // namespace wdrbe
