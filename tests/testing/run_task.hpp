// Runs awaitables to completion from plain (non-coroutine) test code.
//
// Each call makes its own io_context and runs it on the calling thread until
// every task has finished, so a test reads top to bottom:
//
//   Result<Item> item = RunTask(store.GetItem("itm_1"));
//
// Tasks given to one RunAll interleave on that single thread: each runs until
// it waits (for a database thread, say), then the next one starts. That is
// how the tests put many requests in flight at once without extra threads.
// An exception thrown by a task is rethrown here once all tasks are done.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace wdrbe::testing {

// Spawns every task on one io_context and runs it until all have finished.
// `when_all_waiting`, if given, is called once every task has started and
// is suspended (or done): the moment at which all of them are in flight.
// Rethrows the first exception any task threw.
void RunConcurrently(std::vector<boost::asio::awaitable<void>> tasks,
                     const std::function<void()>& when_all_waiting = {});

namespace internal {

template <typename T>
boost::asio::awaitable<void> StoreResult(boost::asio::awaitable<T> task, std::optional<T>& slot) {
  slot.emplace(co_await std::move(task));
}

}  // namespace internal

// Runs `tasks` concurrently and returns their results in the same order.
template <typename T>
std::vector<T> RunAll(std::vector<boost::asio::awaitable<T>> tasks,
                      const std::function<void()>& when_all_waiting = {}) {
  std::vector<std::optional<T>> slots(tasks.size());
  std::vector<boost::asio::awaitable<void>> wrapped;
  wrapped.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    wrapped.push_back(internal::StoreResult(std::move(tasks[i]), slots[i]));
  }
  RunConcurrently(std::move(wrapped), when_all_waiting);
  std::vector<T> results;
  results.reserve(slots.size());
  for (auto& slot : slots) results.push_back(std::move(*slot));
  return results;
}

// Runs one task to completion and returns its value.
template <typename T>
T RunTask(boost::asio::awaitable<T> task) {
  std::vector<boost::asio::awaitable<T>> tasks;
  tasks.push_back(std::move(task));
  return std::move(RunAll(std::move(tasks)).front());
}

inline void RunTask(boost::asio::awaitable<void> task) {
  std::vector<boost::asio::awaitable<void>> tasks;
  tasks.push_back(std::move(task));
  RunConcurrently(std::move(tasks));
}

}  // namespace wdrbe::testing
