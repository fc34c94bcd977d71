// Reads of the embedded store run on the thread that awaits them, each
// thread with a read-only connection of its own (opened at its first read,
// prepared statements cached on it). WAL readers never wait for the writer,
// and a bounded read of a warm database takes microseconds, less than the
// two thread hand-offs a reader pool costs (see docs/performance.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "wdrbe/base/faults.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

class InlineReaders {
 public:
  // `faults` (optional) may fail reads at kFaultStoreRead.
  InlineReaders(std::string path, std::shared_ptr<const FaultInjector> faults);
  ~InlineReaders();  // Stop()s, then closes every thread's connection
  InlineReaders(const InlineReaders&) = delete;
  InlineReaders& operator=(const InlineReaders&) = delete;

  // Runs `work(Connection&)` on the awaiting thread when awaited. R is
  // Status or Result<T>.
  template <typename R, typename Work>
  Task<R> Submit(Work work) {
    Lease lease(*this);
    if (!lease.connection.ok()) co_return R(lease.connection.error());
    co_return work(**lease.connection);
  }

  // Waits for reads in progress; later reads fail with kUnavailable.
  // Idempotent.
  void Stop();

 private:
  // A read in progress on this thread's connection; Stop waits for it.
  struct Lease {
    explicit Lease(InlineReaders& readers);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    InlineReaders& readers;
    Result<Connection*> connection;
  };

  Result<Connection*> ConnectionOfThisThread();

  const std::uint64_t id_;  // unique per instance, so a thread's cache never confuses two
  const std::string path_;
  const std::shared_ptr<const FaultInjector> faults_;
  std::atomic<int> reads_in_progress_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> connections_;  // guarded by mutex_
};

}  // namespace wdrbe::sqlite
