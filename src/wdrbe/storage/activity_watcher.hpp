// The port of the live activity stream: a subscription to one user's
// activities that hands them over in the backend's stream order, each
// exactly once, starting after a given activity (a client resuming with
// Last-Event-ID) or at the moment of subscribing. The embedded store pushes
// (its writer signals subscribers after each commit); the AWS backend polls
// the activity index (polling_activity_watcher.hpp). docs/api.md has the
// guarantees; docs/aws-backend.md the polling's latency and read cost.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/activity.hpp"

namespace wdrbe {

// At most this many activities come out of one Next: a client far behind
// catches up in steps, and a stream never holds more than this.
inline constexpr int kMaxActivitiesPerDelivery = 100;

class ActivitySubscription {
 public:
  virtual ~ActivitySubscription() = default;
  // The next activities (1 to kMaxActivitiesPerDelivery) in stream order,
  // or none when `at_most` passes first or Interrupt is called. On the
  // executor the subscription was made for; one caller at a time.
  virtual Task<Result<std::vector<Activity>>> Next(std::chrono::steady_clock::duration at_most) = 0;
  // Thread-safe: a pending or the next Next returns at once, empty.
  virtual void Interrupt() = 0;
};

class ActivityWatcher {
 public:
  virtual ~ActivityWatcher() = default;
  // Subscribes to `user_id`'s activities after `last_event_id` (a ULID,
  // checked by the caller: when it is none of the user's activities, the
  // stream starts after the time it encodes), or after the newest
  // activity when nullopt. Waits of the subscription run on `executor`.
  virtual Task<Result<std::unique_ptr<ActivitySubscription>>> Subscribe(
      std::string user_id, std::optional<std::string> last_event_id,
      boost::asio::any_io_executor executor) = 0;
};

}  // namespace wdrbe
