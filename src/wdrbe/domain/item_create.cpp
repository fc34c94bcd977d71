#include "wdrbe/domain/item_create.hpp"

namespace wdrbe {

bool KeyRecordNeedsItem(const CreateItemCommand& command, const std::optional<IdempotencyRecord>& record) {
  return command.idempotency_key && JudgeIdempotencyKey(record, command.payload_fingerprint,
                                                        command.now_ms) == IdempotencyVerdict::kReplay;
}

Result<CreatePlan> DecideCreate(const CreateItemCommand& command, const CreateState& state) {
  if (command.idempotency_key) {
    switch (JudgeIdempotencyKey(state.key_record, command.payload_fingerprint, command.now_ms)) {
      case IdempotencyVerdict::kReused:
        return Error{
            ErrorCode::kIdempotencyKeyReused, "this Idempotency-Key was used with a different payload", {}};
      case IdempotencyVerdict::kReplay:
        // The id may since have been deleted and taken by another user.
        if (!state.key_item || state.key_item->user_id != command.user_id) {
          return Error::NotFound("the item created with this Idempotency-Key has been deleted");
        }
        return CreatePlan{{*state.key_item, CreateOutcome::kReplayed}, false, false, std::nullopt};
      case IdempotencyVerdict::kNew:
        break;
    }
  }

  CreatePlan plan;
  if (state.existing) {
    if (state.existing->user_id != command.user_id) {
      return Error{ErrorCode::kConflict, "an item with this itemId belongs to another user", {}};
    }
    plan.result.item = *state.existing;
    plan.result.item.fields = command.fields;
    plan.result.item.updated_at_ms = command.now_ms;
    plan.result.outcome = CreateOutcome::kReplaced;
    plan.save_item = true;
  } else {
    plan.result.item =
        Item{command.item_id, command.user_id, command.fields, 0, false, command.now_ms, command.now_ms};
    plan.result.outcome = CreateOutcome::kCreated;
    plan.insert_item = true;
  }
  if (command.idempotency_key) {
    plan.remember_key = IdempotencyRecord{command.payload_fingerprint, command.item_id, command.now_ms, true};
  }
  return plan;
}

}  // namespace wdrbe
