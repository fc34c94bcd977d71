#include "wdrbe/storage/sqlite/group_commit_writer.hpp"

namespace wdrbe::sqlite {

std::unique_ptr<GroupCommitWriter> GroupCommitWriter::Start(std::unique_ptr<Connection> connection,
                                                            std::shared_ptr<const FaultInjector> faults) {
  std::unique_ptr<GroupCommitWriter> writer(new GroupCommitWriter(std::move(connection), std::move(faults)));
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

void GroupCommitWriter::CommitBatch(std::deque<std::unique_ptr<DbJob>>& batch) {
  Connection& db = *connection_;
  Status status = db.Exec("BEGIN IMMEDIATE");
  if (status.ok()) {
    for (auto& job : batch) {
      if (Status s = db.Run("SAVEPOINT job"); !s.ok()) {
        status = s;
        break;
      }
      const bool ok = job->Run(db);
      // A failed job leaves no trace; its batch-mates keep their changes.
      if (!ok) status = db.Run("ROLLBACK TO job");
      if (status.ok()) status = db.Run("RELEASE job");
      if (!status.ok()) break;
    }
    if (status.ok() && faults_ && faults_->ShouldFail(kFaultStoreWrite)) {
      status = Error::Unavailable("injected fault: store.write");
    }
    if (status.ok()) status = db.Exec("COMMIT");
    if (!status.ok()) (void)db.Exec("ROLLBACK");
  }
  for (auto& job : batch) job->Complete(status);
}

}  // namespace wdrbe::sqlite
