// The single writer of the embedded store. One thread owns the write
// connection; concurrent requests' writes are queued and committed together
// in one transaction (group commit), so the cost of a durable commit (an
// fsync with synchronous=FULL) is shared by everyone waiting. Each job runs
// inside its own SAVEPOINT, so a job that fails is rolled back alone and
// never fails its batch-mates. A job's result is delivered only after the
// transaction that holds it is committed (or failed).
//
// A failure of the storage itself (kUnavailable: SQLITE_FULL, SQLITE_IOERR,
// a lock, a read-only file; or SQLite rolling the whole transaction back on
// its own, as it may after SQLITE_FULL or SQLITE_IOERR) in any job abandons
// the batch: it is rolled back and every job of it is answered with that
// kUnavailable error (503 with Retry-After), whatever it returned, since
// what it read may include batch-mates' writes that are now gone. No job is
// retried alone: a full disk fails the retry too, and clients retry
// (idempotently, with their keys). Nothing commits outside the writer's own
// COMMIT: a statement that would autocommit after SQLite dropped the
// transaction is refused (a commit hook), so a half batch never lands.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wdrbe/base/faults.hpp"
#include "wdrbe/storage/sqlite/db_job.hpp"

namespace wdrbe::sqlite {

// Jobs per transaction at most, so one commit never holds many requests
// hostage and memory stays bounded.
inline constexpr std::size_t kMaxWriteBatch = 512;

class GroupCommitWriter {
 public:
  // Takes ownership of an open read-write connection and starts the thread.
  // `faults` (optional) can fail transactions before commit (store.write),
  // or make a job's write fail as a full disk does (store.disk_full).
  // `on_activities_committed` (optional) hears, on the writer thread after
  // each commit, the users whose activities it added (Connection's notes).
  using ActivitiesCommitted = std::function<void(const std::vector<std::string>& user_ids)>;
  static std::unique_ptr<GroupCommitWriter> Start(std::unique_ptr<Connection> connection,
                                                  std::shared_ptr<const FaultInjector> faults = nullptr,
                                                  ActivitiesCommitted on_activities_committed = nullptr);
  ~GroupCommitWriter();  // Stop()s
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Runs `work` on the writer thread inside a write transaction; thread-safe.
  // R is Status or Result<T>.
  template <typename R>
  Task<R> Submit(DbWork<R> work) {
    return AwaitDbJob<R>([this](std::unique_ptr<DbJob> job) { Enqueue(std::move(job)); }, std::move(work));
  }

  // Finishes every queued job, then joins the thread. Jobs submitted after
  // Stop complete with kUnavailable. Idempotent.
  void Stop();

 private:
  GroupCommitWriter(std::unique_ptr<Connection> connection, std::shared_ptr<const FaultInjector> faults,
                    ActivitiesCommitted on_activities_committed)
      : connection_(std::move(connection)),
        faults_(std::move(faults)),
        on_activities_committed_(std::move(on_activities_committed)) {}
  void Enqueue(std::unique_ptr<DbJob> job);
  void Loop();
  void CommitBatch(std::deque<std::unique_ptr<DbJob>>& batch);
  // Runs the batch's jobs inside the open transaction; the error that
  // abandons the batch, if one does.
  Status RunJobs(std::deque<std::unique_ptr<DbJob>>& batch);
  static int AllowOnlyOurCommit(void* writer);

  std::unique_ptr<Connection> connection_;  // used only by thread_
  std::shared_ptr<const FaultInjector> faults_;
  const ActivitiesCommitted on_activities_committed_;
  bool committing_ = false;  // used only by thread_: inside our own COMMIT
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<DbJob>> queue_;  // guarded by mutex_
  bool stopping_ = false;                     // guarded by mutex_
  std::thread thread_;
};

}  // namespace wdrbe::sqlite
