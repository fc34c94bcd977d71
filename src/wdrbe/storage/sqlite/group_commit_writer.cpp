#include "wdrbe/storage/sqlite/group_commit_writer.hpp"

#include <sqlite3.h>

namespace wdrbe::sqlite {
namespace {

// What SQLite does on SQLITE_FULL in the middle of a transaction, at worst:
// the statement fails and the whole transaction is rolled back.
Status SimulateDiskFull(Connection& db) {
  (void)db.Exec("ROLLBACK");
  return Error::Unavailable("database or disk is full (injected fault: store.disk_full)");
}

// The error that abandons the batch after a job returned `outcome`, if any.
Status StorageFailure(Connection& db, const Status& outcome) {
  if (sqlite3_get_autocommit(db.handle()) != 0) {
    return Error::Unavailable("the write transaction was rolled back by SQLite" +
                              (outcome.ok() ? std::string() : ": " + outcome.error().message));
  }
  if (!outcome.ok() && outcome.error().code == ErrorCode::kUnavailable) return outcome;
  return Status::Ok();
}

// The writer's own savepoint statements fail only when the transaction
// under them is gone or replaced (SQLite rolled it back, a job ended it):
// the batch cannot be committed, and no job of it is at fault.
Status TransactionLost(const Status& failed) {
  return Error::Unavailable("the write transaction was lost: " + failed.error().message);
}

}  // namespace

std::unique_ptr<GroupCommitWriter> GroupCommitWriter::Start(std::unique_ptr<Connection> connection,
                                                            std::shared_ptr<const FaultInjector> faults,
                                                            ActivitiesCommitted on_activities_committed) {
  std::unique_ptr<GroupCommitWriter> writer(
      new GroupCommitWriter(std::move(connection), std::move(faults), std::move(on_activities_committed)));
  sqlite3_commit_hook(writer->connection_->handle(), &GroupCommitWriter::AllowOnlyOurCommit, writer.get());
  writer->thread_ = std::thread([w = writer.get()] { w->Loop(); });
  return writer;
}

GroupCommitWriter::~GroupCommitWriter() { Stop(); }

void GroupCommitWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void GroupCommitWriter::Enqueue(std::unique_ptr<DbJob> job) {
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

void GroupCommitWriter::Loop() {
  std::deque<std::unique_ptr<DbJob>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < kMaxWriteBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
    batch.clear();
  }
}

int GroupCommitWriter::AllowOnlyOurCommit(void* writer) {
  // Non-zero turns the commit into a rollback.
  return static_cast<GroupCommitWriter*>(writer)->committing_ ? 0 : 1;
}

Status GroupCommitWriter::RunJobs(std::deque<std::unique_ptr<DbJob>>& batch) {
  Connection& db = *connection_;
  for (auto& job : batch) {
    if (Status s = db.Run("SAVEPOINT job"); !s.ok()) return TransactionLost(s);
    Status outcome = job->Run(db);
    if (outcome.ok() && faults_ && faults_->ShouldFail(kFaultStoreDiskFull)) outcome = SimulateDiskFull(db);
    if (Status failure = StorageFailure(db, outcome); !failure.ok()) return failure;
    // A job that failed on its own leaves no trace; its batch-mates keep
    // their changes.
    if (!outcome.ok()) {
      if (Status s = db.Run("ROLLBACK TO job"); !s.ok()) return TransactionLost(s);
    }
    if (Status s = db.Run("RELEASE job"); !s.ok()) return TransactionLost(s);
  }
  return Status::Ok();
}

void GroupCommitWriter::CommitBatch(std::deque<std::unique_ptr<DbJob>>& batch) {
  Connection& db = *connection_;
  Status status = db.Exec("BEGIN IMMEDIATE");
  if (status.ok()) status = RunJobs(batch);
  if (status.ok() && faults_ && faults_->ShouldFail(kFaultStoreWrite)) {
    status = Error::Unavailable("injected fault: store.write");
  }
  if (status.ok()) {
    committing_ = true;
    status = db.Exec("COMMIT");
    committing_ = false;
  }
  if (!status.ok() && sqlite3_get_autocommit(db.handle()) == 0) (void)db.Exec("ROLLBACK");
  // Streams are woken before the jobs answer: by the time a client has its
  // create's response, its streams are already reading the activity.
  const std::vector<std::string> activity_users = db.TakeNewActivityNotes();
  if (status.ok() && on_activities_committed_ && !activity_users.empty())
    on_activities_committed_(activity_users);
  for (auto& job : batch) {
    if (!status.ok() && status.error().code == ErrorCode::kUnavailable) {
      job->Abort(status.error());
    } else {
      job->Complete(status);
    }
  }
}

}  // namespace wdrbe::sqlite
