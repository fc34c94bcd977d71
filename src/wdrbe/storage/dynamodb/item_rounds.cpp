#include "wdrbe/domain/item_access.hpp"
#include "wdrbe/storage/dynamodb/item_attributes.hpp"
#include "wdrbe/storage/dynamodb/row_loads.hpp"
#include "wdrbe/storage/dynamodb/store_rounds.hpp"
#include "wdrbe/storage/dynamodb/transact_items.hpp"

namespace wdrbe::dynamodb {
namespace {

struct LoadedCreateState {
  CreateState state;
  LoadedKeyRecord key_record;
  std::optional<StoredItem> existing;  // the row of command.item_id, as loaded
};

Task<Result<LoadedCreateState>> LoadCreateState(const TableClient& table, const CreateItemCommand& command) {
  LoadedCreateState loaded;
  std::vector<RowKey> keys{ItemMetadataKey(command.item_id)};
  if (command.idempotency_key) {
    keys.push_back(
        IdempotencyKey(command.user_id, IdempotentOperation::kCreateItem, *command.idempotency_key));
  }
  Task<Result<std::vector<std::optional<boost::json::object>>>> reading = table.GetRows(std::move(keys));
  Result<std::vector<std::optional<boost::json::object>>> rows = co_await std::move(reading);
  if (!rows.ok()) co_return rows.error();
  Result<std::optional<StoredItem>> existing = ReadOptionalItem((*rows)[0]);
  if (!existing.ok()) co_return existing.error();
  loaded.existing = std::move(*existing);
  if (loaded.existing) loaded.state.existing = loaded.existing->item;
  if (command.idempotency_key) {
    Result<LoadedKeyRecord> record = ReadKeyRecord((*rows)[1], command.now_ms);
    if (!record.ok()) co_return record.error();
    loaded.key_record = std::move(*record);
    loaded.state.key_record = loaded.key_record.live;
  }
  if (KeyRecordNeedsItem(command, loaded.state.key_record)) {
    const std::string& replayed_id = loaded.state.key_record->outcome_id;
    if (replayed_id == command.item_id) {
      loaded.state.key_item = loaded.state.existing;
    } else {
      // A replay writes nothing, so this second read need not be atomic
      // with the first: the answer is the item as it is now.
      Task<Result<std::optional<boost::json::object>>> getting = table.GetRow(ItemMetadataKey(replayed_id));
      Result<std::optional<boost::json::object>> row = co_await std::move(getting);
      if (!row.ok()) co_return row.error();
      Result<std::optional<StoredItem>> key_item = ReadOptionalItem(*row);
      if (!key_item.ok()) co_return key_item.error();
      if (*key_item) loaded.state.key_item = (*key_item)->item;
    }
  }
  co_return loaded;
}

// The item as stored, if `user_id` may change it (CheckOwnerAccess).
Task<Result<StoredItem>> LoadForOwner(const TableClient& table, const std::string& user_id,
                                      const std::string& item_id) {
  Task<Result<std::optional<boost::json::object>>> getting = table.GetRow(ItemMetadataKey(item_id));
  Result<std::optional<boost::json::object>> row = co_await std::move(getting);
  if (!row.ok()) co_return row.error();
  Result<std::optional<StoredItem>> stored = ReadOptionalItem(*row);
  if (!stored.ok()) co_return stored.error();
  if (!*stored) co_return Error::NotFound("item not found");
  if (Status access = CheckOwnerAccess((*stored)->item, user_id); !access.ok()) co_return access.error();
  co_return std::move(**stored);
}

}  // namespace

Task<Round<CreateItemResult>> CreateRound(const TableClient& table, const CreateItemCommand& command) {
  Task<Result<LoadedCreateState>> loading = LoadCreateState(table, command);
  Result<LoadedCreateState> loaded = co_await std::move(loading);
  if (!loaded.ok()) co_return loaded.error();
  Result<CreatePlan> plan = DecideCreate(command, loaded->state);
  if (!plan.ok()) co_return plan.error();

  boost::json::array members;
  const Item& item = plan->result.item;
  if (plan->insert_item || plan->save_item) {
    const std::int64_t version = loaded->existing ? loaded->existing->version + 1 : 1;
    members.push_back(
        PutMember(table.table(), ItemMetadataRow(item, version), ItemIsAsLoaded(loaded->existing)));
    members.push_back(PutMember(table.table(), UserItemRow(item)));
  }
  if (plan->insert_item) members.push_back(PutMember(table.table(), ActivityRow(command.created_activity)));
  if (plan->remember_key) {
    members.push_back(PutMember(table.table(),
                                IdempotencyRow(command.user_id, IdempotentOperation::kCreateItem,
                                               *command.idempotency_key, *plan->remember_key),
                                IdempotencyRowIsAsLoaded(loaded->key_record.stored_created_at_ms)));
  }
  Task<Round<CreateItemResult>> committing = Commit(table, std::move(members), std::move(plan->result));
  co_return co_await std::move(committing);
}

Task<Round<Item>> UpdateRound(const TableClient& table, const std::string& user_id,
                              const std::string& item_id, const ItemPatch& patch, std::int64_t now_ms) {
  Task<Result<StoredItem>> loading = LoadForOwner(table, user_id, item_id);
  Result<StoredItem> stored = co_await std::move(loading);
  if (!stored.ok()) co_return stored.error();
  const Item& before = stored->item;
  Item updated = before;
  patch.ApplyTo(updated.fields);
  if (updated.fields == before.fields) co_return std::optional<Item>(std::move(updated));  // nothing to write
  updated.updated_at_ms = now_ms;

  boost::json::array members;
  members.push_back(
      PutMember(table.table(), ItemMetadataRow(updated, stored->version + 1), ItemIsAsLoaded(*stored)));
  members.push_back(PutMember(table.table(), UserItemRow(updated)));
  Task<Round<Item>> committing = Commit(table, std::move(members), std::move(updated));
  co_return co_await std::move(committing);
}

Task<Round<bool>> DeleteRound(const TableClient& table, const std::string& user_id,
                              const std::string& item_id) {
  Task<Result<StoredItem>> loading = LoadForOwner(table, user_id, item_id);
  Result<StoredItem> stored = co_await std::move(loading);
  if (!stored.ok()) co_return stored.error();

  boost::json::array members;
  members.push_back(DeleteMember(table.table(), ItemMetadataKey(item_id), ItemIsAsLoaded(*stored)));
  members.push_back(DeleteMember(table.table(), UserItemKey(user_id, item_id)));
  Task<Round<bool>> committing = Commit(table, std::move(members), true);
  co_return co_await std::move(committing);
}

}  // namespace wdrbe::dynamodb
