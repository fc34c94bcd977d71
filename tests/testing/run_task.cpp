#include "testing/run_task.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>

namespace wdrbe::testing {

void RunConcurrently(std::vector<boost::asio::awaitable<void>> tasks,
                     const std::function<void()>& when_all_waiting) {
  boost::asio::io_context io;
  std::exception_ptr first_failure;
  for (auto& task : tasks) {
    boost::asio::co_spawn(io, std::move(task), [&first_failure](std::exception_ptr failure) {
      if (failure && !first_failure) first_failure = failure;
    });
  }
  // poll() runs every ready handler, including those made ready meanwhile,
  // and returns without blocking: afterwards each task is suspended on
  // something outside this thread, or finished.
  io.poll();
  if (when_all_waiting) when_all_waiting();
  io.restart();
  io.run();
  if (first_failure) std::rethrow_exception(first_failure);
}

}  // namespace wdrbe::testing
