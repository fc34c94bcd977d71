// The share worker: `concurrency` loops that each receive a batch of share
// events from the queue, hand them to the domain's ShareEventHandler (which
// applies them to the store, idempotently by event id), then tell the queue
// what became of each: done ones are deleted, failed ones retried after an
// exponential backoff (or dead-lettered by the queue's own policy). One
// event's failure never fails its batch-mates.
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

#include "wdrbe/base/faults.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/observability/log.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/queue/retry_backoff.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/tracing/share_span.hpp"
#include "wdrbe/worker/share_settlement.hpp"

namespace wdrbe {

inline constexpr int kMaxShareBatchSize = 10;
inline constexpr auto kMinIdleDelay = std::chrono::milliseconds(20);
inline constexpr auto kMaxIdleDelay = std::chrono::milliseconds(1000);
// The longest a failed share event waits before its retry.
inline constexpr std::int64_t kMaxShareRetryDelayMs = 60'000;

struct ShareWorkerOptions {
  int concurrency = 10;                         // loops (concurrent batches)
  int batch_size = kMaxShareBatchSize;          // 1..10
  std::int64_t visibility_timeout_ms = 30'000;  // lease length
  RetryBackoff backoff = {};                    // the delay before a failed event's retry
};

class ShareWorker {
 public:
  // Every reference outlives the worker; `random` draws backoff jitter.
  // Each settled event is logged with the trace id of the request that
  // shared it.
  ShareWorker(boost::asio::io_context& io, ShareQueue& queue, ShareEventHandler& handler,
              RandomSource& random, std::shared_ptr<const FaultInjector> faults, ShareWorkerOptions options,
              obs::WorkerMetrics& metrics, obs::Logger& logger);

  // Records a span per processed event from now on; before Start.
  void SetTracing(tracing::SpanTarget tracing) { tracing_ = std::move(tracing); }
  void Start();
  // Wakes an idle loop; thread-safe, cheap.
  void Notify();
  // Loops finish (settle) the batch in hand, then stop; `on_stopped` runs
  // once all have. Thread-safe; call once.
  void Stop(std::function<void()> on_stopped);

  bool running() const { return running_loops_.load() > 0; }

 private:
  Task<void> Loop(std::size_t index);
  Task<void> ProcessBatch(std::vector<ShareDelivery> batch);
  // One result per delivery: handled by `handler` (handler_, or a copy
  // that traces the batch), or failed by a fault.
  Task<std::vector<HandledShare>> HandleBatch(const std::vector<ShareDelivery>& batch,
                                              ShareEventHandler& handler);
  // Deletes the done deliveries not deleted yet from `queue` (queue_, or
  // a tracing wrapper of it), and records them.
  Task<void> AcknowledgeDone(const std::vector<ShareDelivery>& batch,
                             const std::vector<HandledShare>& handled, ShareQueue& queue);
  // Retries the failed ones after a backoff (the queue may dead-letter them).
  Task<void> RetryFailed(const std::vector<ShareDelivery>& batch, const std::vector<HandledShare>& handled,
                         ShareQueue& queue);
  void WakeOne();
  std::uint32_t JitterBits();
  void Record(const ShareDelivery& delivery, ShareSettlement settlement, std::string_view error);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  ShareQueue& queue_;
  ShareEventHandler& handler_;
  RandomSource& random_;
  std::shared_ptr<const FaultInjector> faults_;
  ShareWorkerOptions options_;
  obs::WorkerMetrics& metrics_;
  obs::Logger& logger_;
  tracing::SpanTarget tracing_;
  // On strand_ only:
  std::vector<std::unique_ptr<boost::asio::steady_timer>> idle_timers_;
  std::vector<bool> idle_;
  bool stopping_ = false;
  bool pending_wake_ = false;
  std::function<void()> on_stopped_;
  std::atomic<int> running_loops_{0};
};

}  // namespace wdrbe
