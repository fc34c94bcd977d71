// SQS's limits on times and batches, and how the port's milliseconds become
// SQS's whole seconds: always rounded up, so a delay or a lease is never
// shorter than asked.
#pragma once

#include <cstdint>

#include "wdrbe/base/result.hpp"

namespace wdrbe::sqs {

inline constexpr int kMaxDelaySeconds = 900;          // SendMessage DelaySeconds
inline constexpr int kMaxVisibilitySeconds = 43'200;  // 12 hours: VisibilityTimeout
inline constexpr int kMaxWaitTimeSeconds = 20;        // ReceiveMessage long polling
inline constexpr int kMaxBatchEntries = 10;           // every *Batch call, and ReceiveMessage
inline constexpr int kMaxMaxReceiveCount = 1000;      // RedrivePolicy maxReceiveCount: 1-1000

// Milliseconds as whole seconds, rounded up; 0 for zero or negative.
std::int64_t WholeSecondsUp(std::int64_t ms);

// A SendMessage DelaySeconds: kBadRequest above kMaxDelaySeconds.
Result<int> DelaySecondsFor(std::int64_t delay_ms);

// A VisibilityTimeout, held to 0-kMaxVisibilitySeconds (a retry delay longer
// than SQS allows becomes the longest it allows).
int VisibilitySecondsFor(std::int64_t ms);

}  // namespace wdrbe::sqs
