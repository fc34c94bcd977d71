#include "wdrbe/queue/sqlite/sqlite_share_queue.hpp"

#include <algorithm>
#include <array>

#include "wdrbe/base/base64url.hpp"
#include "wdrbe/domain/item_access.hpp"
#include "wdrbe/queue/sqlite/share_rows.hpp"
#include "wdrbe/storage/item_store.hpp"
#include "wdrbe/storage/sqlite/item_rows.hpp"

namespace wdrbe::sqlite {
namespace {

std::string SharedMetadata(const std::string& event_id) {
  // Event ids are ULIDs (no characters that need escaping in JSON).
  return R"({"action":"share","eventId":")" + event_id + "\"}";
}

Result<std::string> EnqueueInTransaction(Connection& db, const EnqueueShareCommand& command) {
  if (command.idempotency_key) {
    auto record = LoadShareKey(db, command.user_id, *command.idempotency_key);
    if (!record.ok()) return record.error();
    if (*record && (*record)->created_at_ms > command.now_ms - kIdempotencyWindowMs) {
      if ((*record)->item_id != command.item_id) {
        return Error{
            ErrorCode::kIdempotencyKeyReused, "this Idempotency-Key was used to share another item", {}};
      }
      return (*record)->event_id;
    }
  }
  auto item = LoadItem(db, command.item_id);
  if (!item.ok()) return item.error();
  if (!*item) return Error::NotFound("item not found");
  if (Status s = CheckOwnerAccess(**item, command.user_id); !s.ok()) return s.error();
  if (Status s = InsertQueuedShare(db, command.event, command.now_ms); !s.ok()) return s.error();
  if (command.idempotency_key) {
    ShareKeyRecord record{command.item_id, command.event.event_id, command.now_ms};
    if (Status s = SaveShareKey(db, command.user_id, *command.idempotency_key, record); !s.ok())
      return s.error();
  }
  return command.event.event_id;
}

Result<ShareSettlement> ApplyInTransaction(Connection& db, const ShareOutcome& outcome, std::int64_t now_ms) {
  const ShareEvent& event = outcome.lease.event;
  auto applied_now = MarkApplied(db, event.event_id, now_ms);
  if (!applied_now.ok()) return applied_now.error();
  if (Status s = DeleteQueued(db, event.event_id); !s.ok()) return s.error();
  if (!*applied_now) return ShareSettlement::kAlreadyApplied;

  auto item = LoadItem(db, event.item_id);
  if (!item.ok()) return item.error();
  if (!*item || (*item)->user_id != event.user_id) return ShareSettlement::kItemNotFound;
  const Item& shared = **item;
  if (Status s = RecordShare(db, shared.item_id, now_ms); !s.ok()) return s.error();
  Activity activity{outcome.activity_id, shared.user_id, kActivityItemShared,           shared.item_id,
                    shared.fields.name,  now_ms,         SharedMetadata(event.event_id)};
  if (Status s = InsertActivity(db, activity); !s.ok()) return s.error();
  return ShareSettlement::kApplied;
}

}  // namespace

std::int64_t RetryDelayMs(const RetryPolicy& policy, int receive_count, std::uint32_t random_bits) {
  const int doublings = std::clamp(receive_count - 1, 0, 30);
  const std::int64_t full = policy.base_delay_ms << doublings;
  // The window is [full/2, full], each clamped to the cap: before the cap a
  // window starts where the previous one ended, and at the cap it closes to
  // the cap itself, so a later retry never waits less than an earlier one.
  const std::int64_t low = std::min(policy.max_delay_ms, full / 2);
  const std::int64_t high = std::min(policy.max_delay_ms, full);
  return low + static_cast<std::int64_t>(random_bits % static_cast<std::uint64_t>(high - low + 1));
}

Task<Result<std::string>> SqliteShareQueue::EnqueueShare(EnqueueShareCommand command) {
  return database_->writer().Submit<Result<std::string>>(
      [command = std::move(command)](Connection& db) { return EnqueueInTransaction(db, command); });
}

