// The polling activity stream (the AWS backend's) over an in-memory store
// and a fake clock: it streams in the feed's order, holds an activity back
// until it is `settle` old (so an older one written late is not skipped),
// resumes exactly after an id or after the time an unknown id encodes, and
// refuses what is not an activity id.
#include "wdrbe/storage/polling_activity_watcher.hpp"

#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing/activity_commands.hpp"
#include "testing/fake_clock.hpp"
#include "testing/in_memory_item_store.hpp"
#include "testing/run_task.hpp"

namespace wdrbe {
namespace {

using namespace std::chrono_literals;
using testing::ActivityIdAt;
using testing::CreateWithActivityAt;
using testing::RunTask;

constexpr std::int64_t kT = 1'764'064'800'000;
constexpr std::int64_t kSettleMs = 2000;

// Each test runs as one coroutine: a subscription's waits belong to the
// executor it was made for, which must outlive it.
class PollingActivityWatcherTest : public ::testing::Test {
 protected:
  Task<void> Create(std::int64_t ts, std::uint8_t n, const std::string& user_id = "usr_a") {
    Result<CreateItemResult> created = co_await store_.CreateItem(CreateWithActivityAt(user_id, ts, n));
    EXPECT_TRUE(created.ok());
  }

  Task<Result<std::unique_ptr<ActivitySubscription>>> Subscribe(std::optional<std::string> last_event_id) {
    auto executor = co_await boost::asio::this_coro::executor;
    co_return co_await watcher_.Subscribe("usr_a", std::move(last_event_id), executor);
  }

  // What one Next hands over within a short wait (the poll interval is
  // short, so a wait covers several polls).
  static Task<std::vector<std::string>> Delivered(ActivitySubscription& subscription) {
    Result<std::vector<Activity>> delivery = co_await subscription.Next(50ms);
    EXPECT_TRUE(delivery.ok());
    std::vector<std::string> ids;
    if (delivery.ok()) {
      for (const Activity& activity : *delivery) ids.push_back(activity.activity_id);
    }
    co_return ids;
  }

  testing::FakeClock clock_{kT};
  testing::InMemoryItemStore store_;
  PollingActivityWatcher watcher_{store_, clock_,
                                  ActivityPollingOptions{10ms, std::chrono::milliseconds(kSettleMs)}};
};

TEST_F(PollingActivityWatcherTest, AnActivityWaitsUntilItIsSettleOldSoALateOlderOneIsNotSkipped) {
  RunTask([&]() -> Task<void> {
    auto subscription = co_await Subscribe(std::nullopt);
    EXPECT_TRUE(subscription.ok());
    if (!subscription.ok()) co_return;
    co_await Create(kT + 1000, 1);
    clock_.Set(kT + 1000 + kSettleMs - 1);
    const std::vector<std::string> young = co_await Delivered(**subscription);
    EXPECT_TRUE(young.empty()) << "younger than settle";
    // Written late by another process, with an older timestamp.
    co_await Create(kT + 500, 2);
    clock_.Set(kT + 1000 + kSettleMs);
    const std::vector<std::string> settled = co_await Delivered(**subscription);
    EXPECT_EQ(settled, (std::vector<std::string>{ActivityIdAt(kT + 500, 2), ActivityIdAt(kT + 1000, 1)}));
    const std::vector<std::string> again = co_await Delivered(**subscription);
    EXPECT_TRUE(again.empty()) << "each once";
  }());
}

TEST_F(PollingActivityWatcherTest, ANewSubscriptionStartsAfterTheNewestActivity) {
  RunTask([&]() -> Task<void> {
    co_await Create(kT - 5000, 1);
    auto subscription = co_await Subscribe(std::nullopt);
    EXPECT_TRUE(subscription.ok());
    if (!subscription.ok()) co_return;
    co_await Create(kT, 2);
    clock_.Set(kT + kSettleMs);
    const std::vector<std::string> delivered = co_await Delivered(**subscription);
    EXPECT_EQ(delivered, (std::vector<std::string>{ActivityIdAt(kT, 2)}));
  }());
}

TEST_F(PollingActivityWatcherTest, ResumesExactlyAfterAnIdInTheFeedsOrder) {
  RunTask([&]() -> Task<void> {
    co_await Create(kT - 3000, 1);
    co_await Create(kT - 3000, 2);  // the same millisecond: the id breaks the tie
    co_await Create(kT - 2500, 3);
    co_await Create(kT - 2500, 3, "usr_b");
    clock_.Set(kT);
    auto subscription = co_await Subscribe(ActivityIdAt(kT - 3000, 1));
    EXPECT_TRUE(subscription.ok());
    if (!subscription.ok()) co_return;
    const std::vector<std::string> delivered = co_await Delivered(**subscription);
    EXPECT_EQ(delivered, (std::vector<std::string>{ActivityIdAt(kT - 3000, 2), ActivityIdAt(kT - 2500, 3)}));
  }());
}

TEST_F(PollingActivityWatcherTest, AnUnknownIdResumesAfterTheTimeItEncodes) {
  RunTask([&]() -> Task<void> {
    co_await Create(kT - 5000, 1);
    co_await Create(kT - 3000, 2);
    clock_.Set(kT);
    auto subscription = co_await Subscribe(ActivityIdAt(kT - 4000, 7));
    EXPECT_TRUE(subscription.ok());
    if (!subscription.ok()) co_return;
    const std::vector<std::string> delivered = co_await Delivered(**subscription);
    EXPECT_EQ(delivered, (std::vector<std::string>{ActivityIdAt(kT - 3000, 2)}));
  }());
}

TEST_F(PollingActivityWatcherTest, WhatIsNotAnActivityIdIsRefused) {
  RunTask([&]() -> Task<void> {
    for (const std::string id :
         {"", "not-a-ulid", "01JD0000000000000000000000X", "81JD00000000000000000000000"}) {
      auto subscription = co_await Subscribe(id);
      EXPECT_FALSE(subscription.ok()) << id;
      if (!subscription.ok()) {
        EXPECT_EQ(subscription.error().code, ErrorCode::kBadRequest);
      }
    }
  }());
}

TEST_F(PollingActivityWatcherTest, InterruptEndsAWaitAtOnce) {
  RunTask([&]() -> Task<void> {
    auto subscription = co_await Subscribe(std::nullopt);
    EXPECT_TRUE(subscription.ok());
    if (!subscription.ok()) co_return;
    std::thread interrupter([&] {
      std::this_thread::sleep_for(30ms);
      (*subscription)->Interrupt();
    });
    const auto started = std::chrono::steady_clock::now();
    auto delivery = co_await (*subscription)->Next(10s);
    interrupter.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_TRUE(delivery.ok() && delivery->empty());
  }());
}

}  // namespace
}  // namespace wdrbe
