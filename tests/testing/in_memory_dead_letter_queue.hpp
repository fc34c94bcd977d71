// The dead letters of an InMemoryShareQueue, as the DeadLetterQueue port.
// It works on the share queue's own state under the queue's lock, so a
// redrive and a dead-lettering never interleave. Redrives are stamped with
// the queue's clock. Thread-safe. Every Task completes at once.
#pragma once

#include "testing/in_memory_share_queue.hpp"
#include "wdrbe/queue/dead_letter_queue.hpp"

namespace wdrbe::testing {

class InMemoryDeadLetterQueue final : public DeadLetterQueue {
 public:
  // `queue` must outlive this.
  explicit InMemoryDeadLetterQueue(InMemoryShareQueue& queue) : queue_(queue) {}

  Task<Result<std::vector<DeadLetter>>> List() override;
  Task<Result<std::optional<DeadLetter>>> Get(std::string event_id) override;
  Task<Status> Redrive(std::string event_id) override;
  Task<Result<std::int64_t>> RedriveAll() override;
  Task<Result<std::int64_t>> Depth() override;

 private:
  using DeadMessage = InMemoryShareQueue::DeadMessage;

  static DeadLetter ToDeadLetter(const DeadMessage& dead);
  // Requires the queue's mutex_: back to the queue, visible now, with a
  // fresh receive count and the history it had.
  void RedriveLocked(DeadMessage dead);

  InMemoryShareQueue& queue_;
};

}  // namespace wdrbe::testing
