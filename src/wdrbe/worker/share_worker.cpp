#include "wdrbe/worker/share_worker.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/tracing/traced_services.hpp"

namespace wdrbe {
namespace asio = boost::asio;

ShareWorker::ShareWorker(asio::io_context& io, ShareQueue& queue, ShareEventHandler& handler,
                         RandomSource& random, std::shared_ptr<const FaultInjector> faults,
                         ShareWorkerOptions options, obs::WorkerMetrics& metrics, obs::Logger& logger)
    : strand_(asio::make_strand(io)),
      queue_(queue),
      handler_(handler),
      random_(random),
      faults_(std::move(faults)),
      options_(options),
      metrics_(metrics),
      logger_(logger) {}

void ShareWorker::Start() {
  const auto loops = static_cast<std::size_t>(options_.concurrency);
  for (std::size_t i = 0; i < loops; ++i) {
    idle_timers_.push_back(std::make_unique<asio::steady_timer>(strand_));
  }
  idle_.assign(loops, false);
  running_loops_ = static_cast<int>(loops);
  for (std::size_t i = 0; i < loops; ++i) asio::co_spawn(strand_, Loop(i), asio::detached);
}

void ShareWorker::Notify() {
  asio::post(strand_, [this] { WakeOne(); });
}

void ShareWorker::WakeOne() {
  for (std::size_t i = 0; i < idle_.size(); ++i) {
    if (idle_[i]) {
      idle_[i] = false;
      idle_timers_[i]->cancel();
      return;
    }
  }
  // Every loop is busy: the next one to go idle checks again at once.
  pending_wake_ = true;
}

void ShareWorker::Stop(std::function<void()> on_stopped) {
  asio::post(strand_, [this, on_stopped = std::move(on_stopped)]() mutable {
    stopping_ = true;
    on_stopped_ = std::move(on_stopped);
    if (running_loops_ == 0) {
      on_stopped_();
      return;
    }
    for (auto& timer : idle_timers_) timer->cancel();
  });
}

Task<void> ShareWorker::Loop(std::size_t index) {
  auto idle_delay = std::chrono::milliseconds(kMinIdleDelay);
  while (!stopping_) {
    auto batch = co_await queue_.Receive(options_.batch_size, options_.visibility_timeout_ms);
    if (batch.ok() && !batch->empty()) {
      idle_delay = kMinIdleDelay;
      // A full batch suggests a backlog: bring another loop in.
      if (static_cast<int>(batch->size()) == options_.batch_size) WakeOne();
      co_await ProcessBatch(std::move(*batch));
      continue;
    }
    if (stopping_) break;
    if (pending_wake_) {
      pending_wake_ = false;
      continue;
    }
    idle_[index] = true;
    idle_timers_[index]->expires_after(idle_delay);
    co_await idle_timers_[index]->async_wait(asio::as_tuple(asio::use_awaitable));
    idle_[index] = false;
    idle_delay = std::min(idle_delay * 2, std::chrono::milliseconds(kMaxIdleDelay));
  }
  if (--running_loops_ == 0 && on_stopped_) on_stopped_();
}

std::uint32_t ShareWorker::JitterBits() {
  std::array<std::uint8_t, 4> bytes{};
  random_.Fill(bytes);
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
         bytes[3];
}

Task<void> ShareWorker::ProcessBatch(std::vector<ShareDelivery> batch) {
  metrics_.batch_size.Observe(static_cast<double>(batch.size()));
  // The processing span of each event whose trace is sampled covers its
  // handling and settling; the batch's store and queue calls are children
  // of every one of them.
  tracing::ShareProcessingSpans spans(tracing_);
  for (const ShareDelivery& delivery : batch) spans.Begin(delivery.event);
  tracing::TracedShareHandling ports(handler_, &queue_, tracing_, spans.parents());
  std::vector<HandledShare> handled = co_await HandleBatch(batch, ports.handler());
  co_await AcknowledgeDone(batch, handled, *ports.queue());
  co_await RetryFailed(batch, handled, *ports.queue());
  for (std::size_t i = 0; i < batch.size() && i < handled.size(); ++i)
    spans.End(batch[i].event, &handled[i], "");
}

Task<std::vector<HandledShare>> ShareWorker::HandleBatch(const std::vector<ShareDelivery>& batch,
                                                         ShareEventHandler& handler) {
  std::vector<HandledShare> handled(batch.size());
  std::vector<ShareDelivery> to_handle;
  std::vector<std::size_t> handled_index;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    // A fault here fails its event alone, before the store sees it.
    if (faults_ && faults_->ShouldFail(kFaultWorkerProcess, batch[i].event.item_id)) {
      handled[i].error = "injected fault: worker.process";
      continue;
    }
    to_handle.push_back(batch[i]);
    handled_index.push_back(i);
  }
  if (to_handle.empty()) co_return handled;
  auto results = co_await handler.Handle(std::move(to_handle));
  for (std::size_t j = 0; j < results.size() && j < handled_index.size(); ++j) {
    handled[handled_index[j]] = std::move(results[j]);
  }
  co_return handled;
}

