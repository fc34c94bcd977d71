// The embedded ShareQueue: tables in the same SQLite database as the items
// (see storage/sqlite/Database), written through its group-commit writer,
// so an enqueue commits with its share request and an event's effect
// commits with its acknowledgement.
#pragma once

#include <memory>

#include "wdrbe/base/random.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/sqlite/database.hpp"

namespace wdrbe::sqlite {

class SqliteShareQueue final : public ShareQueue {
 public:
  // `random` draws lease ids and backoff jitter; it must outlive the queue.
  SqliteShareQueue(std::shared_ptr<Database> database, RetryPolicy policy, RandomSource& random)
      : database_(std::move(database)), policy_(policy), random_(random) {}

  Task<Result<std::string>> EnqueueShare(EnqueueShareCommand command) override;
  Task<Result<std::vector<LeasedShareEvent>>> Receive(int max, std::int64_t visibility_ms,
                                                      std::int64_t now_ms) override;
  Task<Result<std::vector<ShareSettlement>>> Settle(std::vector<ShareOutcome> outcomes,
                                                    std::int64_t now_ms) override;
  Task<Status> Release(std::vector<std::string> lease_ids) override;
  Task<Result<std::int64_t>> Depth() override;
  Task<Result<std::int64_t>> DeadLetterDepth() override;

  // Makes every leased event visible at `now_ms`. Only for start-up: one
  // server owns a data directory (serve.lock), so a lease found then was
  // taken by a process that died, and need not wait out its timeout. The
  // interrupted delivery still counts as an attempt.
  Task<Status> RecoverLeasesAfterRestart(std::int64_t now_ms);

 private:
  std::shared_ptr<Database> database_;
  RetryPolicy policy_;
  RandomSource& random_;
};

// The delay before delivery `receive_count + 1`, after `receive_count`
// failed ones: d = base * 2^(receive_count-1), with "equal jitter" (a random
// delay in [d/2, d], so that retries of a burst spread out), both ends capped
// at max_delay_ms. A later retry never waits less than an earlier one.
std::int64_t RetryDelayMs(const RetryPolicy& policy, int receive_count, std::uint32_t random_bits);

}  // namespace wdrbe::sqlite
