#include "wdrbe/storage/sqlite/share_application.hpp"

#include "wdrbe/storage/sqlite/idempotency_rows.hpp"
#include "wdrbe/storage/sqlite/item_rows.hpp"

namespace wdrbe::sqlite {

Result<ShareApplication> ApplyShareInTransaction(Connection& db, const ApplyShareCommand& command) {
  auto applied = IsShareApplied(db, command.event.event_id);
  if (!applied.ok()) return applied.error();
  std::optional<Item> item;
  if (!*applied) {
    auto loaded = LoadItem(db, command.event.item_id);
    if (!loaded.ok()) return loaded.error();
    item = std::move(*loaded);
  }
  const ShareApplicationPlan plan = DecideShareApplication(command, *applied, item);
  if (plan.mark_applied) {
    if (Status s = MarkShareApplied(db, command.event.event_id, command.now_ms); !s.ok()) return s.error();
  }
  if (plan.shared_item) {
    if (Status s = SaveShareCounters(db, *plan.shared_item); !s.ok()) return s.error();
  }
  if (plan.activity) {
    if (Status s = InsertActivity(db, *plan.activity); !s.ok()) return s.error();
  }
  return plan.outcome;
}

}  // namespace wdrbe::sqlite
