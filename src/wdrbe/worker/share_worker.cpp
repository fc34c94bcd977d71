#include "wdrbe/worker/share_worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace wdrbe {
namespace asio = boost::asio;

ShareWorker::ShareWorker(asio::io_context& io, ShareQueue& queue, const Clock& clock, UlidGenerator& ids,
                         std::shared_ptr<const FaultInjector> faults, ShareWorkerOptions options)
    : strand_(asio::make_strand(io)),
      queue_(queue),
      clock_(clock),
      ids_(ids),
      faults_(std::move(faults)),
      options_(options) {}

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
  stats_.batches.fetch_add(1, std::memory_order_relaxed);
  stats_.events_received.fetch_add(static_cast<std::int64_t>(batch.size()), std::memory_order_relaxed);
  std::vector<ShareOutcome> outcomes;
  outcomes.reserve(batch.size());
  std::vector<std::string> lease_ids;
  for (LeasedShareEvent& lease : batch) {
    ShareOutcome outcome;
    // Processing an event is deciding its effect; the effect itself is
    // applied when the batch is settled, in the same transaction as the
    // acknowledgement. A fault here fails this event alone.
    if (faults_ && faults_->ShouldFail(kFaultWorkerProcess, lease.event.item_id)) {
      outcome.error = "injected fault: worker.process";
    }
    outcome.activity_id = ids_.Next();
    lease_ids.push_back(lease.lease_id);
    outcome.lease = std::move(lease);
    outcomes.push_back(std::move(outcome));
  }
  auto settled = co_await queue_.Settle(std::move(outcomes), clock_.NowMillis());
  if (!settled.ok()) {
    // Nothing of the batch was settled. While running, the leases expire
    // and the events come back; when stopping, hand them back at once.
    if (stopping_) (void)co_await queue_.Release(std::move(lease_ids));
    co_return;
  }
  for (ShareSettlement settlement : *settled) {
    switch (settlement) {
      case ShareSettlement::kApplied:
        stats_.applied.fetch_add(1, std::memory_order_relaxed);
        break;
      case ShareSettlement::kAlreadyApplied:
        stats_.already_applied.fetch_add(1, std::memory_order_relaxed);
        break;
      case ShareSettlement::kItemNotFound:
        stats_.item_not_found.fetch_add(1, std::memory_order_relaxed);
        break;
      case ShareSettlement::kRetryScheduled:
        stats_.failed.fetch_add(1, std::memory_order_relaxed);
        break;
      case ShareSettlement::kDeadLettered:
        stats_.failed.fetch_add(1, std::memory_order_relaxed);
        stats_.dead_lettered.fetch_add(1, std::memory_order_relaxed);
        break;
      case ShareSettlement::kLeaseLost:
        break;
    }
  }
}

}  // namespace wdrbe
