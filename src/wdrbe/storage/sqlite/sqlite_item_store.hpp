// The embedded ItemStore: one SQLite database file, written by a
// GroupCommitWriter and read through Readers (see Database).
#pragma once

#include <memory>
#include <string>

#include "wdrbe/storage/item_store.hpp"
#include "wdrbe/storage/sqlite/database.hpp"

namespace wdrbe::sqlite {

struct StoreOptions {
  std::string path;  // the database file; created with its schema if absent
  Connection::Durability durability = Connection::Durability::kFull;
  int read_connections = 0;  // see DatabaseOptions
};

class SqliteItemStore final : public ItemStore {
 public:
  // Opens a database of its own (see Database::Open).
  static Result<std::unique_ptr<SqliteItemStore>> Open(const StoreOptions& options);
  // A store on a database it shares (with the share queue).
  explicit SqliteItemStore(std::shared_ptr<Database> database) : database_(std::move(database)) {}
  ~SqliteItemStore() override;

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

  // Completes queued work and stops the threads; later calls fail with
  // kUnavailable. Idempotent.
  void Close();

 private:
  GroupCommitWriter& writer() { return database_->writer(); }
  Readers& readers() { return database_->readers(); }

  std::shared_ptr<Database> database_;
};

}  // namespace wdrbe::sqlite
