// SQL for the share queue and its dead letters. Every function runs inside
// the caller's transaction (on the writer thread, or a reader for counts
// and reads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

// Inserts the event, visible at `visible_at_ms`; an event id still queued
// is left as it is.
Status InsertQueuedShare(Connection& db, const ShareEvent& event, std::int64_t visible_at_ms);

// Leases up to `max` visible events (visible_at <= now), oldest first, one
// lease id each from `lease_ids`; receipt handles are ReceiptHandle().
Result<std::vector<ShareDelivery>> LeaseVisible(Connection& db, int max, std::int64_t now_ms,
                                                std::int64_t lease_expires_ms,
                                                const std::vector<std::string>& lease_ids);

// A receipt handle names the event and its lease: "<event id>.<lease id>"
// (neither ULIDs nor base64url contain a dot), so that acknowledging finds
// the row by its key.
std::string ReceiptHandle(const std::string& event_id, const std::string& lease_id);
struct ParsedReceipt {
  std::string event_id;
  std::string lease_id;
};
std::optional<ParsedReceipt> ParseReceiptHandle(const std::string& handle);

// The current lease and receive count of a queued event (nullopt: gone).
struct QueueState {
  std::optional<std::string> lease_id;
  int receive_count = 0;
};
Result<std::optional<QueueState>> LoadQueueState(Connection& db, const std::string& event_id);

// The queue state of the event a receipt handle names, when that handle's
// lease is the event's current one; nullopt for a stale or malformed handle.
Result<std::optional<QueueState>> LoadCurrentDelivery(Connection& db,
                                                      const std::optional<ParsedReceipt>& receipt);

Status DeleteQueued(Connection& db, const std::string& event_id);
// Deletes the delivery's event if the handle is current.
Result<AckResult> DeleteDelivery(Connection& db, const std::string& receipt_handle);
Status ScheduleRetry(Connection& db, const std::string& event_id, const std::string& error,
                     std::int64_t now_ms, std::int64_t visible_at_ms);
// Moves a queued event to the dead letters, with its last error.
Status MoveToDeadLetters(Connection& db, const std::string& event_id, const std::string& error,
                         std::int64_t now_ms);
// Makes the event visible at once without counting the delivery.
Status ReleaseLease(Connection& db, const std::string& event_id, const std::string& lease_id);
// Every lease ends now (receive counts are kept).
Status ReleaseOrphanedLeases(Connection& db, std::int64_t now_ms);

Result<std::vector<DeadLetter>> LoadDeadLetters(Connection& db);
Result<std::optional<DeadLetter>> LoadDeadLetter(Connection& db, const std::string& event_id);
// Moves dead letters back to the queue, visible at `now_ms` with a fresh
// receive count; all of them when `event_id` is nullopt. Returns how many.
Result<std::int64_t> RedriveDeadLetters(Connection& db, const std::optional<std::string>& event_id,
                                        std::int64_t now_ms);

Result<std::int64_t> CountRows(Connection& db, const std::string& table);

}  // namespace wdrbe::sqlite
