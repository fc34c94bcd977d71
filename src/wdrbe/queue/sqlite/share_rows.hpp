// SQL for the share queue tables. Every function runs inside the caller's
// transaction on the writer thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

Status InsertQueuedShare(Connection& db, const ShareEvent& event, std::int64_t visible_at_ms);

struct ShareKeyRecord {
  std::string item_id;
  std::string event_id;
  std::int64_t created_at_ms = 0;
};
Result<std::optional<ShareKeyRecord>> LoadShareKey(Connection& db, const std::string& user_id,
                                                   const std::string& key);
Status SaveShareKey(Connection& db, const std::string& user_id, const std::string& key,
                    const ShareKeyRecord& record);

// Leases up to `max` visible events (visible_at <= now), oldest first.
Result<std::vector<LeasedShareEvent>> LeaseVisible(Connection& db, int max, std::int64_t now_ms,
                                                   std::int64_t lease_expires_ms,
                                                   const std::vector<std::string>& lease_ids);

// The current lease and receive count of a queued event (nullopt: gone).
struct QueueState {
  std::optional<std::string> lease_id;
  int receive_count = 0;
};
Result<std::optional<QueueState>> LoadQueueState(Connection& db, const std::string& event_id);

// Records `event_id` as applied; false when it already was.
Result<bool> MarkApplied(Connection& db, const std::string& event_id, std::int64_t now_ms);
Status DeleteQueued(Connection& db, const std::string& event_id);
Status ScheduleRetry(Connection& db, const std::string& event_id, const std::string& error,
                     std::int64_t now_ms, std::int64_t visible_at_ms);
// Moves a queued event to the dead letters, with its last error.
Status MoveToDeadLetters(Connection& db, const std::string& event_id, const std::string& error,
                         std::int64_t now_ms);
Status ReleaseLease(Connection& db, const std::string& lease_id);
// Every lease ends now (receive counts are kept).
Status ReleaseOrphanedLeases(Connection& db, std::int64_t now_ms);

Result<std::int64_t> CountRows(Connection& db, const std::string& table);

}  // namespace wdrbe::sqlite
