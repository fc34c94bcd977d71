#include "wdrbe/queue/sqs/sqs_limits.hpp"

#include <algorithm>
#include <string>

namespace wdrbe::sqs {

std::int64_t WholeSecondsUp(std::int64_t ms) {
  if (ms <= 0) return 0;
  return ms / 1000 + (ms % 1000 != 0 ? 1 : 0);
}

Result<int> DelaySecondsFor(std::int64_t delay_ms) {
  const std::int64_t seconds = WholeSecondsUp(delay_ms);
  if (seconds > kMaxDelaySeconds) {
    return Error::BadRequest("an SQS message can be delayed by at most " + std::to_string(kMaxDelaySeconds) +
                             " s, not " + std::to_string(seconds) + " s");
  }
  return static_cast<int>(seconds);
}

int VisibilitySecondsFor(std::int64_t ms) {
  return static_cast<int>(std::min<std::int64_t>(WholeSecondsUp(ms), kMaxVisibilitySeconds));
}

}  // namespace wdrbe::sqs
