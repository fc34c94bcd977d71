#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

#include "wdrbe/domain/item_access.hpp"
#include "wdrbe/storage/sqlite/item_rows.hpp"

namespace wdrbe::sqlite {
namespace {

// Expired idempotency records are swept a few at a time on the write path,
// so the table stays bounded without a pause for a big delete.
constexpr int kIdempotencySweepRows = 16;

constexpr char kCreatedMetadata[] = R"({"action":"create"})";

Result<CreateItemResult> CreateInTransaction(Connection& db, const CreateItemCommand& command) {
  if (command.idempotency_key) {
    auto record = LoadIdempotencyRecord(db, command.user_id, *command.idempotency_key);
    if (!record.ok()) return record.error();
    const bool live = *record && (*record)->created_at_ms > command.now_ms - kIdempotencyWindowMs;
    if (live) {
      if ((*record)->fingerprint != command.payload_fingerprint) {
        return Error{
            ErrorCode::kIdempotencyKeyReused, "this Idempotency-Key was used with a different payload", {}};
      }
      auto item = LoadItem(db, (*record)->item_id);
      if (!item.ok()) return item.error();
      // The id may since have been deleted and taken by another user.
      if (!*item || (*item)->user_id != command.user_id) {
        return Error::NotFound("the item created with this Idempotency-Key has been deleted");
      }
      return CreateItemResult{std::move(**item), CreateOutcome::kReplayed};
    }
  }

  auto existing = LoadItem(db, command.item_id);
  if (!existing.ok()) return existing.error();
  CreateItemResult result;
  if (*existing) {
    if ((*existing)->user_id != command.user_id) {
      return Error{ErrorCode::kConflict, "an item with this itemId belongs to another user", {}};
    }
    result.item = std::move(**existing);
    result.item.fields = command.fields;
    result.item.updated_at_ms = command.now_ms;
    result.outcome = CreateOutcome::kReplaced;
    if (Status s = SaveItem(db, result.item); !s.ok()) return s.error();
  } else {
    result.item =
        Item{command.item_id, command.user_id, command.fields, 0, false, command.now_ms, command.now_ms};
    result.outcome = CreateOutcome::kCreated;
    if (Status s = InsertItem(db, result.item); !s.ok()) return s.error();
    Activity activity{command.activity_id, command.user_id, kActivityItemCreated, command.item_id,
                      command.fields.name, command.now_ms,  kCreatedMetadata};
    if (Status s = InsertActivity(db, activity); !s.ok()) return s.error();
  }

  if (command.idempotency_key) {
    IdempotencyRecord record{command.payload_fingerprint, command.item_id, command.now_ms};
    if (Status s = SaveIdempotencyRecord(db, command.user_id, *command.idempotency_key, record); !s.ok()) {
      return s.error();
    }
    if (Status s =
            DeleteExpiredIdempotencyRecords(db, command.now_ms - kIdempotencyWindowMs, kIdempotencySweepRows);
        !s.ok()) {
      return s.error();
    }
  }
  return result;
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

Task<Result<ActivityPage>> SqliteItemStore::ListActivities(ListActivitiesQuery query) {
  return readers().Submit<Result<ActivityPage>>(
      [query = std::move(query)](Connection& db) { return QueryActivities(db, query); });
}

Task<Status> SqliteItemStore::Ping() {
  return readers().Submit<Status>([](Connection& db) -> Status {
    auto stmt = db.Prepare("SELECT 1");
    if (!stmt.ok()) return stmt.error();
    return (*stmt)->Step().status();
  });
}

}  // namespace wdrbe::sqlite
