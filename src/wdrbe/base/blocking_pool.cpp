#include "wdrbe/base/blocking_pool.hpp"

#include <optional>

namespace wdrbe {

BlockingPool::BlockingPool(std::string name, int threads, std::size_t max_waiting,
                           std::function<void()> on_thread_exit)
    : name_(std::move(name)), max_waiting_(max_waiting), on_thread_exit_(std::move(on_thread_exit)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

BlockingPool::~BlockingPool() { Stop(); }

void BlockingPool::Enqueue(std::unique_ptr<Job> job) {
  std::optional<Error> refusal;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refusal = Error::Unavailable(name_ + " are stopping");
    } else if (queue_.size() >= max_waiting_) {
      refusal = Error::Unavailable(name_ + " are busy");
    } else {
      queue_.push_back(std::move(job));
    }
  }
  if (refusal) {
    job->Refuse(std::move(*refusal));
    return;
  }
  wake_.notify_one();
}

void BlockingPool::Loop() {
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    job->Run();
    job.reset();
    std::lock_guard lock(mutex_);
    --running_;
  }
  if (on_thread_exit_) on_thread_exit_();
}

std::size_t BlockingPool::InFlight() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + running_;
}

void BlockingPool::Stop() {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace wdrbe
