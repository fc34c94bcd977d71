// A wake-up signal for one waiting coroutine that any thread may raise: a
// store's writer telling a stream that its user has new activities, or
// shutdown telling it to end. A signal raised while nobody waits is kept
// until the next Wait, so none is lost between a check and a wait.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "wdrbe/base/task.hpp"

namespace wdrbe {

class Wakeup : public std::enable_shared_from_this<Wakeup> {
 public:
  // Waits run on `executor` (a strand, or an io_context run by one thread).
  static std::shared_ptr<Wakeup> On(boost::asio::any_io_executor executor);

  // Thread-safe: ends the current Wait, or the next one at once.
  void Signal();

  // Returns once signalled (since the previous Wait returned) or after
  // `at_most`; true when signalled. Only on the executor; one waiter.
  Task<bool> Wait(std::chrono::steady_clock::duration at_most);

 private:
  explicit Wakeup(boost::asio::any_io_executor executor) : timer_(std::move(executor)) {}
  boost::asio::steady_timer timer_;  // used on its executor only
  bool signalled_ = false;           // used on the timer's executor only
};

}  // namespace wdrbe
