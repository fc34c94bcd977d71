// The activity-feed use case: a user's activities, newest first, in pages
// with cursors bound to the user and this route.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe {

struct ActivityListPage {
  std::vector<Activity> activities;
  std::optional<std::string> next_cursor;
  bool has_more = false;
};

class ActivityFeed {
 public:
  ActivityFeed(ItemStore& store, const CursorCodec& cursors) : store_(store), cursors_(cursors) {}

  Task<Result<ActivityListPage>> List(std::string user_id, int limit, std::optional<std::string> cursor);

  ItemStore& store() const { return store_; }
  // This feed on another store (one that records spans around `store()`).
  ActivityFeed WithStore(ItemStore& store) const { return ActivityFeed(store, cursors_); }

 private:
  ItemStore& store_;
  const CursorCodec& cursors_;
};

}  // namespace wdrbe
