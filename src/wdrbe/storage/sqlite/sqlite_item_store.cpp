#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

#include "wdrbe/domain/item_access.hpp"
#include "wdrbe/domain/item_create.hpp"
#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/storage/sqlite/idempotency_rows.hpp"
#include "wdrbe/storage/sqlite/item_rows.hpp"
#include "wdrbe/storage/sqlite/savepoint.hpp"
#include "wdrbe/storage/sqlite/search_rows.hpp"
#include "wdrbe/storage/sqlite/share_transactions.hpp"

namespace wdrbe::sqlite {
namespace {

// On the writer thread, so nothing changes between the loads and the writes.
Result<CreateItemResult> CreateInTransaction(Connection& db, const CreateItemCommand& command) {
  CreateState state;
  if (command.idempotency_key) {
    auto record = LoadIdempotencyRecord(db, command.user_id, IdempotentOperation::kCreateItem,
                                        *command.idempotency_key);
    if (!record.ok()) return record.error();
    state.key_record = std::move(*record);
    if (KeyRecordNeedsItem(command, state.key_record)) {
      auto item = LoadItem(db, state.key_record->outcome_id);
      if (!item.ok()) return item.error();
      state.key_item = std::move(*item);
    }
  }
  if (!state.key_item) {
    auto existing = LoadItem(db, command.item_id);
    if (!existing.ok()) return existing.error();
    state.existing = std::move(*existing);
  }
  auto plan = DecideCreate(command, state);
  if (!plan.ok()) return plan.error();
  if (plan->insert_item) {
    if (Status s = InsertItem(db, plan->result.item); !s.ok()) return s.error();
    if (Status s = InsertActivity(db, command.created_activity); !s.ok()) return s.error();
  }
  if (plan->save_item) {
    if (Status s = SaveItem(db, plan->result.item); !s.ok()) return s.error();
  }
  if (plan->remember_key) {
    if (Status s = RememberKey(db, command.user_id, IdempotentOperation::kCreateItem,
                               *command.idempotency_key, *plan->remember_key);
        !s.ok()) {
      return s.error();
    }
  }
  return std::move(plan->result);
}

}  // namespace

Result<std::unique_ptr<SqliteItemStore>> SqliteItemStore::Open(const StoreOptions& options) {
  auto database =
      Database::Open(DatabaseOptions{options.path, options.durability, options.read_connections, nullptr});
  if (!database.ok()) return database.error();
  return std::make_unique<SqliteItemStore>(std::move(*database));
}

SqliteItemStore::~SqliteItemStore() = default;

void SqliteItemStore::Close() { database_->Close(); }

Task<Result<CreateItemResult>> SqliteItemStore::CreateItem(CreateItemCommand command) {
  return writer().Submit<Result<CreateItemResult>>(
      [command = std::move(command)](Connection& db) { return CreateInTransaction(db, command); });
}

Task<Result<Item>> SqliteItemStore::GetItem(std::string item_id) {
  return readers().Submit<Result<Item>>([item_id = std::move(item_id)](Connection& db) -> Result<Item> {
    auto item = LoadItem(db, item_id);
    if (!item.ok()) return item.error();
    if (!*item) return Error::NotFound("item not found");
    return std::move(**item);
  });
}

Task<Result<Item>> SqliteItemStore::UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                               std::int64_t now_ms) {
  return writer().Submit<Result<Item>>([user_id = std::move(user_id), item_id = std::move(item_id),
                                        patch = std::move(patch), now_ms](Connection& db) -> Result<Item> {
    auto item = LoadItem(db, item_id);
    if (!item.ok()) return item.error();
    if (!*item) return Error::NotFound("item not found");
    if (Status s = CheckOwnerAccess(**item, user_id); !s.ok()) return s.error();
    Item updated = **item;
    patch.ApplyTo(updated.fields);
    if (updated.fields == (*item)->fields) return updated;  // nothing changed: nothing written
    updated.updated_at_ms = now_ms;
    if (Status s = SaveItem(db, updated); !s.ok()) return s.error();
    return updated;
  });
}

Task<Status> SqliteItemStore::DeleteItem(std::string user_id, std::string item_id) {
  return writer().Submit<Status>(
      [user_id = std::move(user_id), item_id = std::move(item_id)](Connection& db) -> Status {
        auto item = LoadItem(db, item_id);
        if (!item.ok()) return item.error();
        if (!*item) return Error::NotFound("item not found");
        if (Status s = CheckOwnerAccess(**item, user_id); !s.ok()) return s;
        return DeleteItemRow(db, item_id);
      });
}

Task<Result<ItemPage>> SqliteItemStore::ListItems(ListItemsQuery query) {
  return readers().Submit<Result<ItemPage>>(
      [query = std::move(query)](Connection& db) { return QueryItems(db, query); });
}

Task<Result<SearchPage>> SqliteItemStore::SearchItems(SearchItemsQuery query) {
  return readers().Submit<Result<SearchPage>>(
      [query = std::move(query)](Connection& db) { return QuerySearch(db, query); });
}

Task<Result<ActivityPage>> SqliteItemStore::ListActivities(ListActivitiesQuery query) {
  return readers().Submit<Result<ActivityPage>>(
      [query = std::move(query)](Connection& db) { return QueryActivities(db, query); });
}

Task<Result<ShareAdmission>> SqliteItemStore::AdmitShare(AdmitShareCommand command) {
  if (!command.idempotency_key) {
    // Nothing to write: a reader decides, and the writer stays free.
    return readers().Submit<Result<ShareAdmission>>([command = std::move(command)](Connection& db) {
      return AdmitShareInTransaction(db, command, /*sent_in_this_transaction=*/false);
    });
  }
  return writer().Submit<Result<ShareAdmission>>([command = std::move(command)](Connection& db) {
    return AdmitShareInTransaction(db, command, /*sent_in_this_transaction=*/false);
  });
}

Task<Status> SqliteItemStore::CompleteShareKey(std::string user_id, std::string idempotency_key) {
  return writer().Submit<Status>(
      [user_id = std::move(user_id), key = std::move(idempotency_key)](Connection& db) {
        return CompleteIdempotencyRecord(db, user_id, IdempotentOperation::kShareItem, key);
      });
}

Task<std::vector<Result<ShareApplication>>> SqliteItemStore::ApplyShares(
    std::vector<ApplyShareCommand> commands) {
  const std::size_t count = commands.size();
  // One job for the batch (one trip to the writer), a savepoint per event.
  // The work is a named object, not a temporary in the co_await operand:
  // GCC 12 destroys such temporaries twice.
  DbWork<Result<std::vector<Result<ShareApplication>>>> work =
      [commands = std::move(commands)](Connection& db) -> Result<std::vector<Result<ShareApplication>>> {
    std::vector<Result<ShareApplication>> results;
    results.reserve(commands.size());
    for (const ApplyShareCommand& command : commands) {
      auto result = InSavepoint<ShareApplication>(db, [&] { return ApplyShareInTransaction(db, command); });
      results.push_back(std::move(result));
    }
    return results;
  };
  auto applied = co_await writer().Submit(std::move(work));
  if (applied.ok()) co_return std::move(*applied);
  // The transaction failed as a whole (commit, fsync, injected fault).
  co_return std::vector<Result<ShareApplication>>(count, Result<ShareApplication>(applied.error()));
}

Task<Status> SqliteItemStore::Ping() {
  return readers().Submit<Status>([](Connection& db) -> Status {
    auto stmt = db.Prepare("SELECT 1");
    if (!stmt.ok()) return stmt.error();
    return (*stmt)->Step().status();
  });
}

}  // namespace wdrbe::sqlite
