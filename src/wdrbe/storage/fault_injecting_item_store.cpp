#include "wdrbe/storage/fault_injecting_item_store.hpp"

#include <utility>

namespace wdrbe {
namespace {

Error InjectedWriteFailure() { return Error::Unavailable("injected fault: store.write"); }
Error InjectedReadFailure() { return Error::Unavailable("injected fault: store.read"); }

}  // namespace

// Each forwarded call is a named task before its co_await: GCC 12 mishandles
// temporaries in a co_await operand.
FaultInjectingItemStore::FaultInjectingItemStore(ItemStore& store,
                                                 std::shared_ptr<const FaultInjector> faults)
    : store_(store), faults_(std::move(faults)) {}

bool FaultInjectingItemStore::WriteFails() const { return faults_ && faults_->ShouldFail(kFaultStoreWrite); }
bool FaultInjectingItemStore::ReadFails() const { return faults_ && faults_->ShouldFail(kFaultStoreRead); }

Task<Result<CreateItemResult>> FaultInjectingItemStore::CreateItem(CreateItemCommand command) {
  if (WriteFails()) co_return InjectedWriteFailure();
  auto task = store_.CreateItem(std::move(command));
  co_return co_await std::move(task);
}

Task<Result<Item>> FaultInjectingItemStore::GetItem(std::string item_id) {
  if (ReadFails()) co_return InjectedReadFailure();
  auto task = store_.GetItem(std::move(item_id));
  co_return co_await std::move(task);
}

Task<Result<Item>> FaultInjectingItemStore::UpdateItem(std::string user_id, std::string item_id,
                                                       ItemPatch patch, std::int64_t now_ms) {
  if (WriteFails()) co_return InjectedWriteFailure();
  auto task = store_.UpdateItem(std::move(user_id), std::move(item_id), std::move(patch), now_ms);
  co_return co_await std::move(task);
}

Task<Status> FaultInjectingItemStore::DeleteItem(std::string user_id, std::string item_id) {
  if (WriteFails()) co_return InjectedWriteFailure();
  auto task = store_.DeleteItem(std::move(user_id), std::move(item_id));
  co_return co_await std::move(task);
}

Task<Result<ItemPage>> FaultInjectingItemStore::ListItems(ListItemsQuery query) {
  if (ReadFails()) co_return InjectedReadFailure();
  auto task = store_.ListItems(std::move(query));
  co_return co_await std::move(task);
}

Task<Result<SearchPage>> FaultInjectingItemStore::SearchItems(SearchItemsQuery query) {
  if (ReadFails()) co_return InjectedReadFailure();
  auto task = store_.SearchItems(std::move(query));
  co_return co_await std::move(task);
}

Task<Result<ActivityPage>> FaultInjectingItemStore::ListActivities(ListActivitiesQuery query) {
  if (ReadFails()) co_return InjectedReadFailure();
  auto task = store_.ListActivities(std::move(query));
  co_return co_await std::move(task);
}

Task<Result<ShareAdmission>> FaultInjectingItemStore::AdmitShare(AdmitShareCommand command) {
  if (WriteFails()) co_return InjectedWriteFailure();
  auto task = store_.AdmitShare(std::move(command));
  co_return co_await std::move(task);
}

Task<Status> FaultInjectingItemStore::CompleteShareKey(std::string user_id, std::string idempotency_key) {
  if (WriteFails()) co_return InjectedWriteFailure();
  auto task = store_.CompleteShareKey(std::move(user_id), std::move(idempotency_key));
  co_return co_await std::move(task);
}

// Drawn once per command, as each is its own transaction.
Task<std::vector<Result<ShareApplication>>> FaultInjectingItemStore::ApplyShares(
    std::vector<ApplyShareCommand> commands) {
  std::vector<bool> fails;
  std::vector<ApplyShareCommand> passed;
  for (ApplyShareCommand& command : commands) {
    fails.push_back(WriteFails());
    if (!fails.back()) passed.push_back(std::move(command));
  }
  std::vector<Result<ShareApplication>> applied;
  if (!passed.empty()) {
    Task<std::vector<Result<ShareApplication>>> applying = store_.ApplyShares(std::move(passed));
    applied = co_await std::move(applying);
  }
  std::vector<Result<ShareApplication>> results;
  results.reserve(fails.size());
  std::size_t next = 0;
  for (const bool failed : fails) {
    if (failed) {
      results.emplace_back(InjectedWriteFailure());
    } else {
      results.push_back(std::move(applied.at(next++)));
    }
  }
  co_return results;
}

Task<Status> FaultInjectingItemStore::Ping() {
  if (ReadFails()) co_return InjectedReadFailure();
  auto task = store_.Ping();
  co_return co_await std::move(task);
}

}  // namespace wdrbe
