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
#include "wdrbe/observability/log.hpp"
#include "wdrbe/observability/service_metrics.hpp"
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

class ShareWorker {
 public:
  // `metrics` and `logger` outlive the worker. Each settled event is
  // logged with the trace id of the request that shared it.
  ShareWorker(boost::asio::io_context& io, ShareQueue& queue, const Clock& clock, UlidGenerator& ids,
              std::shared_ptr<const FaultInjector> faults, ShareWorkerOptions options,
              obs::WorkerMetrics& metrics, obs::Logger& logger);

  void Start();
  // Wakes an idle loop; thread-safe, cheap.
  void Notify();
  // Loops finish (settle) the batch in hand, then stop; `on_stopped` runs
  // once all have. Thread-safe; call once.
  void Stop(std::function<void()> on_stopped);

  bool running() const { return running_loops_.load() > 0; }

 private:
  Task<void> Loop(std::size_t index);
  Task<void> ProcessBatch(std::vector<LeasedShareEvent> batch);
  void WakeOne();
  void Record(const LeasedShareEvent& lease, ShareSettlement settlement,
              const std::optional<std::string>& error);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  ShareQueue& queue_;
  const Clock& clock_;
  UlidGenerator& ids_;
  std::shared_ptr<const FaultInjector> faults_;
  ShareWorkerOptions options_;
  obs::WorkerMetrics& metrics_;
  obs::Logger& logger_;
  // On strand_ only:
  std::vector<std::unique_ptr<boost::asio::steady_timer>> idle_timers_;
  std::vector<bool> idle_;
  bool stopping_ = false;
  bool pending_wake_ = false;
  std::function<void()> on_stopped_;
  std::atomic<int> running_loops_{0};
};

}  // namespace wdrbe
