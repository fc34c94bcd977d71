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

// Records `event_id` as applied; false when it already was (nothing written).
Result<bool> ClaimShareApplication(Connection& db, const std::string& event_id, std::int64_t now_ms);

}  // namespace wdrbe::sqlite
