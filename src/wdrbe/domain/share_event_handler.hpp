// The share worker's use case: turns received share deliveries into their
// effect on the store and decides, per delivery, whether it is done
// (applied, already applied, or its item is gone: acknowledge it) or must
// be retried (the store failed). Where the backend can apply and delete in
// one commit (AtomicShareSettler) it does, and says the delivery is
// deleted already. Thread-safe; every dependency is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/queue/atomic_share_settler.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe {

struct HandledShare {
  std::optional<ShareApplication> application;  // set: done, acknowledge the delivery
  std::optional<std::string> error;             // set: retry the delivery
  // Done and already acknowledged with its effect: kDeleted, or kLeaseLost
  // when the delivery was stale (its effect still counts once).
  std::optional<AckResult> acknowledged;
};

class ShareEventHandler {
 public:
  // `settler` is optional (nullptr: apply, and let the caller delete).
  ShareEventHandler(ItemStore& store, AtomicShareSettler* settler, const Clock& clock, UlidGenerator& ids)
      : store_(store), settler_(settler), clock_(clock), ids_(ids) {}

  // One result per delivery, in order; one delivery's failure never
  // affects another's.
  Task<std::vector<HandledShare>> Handle(std::vector<ShareDelivery> deliveries);

  ItemStore& store() const { return store_; }
  AtomicShareSettler* settler() const { return settler_; }
  // This handler on other ports (ones that record spans around these).
  ShareEventHandler WithPorts(ItemStore& store, AtomicShareSettler* settler) const {
    return ShareEventHandler(store, settler, clock_, ids_);
  }

 private:
  ItemStore& store_;
  AtomicShareSettler* settler_;
  const Clock& clock_;
  UlidGenerator& ids_;
};

}  // namespace wdrbe
