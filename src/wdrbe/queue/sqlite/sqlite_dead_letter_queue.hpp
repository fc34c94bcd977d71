// The embedded DeadLetterQueue: the dead-letter table beside the share
// queue's, in the same database. `wdrbe dlq` opens the database beside a
// running server; SQLite's locking (with a busy timeout) orders the two.
#pragma once

#include <memory>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/queue/dead_letter_queue.hpp"
#include "wdrbe/storage/sqlite/database.hpp"

namespace wdrbe::sqlite {

class SqliteDeadLetterQueue final : public DeadLetterQueue {
 public:
  // `clock` stamps redrives; it must outlive the queue.
  SqliteDeadLetterQueue(std::shared_ptr<Database> database, const Clock& clock)
      : database_(std::move(database)), clock_(clock) {}

  Task<Result<std::vector<DeadLetter>>> List() override;
  Task<Result<std::optional<DeadLetter>>> Get(std::string event_id) override;
  Task<Status> Redrive(std::string event_id) override;
  Task<Result<std::int64_t>> RedriveAll() override;
  Task<Result<std::int64_t>> Depth() override;

 private:
  std::shared_ptr<Database> database_;
  const Clock& clock_;
};

}  // namespace wdrbe::sqlite
