// An ItemStore that records a client span (port_call_span.hpp) around each
// call of the store it wraps. Made for one request, or one worker batch, in
// the frame that makes the calls: it views the target and the parents.
// Thread-safe if the wrapped store is.
#pragma once

#include <span>

#include "wdrbe/storage/item_store.hpp"
#include "wdrbe/tracing/port_call_span.hpp"

namespace wdrbe::tracing {

class TracedItemStore final : public ItemStore {
 public:
  // `store`, `target` and `parents` must outlive this object.
  TracedItemStore(ItemStore& store, const SpanTarget& target, std::span<const ParentSpan> parents)
      : store_(store), tracer_(target, parents) {}

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
  // Readiness checks are not traced: they belong to no request.
  Task<Status> Ping() override { return store_.Ping(); }

 private:
  ItemStore& store_;
  PortCallTracer tracer_;
};

}  // namespace wdrbe::tracing
