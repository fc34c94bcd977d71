#include "wdrbe/queue/sqlite/sqlite_share_queue.hpp"

#include <algorithm>
#include <array>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/queue/sqlite/share_rows.hpp"
#include "wdrbe/storage/sqlite/savepoint.hpp"

namespace wdrbe::sqlite {
namespace {

// One delivery of a batch: a database error there rolls that delivery back
// alone (its lease then simply expires) and reads as `on_error`; the batch
// goes on.
template <typename T, typename Body>
Result<T> ForOneDelivery(Connection& db, T on_error, Body&& body) {
  auto result = InSavepoint<T>(db, std::forward<Body>(body));
  if (!result.ok()) return on_error;
  return result;
}

}  // namespace

Task<Status> SqliteShareQueue::Send(ShareEvent event, std::int64_t delay_ms) {
  const std::int64_t visible_at = clock_.NowMillis() + std::max<std::int64_t>(delay_ms, 0);
  return database_->writer().Submit<Status>([event = std::move(event), visible_at](Connection& db) {
    return InsertQueuedShare(db, event, visible_at);
  });
}

Task<Result<std::vector<ShareDelivery>>> SqliteShareQueue::Receive(int max, std::int64_t visibility_ms) {
  // The port's (and SQS's) bound on a batch.
  max = std::clamp(max, 1, kMaxReceiveBatch);
  // Lease ids are drawn here, off the writer thread.
  std::vector<std::string> lease_ids(static_cast<std::size_t>(max));
  for (auto& id : lease_ids) {
    std::array<std::uint8_t, 12> bytes{};
    random_.Fill(bytes);
    id = Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  const std::int64_t now = clock_.NowMillis();
  return database_->writer().Submit<Result<std::vector<ShareDelivery>>>(
      [max, now, visibility_ms, lease_ids = std::move(lease_ids)](Connection& db) {
        return LeaseVisible(db, max, now, now + visibility_ms, lease_ids);
      });
}

Task<Result<std::vector<AckResult>>> SqliteShareQueue::Delete(std::vector<std::string> receipt_handles) {
  return database_->writer().Submit<Result<std::vector<AckResult>>>(
      [handles = std::move(receipt_handles)](Connection& db) -> Result<std::vector<AckResult>> {
        std::vector<AckResult> results;
        results.reserve(handles.size());
        for (const std::string& handle : handles) {
          auto result = ForOneDelivery(db, AckResult::kLeaseLost, [&] { return DeleteDelivery(db, handle); });
          if (!result.ok()) return result.error();
          results.push_back(*result);
        }
        return results;
      });
}

Task<Result<std::vector<RetryResult>>> SqliteShareQueue::Retry(std::vector<FailedDelivery> failures) {
  const std::int64_t now = clock_.NowMillis();
  return database_->writer().Submit<Result<std::vector<RetryResult>>>(
      [failures = std::move(failures), now,
       max_receives = options_.max_receives](Connection& db) -> Result<std::vector<RetryResult>> {
        std::vector<RetryResult> results;
        results.reserve(failures.size());
        for (const FailedDelivery& failure : failures) {
          auto result = ForOneDelivery(db, RetryResult::kLeaseLost, [&]() -> Result<RetryResult> {
            const auto receipt = ParseReceiptHandle(failure.receipt_handle);
            auto current = LoadCurrentDelivery(db, receipt);
            if (!current.ok()) return current.error();
            if (!*current) return RetryResult::kLeaseLost;
            // The redrive policy: the max_receives-th failure is the last.
            if ((*current)->receive_count >= max_receives) {
              if (Status s = MoveToDeadLetters(db, receipt->event_id, failure.error, now); !s.ok()) {
                return s.error();
              }
              return RetryResult::kDeadLettered;
            }
            const std::int64_t visible_at = now + std::max<std::int64_t>(failure.retry_delay_ms, 0);
            if (Status s = ScheduleRetry(db, receipt->event_id, failure.error, now, visible_at); !s.ok()) {
              return s.error();
            }
            return RetryResult::kRetryScheduled;
          });
          if (!result.ok()) return result.error();
          results.push_back(*result);
        }
        return results;
      });
}

Task<Status> SqliteShareQueue::Release(std::vector<std::string> receipt_handles) {
  return database_->writer().Submit<Status>([handles = std::move(receipt_handles)](Connection& db) -> Status {
    for (const std::string& handle : handles) {
      const auto receipt = ParseReceiptHandle(handle);
      if (!receipt) continue;
      if (Status s = ReleaseLease(db, receipt->event_id, receipt->lease_id); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

Task<Status> SqliteShareQueue::RecoverDeliveriesAfterRestart() {
  return database_->writer().Submit<Status>(
      [now = clock_.NowMillis()](Connection& db) { return ReleaseOrphanedLeases(db, now); });
}

Task<Result<std::int64_t>> SqliteShareQueue::Depth() {
  return database_->readers().Submit<Result<std::int64_t>>(
      [](Connection& db) { return CountRows(db, "share_queue"); });
}

}  // namespace wdrbe::sqlite
