// An optional capability of a backend whose store and queue commit in one
// transaction (the embedded one): a share request is admitted (ownership,
// Idempotency-Key) and its event put on the queue in the same commit, one
// trip instead of three. Backends without it take the generic path
// (ItemStore::AdmitShare, ShareQueue::Send, ItemStore::CompleteShareKey),
// which is correct on its own: this is only an optimisation of it.
// Thread-safe.
#pragma once

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/domain/share_rules.hpp"

namespace wdrbe {

class AtomicShareSender {
 public:
  virtual ~AtomicShareSender() = default;

  // As AdmitShare; when the admission needs a send, the event (`event`
  // with the admission's event id and timestamp) is queued, visible now, in
  // the same commit, and a key record is saved completed.
  virtual Task<Result<ShareAdmission>> AdmitAndSend(AdmitShareCommand command, ShareEvent event) = 0;
};

}  // namespace wdrbe
