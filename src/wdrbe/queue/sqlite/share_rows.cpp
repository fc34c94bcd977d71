#include "wdrbe/queue/sqlite/share_rows.hpp"

namespace wdrbe::sqlite {

Status InsertQueuedShare(Connection& db, const ShareEvent& event, std::int64_t visible_at_ms) {
  auto stmt = db.Prepare(
      "INSERT INTO share_queue (event_id, user_id, item_id, created_at, request_id, trace_context, "
      "visible_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (event_id) DO NOTHING");
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

Result<std::vector<ShareDelivery>> LeaseVisible(Connection& db, int max, std::int64_t now_ms,
                                                std::int64_t lease_expires_ms,
                                                const std::vector<std::string>& lease_ids) {
  auto select = db.Prepare(
      "SELECT event_id, user_id, item_id, created_at, request_id, trace_context, receive_count, "
      "COALESCE(first_seen, ?2) FROM share_queue WHERE visible_at <= ?2 ORDER BY visible_at, event_id LIMIT "
      "?1");
  if (!select.ok()) return select.error();
  (*select)->Bind(1, std::int64_t{max}).Bind(2, now_ms);
  std::vector<ShareDelivery> leased;
  for (;;) {
    auto step = (*select)->Step();
    if (!step.ok()) return step.error();
    if (*step == Statement::StepResult::kDone) break;
    const Statement& row = **select;
    ShareDelivery delivery;
    delivery.event = ShareEvent{row.ColumnText(0), row.ColumnText(1), row.ColumnText(2),
                                row.ColumnInt(3),  row.ColumnText(4), row.ColumnText(5)};
    delivery.receive_count = static_cast<int>(row.ColumnInt(6)) + 1;
    delivery.first_received_ms = row.ColumnInt(7);
    leased.push_back(std::move(delivery));
  }
  auto update = db.Prepare(
      "UPDATE share_queue SET visible_at = ?2, receive_count = receive_count + 1, lease_id = ?3, "
      "first_seen = COALESCE(first_seen, ?4), last_tried = ?4 WHERE event_id = ?1");
  if (!update.ok()) return update.error();
  for (std::size_t i = 0; i < leased.size(); ++i) {
    leased[i].receipt_handle = ReceiptHandle(leased[i].event.event_id, lease_ids[i]);
    (*update)
        ->Bind(1, leased[i].event.event_id)
        .Bind(2, lease_expires_ms)
        .Bind(3, lease_ids[i])
        .Bind(4, now_ms);
    if (Status s = (*update)->Run(); !s.ok()) return s.error();
  }
  return leased;
}

std::string ReceiptHandle(const std::string& event_id, const std::string& lease_id) {
  return event_id + "." + lease_id;
}

std::optional<ParsedReceipt> ParseReceiptHandle(const std::string& handle) {
  const auto dot = handle.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == handle.size()) return std::nullopt;
  return ParsedReceipt{handle.substr(0, dot), handle.substr(dot + 1)};
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

Result<std::optional<QueueState>> LoadCurrentDelivery(Connection& db,
                                                      const std::optional<ParsedReceipt>& receipt) {
  if (!receipt) return std::optional<QueueState>();
  auto state = LoadQueueState(db, receipt->event_id);
  if (!state.ok()) return state.error();
  if (!*state || (*state)->lease_id != receipt->lease_id) return std::optional<QueueState>();
  return state;
}

Result<AckResult> DeleteDelivery(Connection& db, const std::string& receipt_handle) {
  const auto receipt = ParseReceiptHandle(receipt_handle);
  auto current = LoadCurrentDelivery(db, receipt);
  if (!current.ok()) return current.error();
  if (!*current) return AckResult::kLeaseLost;
  if (Status s = DeleteQueued(db, receipt->event_id); !s.ok()) return s.error();
  return AckResult::kDeleted;
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

Status ReleaseLease(Connection& db, const std::string& event_id, const std::string& lease_id) {
  // The delivery did not happen, so it does not count as an attempt.
  auto stmt = db.Prepare(
      "UPDATE share_queue SET visible_at = 0, lease_id = NULL, receive_count = MAX(receive_count - 1, 0) "
      "WHERE event_id = ?1 AND lease_id = ?2");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, event_id).Bind(2, lease_id);
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

namespace {

constexpr char kDeadLetterColumns[] =
    "event_id, user_id, item_id, created_at, request_id, trace_context, attempts, last_error, first_seen, "
    "last_tried, dead_lettered_at, history";

DeadLetter ReadDeadLetter(const Statement& row) {
  DeadLetter letter;
  letter.event = ShareEvent{row.ColumnText(0), row.ColumnText(1), row.ColumnText(2),
                            row.ColumnInt(3),  row.ColumnText(4), row.ColumnText(5)};
  letter.attempts = static_cast<int>(row.ColumnInt(6));
  letter.last_error = row.ColumnText(7);
  letter.first_seen_ms = row.ColumnInt(8);
  letter.last_tried_ms = row.ColumnInt(9);
  letter.dead_lettered_ms = row.ColumnInt(10);
  letter.history_json = row.ColumnText(11);
  return letter;
}

}  // namespace

Result<std::vector<DeadLetter>> LoadDeadLetters(Connection& db) {
  auto stmt = db.Prepare(std::string("SELECT ") + kDeadLetterColumns +
                         " FROM share_dead_letters ORDER BY dead_lettered_at, event_id");
  if (!stmt.ok()) return stmt.error();
  std::vector<DeadLetter> letters;
  for (;;) {
    auto step = (*stmt)->Step();
    if (!step.ok()) return step.error();
    if (*step == Statement::StepResult::kDone) break;
    letters.push_back(ReadDeadLetter(**stmt));
  }
  return letters;
}

Result<std::optional<DeadLetter>> LoadDeadLetter(Connection& db, const std::string& event_id) {
  auto stmt = db.Prepare(std::string("SELECT ") + kDeadLetterColumns +
                         " FROM share_dead_letters WHERE event_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, event_id);
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kDone) return std::optional<DeadLetter>();
  return std::optional<DeadLetter>(ReadDeadLetter(**stmt));
}

Result<std::int64_t> RedriveDeadLetters(Connection& db, const std::optional<std::string>& event_id,
                                        std::int64_t now_ms) {
  const std::string where = event_id ? " WHERE event_id = ?2" : "";
  auto insert = db.Prepare(
      "INSERT OR IGNORE INTO share_queue (event_id, user_id, item_id, created_at, request_id, trace_context, "
      "visible_at, receive_count, history) SELECT event_id, user_id, item_id, created_at, request_id, "
      "trace_context, ?1, 0, history FROM share_dead_letters" +
      where);
  if (!insert.ok()) return insert.error();
  (*insert)->Bind(1, now_ms);
  if (event_id) (*insert)->Bind(2, *event_id);
  if (Status s = (*insert)->Run(); !s.ok()) return s.error();
  // A dead letter whose event id is queued again (sent once more by a
  // replay) is redriven all the same: its event is on the queue, once.
  auto remove = db.Prepare("DELETE FROM share_dead_letters" + where);
  if (!remove.ok()) return remove.error();
  if (event_id) (*remove)->Bind(2, *event_id);
  if (Status s = (*remove)->Run(); !s.ok()) return s.error();
  return std::int64_t{db.Changes()};
}

Result<std::int64_t> CountRows(Connection& db, const std::string& table) {
  auto stmt = db.Prepare("SELECT count(*) FROM " + table);
  if (!stmt.ok()) return stmt.error();
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  return (*stmt)->ColumnInt(0);
}

}  // namespace wdrbe::sqlite
