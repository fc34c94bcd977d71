#include "testing/in_memory_share_queue.hpp"

#include <algorithm>

namespace wdrbe::testing {

Task<Status> InMemoryShareQueue::Send(ShareEvent event, std::int64_t delay_ms) {
  std::lock_guard lock(mutex_);
  if (failing_sends_ > 0) {
    --failing_sends_;
    co_return Error::Unavailable("the share queue is failing sends (InMemoryShareQueue::FailNextSends)");
  }
  Message message;
  message.event = std::move(event);
  message.visible_at_ms = clock_.NowMillis() + delay_ms;
  Enqueue(std::move(message));
  co_return Status::Ok();
}

Task<Result<std::vector<ShareDelivery>>> InMemoryShareQueue::Receive(int max, std::int64_t visibility_ms) {
  co_return ReceiveNow(max, visibility_ms);
}

Task<Result<std::vector<AckResult>>> InMemoryShareQueue::Delete(std::vector<std::string> receipt_handles) {
  co_return DeleteNow(receipt_handles);
}

Task<Result<std::vector<RetryResult>>> InMemoryShareQueue::Retry(std::vector<FailedDelivery> failures) {
  co_return RetryNow(failures);
}

Task<Status> InMemoryShareQueue::Release(std::vector<std::string> receipt_handles) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.NowMillis();
  for (const std::string& handle : receipt_handles) {
    auto message = FindDelivery(handle);
    if (message == messages_.end()) continue;
    message->visible_at_ms = now;
    message->receive_count -= 1;  // handed back unprocessed: not a delivery that counts
    message->receipt_handle.clear();
  }
  co_return Status::Ok();
}

Task<Result<std::int64_t>> InMemoryShareQueue::Depth() {
  std::lock_guard lock(mutex_);
  co_return static_cast<std::int64_t>(messages_.size());
}

void InMemoryShareQueue::FailNextSends(int count) {
  std::lock_guard lock(mutex_);
  failing_sends_ = count;
}

Result<std::vector<ShareDelivery>> InMemoryShareQueue::ReceiveNow(int max, std::int64_t visibility_ms) {
  if (max < 1 || max > 10) return Error::BadRequest("Receive takes 1 to 10 events");
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.NowMillis();
  std::vector<Message*> visible;
  for (Message& message : messages_) {
    if (message.visible_at_ms <= now) visible.push_back(&message);
  }
  std::sort(visible.begin(), visible.end(), [](const Message* a, const Message* b) {
    return std::tie(a->visible_at_ms, a->sent) < std::tie(b->visible_at_ms, b->sent);
  });
  if (visible.size() > static_cast<std::size_t>(max)) visible.resize(static_cast<std::size_t>(max));

  std::vector<ShareDelivery> deliveries;
  for (Message* message : visible) {
    message->receive_count += 1;
    if (message->first_received_ms == 0) message->first_received_ms = now;
    message->receipt_handle = "in-memory-delivery-" + std::to_string(++deliveries_);
    message->visible_at_ms = now + visibility_ms;
    deliveries.push_back(ShareDelivery{message->event, message->receipt_handle, message->receive_count,
                                       message->first_received_ms});
  }
  return deliveries;
}

std::vector<AckResult> InMemoryShareQueue::DeleteNow(const std::vector<std::string>& receipt_handles) {
  std::lock_guard lock(mutex_);
  std::vector<AckResult> results;
  for (const std::string& handle : receipt_handles) {
    auto message = FindDelivery(handle);
    if (message == messages_.end()) {
      results.push_back(AckResult::kLeaseLost);
      continue;
    }
    messages_.erase(message);
    results.push_back(AckResult::kDeleted);
  }
  return results;
}

std::vector<RetryResult> InMemoryShareQueue::RetryNow(const std::vector<FailedDelivery>& failures) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.NowMillis();
  std::vector<RetryResult> results;
  for (const FailedDelivery& failure : failures) {
    auto message = FindDelivery(failure.receipt_handle);
    if (message == messages_.end()) {
      results.push_back(RetryResult::kLeaseLost);
      continue;
    }
    message->history.push_back(FailedAttempt{now, failure.error});
    message->receipt_handle.clear();
    if (message->receive_count >= max_receives_) {
      dead_letters_.push_back(DeadMessage{std::move(*message), now});
      messages_.erase(message);
      results.push_back(RetryResult::kDeadLettered);
    } else {
      message->visible_at_ms = now + failure.retry_delay_ms;
      results.push_back(RetryResult::kRetryScheduled);
    }
  }
  return results;
}

void InMemoryShareQueue::Enqueue(Message message) {
  const bool queued = std::any_of(messages_.begin(), messages_.end(), [&](const Message& m) {
    return m.event.event_id == message.event.event_id;
  });
  if (queued) return;
  message.sent = ++sends_;
  messages_.push_back(std::move(message));
}

std::vector<InMemoryShareQueue::Message>::iterator InMemoryShareQueue::FindDelivery(
    const std::string& receipt_handle) {
  if (receipt_handle.empty()) return messages_.end();
  return std::find_if(messages_.begin(), messages_.end(),
                      [&](const Message& m) { return m.receipt_handle == receipt_handle; });
}

}  // namespace wdrbe::testing
