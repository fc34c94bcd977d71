// The share worker: `concurrency` loops that each receive a batch of share
// events, process every event on its own (one failure never fails its
// batch-mates) and settle the batch: applied events are acknowledged with
// their effect, failed ones retried with backoff or dead-lettered.
//
// No busy polling: an idle loop sleeps with a growing delay (up to
// kMaxIdleDelay) and is woken early by Notify() when an event is enqueued.
// Every loop runs on the worker's strand.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/faults.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/queue/share_queue.hpp"

namespace wdrbe {

inline constexpr int kMaxShareBatchSize = 10;
inline constexpr auto kMinIdleDelay = std::chrono::milliseconds(20);
inline constexpr auto kMaxIdleDelay = std::chrono::milliseconds(1000);

struct ShareWorkerOptions {
  int concurrency = 10;                         // loops (concurrent batches)
  int batch_size = kMaxShareBatchSize;          // 1..10
  std::int64_t visibility_timeout_ms = 30'000;  // lease length
};

// Counters for metrics and tests; updated with relaxed atomics.
struct ShareWorkerStats {
  std::atomic<std::int64_t> batches{0};
  std::atomic<std::int64_t> events_received{0};
  std::atomic<std::int64_t> applied{0};
  std::atomic<std::int64_t> already_applied{0};
  std::atomic<std::int64_t> item_not_found{0};
  std::atomic<std::int64_t> failed{0};  // attempts that failed (retried or dead-lettered)
  std::atomic<std::int64_t> dead_lettered{0};
};

class ShareWorker {
 public:
  ShareWorker(boost::asio::io_context& io, ShareQueue& queue, const Clock& clock, UlidGenerator& ids,
              std::shared_ptr<const FaultInjector> faults, ShareWorkerOptions options);

  void Start();
  // Wakes an idle loop; thread-safe, cheap.
  void Notify();
  // Loops finish (settle) the batch in hand, then stop; `on_stopped` runs
  // once all have. Thread-safe; call once.
  void Stop(std::function<void()> on_stopped);

  bool running() const { return running_loops_.load() > 0; }
  const ShareWorkerStats& stats() const { return stats_; }

 private:
  Task<void> Loop(std::size_t index);
  Task<void> ProcessBatch(std::vector<LeasedShareEvent> batch);
  void WakeOne();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  ShareQueue& queue_;
  const Clock& clock_;
  UlidGenerator& ids_;
  std::shared_ptr<const FaultInjector> faults_;
  ShareWorkerOptions options_;
  ShareWorkerStats stats_;
  // On strand_ only:
  std::vector<std::unique_ptr<boost::asio::steady_timer>> idle_timers_;
  std::vector<bool> idle_;
  bool stopping_ = false;
  bool pending_wake_ = false;
  std::function<void()> on_stopped_;
  std::atomic<int> running_loops_{0};
};

}  // namespace wdrbe
