// How long a failed share delivery waits before it is retried: exponential
// backoff with "equal jitter", so that the retries of a burst spread out.
// The consumer computes it and passes it to ShareQueue::Retry (as an SQS
// consumer sets a message's visibility timeout); how many deliveries are
// allowed is the queue's own policy (max_receives).
#pragma once

#include <cstdint>

namespace wdrbe {

struct RetryBackoff {
  std::int64_t base_delay_ms = 1000;   // the first retry after about this long
  std::int64_t max_delay_ms = 60'000;  // the ceiling
};

// The delay before delivery `receive_count + 1`, after `receive_count`
// failed ones: d = base * 2^(receive_count-1), a random delay in [d/2, d],
// both ends capped at max_delay_ms. A later retry never waits less than an
// earlier one.
std::int64_t RetryDelayMs(const RetryBackoff& backoff, int receive_count, std::uint32_t random_bits);

}  // namespace wdrbe
