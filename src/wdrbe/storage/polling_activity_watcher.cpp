#include "wdrbe/storage/polling_activity_watcher.hpp"

#include <algorithm>
#include <atomic>

#include "wdrbe/base/wakeup.hpp"
#include "wdrbe/domain/ulid.hpp"

namespace wdrbe {
namespace {

// How far from the time a ULID encodes its activity's timestamp may lie:
// one process makes both from one clock, microseconds apart.
constexpr std::int64_t kIdTimeSlackMs = 2000;
// Pages a resume reads at most to find the exact position of its id.
constexpr int kResumeSearchPages = 5;

class PollingActivitySubscription final : public ActivitySubscription {
 public:
  PollingActivitySubscription(ItemStore& store, const Clock& clock, ActivityPollingOptions options,
                              std::string user_id, boost::asio::any_io_executor executor)
      : store_(store),
        clock_(clock),
        options_(options),
        user_id_(std::move(user_id)),
        wakeup_(Wakeup::On(std::move(executor))) {}

  Task<Status> Start(std::optional<std::string> last_event_id) {
    if (last_event_id) {
      Task<Status> resuming = StartAfter(*last_event_id);
      co_return co_await std::move(resuming);
    }
    // After the newest activity there is: only what comes next.
    Task<Result<ActivityPage>> listing =
        store_.ListActivities(ListActivitiesQuery{user_id_, std::nullopt, 1});
    Result<ActivityPage> newest = co_await std::move(listing);
    if (!newest.ok()) co_return newest.error();
    if (!newest->activities.empty()) {
      const Activity& last = newest->activities.front();
      position_ = CursorPosition{last.timestamp_ms, last.activity_id};
    }
    co_return Status::Ok();
  }

  Task<Result<std::vector<Activity>>> Next(std::chrono::steady_clock::duration at_most) override {
    const auto deadline = std::chrono::steady_clock::now() + at_most;
    for (;;) {
      if (interrupted_.load()) co_return std::vector<Activity>{};
      ListActivitiesQuery query{user_id_, position_, kMaxActivitiesPerDelivery, /*oldest_first=*/true};
      Task<Result<ActivityPage>> listing = store_.ListActivities(std::move(query));
      Result<ActivityPage> page = co_await std::move(listing);
      if (!page.ok()) co_return page.error();

      const std::int64_t settled_until = clock_.NowMillis() - options_.settle.count();
      std::vector<Activity> settled;
      std::optional<std::int64_t> first_unsettled_ms;
      for (Activity& activity : page->activities) {
        if (activity.timestamp_ms > settled_until) {
          first_unsettled_ms = activity.timestamp_ms;
          break;
        }
        settled.push_back(std::move(activity));
      }
      if (!settled.empty()) {
        position_ = CursorPosition{settled.back().timestamp_ms, settled.back().activity_id};
        co_return settled;
      }

      // The next poll: one interval on, or sooner when an activity already
      // seen settles sooner.
      auto wait = std::chrono::steady_clock::duration(options_.poll_interval);
      if (first_unsettled_ms) {
        const auto settles_in = std::chrono::milliseconds(*first_unsettled_ms - settled_until);
        wait = std::min(wait, std::chrono::steady_clock::duration(settles_in));
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) co_return std::vector<Activity>{};
      wait = std::min(wait, deadline - now);
      Task<bool> waiting = wakeup_->Wait(wait);
      co_await std::move(waiting);
    }
  }

  void Interrupt() override {
    interrupted_.store(true);
    wakeup_->Signal();
  }

 private:
  // The position of `last_event_id` in the feed's order: found among the
  // user's activities near the time the id encodes, or else that time.
  Task<Status> StartAfter(const std::string& last_event_id) {
    const std::optional<std::int64_t> time_ms = UlidTimeMs(last_event_id);
    if (!time_ms) co_return Error::BadRequest("Last-Event-ID must be an activity id");
    position_ = CursorPosition{*time_ms, last_event_id};
    std::optional<CursorPosition> after = CursorPosition{*time_ms - kIdTimeSlackMs - 1, ""};
    for (int page_number = 0; page_number < kResumeSearchPages && after; ++page_number) {
      ListActivitiesQuery query{user_id_, after, kMaxActivitiesPerDelivery, /*oldest_first=*/true};
      Task<Result<ActivityPage>> listing = store_.ListActivities(std::move(query));
      Result<ActivityPage> page = co_await std::move(listing);
      if (!page.ok()) co_return page.error();
      for (const Activity& activity : page->activities) {
        if (activity.timestamp_ms > *time_ms + kIdTimeSlackMs) co_return Status::Ok();
        if (activity.activity_id == last_event_id) {
          position_ = CursorPosition{activity.timestamp_ms, activity.activity_id};
          co_return Status::Ok();
        }
      }
      if (!page->has_more || page->activities.empty()) break;
      after = CursorPosition{page->activities.back().timestamp_ms, page->activities.back().activity_id};
    }
    co_return Status::Ok();
  }

  ItemStore& store_;
  const Clock& clock_;
  const ActivityPollingOptions options_;
  const std::string user_id_;
  const std::shared_ptr<Wakeup> wakeup_;
  // The last activity handed over (or where the stream starts).
  std::optional<CursorPosition> position_;
  std::atomic<bool> interrupted_{false};
};

}  // namespace

Task<Result<std::unique_ptr<ActivitySubscription>>> PollingActivityWatcher::Subscribe(
    std::string user_id, std::optional<std::string> last_event_id, boost::asio::any_io_executor executor) {
  auto subscription =
      std::make_unique<PollingActivitySubscription>(store_, clock_, options_, std::move(user_id), executor);
  Task<Status> starting = subscription->Start(std::move(last_event_id));
  if (Status s = co_await std::move(starting); !s.ok()) co_return s.error();
  co_return std::unique_ptr<ActivitySubscription>(std::move(subscription));
}

}  // namespace wdrbe
