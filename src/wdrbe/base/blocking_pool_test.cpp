#include "wdrbe/base/blocking_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <thread>

#include "testing/run_task.hpp"

namespace wdrbe {
namespace {

Task<Status> RunOnce(BlockingPool& pool, std::function<Status()> work) {
  auto task = pool.Run<Status>(std::move(work));
  co_return co_await std::move(task);
}

TEST(BlockingPoolTest, WorkRunsOnAPoolThreadAndTheCallerResumesOnItsOwn) {
  BlockingPool pool("test workers", 1, 4);
  const auto caller = std::this_thread::get_id();
  std::thread::id worker;
  std::thread::id resumed;
  const auto body = [&]() -> Task<Result<int>> {
    auto task = pool.Run<Result<int>>([&]() -> Result<int> {
      worker = std::this_thread::get_id();
      return 42;
    });
    Result<int> value = co_await std::move(task);
    resumed = std::this_thread::get_id();
    co_return value;
  };
  Result<int> result = testing::RunTask(body());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 42);
  EXPECT_NE(worker, caller);
  EXPECT_EQ(resumed, caller);
}

TEST(BlockingPoolTest, WorkBeyondTheQueueIsRefusedAtOnceAndTheRestRuns) {
  BlockingPool pool("test workers", 1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first_started{false};
  boost::asio::io_context io;
  int done = 0;
  std::vector<ErrorCode> refusals;
  const auto submit = [&](bool first) {
    boost::asio::co_spawn(
        io,
        [&, first]() -> Task<void> {
          // Named: GCC 12 destroys a lambda-to-function temporary in a
          // co_await operand twice.
          std::function<Status()> work = [&, released, first] {
            if (first) first_started = true;
            released.wait();
            return Status::Ok();
          };
          Status status = co_await RunOnce(pool, std::move(work));
          if (!status.ok()) refusals.push_back(status.error().code);
          ++done;
        },
        boost::asio::detached);
    io.poll();  // the coroutine starts and hands its work to the pool
  };
  submit(true);
  while (!first_started) std::this_thread::yield();
  // The worker is busy: two wait in the queue, the third finds it full.
  for (int i = 0; i < 3; ++i) submit(false);
  while (refusals.empty()) io.run_one();  // delivered without any work ending
  EXPECT_EQ(refusals, std::vector<ErrorCode>{ErrorCode::kUnavailable});
  EXPECT_EQ(pool.InFlight(), 3u);
  release.set_value();
  while (done < 4) io.run_one();
  EXPECT_EQ(refusals.size(), 1u);
  EXPECT_EQ(pool.InFlight(), 0u);
}

TEST(BlockingPoolTest, StopFinishesQueuedWorkAndRefusesLaterWork) {
  BlockingPool pool("test workers", 2, 8);
  std::atomic<int> ran{0};
  std::vector<Task<Status>> tasks;
  for (int i = 0; i < 5; ++i) {
    tasks.push_back(RunOnce(pool, [&] {
      ++ran;
      return Status::Ok();
    }));
  }
  for (const Status& status : testing::RunAll(std::move(tasks))) EXPECT_TRUE(status.ok());
  pool.Stop();
  pool.Stop();  // idempotent
  EXPECT_EQ(ran.load(), 5);
  Status late = testing::RunTask(RunOnce(pool, [] { return Status::Ok(); }));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace wdrbe
