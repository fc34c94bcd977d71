// The share worker's use case: turns received share events into their
// effect on the store and decides, per event, whether its delivery is done
// (acknowledge: applied, already applied, or its item is gone) or must be
// retried (the store failed). Thread-safe; every dependency is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe {

struct HandledShare {
  std::optional<ShareApplication> application;  // set: done, acknowledge the delivery
  std::optional<std::string> error;             // set: retry the delivery
};

class ShareEventHandler {
 public:
  ShareEventHandler(ItemStore& store, const Clock& clock, UlidGenerator& ids)
      : store_(store), clock_(clock), ids_(ids) {}

  // One result per event, in order; one event's failure never affects another's.
  Task<std::vector<HandledShare>> Handle(std::vector<ShareEvent> events);

 private:
  ItemStore& store_;
  const Clock& clock_;
  UlidGenerator& ids_;
};

}  // namespace wdrbe
