#include "wdrbe/storage/sqlite/idempotency_rows.hpp"

namespace wdrbe::sqlite {
namespace {

// Expired records (and applied-share markers) deleted per new one: more than
// one, so the sweep outpaces a backlog, and few, so no write pauses for it.
constexpr int kIdempotencySweepRows = 16;

const char* OperationName(IdempotentOperation operation) {
  switch (operation) {
    case IdempotentOperation::kCreateItem:
      return "create";
    case IdempotentOperation::kShareItem:
      return "share";
  }
  return "?";
}

}  // namespace

Result<std::optional<IdempotencyRecord>> LoadIdempotencyRecord(Connection& db, const std::string& user_id,
                                                               IdempotentOperation operation,
                                                               const std::string& key) {
  auto stmt = db.Prepare(
      "SELECT fingerprint, outcome_id, created_at, completed FROM idempotency_records "
      "WHERE user_id = ?1 AND operation = ?2 AND idem_key = ?3");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, user_id).Bind(2, OperationName(operation)).Bind(3, key);
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kDone) return std::optional<IdempotencyRecord>();
  const Statement& row = **stmt;
  return std::optional<IdempotencyRecord>(
      IdempotencyRecord{row.ColumnText(0), row.ColumnText(1), row.ColumnInt(2), row.ColumnInt(3) != 0});
}

Status SaveIdempotencyRecord(Connection& db, const std::string& user_id, IdempotentOperation operation,
                             const std::string& key, const IdempotencyRecord& record) {
  auto stmt = db.Prepare(
      "INSERT OR REPLACE INTO idempotency_records "
      "(user_id, operation, idem_key, fingerprint, outcome_id, created_at, completed) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)
      ->Bind(1, user_id)
      .Bind(2, OperationName(operation))
      .Bind(3, key)
      .Bind(4, record.fingerprint)
      .Bind(5, record.outcome_id)
      .Bind(6, record.created_at_ms)
      .Bind(7, std::int64_t{record.completed ? 1 : 0});
  return (*stmt)->Run();
}

Status CompleteIdempotencyRecord(Connection& db, const std::string& user_id, IdempotentOperation operation,
                                 const std::string& key) {
  auto stmt = db.Prepare(
      "UPDATE idempotency_records SET completed = 1 WHERE user_id = ?1 AND operation = ?2 AND idem_key = ?3");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, user_id).Bind(2, OperationName(operation)).Bind(3, key);
  return (*stmt)->Run();
}

Status DeleteExpiredIdempotencyRecords(Connection& db, std::int64_t cutoff_ms, int max_rows) {
  auto stmt = db.Prepare(
      "DELETE FROM idempotency_records WHERE (user_id, operation, idem_key) IN "
      "(SELECT user_id, operation, idem_key FROM idempotency_records WHERE created_at < ?1 LIMIT ?2)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, cutoff_ms).Bind(2, std::int64_t{max_rows});
  return (*stmt)->Run();
}

Status RememberKey(Connection& db, const std::string& user_id, IdempotentOperation operation,
                   const std::string& key, const IdempotencyRecord& record) {
  if (Status s = SaveIdempotencyRecord(db, user_id, operation, key, record); !s.ok()) return s;
  return DeleteExpiredIdempotencyRecords(db, IdempotencyExpiryCutoff(record.created_at_ms),
                                         kIdempotencySweepRows);
}

Result<bool> ClaimShareApplication(Connection& db, const std::string& event_id, std::int64_t now_ms) {
  auto stmt = db.Prepare(
      "INSERT INTO applied_share_events (event_id, applied_at) VALUES (?1, ?2) ON CONFLICT (event_id) DO "
      "NOTHING");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, event_id).Bind(2, now_ms);
  if (Status s = (*stmt)->Run(); !s.ok()) return s.error();
  if (db.Changes() != 1) return false;
  if (Status s = DeleteExpiredShareMarkers(db, now_ms - kAppliedShareRetentionMs, kIdempotencySweepRows);
      !s.ok()) {
    return s.error();
  }
  return true;
}

Status DeleteExpiredShareMarkers(Connection& db, std::int64_t cutoff_ms, int max_rows) {
  // Oldest first along applied_share_events_by_age; a marker held by a
  // queued or dead-lettered event is skipped (point lookups by event_id),
  // and such events are few: applied, yet delivered again.
  auto stmt = db.Prepare(
      "DELETE FROM applied_share_events WHERE event_id IN "
      "(SELECT m.event_id FROM applied_share_events m WHERE m.applied_at < ?1 "
      "AND NOT EXISTS (SELECT 1 FROM share_queue q WHERE q.event_id = m.event_id) "
      "AND NOT EXISTS (SELECT 1 FROM share_dead_letters d WHERE d.event_id = m.event_id) "
      "ORDER BY m.applied_at LIMIT ?2)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, cutoff_ms).Bind(2, std::int64_t{max_rows});
  return (*stmt)->Run();
}

}  // namespace wdrbe::sqlite
