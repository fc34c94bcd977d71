// Where the embedded store's reads run: on the awaiting thread (the
// default; see InlineReaders), or on a pool of reader threads (ReadPool),
// for disks where a read may stall long enough to hold up a network thread.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "wdrbe/storage/sqlite/inline_readers.hpp"
#include "wdrbe/storage/sqlite/read_pool.hpp"

namespace wdrbe::sqlite {

class Readers {
 public:
  // `threads` 0: inline; otherwise a pool of that many reader threads.
  static Result<std::unique_ptr<Readers>> Start(const std::string& path, int threads,
                                                std::shared_ptr<const FaultInjector> faults);

  // Runs `work(Connection&)` on a read-only connection. R is Status or
  // Result<T>.
  template <typename R, typename Work>
  Task<R> Submit(Work work) {
    if (pool_) return pool_->Submit<R>(DbWork<R>(std::move(work)));
    return inline_->Submit<R>(std::move(work));
  }

  // Finishes reads in progress; later reads fail with kUnavailable.
  // Idempotent.
  void Stop();

 private:
  Readers() = default;
  std::unique_ptr<ReadPool> pool_;         // set when reads run on reader threads
  std::unique_ptr<InlineReaders> inline_;  // set otherwise
};

}  // namespace wdrbe::sqlite
