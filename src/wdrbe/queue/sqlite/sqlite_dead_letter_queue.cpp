#include "wdrbe/queue/sqlite/sqlite_dead_letter_queue.hpp"

#include "wdrbe/queue/sqlite/share_rows.hpp"

namespace wdrbe::sqlite {

Task<Result<std::vector<DeadLetter>>> SqliteDeadLetterQueue::List() {
  return database_->readers().Submit<Result<std::vector<DeadLetter>>>(
      [](Connection& db) { return LoadDeadLetters(db); });
}

Task<Result<std::optional<DeadLetter>>> SqliteDeadLetterQueue::Get(std::string event_id) {
  return database_->readers().Submit<Result<std::optional<DeadLetter>>>(
      [event_id = std::move(event_id)](Connection& db) { return LoadDeadLetter(db, event_id); });
}

Task<Status> SqliteDeadLetterQueue::Redrive(std::string event_id) {
  return database_->writer().Submit<Status>(
      [event_id = std::move(event_id), now = clock_.NowMillis()](Connection& db) -> Status {
        auto moved = RedriveDeadLetters(db, event_id, now);
        if (!moved.ok()) return moved.error();
        if (*moved == 0) return Error::NotFound("no dead letter with event id " + event_id);
        return Status::Ok();
      });
}

Task<Result<std::int64_t>> SqliteDeadLetterQueue::RedriveAll() {
  return database_->writer().Submit<Result<std::int64_t>>(
      [now = clock_.NowMillis()](Connection& db) { return RedriveDeadLetters(db, std::nullopt, now); });
}

Task<Result<std::int64_t>> SqliteDeadLetterQueue::Depth() {
  return database_->readers().Submit<Result<std::int64_t>>(
      [](Connection& db) { return CountRows(db, "share_dead_letters"); });
}

}  // namespace wdrbe::sqlite
