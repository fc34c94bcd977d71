// One idempotency model for every operation that takes an Idempotency-Key
// (item creates and shares): a record per (user, operation, key) holds a
// fingerprint of what was asked and the id of what it produced, and is
// honoured for kIdempotencyWindowMs. Adapters store records; these
// functions decide what a record means.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wdrbe {

// How long an idempotency key is remembered.
inline constexpr std::int64_t kIdempotencyWindowMs = 24LL * 60 * 60 * 1000;

// Keys of different operations never collide: one key may name a create
// and a share at once.
enum class IdempotentOperation { kCreateItem, kShareItem };

struct IdempotencyRecord {
  std::string fingerprint;  // create: PayloadFingerprint(); share: the item id
  std::string outcome_id;   // create: the item id; share: the event id
  std::int64_t created_at_ms = 0;
  // A share's record is saved before its event is sent and completed after,
  // so that a replay after a failed send sends the event again instead of
  // answering for an event that no queue holds. Creates are complete at once.
  bool completed = true;
  friend bool operator==(const IdempotencyRecord&, const IdempotencyRecord&) = default;
};

enum class IdempotencyVerdict {
  kNew,     // no live record: do the operation and remember the key
  kReplay,  // a live record with this fingerprint: answer with its outcome
  kReused,  // a live record with another fingerprint: 422
};

// True while `record` is inside the window at `now_ms`.
bool IsLive(const IdempotencyRecord& record, std::int64_t now_ms);

IdempotencyVerdict JudgeIdempotencyKey(const std::optional<IdempotencyRecord>& record,
                                       std::string_view fingerprint, std::int64_t now_ms);

// Records created before this are expired and may be deleted.
inline std::int64_t IdempotencyExpiryCutoff(std::int64_t now_ms) { return now_ms - kIdempotencyWindowMs; }

}  // namespace wdrbe
