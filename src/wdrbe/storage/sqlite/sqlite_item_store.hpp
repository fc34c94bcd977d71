// The embedded ItemStore: one SQLite database file, written by a
// GroupCommitWriter and read through a ReadPool.
#pragma once

#include <memory>
#include <string>

#include "wdrbe/storage/item_store.hpp"
#include "wdrbe/storage/sqlite/group_commit_writer.hpp"
#include "wdrbe/storage/sqlite/read_pool.hpp"

namespace wdrbe::sqlite {

struct StoreOptions {
  std::string path;  // the database file; created with its schema if absent
  Connection::Durability durability = Connection::Durability::kFull;
  int read_connections = 4;
};

class SqliteItemStore final : public ItemStore {
 public:
  // Opens the database, applies migrations, starts the writer and readers.
  static Result<std::unique_ptr<SqliteItemStore>> Open(const StoreOptions& options);
  ~SqliteItemStore() override;

  Task<Result<CreateItemResult>> CreateItem(CreateItemCommand command) override;
  Task<Result<Item>> GetItem(std::string item_id) override;
  Task<Result<Item>> UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                std::int64_t now_ms) override;
  Task<Status> DeleteItem(std::string user_id, std::string item_id) override;
  Task<Result<ItemPage>> ListItems(ListItemsQuery query) override;
  Task<Result<ActivityPage>> ListActivities(ListActivitiesQuery query) override;
  Task<Status> Ping() override;

  // Completes queued work and stops the threads; later calls fail with
  // kUnavailable. Idempotent.
  void Close();

 private:
  SqliteItemStore(std::unique_ptr<GroupCommitWriter> writer, std::unique_ptr<ReadPool> readers)
      : writer_(std::move(writer)), readers_(std::move(readers)) {}

  std::unique_ptr<GroupCommitWriter> writer_;
  std::unique_ptr<ReadPool> readers_;
};

}  // namespace wdrbe::sqlite
