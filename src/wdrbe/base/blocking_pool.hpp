// Threads for work that blocks or burns CPU (decoding a photo, writing a
// file), so that network threads never do it: a coroutine awaits Run, the
// work runs on one of the pool's threads, and the coroutine resumes on its
// own executor. Work beyond the threads waits in a bounded queue; past
// that, Run answers kUnavailable at once rather than hold more.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe {

class BlockingPool {
 public:
  // `name` is for the refusal's message ("the image workers are busy").
  // `on_thread_exit` (optional) runs on each thread as it ends (a library's
  // per-thread cleanup).
  BlockingPool(std::string name, int threads, std::size_t max_waiting,
               std::function<void()> on_thread_exit = {});
  ~BlockingPool();  // Stop()s
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Runs `work` on a pool thread; R is Status or Result<T>. Thread-safe.
  // Callers return this Task rather than co_await it with a lambda in the
  // operand (GCC 12 destroys such a temporary twice).
  template <typename R>
  Task<R> Run(std::function<R()> work) {
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(R)>(
        [this, work = std::move(work)](auto handler) mutable {
          Enqueue(
              std::unique_ptr<Job>(new TypedJob<R, decltype(handler)>(std::move(work), std::move(handler))));
        },
        boost::asio::use_awaitable);
  }

  // Work queued or running now.
  std::size_t InFlight() const;
  // Finishes the queued work and joins the threads; later Run calls answer
  // kUnavailable. Idempotent; not to be called from a pool thread.
  void Stop();

 private:
  class Job {
   public:
    virtual ~Job() = default;
    virtual void Run() = 0;
    virtual void Refuse(Error error) = 0;
  };

  template <typename R, typename Handler>
  class TypedJob final : public Job {
   public:
    TypedJob(std::function<R()> work, Handler handler)
        : work_(std::move(work)),
          handler_(std::move(handler)),
          work_guard_(boost::asio::get_associated_executor(handler_)) {}
    void Run() override {
      R result = work_();
      work_ = nullptr;  // what the work captured goes now, not when resumed
      Deliver(std::move(result));
    }
    void Refuse(Error error) override { Deliver(R(std::move(error))); }

   private:
    void Deliver(R result) {
      auto executor = work_guard_.get_executor();
      boost::asio::post(executor, [handler = std::move(handler_), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
      work_guard_.reset();
    }
    std::function<R()> work_;
    Handler handler_;
    boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work_guard_;
  };

  void Enqueue(std::unique_ptr<Job> job);
  void Loop();

  const std::string name_;
  const std::size_t max_waiting_;
  const std::function<void()> on_thread_exit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> queue_;  // guarded by mutex_
  std::size_t running_ = 0;                 // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::mutex stop_mutex_;                   // one Stop joins
  std::vector<std::thread> threads_;
};

}  // namespace wdrbe
