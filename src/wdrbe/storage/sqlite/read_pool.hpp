// Reader threads of the embedded store, each owning a read-only connection
// (WAL lets them read while the writer commits). Reads are queued to the
// pool and awaited, so network threads never block on SQLite.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wdrbe/base/faults.hpp"
#include "wdrbe/storage/sqlite/db_job.hpp"

namespace wdrbe::sqlite {

class ReadPool {
 public:
  // Opens `size` read-only connections to `path` and starts one thread each.
  // `faults` (optional) may fail reads at kFaultStoreRead.
  static Result<std::unique_ptr<ReadPool>> Start(const std::string& path, int size,
                                                 std::shared_ptr<const FaultInjector> faults = nullptr);
  ~ReadPool();  // Stop()s
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  // Runs `work` on a reader thread; thread-safe.
  // R is Status or Result<T>.
  template <typename R>
  Task<R> Submit(DbWork<R> work) {
    return AwaitDbJob<R>([this](std::unique_ptr<DbJob> job) { Enqueue(std::move(job)); }, std::move(work));
  }

  // Finishes queued reads and joins the threads. Idempotent.
  void Stop();

 private:
  ReadPool() = default;
  void Enqueue(std::unique_ptr<DbJob> job);
  void Loop(Connection& connection);

  std::vector<std::unique_ptr<Connection>> connections_;  // one per thread
  std::shared_ptr<const FaultInjector> faults_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<DbJob>> queue_;  // guarded by mutex_
  bool stopping_ = false;                     // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace wdrbe::sqlite
