#include "wdrbe/storage/sqlite/read_pool.hpp"

namespace wdrbe::sqlite {

Result<std::unique_ptr<ReadPool>> ReadPool::Start(const std::string& path, int size,
                                                  std::shared_ptr<const FaultInjector> faults) {
  std::unique_ptr<ReadPool> pool(new ReadPool());
  pool->faults_ = std::move(faults);
  for (int i = 0; i < size; ++i) {
    auto connection = Connection::Open(path, Connection::Mode::kReadOnly, Connection::Durability::kFull);
    if (!connection.ok()) return connection.error();
    pool->connections_.push_back(std::move(*connection));
  }
  for (auto& connection : pool->connections_) {
    pool->threads_.emplace_back([p = pool.get(), c = connection.get()] { p->Loop(*c); });
  }
  return pool;
}

ReadPool::~ReadPool() { Stop(); }

void ReadPool::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void ReadPool::Enqueue(std::unique_ptr<DbJob> job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  job->Complete(Error::Unavailable("the store is shutting down"));
}

void ReadPool::Loop(Connection& connection) {
  for (;;) {
    std::unique_ptr<DbJob> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    if (faults_ && faults_->ShouldFail(kFaultStoreRead)) {
      job->Complete(Error::Unavailable("injected fault: store.read"));
      continue;
    }
    (void)job->Run(connection);
    job->Complete(Status::Ok());
  }
}

}  // namespace wdrbe::sqlite
