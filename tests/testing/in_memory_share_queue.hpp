// A ShareQueue in memory, with its dead letters (InMemoryDeadLetterQueue):
// the cheapest proof that the queue port is backend-neutral, and a fast test
// double. Visibility and delays follow the Clock it is given (so a FakeClock
// drives them) and Depth() is exact. Receipt handles are drawn from a
// counter, so they are unique for the life of the queue.
// Thread-safe: every method takes mutex_. Every Task completes at once.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/queue/share_queue.hpp"

namespace wdrbe::testing {

class InMemoryShareQueue final : public ShareQueue {
 public:
  // `clock` must outlive the queue. A failed delivery that was the
  // `max_receives`th is dead-lettered.
  InMemoryShareQueue(const Clock& clock, int max_receives) : clock_(clock), max_receives_(max_receives) {}

  QueueCapabilities capabilities() const override {
    return {.exact_depth = true,
            .injected_clock = true,
            .detects_stale_handles = true,
            .uncounted_release = true,
            .full_failure_history = true,
            .deduplicated_sends = true};
  }
  Task<Status> Send(ShareEvent event, std::int64_t delay_ms = 0) override;
  Task<Result<std::vector<ShareDelivery>>> Receive(int max, std::int64_t visibility_ms) override;
  Task<Result<std::vector<AckResult>>> Delete(std::vector<std::string> receipt_handles) override;
  Task<Result<std::vector<RetryResult>>> Retry(std::vector<FailedDelivery> failures) override;
  Task<Status> Release(std::vector<std::string> receipt_handles) override;
  Task<Result<std::int64_t>> Depth() override;

  // A failure switch for tests of the queue's callers: the next `count`
  // Sends fail with kUnavailable and enqueue nothing.
  void FailNextSends(int count);

 private:
  // The dead letters are this queue's own, as an SQS dead-letter queue is
  // named by its source queue's redrive policy: they share mutex_.
  friend class InMemoryDeadLetterQueue;

  struct FailedAttempt {
    std::int64_t at_ms = 0;
    std::string error;
  };
  struct Message {
    ShareEvent event;
    std::uint64_t sent = 0;  // send order: among the visible, the oldest first
    std::int64_t visible_at_ms = 0;
    int receive_count = 0;               // deliveries that count against max_receives
    std::int64_t first_received_ms = 0;  // 0 until the first delivery
    std::string receipt_handle;          // the open delivery's; "" when none is open
    std::vector<FailedAttempt> history;  // every failed delivery, kept across redrives
  };
  struct DeadMessage {
    Message message;  // as it was when its last allowed delivery failed
    std::int64_t dead_lettered_ms = 0;
  };

  Result<std::vector<ShareDelivery>> ReceiveNow(int max, std::int64_t visibility_ms);
  std::vector<AckResult> DeleteNow(const std::vector<std::string>& receipt_handles);
  std::vector<RetryResult> RetryNow(const std::vector<FailedDelivery>& failures);

  // Require mutex_.
  void Enqueue(Message message);  // a no-op when the event id is queued already
  std::vector<Message>::iterator FindDelivery(const std::string& receipt_handle);

  const Clock& clock_;
  const int max_receives_;
  std::mutex mutex_;
  std::vector<Message> messages_;          // guarded by mutex_; waiting or in flight
  std::vector<DeadMessage> dead_letters_;  // guarded by mutex_; in the order they died
  std::uint64_t sends_ = 0;                // guarded by mutex_
  std::uint64_t deliveries_ = 0;           // guarded by mutex_; numbers receipt handles
  int failing_sends_ = 0;                  // guarded by mutex_
};

}  // namespace wdrbe::testing
