#include "wdrbe/storage/sqlite/share_transactions.hpp"

#include "wdrbe/storage/sqlite/idempotency_rows.hpp"
#include "wdrbe/storage/sqlite/item_rows.hpp"

namespace wdrbe::sqlite {

Result<ShareAdmission> AdmitShareInTransaction(Connection& db, const AdmitShareCommand& command,
                                               bool sent_in_this_transaction) {
  std::optional<IdempotencyRecord> record;
  if (command.idempotency_key) {
    auto loaded =
        LoadIdempotencyRecord(db, command.user_id, IdempotentOperation::kShareItem, *command.idempotency_key);
    if (!loaded.ok()) return loaded.error();
    record = std::move(*loaded);
  }
  std::optional<Item> item;
  if (!ShareKeyDecidesAlone(command, record)) {
    auto loaded = LoadItem(db, command.item_id);
    if (!loaded.ok()) return loaded.error();
    item = std::move(*loaded);
  }
  auto plan = DecideShareAdmission(command, record, item);
  if (!plan.ok()) return plan.error();
  if (plan->remember_key) {
    // A send that commits with the record needs no completing later.
    if (sent_in_this_transaction) plan->remember_key->completed = true;
    if (Status s = RememberKey(db, command.user_id, IdempotentOperation::kShareItem, *command.idempotency_key,
                               *plan->remember_key);
        !s.ok()) {
      return s.error();
    }
  }
  return std::move(plan->admission);
}

Result<ShareApplication> ApplyShareInTransaction(Connection& db, const ApplyShareCommand& command) {
  // The marker's insert-if-absent is the conditional write: it tells at once
  // whether the event was applied before, and claims it if not.
  auto claimed = ClaimShareApplication(db, command.event.event_id, command.now_ms);
  if (!claimed.ok()) return claimed.error();
  std::optional<Item> item;
  if (*claimed) {
    auto loaded = LoadItem(db, command.event.item_id);
    if (!loaded.ok()) return loaded.error();
    item = std::move(*loaded);
  }
  const ShareApplicationPlan plan = DecideShareApplication(command, /*already_applied=*/!*claimed, item);
  // plan.mark_applied is what the claim already wrote.
  if (plan.shared_item) {
    if (Status s = SaveShareCounters(db, *plan.shared_item); !s.ok()) return s.error();
  }
  if (plan.activity) {
    if (Status s = InsertActivity(db, *plan.activity); !s.ok()) return s.error();
  }
  return plan.outcome;
}

}  // namespace wdrbe::sqlite
