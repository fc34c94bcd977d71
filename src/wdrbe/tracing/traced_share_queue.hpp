// A ShareQueue that records a client span (port_call_span.hpp) around each
// Send, Delete, Retry and Release of the queue it wraps. Receive and Depth
// pass through untraced: a receive serves no trace yet (the events it
// returns name theirs), and a depth belongs to no request. Made for one
// request, or one worker batch, in the frame that makes the calls.
// Thread-safe if the wrapped queue is.
#pragma once

#include <span>

#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/tracing/port_call_span.hpp"

namespace wdrbe::tracing {

class TracedShareQueue final : public ShareQueue {
 public:
  // `queue`, `target` and `parents` must outlive this object.
  TracedShareQueue(ShareQueue& queue, const SpanTarget& target, std::span<const ParentSpan> parents)
      : queue_(queue), tracer_(target, parents) {}

  QueueCapabilities capabilities() const override { return queue_.capabilities(); }
  Task<Status> Send(ShareEvent event, std::int64_t delay_ms) override;
  Task<Result<std::vector<ShareDelivery>>> Receive(int max, std::int64_t visibility_ms) override {
    return queue_.Receive(max, visibility_ms);
  }
  Task<Result<std::vector<AckResult>>> Delete(std::vector<std::string> receipt_handles) override;
  Task<Result<std::vector<RetryResult>>> Retry(std::vector<FailedDelivery> failures) override;
  Task<Status> Release(std::vector<std::string> receipt_handles) override;
  Task<Result<std::int64_t>> Depth() override { return queue_.Depth(); }

 private:
  ShareQueue& queue_;
  PortCallTracer tracer_;
};

}  // namespace wdrbe::tracing
