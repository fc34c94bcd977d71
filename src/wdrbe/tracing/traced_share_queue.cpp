#include "wdrbe/tracing/traced_share_queue.hpp"

#include <utility>

namespace wdrbe::tracing {
namespace {

PortCall QueueCall(std::string_view name, std::string_view operation, std::size_t batch_size) {
  return PortCall{name, operation, PortEngine::kQueue, static_cast<std::int64_t>(batch_size)};
}

}  // namespace

Task<Status> TracedShareQueue::Send(ShareEvent event, std::int64_t delay_ms) {
  const PortCall span = QueueCall("ShareQueue.Send", "Send", 0);
  return TracedCall(tracer_, span, queue_.Send(std::move(event), delay_ms));
}

Task<Result<std::vector<AckResult>>> TracedShareQueue::Delete(std::vector<std::string> receipt_handles) {
  const PortCall span = QueueCall("ShareQueue.Delete", "Delete", receipt_handles.size());
  return TracedCall(tracer_, span, queue_.Delete(std::move(receipt_handles)));
}

Task<Result<std::vector<RetryResult>>> TracedShareQueue::Retry(std::vector<FailedDelivery> failures) {
  const PortCall span = QueueCall("ShareQueue.Retry", "Retry", failures.size());
  return TracedCall(tracer_, span, queue_.Retry(std::move(failures)));
}

Task<Status> TracedShareQueue::Release(std::vector<std::string> receipt_handles) {
  const PortCall span = QueueCall("ShareQueue.Release", "Release", receipt_handles.size());
  return TracedCall(tracer_, span, queue_.Release(std::move(receipt_handles)));
}

}  // namespace wdrbe::tracing
