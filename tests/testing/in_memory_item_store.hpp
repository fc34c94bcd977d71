// An ItemStore in memory: the cheapest proof that the store port is
// backend-neutral, and a fast test double. It follows the adapter recipe of
// storage/item_store.hpp to the letter: under one lock it loads what a
// domain decision needs (DecideCreate, DecideShareAdmission,
// DecideShareApplication), asks for the decision and writes the plan; the
// lock makes each of those steps atomic, as a transaction or a conditional
// write does in a real engine.
// Thread-safe: every method takes mutex_. Every Task completes at once.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "wdrbe/storage/item_store.hpp"

namespace wdrbe::testing {

class InMemoryItemStore final : public ItemStore {
 public:
  Task<Result<CreateItemResult>> CreateItem(CreateItemCommand command) override;
  Task<Result<Item>> GetItem(std::string item_id) override;
  Task<Result<Item>> UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                std::int64_t now_ms) override;
  Task<Status> DeleteItem(std::string user_id, std::string item_id) override;
  Task<Result<ItemPage>> ListItems(ListItemsQuery query) override;
  Task<Result<SearchPage>> SearchItems(SearchItemsQuery query) override;
  Task<Result<ActivityPage>> ListActivities(ListActivitiesQuery query) override;
  Task<Result<ShareAdmission>> AdmitShare(AdmitShareCommand command) override;
  Task<Status> CompleteShareKey(std::string user_id, std::string idempotency_key) override;
  Task<std::vector<Result<ShareApplication>>> ApplyShares(std::vector<ApplyShareCommand> commands) override;
  Task<Status> Ping() override;

 private:
  // (user, operation, key): keys of different users or operations never collide.
  using KeyName = std::tuple<std::string, IdempotentOperation, std::string>;

  // Each takes mutex_ for the whole load-decide-write.
  Result<CreateItemResult> Create(const CreateItemCommand& command);
  Result<Item> Get(const std::string& item_id);
  Result<Item> Update(const std::string& user_id, const std::string& item_id, const ItemPatch& patch,
                      std::int64_t now_ms);
  Status Delete(const std::string& user_id, const std::string& item_id);
  ItemPage List(const ListItemsQuery& query);
  ActivityPage List(const ListActivitiesQuery& query);
  SearchPage Search(const SearchItemsQuery& query);
  Result<ShareAdmission> Admit(const AdmitShareCommand& command);
  void Complete(const std::string& user_id, const std::string& idempotency_key);
  Result<ShareApplication> Apply(const ApplyShareCommand& command);

  // Require mutex_.
  std::optional<IdempotencyRecord> FindKey(const KeyName& name) const;
  std::optional<Item> FindItem(const std::string& item_id) const;

  mutable std::mutex mutex_;
  std::map<std::string, Item> items_;           // guarded by mutex_; by item id
  std::vector<Activity> activities_;            // guarded by mutex_; in the order written
  std::map<KeyName, IdempotencyRecord> keys_;   // guarded by mutex_
  std::set<std::string> applied_share_events_;  // guarded by mutex_; event ids
};

}  // namespace wdrbe::testing
