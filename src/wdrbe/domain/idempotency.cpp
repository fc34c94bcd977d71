#include "wdrbe/domain/idempotency.hpp"

namespace wdrbe {

bool IsLive(const IdempotencyRecord& record, std::int64_t now_ms) {
  return record.created_at_ms > IdempotencyExpiryCutoff(now_ms);
}

IdempotencyVerdict JudgeIdempotencyKey(const std::optional<IdempotencyRecord>& record,
                                       std::string_view fingerprint, std::int64_t now_ms) {
  if (!record || !IsLive(*record, now_ms)) return IdempotencyVerdict::kNew;
  return record->fingerprint == fingerprint ? IdempotencyVerdict::kReplay : IdempotencyVerdict::kReused;
}

}  // namespace wdrbe
