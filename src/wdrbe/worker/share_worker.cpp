#include "wdrbe/worker/share_worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "wdrbe/observability/trace_context.hpp"

namespace wdrbe {
namespace asio = boost::asio;

ShareWorker::ShareWorker(asio::io_context& io, ShareQueue& queue, const Clock& clock, UlidGenerator& ids,
                         std::shared_ptr<const FaultInjector> faults, ShareWorkerOptions options,
                         obs::WorkerMetrics& metrics, obs::Logger& logger)
    : strand_(asio::make_strand(io)),
      queue_(queue),
      clock_(clock),
      ids_(ids),
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
    auto batch =
        co_await queue_.Receive(options_.batch_size, options_.visibility_timeout_ms, clock_.NowMillis());
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

Task<void> ShareWorker::ProcessBatch(std::vector<LeasedShareEvent> batch) {
  metrics_.batch_size.Observe(static_cast<double>(batch.size()));
  std::vector<ShareOutcome> outcomes;
  outcomes.reserve(batch.size());
  for (const LeasedShareEvent& lease : batch) {
    ShareOutcome outcome;
    // Processing an event is deciding its effect; the effect itself is
    // applied when the batch is settled, in the same transaction as the
    // acknowledgement. A fault here fails this event alone.
    if (faults_ && faults_->ShouldFail(kFaultWorkerProcess, lease.event.item_id)) {
      outcome.error = "injected fault: worker.process";
    }
    outcome.activity_id = ids_.Next();
    // Settle consumes the outcomes; `batch` keeps the leases for the log
    // lines and for a release.
    outcome.lease = lease;
    outcomes.push_back(std::move(outcome));
  }
  // The errors, for the log lines (Settle consumes them with the outcomes).
  std::vector<std::optional<std::string>> errors;
  errors.reserve(outcomes.size());
  for (const ShareOutcome& outcome : outcomes) errors.push_back(outcome.error);
  auto settled = co_await queue_.Settle(std::move(outcomes), clock_.NowMillis());
  if (!settled.ok()) {
    metrics_.settle_failures.Inc();
    logger_.Log(obs::LogLevel::kError,
                "share batch not settled; its events return after the visibility timeout",
                {{"error", settled.error().message}, {"events", static_cast<std::int64_t>(batch.size())}});
    // Nothing of the batch was settled. While running, the leases expire
    // and the events come back; when stopping, hand them back at once.
    if (stopping_) {
      std::vector<std::string> lease_ids;
      lease_ids.reserve(batch.size());
      for (const LeasedShareEvent& lease : batch) lease_ids.push_back(lease.lease_id);
      (void)co_await queue_.Release(std::move(lease_ids));
    }
    co_return;
  }
  for (std::size_t i = 0; i < settled->size() && i < batch.size(); ++i) {
    Record(batch[i], (*settled)[i], errors[i]);
  }
}

void ShareWorker::Record(const LeasedShareEvent& lease, ShareSettlement settlement,
                         const std::optional<std::string>& error) {
  std::string_view message;
  obs::LogLevel level = obs::LogLevel::kInfo;
  switch (settlement) {
    case ShareSettlement::kApplied:
      metrics_.processed.Inc();
      metrics_.successful.Inc();
      message = "share event applied";
      break;
    case ShareSettlement::kAlreadyApplied:
      metrics_.already_applied.Inc();
      metrics_.successful.Inc();
      message = "share event already applied; redelivery acknowledged";
      break;
    case ShareSettlement::kItemNotFound:
      metrics_.item_not_found.Inc();
      metrics_.successful.Inc();
      message = "share event for a deleted item acknowledged";
      break;
    case ShareSettlement::kRetryScheduled:
      metrics_.failed.Inc();
      level = obs::LogLevel::kWarn;
      message = "share event failed; retry scheduled";
      break;
    case ShareSettlement::kDeadLettered:
      metrics_.failed.Inc();
      metrics_.dead_lettered.Inc();
      level = obs::LogLevel::kError;
      message = "share event failed for the last time; moved to the dead-letter queue";
      break;
    case ShareSettlement::kLeaseLost:
      level = obs::LogLevel::kWarn;
      message = "share event lease expired before settling; another delivery owns it";
      break;
  }
  if (!logger_.Enabled(level)) return;
  // The event carries the traceparent of the request that shared it.
  const auto parent = obs::ParseTraceparent(lease.event.trace_context);
  logger_.Log(level, message,
              {{"eventId", lease.event.event_id},
               {"itemId", lease.event.item_id},
               {"userId", lease.event.user_id},
               {"requestId", lease.event.request_id},
               {"traceId", parent ? std::string_view(parent->trace_id) : std::string_view()},
               {"parentSpanId", parent ? std::string_view(parent->parent_id) : std::string_view()},
               {"attempt", std::int64_t{lease.receive_count}},
               {"error", error ? std::string_view(*error) : std::string_view()}});
}

}  // namespace wdrbe
