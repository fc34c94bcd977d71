#include "wdrbe/domain/share_rules.hpp"

#include "wdrbe/domain/item_access.hpp"

namespace wdrbe {

bool ShareKeyDecidesAlone(const AdmitShareCommand& command,
                          const std::optional<IdempotencyRecord>& key_record) {
  return command.idempotency_key &&
         JudgeIdempotencyKey(key_record, command.item_id, command.now_ms) != IdempotencyVerdict::kNew;
}

Result<ShareAdmissionPlan> DecideShareAdmission(const AdmitShareCommand& command,
                                                const std::optional<IdempotencyRecord>& key_record,
                                                const std::optional<Item>& item) {
  if (command.idempotency_key) {
    switch (JudgeIdempotencyKey(key_record, command.item_id, command.now_ms)) {
      case IdempotencyVerdict::kReused:
        return Error{
            ErrorCode::kIdempotencyKeyReused, "this Idempotency-Key was used to share another item", {}};
      case IdempotencyVerdict::kReplay:
        return ShareAdmissionPlan{
            ShareAdmission{key_record->outcome_id, key_record->created_at_ms, true, !key_record->completed},
            std::nullopt};
      case IdempotencyVerdict::kNew:
        break;
    }
  }
  if (!item) return Error::NotFound("item not found");
  if (Status s = CheckOwnerAccess(*item, command.user_id); !s.ok()) return s.error();
  ShareAdmissionPlan plan{ShareAdmission{command.event_id, command.now_ms, false, true}, std::nullopt};
  if (command.idempotency_key) {
    plan.remember_key = IdempotencyRecord{command.item_id, command.event_id, command.now_ms, false};
  }
  return plan;
}

ShareApplicationPlan DecideShareApplication(const ApplyShareCommand& command, bool already_applied,
                                            const std::optional<Item>& item) {
  if (already_applied) return ShareApplicationPlan{};
  ShareApplicationPlan plan;
  plan.mark_applied = true;
  // An item deleted since, or deleted and its id taken by another user, is
  // not the item that was shared.
  if (!item || item->user_id != command.event.user_id) {
    plan.outcome = ShareApplication::kItemNotFound;
    return plan;
  }
  plan.outcome = ShareApplication::kApplied;
  Item shared = *item;
  shared.shared_count += 1;
  shared.is_public = true;
  shared.updated_at_ms = command.now_ms;
  plan.activity = ItemSharedActivity(shared, command.event, command.activity_id, command.now_ms);
  plan.shared_item = std::move(shared);
  return plan;
}

}  // namespace wdrbe
