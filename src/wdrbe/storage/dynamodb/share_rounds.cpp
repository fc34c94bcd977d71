#include "wdrbe/storage/dynamodb/item_attributes.hpp"
#include "wdrbe/storage/dynamodb/row_loads.hpp"
#include "wdrbe/storage/dynamodb/store_rounds.hpp"
#include "wdrbe/storage/dynamodb/transact_items.hpp"

namespace wdrbe::dynamodb {

Task<Round<ShareAdmission>> AdmitShareRound(const TableClient& table, const AdmitShareCommand& command) {
  // The item and (with a key) its record in one read: whether the item is
  // needed depends on the record, and a second round trip costs more than
  // reading a row that may go unused.
  std::vector<RowKey> keys{ItemMetadataKey(command.item_id)};
  if (command.idempotency_key) {
    keys.push_back(
        IdempotencyKey(command.user_id, IdempotentOperation::kShareItem, *command.idempotency_key));
  }
  Task<Result<std::vector<std::optional<boost::json::object>>>> reading = table.GetRows(std::move(keys));
  Result<std::vector<std::optional<boost::json::object>>> rows = co_await std::move(reading);
  if (!rows.ok()) co_return rows.error();
  Result<std::optional<StoredItem>> item = ReadOptionalItem((*rows)[0]);
  if (!item.ok()) co_return item.error();
  LoadedKeyRecord record;
  if (command.idempotency_key) {
    Result<LoadedKeyRecord> loaded = ReadKeyRecord((*rows)[1], command.now_ms);
    if (!loaded.ok()) co_return loaded.error();
    record = std::move(*loaded);
  }
  std::optional<Item> decided_item;
  if (*item) decided_item = (*item)->item;
  Result<ShareAdmissionPlan> plan = DecideShareAdmission(command, record.live, decided_item);
  if (!plan.ok()) co_return plan.error();
  if (!plan->remember_key) co_return std::optional<ShareAdmission>(std::move(plan->admission));

  // The key is claimed only while the item is as the admission saw it.
  boost::json::array members;
  members.push_back(PutMember(table.table(),
                              IdempotencyRow(command.user_id, IdempotentOperation::kShareItem,
                                             *command.idempotency_key, *plan->remember_key),
                              IdempotencyRowIsAsLoaded(record.stored_created_at_ms)));
  members.push_back(CheckMember(table.table(), ItemMetadataKey(command.item_id), ItemIsAsLoaded(*item)));
  Task<Round<ShareAdmission>> committing = Commit(table, std::move(members), std::move(plan->admission));
  co_return co_await std::move(committing);
}

Task<Round<ShareApplication>> ApplyShareRound(const TableClient& table, const ApplyShareCommand& command) {
  std::vector<RowKey> keys{AppliedShareKey(command.event.event_id), ItemMetadataKey(command.event.item_id)};
  Task<Result<std::vector<std::optional<boost::json::object>>>> reading = table.GetRows(std::move(keys));
  Result<std::vector<std::optional<boost::json::object>>> rows = co_await std::move(reading);
  if (!rows.ok()) co_return rows.error();
  Result<bool> already_applied = ReadAppliedMarker((*rows)[0]);
  if (!already_applied.ok()) co_return already_applied.error();
  Result<std::optional<StoredItem>> item = ReadOptionalItem((*rows)[1]);
  if (!item.ok()) co_return item.error();
  std::optional<Item> decided_item;
  if (*item) decided_item = (*item)->item;
  const ShareApplicationPlan plan = DecideShareApplication(command, *already_applied, decided_item);

  boost::json::array members;
  if (plan.mark_applied) {
    // The marker's condition is what makes the event apply once: of two
    // rounds that both saw no marker, only one commits.
    members.push_back(
        PutMember(table.table(), AppliedShareRow(command.event.event_id, command.now_ms), RowAbsent()));
  }
  const RowKey item_key = ItemMetadataKey(command.event.item_id);
  if (plan.shared_item) {
    members.push_back(PutMember(table.table(), ItemMetadataRow(*plan.shared_item, (*item)->version + 1),
                                ItemIsAsLoaded(*item)));
    members.push_back(PutMember(table.table(), UserItemRow(*plan.shared_item)));
  } else if (plan.mark_applied) {
    // Item not found: only while it is still absent (or another user's).
    members.push_back(CheckMember(table.table(), item_key, ItemIsAsLoaded(*item)));
  }
  if (plan.activity) members.push_back(PutMember(table.table(), ActivityRow(*plan.activity)));
  Task<Round<ShareApplication>> committing = Commit(table, std::move(members), plan.outcome);
  co_return co_await std::move(committing);
}

}  // namespace wdrbe::dynamodb
