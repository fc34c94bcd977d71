// The store.write and store.read fault points (base/faults.hpp) for a store
// that has no transaction of its own to fail inside (DynamoDB): every write
// method fails before it reaches the store, every read and the readiness
// ping likewise, with the same kUnavailable the embedded store's writer and
// readers give. The embedded store injects its faults itself, deeper (a
// failed commit, a full disk), and is not wrapped.
// Thread-safe if the wrapped store is (FaultInjector is).
#pragma once

#include <memory>

#include "wdrbe/base/faults.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe {

class FaultInjectingItemStore final : public ItemStore {
 public:
  // `store` must outlive this object.
  FaultInjectingItemStore(ItemStore& store, std::shared_ptr<const FaultInjector> faults);

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
  bool WriteFails() const;
  bool ReadFails() const;

  ItemStore& store_;
  std::shared_ptr<const FaultInjector> faults_;
};

}  // namespace wdrbe
