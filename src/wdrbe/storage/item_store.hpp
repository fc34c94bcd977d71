// The item and activity store: the port every storage adapter implements
// (SQLite by default; DynamoDB in the scale-out deployment). It holds items,
// activities, idempotency records and the markers of applied share events.
// The rules are the domain's (item_create, share_rules): an adapter loads
// what a decision needs, calls the domain function, and writes its plan
// atomically and conditionally (a concurrent change makes it load and decide
// again, never overwrite). Adapters pass the suites in tests/contract.
// All methods are safe to call concurrently from any thread; the returned
// Task completes on the awaiting coroutine's executor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/domain/item_create.hpp"
#include "wdrbe/domain/item_search.hpp"
#include "wdrbe/domain/share_rules.hpp"

namespace wdrbe {

struct ListItemsQuery {
  std::string user_id;
  std::optional<std::string> season;    // normalised
  std::optional<std::string> category;  // exact match
  std::optional<CursorPosition> after;  // start after this (created_at, item_id)
  int limit = 20;
};

struct ItemPage {
  std::vector<Item> items;
  bool has_more = false;  // true exactly when more matching items exist
};

// A search (domain/item_search has what matches and the order).
struct SearchItemsQuery {
  std::string user_id;
  std::vector<std::string> terms;       // ParseSearchTerms's
  std::optional<std::string> season;    // normalised
  std::optional<std::string> category;  // exact match
  std::optional<SearchPosition> after;  // start after this (a previous page's `next`)
  int limit = 20;
};

struct SearchPage {
  std::vector<Item> items;  // at most the query's limit
  // Where the next page starts; set when more items may match. A backend
  // that bounds the rows one search reads may end a page short (even
  // empty) with `next` set; it never skips a match.
  std::optional<SearchPosition> next;
};

struct ListActivitiesQuery {
  std::string user_id;
  std::optional<CursorPosition> after;  // (timestamp, activity_id), in the listing's order
  int limit = 20;
  // Oldest first (the activity stream's polling) instead of newest first.
  bool oldest_first = false;
};

struct ActivityPage {
  std::vector<Activity> activities;
  bool has_more = false;
};

class ItemStore {
 public:
  virtual ~ItemStore() = default;

  // Creates, replaces or replays atomically as DecideCreate says: loads the
  // CreateState, writes the plan (the item, command.created_activity for a
  // new item, the key record). Expired idempotency records may be deleted
  // on the way.
  virtual Task<Result<CreateItemResult>> CreateItem(CreateItemCommand command) = 0;

  // kNotFound when absent. Access rules are the caller's (domain/item_access).
  virtual Task<Result<Item>> GetItem(std::string item_id) = 0;

  // Applies `patch` if CheckOwnerAccess allows; updated_at = now_ms when a
  // field actually changes.
  virtual Task<Result<Item>> UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                        std::int64_t now_ms) = 0;

  // Removes the item if CheckOwnerAccess allows; its activities stay.
  virtual Task<Status> DeleteItem(std::string user_id, std::string item_id) = 0;

  // Newest first by (created_at, item_id); a range scan, never OFFSET.
  virtual Task<Result<ItemPage>> ListItems(ListItemsQuery query) = 0;

  // The user's items matching every term, tier by tier, newest first
  // within a tier. A deleted item is never found; a committed one always.
  virtual Task<Result<SearchPage>> SearchItems(SearchItemsQuery query) = 0;

  // Newest first by (timestamp, activity_id), or oldest first when asked.
  virtual Task<Result<ActivityPage>> ListActivities(ListActivitiesQuery query) = 0;

  // Admits a share request as DecideShareAdmission says, atomically: loads
  // the (user, kShareItem, key) record and the item, and saves the plan's
  // key record (not completed). Without a key nothing is written.
  virtual Task<Result<ShareAdmission>> AdmitShare(AdmitShareCommand command) = 0;

  // Marks the share key's record completed: its event is on the queue, so
  // a replay need not send it again. A missing record is not an error.
  virtual Task<Status> CompleteShareKey(std::string user_id, std::string idempotency_key) = 0;

  // Applies each received share event as DecideShareApplication says,
  // exactly once per event id: a second application of the same event id
  // changes nothing and answers kAlreadyApplied. Each command is atomic on
  // its own and independent of the others (one's failure leaves the
  // others applied); the results are in the commands' order.
  virtual Task<std::vector<Result<ShareApplication>>> ApplyShares(
      std::vector<ApplyShareCommand> commands) = 0;

  // Answers when the store can serve reads (for readiness checks).
  virtual Task<Status> Ping() = 0;
};

}  // namespace wdrbe