Task<void> ShareWorker::AcknowledgeDone(const std::vector<ShareDelivery>& batch,
                                        const std::vector<HandledShare>& handled, ShareQueue& queue) {
  std::vector<std::string> to_delete;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (handled[i].application && !handled[i].acknowledged) to_delete.push_back(batch[i].receipt_handle);
  }
  if (!to_delete.empty()) {
    const auto count = static_cast<std::int64_t>(to_delete.size());
    auto deleted = co_await queue.Delete(std::move(to_delete));
    if (!deleted.ok()) {
      // Their effect is in the store; the events come back after the
      // visibility timeout and are acknowledged then as already applied.
      metrics_.settle_failures.Inc();
      logger_.Log(obs::LogLevel::kError, "applied share events not acknowledged; they return and are skipped",
                  {{"error", deleted.error().message}, {"events", count}});
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (handled[i].application) Record(batch[i], AcknowledgedAs(*handled[i].application), {});
  }
}

Task<void> ShareWorker::RetryFailed(const std::vector<ShareDelivery>& batch,
                                    const std::vector<HandledShare>& handled, ShareQueue& queue) {
  std::vector<FailedDelivery> failures;
  std::vector<std::size_t> failed_index;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (handled[i].application) continue;
    const std::int64_t delay = RetryDelayMs(options_.backoff, batch[i].receive_count, JitterBits());
    failures.push_back(FailedDelivery{batch[i].receipt_handle, *handled[i].error, delay});
    failed_index.push_back(i);
  }
  if (failures.empty()) co_return;
  std::vector<std::string> failed_handles;
  for (const FailedDelivery& failure : failures) failed_handles.push_back(failure.receipt_handle);
  auto retried = co_await queue.Retry(std::move(failures));
  if (!retried.ok()) {
    metrics_.settle_failures.Inc();
    logger_.Log(
        obs::LogLevel::kError, "failed share events not settled; they return after the visibility timeout",
        {{"error", retried.error().message}, {"events", static_cast<std::int64_t>(failed_index.size())}});
    // While running, the leases expire and the events come back; when
    // stopping, hand them back at once.
    if (stopping_) (void)co_await queue.Release(std::move(failed_handles));
    co_return;
  }
  for (std::size_t j = 0; j < failed_index.size() && j < retried->size(); ++j) {
    const std::size_t i = failed_index[j];
    ShareSettlement settlement = ShareSettlement::kLeaseLost;
    if ((*retried)[j] == RetryResult::kRetryScheduled) settlement = ShareSettlement::kRetryScheduled;
    if ((*retried)[j] == RetryResult::kDeadLettered) settlement = ShareSettlement::kDeadLettered;
    Record(batch[i], settlement, *handled[i].error);
  }
}

void ShareWorker::Record(const ShareDelivery& delivery, ShareSettlement settlement, std::string_view error) {
  CountSettlement(metrics_, settlement);
  const auto [level, message] = LogLineOf(settlement);
  if (!logger_.Enabled(level)) return;
  // The event carries the traceparent of the request that shared it.
  const ShareEvent& event = delivery.event;
  const auto parent = obs::ParseTraceparent(event.trace_context);
  logger_.Log(level, message,
              {{"eventId", event.event_id},
               {"itemId", event.item_id},
               {"userId", event.user_id},
               {"requestId", event.request_id},
               {"traceId", parent ? std::string_view(parent->trace_id) : std::string_view()},
               {"parentSpanId", parent ? std::string_view(parent->parent_id) : std::string_view()},
               {"attempt", std::int64_t{delivery.receive_count}},
               {"error", error}});
}

}  // namespace wdrbe
