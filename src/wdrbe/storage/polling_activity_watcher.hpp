// The live activity stream on a store that cannot push (DynamoDB): each
// subscription reads its user's activities oldest first after the last one
// it handed over, at most once per poll interval, and hands over only
// activities at least `settle` old. The wait is what makes the feed's order
// (timestamp, id) safe to stream: processes write with their own clocks,
// and a write (or the index it reaches through) becomes visible a little
// after its timestamp, so an activity younger than `settle` may still be
// overtaken by an older one. With `settle` above the write's latency plus
// the clock skew between processes, a stream has no gap and no duplicate,
// and resumes exactly after any activity.
//
// Cost: one Query (one page of at most kMaxActivitiesPerDelivery rows) per
// open stream per poll interval; latency from a commit to its event is
// `settle` plus up to one poll interval (docs/aws-backend.md).
#pragma once

#include <chrono>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/storage/activity_watcher.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe {

struct ActivityPollingOptions {
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds settle{2000};
};

class PollingActivityWatcher final : public ActivityWatcher {
 public:
  // `store` and `clock` outlive the watcher and its subscriptions.
  PollingActivityWatcher(ItemStore& store, const Clock& clock, ActivityPollingOptions options)
      : store_(store), clock_(clock), options_(options) {}

  Task<Result<std::unique_ptr<ActivitySubscription>>> Subscribe(
      std::string user_id, std::optional<std::string> last_event_id,
      boost::asio::any_io_executor executor) override;

 private:
  ItemStore& store_;
  const Clock& clock_;
  const ActivityPollingOptions options_;
};

}  // namespace wdrbe
