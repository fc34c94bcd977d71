// The embedded ShareQueue: a table in the same SQLite database as the items
// (see storage/sqlite/Database), written through its group-commit writer.
// Visibility follows the Clock it is given, so tests drive leases with a
// FakeClock; its depth is exact.
#pragma once

#include <memory>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/sqlite/database.hpp"

namespace wdrbe::sqlite {

struct ShareQueueOptions {
  int max_receives = 3;  // deliveries before dead-lettering (SQS: maxReceiveCount)
};

class SqliteShareQueue final : public ShareQueue {
 public:
  // `clock` and `random` (receipt handles) must outlive the queue.
  SqliteShareQueue(std::shared_ptr<Database> database, ShareQueueOptions options, const Clock& clock,
                   RandomSource& random)
      : database_(std::move(database)), options_(options), clock_(clock), random_(random) {}

  QueueCapabilities capabilities() const override {
    return {.exact_depth = true,
            .injected_clock = true,
            .detects_stale_handles = true,
            .uncounted_release = true,
            .full_failure_history = true,
            .deduplicated_sends = true};
  }
  Task<Status> Send(ShareEvent event, std::int64_t delay_ms = 0) override;
  Task<Result<std::vector<ShareDelivery>>> Receive(int max, std::int64_t visibility_ms) override;
  Task<Result<std::vector<AckResult>>> Delete(std::vector<std::string> receipt_handles) override;
  Task<Result<std::vector<RetryResult>>> Retry(std::vector<FailedDelivery> failures) override;
  Task<Status> Release(std::vector<std::string> receipt_handles) override;
  Task<Result<std::int64_t>> Depth() override;

  // Makes every event in flight visible now. Only for start-up: one server
  // owns a data directory (serve.lock), so a delivery found then belongs to
  // a process that died and need not wait out its visibility timeout. The
  // interrupted delivery still counts against max_receives.
  Task<Status> RecoverDeliveriesAfterRestart();

 private:
  std::shared_ptr<Database> database_;
  ShareQueueOptions options_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace wdrbe::sqlite
