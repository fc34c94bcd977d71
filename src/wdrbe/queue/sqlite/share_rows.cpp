#include "wdrbe/queue/sqlite/share_rows.hpp"

namespace wdrbe::sqlite {

Status InsertQueuedShare(Connection& db, const ShareEvent& event, std::int64_t visible_at_ms) {
  auto stmt = db.Prepare(
      "INSERT INTO share_queue (event_id, user_id, item_id, created_at, request_id, trace_context, "
      "visible_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)
      ->Bind(1, event.event_id)
      .Bind(2, event.user_id)
      .Bind(3, event.item_id)
      .Bind(4, event.timestamp_ms)
      .Bind(5, event.request_id)
      .Bind(6, event.trace_context)
      .Bind(7, visible_at_ms);
  return (*stmt)->Run();
}

Result<std::optional<ShareKeyRecord>> LoadShareKey(Connection& db, const std::string& user_id,
                                                   const std::string& key) {
  auto stmt = db.Prepare(
      "SELECT item_id, event_id, created_at FROM share_idempotency_keys WHERE user_id = ?1 AND idem_key = "
      "?2");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, user_id).Bind(2, key);
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kDone) return std::optional<ShareKeyRecord>();
  return std::optional<ShareKeyRecord>(
      ShareKeyRecord{(*stmt)->ColumnText(0), (*stmt)->ColumnText(1), (*stmt)->ColumnInt(2)});
}

Status SaveShareKey(Connection& db, const std::string& user_id, const std::string& key,
                    const ShareKeyRecord& record) {
  auto stmt = db.Prepare(
      "INSERT OR REPLACE INTO share_idempotency_keys (user_id, idem_key, item_id, event_id, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)
      ->Bind(1, user_id)
      .Bind(2, key)
      .Bind(3, record.item_id)
      .Bind(4, record.event_id)
      .Bind(5, record.created_at_ms);
  return (*stmt)->Run();
}

Result<std::vector<LeasedShareEvent>> LeaseVisible(Connection& db, int max, std::int64_t now_ms,
                                                   std::int64_t lease_expires_ms,
                                                   const std::vector<std::string>& lease_ids) {
  auto select = db.Prepare(
      "SELECT event_id, user_id, item_id, created_at, request_id, trace_context, receive_count, "
      "COALESCE(first_seen, ?2) FROM share_queue WHERE visible_at <= ?2 ORDER BY visible_at, event_id LIMIT "
      "?1");
  if (!select.ok()) return select.error();
  (*select)->Bind(1, std::int64_t{max}).Bind(2, now_ms);
  std::vector<LeasedShareEvent> leased;
  for (;;) {
    auto step = (*select)->Step();
    if (!step.ok()) return step.error();
    if (*step == Statement::StepResult::kDone) break;
    const Statement& row = **select;
    LeasedShareEvent lease;
    lease.event = ShareEvent{row.ColumnText(0), row.ColumnText(1), row.ColumnText(2),
                             row.ColumnInt(3),  row.ColumnText(4), row.ColumnText(5)};
    lease.receive_count = static_cast<int>(row.ColumnInt(6)) + 1;
    lease.first_seen_ms = row.ColumnInt(7);
    lease.lease_expires_ms = lease_expires_ms;
    leased.push_back(std::move(lease));
  }
  auto update = db.Prepare(
      "UPDATE share_queue SET visible_at = ?2, receive_count = receive_count + 1, lease_id = ?3, "
      "first_seen = COALESCE(first_seen, ?4), last_tried = ?4 WHERE event_id = ?1");
  if (!update.ok()) return update.error();
  for (std::size_t i = 0; i < leased.size(); ++i) {
    leased[i].lease_id = lease_ids[i];
    (*update)
        ->Bind(1, leased[i].event.event_id)
        .Bind(2, lease_expires_ms)
        .Bind(3, lease_ids[i])
        .Bind(4, now_ms);
    if (Status s = (*update)->Run(); !s.ok()) return s.error();
  }
  return leased;
}

Result<std::optional<QueueState>> LoadQueueState(Connection& db, const std::string& event_id) {
  auto stmt = db.Prepare("SELECT lease_id, receive_count FROM share_queue WHERE event_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, event_id);
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kDone) return std::optional<QueueState>();
  return std::optional<QueueState>(
      QueueState{(*stmt)->ColumnOptionalText(0), static_cast<int>((*stmt)->ColumnInt(1))});
}

Result<bool> MarkApplied(Connection& db, const std::string& event_id, std::int64_t now_ms) {
  auto stmt = db.Prepare("INSERT OR IGNORE INTO applied_share_events (event_id, applied_at) VALUES (?1, ?2)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, event_id).Bind(2, now_ms);
  if (Status s = (*stmt)->Run(); !s.ok()) return s.error();
  return db.Changes() == 1;
}

Status DeleteQueued(Connection& db, const std::string& event_id) {
  auto stmt = db.Prepare("DELETE FROM share_queue WHERE event_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, event_id);
  return (*stmt)->Run();
}

Status ScheduleRetry(Connection& db, const std::string& event_id, const std::string& error,
                     std::int64_t now_ms, std::int64_t visible_at_ms) {
  auto stmt = db.Prepare(
      "UPDATE share_queue SET visible_at = ?2, lease_id = NULL, last_error = ?3, last_tried = ?4, "
      "history = json_insert(history, '$[#]', json_object('at', ?4, 'error', ?3)) WHERE event_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, event_id).Bind(2, visible_at_ms).Bind(3, error).Bind(4, now_ms);
  return (*stmt)->Run();
}

Status MoveToDeadLetters(Connection& db, const std::string& event_id, const std::string& error,
                         std::int64_t now_ms) {
  auto insert = db.Prepare(
      "INSERT OR REPLACE INTO share_dead_letters (event_id, user_id, item_id, created_at, request_id, "
      "trace_context, "
      "attempts, last_error, first_seen, last_tried, dead_lettered_at, history) "
      "SELECT event_id, user_id, item_id, created_at, request_id, trace_context, receive_count, ?2, "
      "COALESCE(first_seen, ?3), ?3, ?3, json_insert(history, '$[#]', json_object('at', ?3, 'error', ?2)) "
      "FROM share_queue WHERE event_id = ?1");
  if (!insert.ok()) return insert.error();
  (*insert)->Bind(1, event_id).Bind(2, error).Bind(3, now_ms);
  if (Status s = (*insert)->Run(); !s.ok()) return s;
  return DeleteQueued(db, event_id);
}

Status ReleaseLease(Connection& db, const std::string& lease_id) {
  // The delivery did not happen, so it does not count as an attempt.
  auto stmt = db.Prepare(
      "UPDATE share_queue SET visible_at = 0, lease_id = NULL, receive_count = MAX(receive_count - 1, 0) "
      "WHERE lease_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, lease_id);
  return (*stmt)->Run();
}

Status ReleaseOrphanedLeases(Connection& db, std::int64_t now_ms) {
  auto stmt = db.Prepare(
      "UPDATE share_queue SET visible_at = ?1, lease_id = NULL WHERE lease_id IS NOT NULL AND visible_at > "
      "?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, now_ms);
  return (*stmt)->Run();
}

Result<std::int64_t> CountRows(Connection& db, const std::string& table) {
  auto stmt = db.Prepare("SELECT count(*) FROM " + table);
  if (!stmt.ok()) return stmt.error();
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  return (*stmt)->ColumnInt(0);
}

}  // namespace wdrbe::sqlite
