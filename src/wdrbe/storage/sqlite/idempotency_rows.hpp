// SQL for idempotency records (domain/idempotency) and for the markers of
// applied share events. Every function runs on the connection it is given,
// inside the caller's transaction.
#pragma once

#include <optional>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/idempotency.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

Result<std::optional<IdempotencyRecord>> LoadIdempotencyRecord(Connection& db, const std::string& user_id,
                                                               IdempotentOperation operation,
                                                               const std::string& key);
// Inserts or overwrites (an expired record is replaced by a new one).
Status SaveIdempotencyRecord(Connection& db, const std::string& user_id, IdempotentOperation operation,
                             const std::string& key, const IdempotencyRecord& record);
Status CompleteIdempotencyRecord(Connection& db, const std::string& user_id, IdempotentOperation operation,
                                 const std::string& key);
// Deletes up to `max_rows` records created before `cutoff_ms`.
Status DeleteExpiredIdempotencyRecords(Connection& db, std::int64_t cutoff_ms, int max_rows);
// Saves a new key record, and deletes a few expired ones on the way, so the
// table stays bounded without a pause for a big delete.
Status RememberKey(Connection& db, const std::string& user_id, IdempotentOperation operation,
                   const std::string& key, const IdempotencyRecord& record);

// How long the marker of an applied share event is kept: 7 days after it
// was applied, and in any case as long as the event is still in the share
// queue or among the dead letters.
//
// The marker makes applying an event idempotent, so it must outlive every
// way its event id can come back in the embedded backend:
//   - redelivery from the queue (a lost lease, retries with backoff, the
//     visibility timeout, a restart): only while the event is in
//     share_queue; the apply that commits with the delete ends it;
//   - a dead letter redriven by an operator, at any time: only while the
//     event is in share_dead_letters (moving there and back is one
//     transaction each, so the event is never in neither meanwhile);
//   - a replayed share request re-sending the same event id: only while its
//     idempotency record lives (kIdempotencyWindowMs, 24 hours, counted from
//     before the event was applied), and only where the send did not commit
//     with the record (never in the embedded backend).
// The first two are covered by never deleting a marker whose event is still
// queued or dead-lettered, however old; the third by a retention well past
// the idempotency window. After that the event id cannot come back, so a
// missing marker cannot let it be applied twice.
inline constexpr std::int64_t kAppliedShareRetentionMs = 7 * kIdempotencyWindowMs;

// Records `event_id` as applied; false when it already was (nothing written).
// A new marker also deletes a few expired ones (kAppliedShareRetentionMs
// before `now_ms`, their events neither queued nor dead-lettered): on the
// share worker's path, never a request's, and bounded per call.
Result<bool> ClaimShareApplication(Connection& db, const std::string& event_id, std::int64_t now_ms);

// Deletes up to `max_rows` markers applied before `cutoff_ms` whose events
// are neither in the share queue nor among the dead letters.
Status DeleteExpiredShareMarkers(Connection& db, std::int64_t cutoff_ms, int max_rows);

}  // namespace wdrbe::sqlite
