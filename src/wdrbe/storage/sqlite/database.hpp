// The embedded database: one SQLite file, its migrations, the group-commit
// writer and the readers. The item store and the share queue are two
// views of one Database, so a share's ownership check, idempotency record
// and enqueue (and an event's effect and acknowledgement) commit together.
#pragma once

#include <memory>
#include <string>

#include "wdrbe/base/faults.hpp"
#include "wdrbe/storage/sqlite/activity_bus.hpp"
#include "wdrbe/storage/sqlite/group_commit_writer.hpp"
#include "wdrbe/storage/sqlite/readers.hpp"

namespace wdrbe::sqlite {

struct DatabaseOptions {
  std::string path;  // the database file; created with its schema if absent
  Connection::Durability durability = Connection::Durability::kFull;
  int read_connections = 0;                     // reader threads; 0: reads run on the awaiting thread
  std::shared_ptr<const FaultInjector> faults;  // optional
};

class Database {
 public:
  // Opens the file, applies migrations, starts the writer and readers.
  static Result<std::shared_ptr<Database>> Open(const DatabaseOptions& options);
  ~Database();

  GroupCommitWriter& writer() { return *writer_; }
  Readers& readers() { return *readers_; }
  // Told by the writer of every commit that added activities.
  ActivityBus& activity_bus() { return *activity_bus_; }

  // Completes queued work and stops the threads; later work fails with
  // kUnavailable. Idempotent.
  void Close();

 private:
  Database(std::unique_ptr<ActivityBus> activity_bus, std::unique_ptr<GroupCommitWriter> writer,
           std::unique_ptr<Readers> readers)
      : activity_bus_(std::move(activity_bus)), writer_(std::move(writer)), readers_(std::move(readers)) {}
  // First: the writer, which tells it of commits, stops before it goes.
  std::unique_ptr<ActivityBus> activity_bus_;
  std::unique_ptr<GroupCommitWriter> writer_;
  std::unique_ptr<Readers> readers_;
};

}  // namespace wdrbe::sqlite