Task<Result<std::vector<LeasedShareEvent>>> SqliteShareQueue::Receive(int max, std::int64_t visibility_ms,
                                                                      std::int64_t now_ms) {
  // Lease ids are drawn here, off the writer thread.
  std::vector<std::string> lease_ids(static_cast<std::size_t>(std::max(max, 0)));
  for (auto& id : lease_ids) {
    std::array<std::uint8_t, 12> bytes{};
    random_.Fill(bytes);
    id = Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  return database_->writer().Submit<Result<std::vector<LeasedShareEvent>>>(
      [max, visibility_ms, now_ms, lease_ids = std::move(lease_ids)](Connection& db) {
        return LeaseVisible(db, max, now_ms, now_ms + visibility_ms, lease_ids);
      });
}

Task<Result<std::vector<ShareSettlement>>> SqliteShareQueue::Settle(std::vector<ShareOutcome> outcomes,
                                                                    std::int64_t now_ms) {
  std::vector<std::uint32_t> jitter(outcomes.size());
  for (auto& bits : jitter) {
    std::array<std::uint8_t, 4> bytes{};
    random_.Fill(bytes);
    bits = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | bytes[3];
  }
  return database_->writer().Submit<Result<std::vector<ShareSettlement>>>(
      [outcomes = std::move(outcomes), jitter = std::move(jitter), now_ms,
       policy = policy_](Connection& db) -> Result<std::vector<ShareSettlement>> {
        std::vector<ShareSettlement> settlements;
        settlements.reserve(outcomes.size());
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
          const ShareOutcome& outcome = outcomes[i];
          // Each outcome in its own savepoint: a database error settling one
          // leaves the others settled (that one's lease simply expires).
          if (Status s = db.Run("SAVEPOINT outcome"); !s.ok()) return s.error();
          Result<ShareSettlement> settled = [&]() -> Result<ShareSettlement> {
            auto state = LoadQueueState(db, outcome.lease.event.event_id);
            if (!state.ok()) return state.error();
            if (!*state || (*state)->lease_id != outcome.lease.lease_id) return ShareSettlement::kLeaseLost;
            if (!outcome.error) return ApplyInTransaction(db, outcome, now_ms);
            if ((*state)->receive_count >= policy.max_receives) {
              if (Status s = MoveToDeadLetters(db, outcome.lease.event.event_id, *outcome.error, now_ms);
                  !s.ok()) {
                return s.error();
              }
              return ShareSettlement::kDeadLettered;
            }
            const std::int64_t delay = RetryDelayMs(policy, (*state)->receive_count, jitter[i]);
            if (Status s =
                    ScheduleRetry(db, outcome.lease.event.event_id, *outcome.error, now_ms, now_ms + delay);
                !s.ok()) {
              return s.error();
            }
            return ShareSettlement::kRetryScheduled;
          }();
          if (!settled.ok()) {
            if (Status s = db.Run("ROLLBACK TO outcome"); !s.ok()) return s.error();
            if (Status s = db.Run("RELEASE outcome"); !s.ok()) return s.error();
            settlements.push_back(ShareSettlement::kLeaseLost);
            continue;
          }
          if (Status s = db.Run("RELEASE outcome"); !s.ok()) return s.error();
          settlements.push_back(*settled);
        }
        return settlements;
      });
}

Task<Status> SqliteShareQueue::Release(std::vector<std::string> lease_ids) {
  return database_->writer().Submit<Status>([lease_ids = std::move(lease_ids)](Connection& db) -> Status {
    for (const auto& id : lease_ids) {
      if (Status s = ReleaseLease(db, id); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

Task<Status> SqliteShareQueue::RecoverLeasesAfterRestart(std::int64_t now_ms) {
  return database_->writer().Submit<Status>(
      [now_ms](Connection& db) { return ReleaseOrphanedLeases(db, now_ms); });
}

Task<Result<std::int64_t>> SqliteShareQueue::Depth() {
  return database_->readers().Submit<Result<std::int64_t>>(
      [](Connection& db) { return CountRows(db, "share_queue"); });
}

Task<Result<std::int64_t>> SqliteShareQueue::DeadLetterDepth() {
  return database_->readers().Submit<Result<std::int64_t>>(
      [](Connection& db) { return CountRows(db, "share_dead_letters"); });
}

}  // namespace wdrbe::sqlite
