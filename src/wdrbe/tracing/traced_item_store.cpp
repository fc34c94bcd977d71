#include "wdrbe/tracing/traced_item_store.hpp"

#include <utility>

namespace wdrbe::tracing {
namespace {

PortCall StoreCall(std::string_view name, std::string_view operation, std::int64_t batch_size = 0) {
  return PortCall{name, operation, PortEngine::kStore, batch_size};
}

}  // namespace

Task<Result<CreateItemResult>> TracedItemStore::CreateItem(CreateItemCommand command) {
  return TracedCall(tracer_, StoreCall("ItemStore.CreateItem", "CreateItem"),
                    store_.CreateItem(std::move(command)));
}

Task<Result<Item>> TracedItemStore::GetItem(std::string item_id) {
  return TracedCall(tracer_, StoreCall("ItemStore.GetItem", "GetItem"), store_.GetItem(std::move(item_id)));
}

Task<Result<Item>> TracedItemStore::UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                               std::int64_t now_ms) {
  return TracedCall(tracer_, StoreCall("ItemStore.UpdateItem", "UpdateItem"),
                    store_.UpdateItem(std::move(user_id), std::move(item_id), std::move(patch), now_ms));
}

Task<Status> TracedItemStore::DeleteItem(std::string user_id, std::string item_id) {
  return TracedCall(tracer_, StoreCall("ItemStore.DeleteItem", "DeleteItem"),
                    store_.DeleteItem(std::move(user_id), std::move(item_id)));
}

Task<Result<ItemPage>> TracedItemStore::ListItems(ListItemsQuery query) {
  return TracedCall(tracer_, StoreCall("ItemStore.ListItems", "ListItems"),
                    store_.ListItems(std::move(query)));
}

Task<Result<SearchPage>> TracedItemStore::SearchItems(SearchItemsQuery query) {
  return TracedCall(tracer_, StoreCall("ItemStore.SearchItems", "SearchItems"),
                    store_.SearchItems(std::move(query)));
}

Task<Result<ActivityPage>> TracedItemStore::ListActivities(ListActivitiesQuery query) {
  return TracedCall(tracer_, StoreCall("ItemStore.ListActivities", "ListActivities"),
                    store_.ListActivities(std::move(query)));
}

Task<Result<ShareAdmission>> TracedItemStore::AdmitShare(AdmitShareCommand command) {
  return TracedCall(tracer_, StoreCall("ItemStore.AdmitShare", "AdmitShare"),
                    store_.AdmitShare(std::move(command)));
}

Task<Status> TracedItemStore::CompleteShareKey(std::string user_id, std::string idempotency_key) {
  return TracedCall(tracer_, StoreCall("ItemStore.CompleteShareKey", "CompleteShareKey"),
                    store_.CompleteShareKey(std::move(user_id), std::move(idempotency_key)));
}

Task<std::vector<Result<ShareApplication>>> TracedItemStore::ApplyShares(
    std::vector<ApplyShareCommand> commands) {
  const std::int64_t start = tracer_.Start();
  const auto batch_size = static_cast<std::int64_t>(commands.size());
  Task<std::vector<Result<ShareApplication>>> call = store_.ApplyShares(std::move(commands));
  std::vector<Result<ShareApplication>> results = co_await std::move(call);
  PortCallOutcome outcome;
  for (const auto& result : results) outcome.failed += result.ok() ? 0 : 1;
  tracer_.End(StoreCall("ItemStore.ApplyShares", "ApplyShares", batch_size), start, outcome);
  co_return results;
}

}  // namespace wdrbe::tracing
