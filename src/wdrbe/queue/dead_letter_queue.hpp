// The dead letters of the share queue: events whose every allowed delivery
// failed, kept with their attempt history until an operator redrives them
// (`wdrbe dlq`). Redriving sends an event back to the share queue with a
// fresh receive count; since the store applies an event once per event id,
// redriving one that was in fact applied changes nothing.
// Every method is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_event.hpp"

namespace wdrbe {

class DeadLetterQueue {
 public:
  virtual ~DeadLetterQueue() = default;

  // Oldest first.
  virtual Task<Result<std::vector<DeadLetter>>> List() = 0;
  virtual Task<Result<std::optional<DeadLetter>>> Get(std::string event_id) = 0;
  // Back to the share queue, visible now; kNotFound when not a dead letter.
  virtual Task<Status> Redrive(std::string event_id) = 0;
  // Redrives every dead letter; returns how many.
  virtual Task<Result<std::int64_t>> RedriveAll() = 0;
  virtual Task<Result<std::int64_t>> Depth() = 0;
};

}  // namespace wdrbe
