#include "wdrbe/queue/retry_backoff.hpp"

#include <algorithm>

namespace wdrbe {

std::int64_t RetryDelayMs(const RetryBackoff& backoff, int receive_count, std::uint32_t random_bits) {
  const int doublings = std::clamp(receive_count - 1, 0, 30);
  const std::int64_t full = backoff.base_delay_ms << doublings;
  // The window is [full/2, full], each clamped to the cap: before the cap a
  // window starts where the previous one ended, and at the cap it closes to
  // the cap itself, so a later retry never waits less than an earlier one.
  const std::int64_t low = std::min(backoff.max_delay_ms, full / 2);
  const std::int64_t high = std::min(backoff.max_delay_ms, full);
  return low + static_cast<std::int64_t>(random_bits % static_cast<std::uint64_t>(high - low + 1));
}

}  // namespace wdrbe
