#include "wdrbe/base/wakeup.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace wdrbe {

std::shared_ptr<Wakeup> Wakeup::On(boost::asio::any_io_executor executor) {
  return std::shared_ptr<Wakeup>(new Wakeup(std::move(executor)));
}

void Wakeup::Signal() {
  // The flag and the timer belong to the executor: the post is what makes
  // a signal from another thread safe, and what keeps it until a Wait.
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] {
    self->signalled_ = true;
    self->timer_.cancel();
  });
}

Task<bool> Wakeup::Wait(std::chrono::steady_clock::duration at_most) {
  if (!signalled_) {
    timer_.expires_after(at_most);
    auto [ec] = co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)ec;  // cancelled by a signal, or expired
  }
  const bool signalled = signalled_;
  signalled_ = false;
  co_return signalled;
}

}  // namespace wdrbe
