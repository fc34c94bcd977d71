#include "wdrbe/storage/sqlite/activity_stream_rows.hpp"

#include "wdrbe/domain/ulid.hpp"

namespace wdrbe::sqlite {
namespace {

// The single number a query answers, or 0 when it answers no row.
Result<std::int64_t> NumberOrZero(Statement& statement) {
  auto step = statement.Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kDone) return std::int64_t{0};
  return statement.ColumnInt(0);
}

}  // namespace

Result<std::int64_t> StreamStartAfter(Connection& db, const std::string& user_id,
                                      const std::optional<std::string>& last_event_id) {
  if (!last_event_id) {
    auto stmt = db.Prepare("SELECT COALESCE(MAX(seq), 0) FROM activities WHERE user_id = ?1");
    if (!stmt.ok()) return stmt.error();
    (*stmt)->Bind(1, user_id);
    return NumberOrZero(**stmt);
  }
  auto known = db.Prepare("SELECT seq FROM activities WHERE activity_id = ?1 AND user_id = ?2");
  if (!known.ok()) return known.error();
  (*known)->Bind(1, *last_event_id).Bind(2, user_id);
  auto step = (*known)->Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kRow) return (*known)->ColumnInt(0);

  const std::optional<std::int64_t> time_ms = UlidTimeMs(*last_event_id);
  if (!time_ms) return Error::BadRequest("Last-Event-ID must be an activity id");
  auto by_time = db.Prepare(
      "SELECT seq FROM activities WHERE user_id = ?1 AND ts <= ?2 ORDER BY ts DESC, activity_id DESC LIMIT "
      "1");
  if (!by_time.ok()) return by_time.error();
  (*by_time)->Bind(1, user_id).Bind(2, *time_ms);
  return NumberOrZero(**by_time);
}

Result<std::vector<NumberedActivity>> ActivitiesAfter(Connection& db, const std::string& user_id,
                                                      std::int64_t after_seq, int limit) {
  auto stmt = db.Prepare(
      "SELECT seq, activity_id, user_id, activity_type, item_id, item_name, ts, metadata FROM activities "
      "WHERE user_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.Bind(1, user_id).Bind(2, after_seq).Bind(3, std::int64_t{limit});
  std::vector<NumberedActivity> rows;
  for (;;) {
    auto step = s.Step();
    if (!step.ok()) return step.error();
    if (*step == Statement::StepResult::kDone) break;
    rows.push_back(NumberedActivity{
        s.ColumnInt(0), Activity{s.ColumnText(1), s.ColumnText(2), s.ColumnText(3), s.ColumnText(4),
                                 s.ColumnText(5), s.ColumnInt(6), s.ColumnText(7)}});
  }
  return rows;
}

}  // namespace wdrbe::sqlite
