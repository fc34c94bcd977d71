#include "wdrbe/queue/sqlite/dead_letter_admin.hpp"

#include <filesystem>

#include "wdrbe/storage/sqlite/migrations.hpp"

namespace wdrbe::sqlite {
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

// Runs `body` in a write transaction (BEGIN IMMEDIATE waits for the
// server's writer through the busy timeout instead of failing at commit).
template <typename T, typename Body>
Result<T> InWriteTransaction(Connection& db, Body&& body) {
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s.error();
  Result<T> result = body();
  if (result.ok()) {
    if (Status s = db.Exec("COMMIT"); !s.ok()) {
      (void)db.Exec("ROLLBACK");
      return s.error();
    }
  } else {
    (void)db.Exec("ROLLBACK");
  }
  return result;
}

Result<std::int64_t> RedriveWhere(Connection& db, const std::string& where,
                                  const std::optional<std::string>& id, std::int64_t now_ms) {
  auto insert = db.Prepare(
      "INSERT OR IGNORE INTO share_queue (event_id, user_id, item_id, created_at, request_id, trace_context, "
      "visible_at, receive_count, history) SELECT event_id, user_id, item_id, created_at, request_id, "
      "trace_context, ?1, 0, history FROM share_dead_letters " +
      where);
  if (!insert.ok()) return insert.error();
  (*insert)->Bind(1, now_ms);
  if (id) (*insert)->Bind(2, *id);
  if (Status s = (*insert)->Run(); !s.ok()) return s.error();
  const std::int64_t moved = db.Changes();
  auto remove = db.Prepare("DELETE FROM share_dead_letters " + where);
  if (!remove.ok()) return remove.error();
  if (id) (*remove)->Bind(2, *id);
  if (Status s = (*remove)->Run(); !s.ok()) return s.error();
  return moved;
}

}  // namespace

Result<std::unique_ptr<DeadLetterAdmin>> DeadLetterAdmin::Open(const std::string& path) {
  if (!std::filesystem::exists(path)) return Error::NotFound("no wdrbe database at " + path);
  auto db = Connection::Open(path, Connection::Mode::kReadWrite, Connection::Durability::kFull);
  if (!db.ok()) return db.error();
  if (Status s = ApplyMigrations(**db); !s.ok()) return s.error();
  return std::unique_ptr<DeadLetterAdmin>(new DeadLetterAdmin(std::move(*db)));
}

Result<std::vector<DeadLetter>> DeadLetterAdmin::List() {
  auto stmt = db_->Prepare(std::string("SELECT ") + kDeadLetterColumns +
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

Result<std::optional<DeadLetter>> DeadLetterAdmin::Get(const std::string& event_id) {
  auto stmt = db_->Prepare(std::string("SELECT ") + kDeadLetterColumns +
                           " FROM share_dead_letters WHERE event_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, event_id);
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kDone) return std::optional<DeadLetter>();
  return std::optional<DeadLetter>(ReadDeadLetter(**stmt));
}

Status DeadLetterAdmin::Redrive(const std::string& event_id, std::int64_t now_ms) {
  auto moved = InWriteTransaction<std::int64_t>(
      *db_, [&] { return RedriveWhere(*db_, "WHERE event_id = ?2", event_id, now_ms); });
  if (!moved.ok()) return moved.error();
  if (*moved == 0) return Error::NotFound("no dead letter with event id " + event_id);
  return Status::Ok();
}

Result<std::int64_t> DeadLetterAdmin::RedriveAll(std::int64_t now_ms) {
  return InWriteTransaction<std::int64_t>(*db_, [&] { return RedriveWhere(*db_, "", std::nullopt, now_ms); });
}

}  // namespace wdrbe::sqlite
