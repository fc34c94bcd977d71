#include "wdrbe/storage/sqlite/group_commit_writer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"

namespace wdrbe::sqlite {
namespace {

using wdrbe::testing::RunAll;
using wdrbe::testing::RunTask;

::testing::AssertionResult Succeeded(const Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "failed: " << status.error().message;
}

template <typename T>
::testing::AssertionResult Succeeded(const Result<T>& result) {
  return Succeeded(result.status());
}

std::unique_ptr<Connection> OpenOrDie(const std::string& path, Connection::Mode mode) {
  auto connection = Connection::Open(path, mode, Connection::Durability::kFull);
  if (!connection.ok()) throw std::runtime_error(connection.error().message);
  return std::move(*connection);
}

Result<std::int64_t> CountRows(Connection& db, const std::string& table) {
  auto stmt = db.Prepare("SELECT count(*) FROM " + table);
  if (!stmt.ok()) return stmt.error();
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  return (*stmt)->ColumnInt(0);
}

Status InsertLogRow(Connection& db, std::int64_t job) {
  auto stmt = db.Prepare("INSERT INTO log (job) VALUES (?1)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, job);
  return (*stmt)->Run();
}

// Each test gets a database file with a `log` table that jobs append to, a
// writer over it, and an `observer`: a second, read-only connection that
// jobs use (on the writer thread) to count the rows committed so far. Jobs
// of one transaction all observe the same count, and a later transaction
// observes a larger one, so the distinct counts are the transactions.
class GroupCommitWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (dir_.path() / "writer.db").string();
    auto connection = OpenOrDie(path_, Connection::Mode::kReadWrite);
    ASSERT_TRUE(Succeeded(connection->Exec(
        "CREATE TABLE log (job INTEGER PRIMARY KEY);"
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);")));
    observer_ = OpenOrDie(path_, Connection::Mode::kReadOnly);
    writer_ = GroupCommitWriter::Start(std::move(connection));
  }

  GroupCommitWriter& writer() { return *writer_; }

  // Appends `job` to the log; yields the number of rows committed before
  // the job's transaction.
  DbWork<Result<std::int64_t>> AppendJob(std::int64_t job) {
    return [job, observer = observer_.get()](Connection& db) -> Result<std::int64_t> {
      if (Status s = InsertLogRow(db, job); !s.ok()) return s.error();
      return CountRows(*observer, "log");
    };
  }

  std::vector<Task<Result<std::int64_t>>> AppendJobs(std::int64_t count) {
    std::vector<Task<Result<std::int64_t>>> tasks;
    for (std::int64_t job = 0; job < count; ++job)
      tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(job)));
    return tasks;
  }

  // What a fresh reader sees: the committed jobs, in order.
  std::vector<std::int64_t> CommittedJobs() const {
    auto reader = OpenOrDie(path_, Connection::Mode::kReadOnly);
    auto stmt = reader->Prepare("SELECT job FROM log ORDER BY job");
    if (!stmt.ok()) throw std::runtime_error(stmt.error().message);
    std::vector<std::int64_t> jobs;
    for (;;) {
      auto step = (*stmt)->Step();
      if (!step.ok()) throw std::runtime_error(step.error().message);
      if (*step == Statement::StepResult::kDone) return jobs;
      jobs.push_back((*stmt)->ColumnInt(0));
    }
  }

  wdrbe::testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<Connection> observer_;  // used only by jobs, on the writer thread
  std::unique_ptr<GroupCommitWriter> writer_;
};

// Keeps the writer thread busy inside a one-job transaction until Release(),
// so that everything submitted meanwhile queues up behind it.
class WriterHold {
 public:
  explicit WriterHold(GroupCommitWriter& writer) {
    std::future<void> running = running_.get_future();
    std::shared_future<void> released = release_.get_future().share();
    thread_ = std::thread([this, &writer, released] {
      auto result = RunTask(writer.Submit<Result<bool>>([this, released](Connection&) -> Result<bool> {
        running_.set_value();
        released.wait();
        return true;
      }));
      (void)result;
    });
    running.wait();
  }
  ~WriterHold() {
    Release();
    thread_.join();
  }
  WriterHold(const WriterHold&) = delete;
  WriterHold& operator=(const WriterHold&) = delete;

  void Release() {
    if (!released_) release_.set_value();
    released_ = true;
  }

 private:
  std::promise<void> running_;
  std::promise<void> release_;
  bool released_ = false;
  std::thread thread_;
};

std::set<std::int64_t> DistinctValues(const std::vector<Result<std::int64_t>>& results) {
  std::set<std::int64_t> values;
  for (const auto& result : results) {
    if (result.ok()) values.insert(*result);
  }
  return values;
}

std::vector<std::int64_t> Range(std::int64_t begin, std::int64_t end) {
  std::vector<std::int64_t> values;
  for (std::int64_t v = begin; v < end; ++v) values.push_back(v);
  return values;
}

TEST_F(GroupCommitWriterTest, JobsQueuedWhileATransactionRunsAreCommittedTogether) {
  WriterHold hold(writer());
  const auto results = RunAll(AppendJobs(200), [&hold] { hold.Release(); });

  ASSERT_EQ(results.size(), 200u);
  for (const auto& result : results) ASSERT_TRUE(Succeeded(result));
  EXPECT_EQ(DistinctValues(results), (std::set<std::int64_t>{0}))
      << "all 200 jobs should share one transaction";
  EXPECT_EQ(CommittedJobs(), Range(0, 200));
}

TEST_F(GroupCommitWriterTest, ConcurrentDurableCommitsShareTransactions) {
  // No hold: with synchronous=FULL every commit waits for the disk, and
  // the jobs that arrive meanwhile ride on the next commit.
  const auto results = RunAll(AppendJobs(200));

  for (const auto& result : results) ASSERT_TRUE(Succeeded(result));
  EXPECT_LT(DistinctValues(results).size(), 200u);
  EXPECT_EQ(CommittedJobs(), Range(0, 200));
}

TEST_F(GroupCommitWriterTest, ATransactionHoldsAtMostMaxWriteBatchJobsInArrivalOrder) {
  const auto total = static_cast<std::int64_t>(kMaxWriteBatch) + 88;
  WriterHold hold(writer());
  const auto results = RunAll(AppendJobs(total), [&hold] { hold.Release(); });

  ASSERT_EQ(results.size(), static_cast<std::size_t>(total));
  for (std::int64_t job = 0; job < total; ++job) {
    ASSERT_TRUE(Succeeded(results[static_cast<std::size_t>(job)])) << job;
    const auto max_batch = static_cast<std::int64_t>(kMaxWriteBatch);
    const std::int64_t expected = job < max_batch ? 0 : max_batch;
    EXPECT_EQ(*results[static_cast<std::size_t>(job)], expected) << "job " << job;
  }
  EXPECT_EQ(CommittedJobs(), Range(0, total));
}

TEST_F(GroupCommitWriterTest, FailingJobIsRolledBackAloneWhileItsBatchMatesCommit) {
  std::vector<Task<Result<std::int64_t>>> tasks;
  for (std::int64_t job = 0; job < 10; ++job) {
    if (job == 4) {
      // Writes, then fails: its writes must vanish.
      tasks.push_back(writer().Submit<Result<std::int64_t>>([](Connection& db) -> Result<std::int64_t> {
        if (Status s = InsertLogRow(db, 4); !s.ok()) return s.error();
        if (Status s = InsertLogRow(db, 1004); !s.ok()) return s.error();
        return Error{ErrorCode::kConflict, "job 4 refuses", {}};
      }));
    } else if (job == 7) {
      // Fails inside SQLite: job 3 already holds this primary key.
      tasks.push_back(writer().Submit<Result<std::int64_t>>([](Connection& db) -> Result<std::int64_t> {
        Status duplicate = InsertLogRow(db, 3);
        if (duplicate.ok()) return Error::Internal("expected a primary key violation");
        return duplicate.error();
      }));
    } else {
      tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(job)));
    }
  }
  WriterHold hold(writer());
  const auto results = RunAll(std::move(tasks), [&hold] { hold.Release(); });

  ASSERT_FALSE(results[4].ok());
  EXPECT_EQ(results[4].error().code, ErrorCode::kConflict);
  EXPECT_EQ(results[4].error().message, "job 4 refuses");
  ASSERT_FALSE(results[7].ok());
  EXPECT_EQ(results[7].error().code, ErrorCode::kInternal) << results[7].error().message;
  std::set<std::int64_t> transactions;
  for (std::int64_t job : {0, 1, 2, 3, 5, 6, 8, 9}) {
    ASSERT_TRUE(Succeeded(results[static_cast<std::size_t>(job)])) << job;
    transactions.insert(*results[static_cast<std::size_t>(job)]);
  }
  EXPECT_EQ(transactions, (std::set<std::int64_t>{0})) << "the failures shared the batch";
  EXPECT_EQ(CommittedJobs(), (std::vector<std::int64_t>{0, 1, 2, 3, 5, 6, 8, 9}));
}

TEST_F(GroupCommitWriterTest, FailedJobThatWroteNothingLeavesTheBatchIntact) {
  std::vector<Task<Result<std::int64_t>>> tasks;
  tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(1)));
  tasks.push_back(writer().Submit<Result<std::int64_t>>(
      [](Connection&) -> Result<std::int64_t> { return Error::NotFound("nothing to do"); }));
  tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(2)));
  const auto results = RunAll(std::move(tasks));

  EXPECT_TRUE(Succeeded(results[0]));
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Succeeded(results[2]));
  EXPECT_EQ(CommittedJobs(), (std::vector<std::int64_t>{1, 2}));
}

// Submits one append and, the moment its result arrives, looks for the row
// through a connection of its own.
Task<bool> AppendThenLookFromAFreshConnection(GroupCommitWriter& writer, DbWork<Result<std::int64_t>> append,
                                              std::string path, std::int64_t job) {
  Result<std::int64_t> result = co_await writer.Submit<Result<std::int64_t>>(std::move(append));
  if (!result.ok()) co_return false;
  auto reader = OpenOrDie(path, Connection::Mode::kReadOnly);
  auto stmt = reader->Prepare("SELECT count(*) FROM log WHERE job = ?1");
  if (!stmt.ok()) co_return false;
  (*stmt)->Bind(1, job);
  auto step = (*stmt)->Step();
  co_return step.ok() && (*stmt)->ColumnInt(0) == 1;
}

TEST_F(GroupCommitWriterTest, AResultIsDeliveredOnlyOnceItsTransactionIsCommitted) {
  std::vector<Task<bool>> tasks;
  for (std::int64_t job = 0; job < 50; ++job) {
    tasks.push_back(AppendThenLookFromAFreshConnection(writer(), AppendJob(job), path_, job));
  }
  WriterHold hold(writer());
  const std::vector<bool> visible = RunAll(std::move(tasks), [&hold] { hold.Release(); });

  for (std::size_t job = 0; job < visible.size(); ++job) EXPECT_TRUE(visible[job]) << "job " << job;
}

TEST_F(GroupCommitWriterTest, FailedCommitFailsEveryJobOfTheBatchAndWritesNothing) {
  // A deferred foreign key passes every statement and fails at COMMIT.
  std::vector<Task<Result<std::int64_t>>> tasks;
  for (std::int64_t job = 0; job < 5; ++job)
    tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(job)));
  tasks.push_back(writer().Submit<Result<std::int64_t>>([](Connection& db) -> Result<std::int64_t> {
    if (Status s = db.Exec("INSERT INTO child (parent_id) VALUES (42)"); !s.ok()) return s.error();
    return 0;
  }));
  WriterHold hold(writer());
  const auto results = RunAll(std::move(tasks), [&hold] { hold.Release(); });

  for (const auto& result : results) {
    ASSERT_FALSE(result.ok()) << "a job of a failed transaction must not report success";
    EXPECT_EQ(result.error().code, ErrorCode::kInternal) << result.error().message;
  }
  EXPECT_EQ(CommittedJobs(), std::vector<std::int64_t>{});

  // The writer carries on with the next batch.
  EXPECT_TRUE(Succeeded(RunTask(writer().Submit<Result<std::int64_t>>(AppendJob(7)))));
  EXPECT_EQ(CommittedJobs(), (std::vector<std::int64_t>{7}));
}

// --- Storage failures: a full disk, an I/O error --------------------------------------

TEST(SqliteErrorTest, AFullDiskOrAnIoErrorIsUnavailableNotInternal) {
  for (const int rc : {SQLITE_FULL, SQLITE_IOERR, SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC,
                       SQLITE_IOERR_SHORT_READ, SQLITE_BUSY, SQLITE_READONLY}) {
    EXPECT_EQ(SqliteError(nullptr, rc, "step").code, ErrorCode::kUnavailable) << rc;
  }
  for (const int rc : {SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_ERROR, SQLITE_MISUSE}) {
    EXPECT_EQ(SqliteError(nullptr, rc, "step").code, ErrorCode::kInternal) << rc;
  }
}

// Every job of the batch is answered kUnavailable, and none of it is committed.
void ExpectBatchAbandoned(const std::vector<Result<std::int64_t>>& results, std::string_view why) {
  for (std::size_t job = 0; job < results.size(); ++job) {
    ASSERT_FALSE(results[job].ok()) << "job " << job << " reported success";
    EXPECT_EQ(results[job].error().code, ErrorCode::kUnavailable)
        << job << ": " << results[job].error().message;
    EXPECT_NE(results[job].error().message.find(why), std::string::npos) << results[job].error().message;
  }
}

TEST_F(GroupCommitWriterTest, ARealFullDiskInTheMiddleOfABatchAbandonsTheWholeBatch) {
  // The database may grow by two pages only: a big row fills it, as a full
  // disk would (SQLITE_FULL).
  ASSERT_TRUE(Succeeded(RunTask(writer().Submit<Status>(
      [](Connection& db) -> Status { return db.Exec("CREATE TABLE blobs (b BLOB)"); }))));
  std::vector<Task<Result<std::int64_t>>> tasks;
  tasks.push_back(writer().Submit<Result<std::int64_t>>([](Connection& db) -> Result<std::int64_t> {
    auto stmt = db.Prepare("SELECT page_count FROM pragma_page_count");
    if (!stmt.ok()) return stmt.error();
    if (auto step = (*stmt)->Step(); !step.ok()) return step.error();
    const std::int64_t pages = (*stmt)->ColumnInt(0);
    if (Status s = db.Exec("PRAGMA max_page_count = " + std::to_string(pages + 2)); !s.ok()) return s.error();
    return InsertLogRow(db, 100).ok() ? Result<std::int64_t>(0) : Error::Internal("insert");
  }));
  for (std::int64_t job = 0; job < 4; ++job)
    tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(job)));
  tasks.push_back(writer().Submit<Result<std::int64_t>>([](Connection& db) -> Result<std::int64_t> {
    if (Status s = db.Exec("INSERT INTO blobs (b) VALUES (zeroblob(1048576))"); !s.ok()) return s.error();
    return Error::Internal("a megabyte fitted in two pages");
  }));
  for (std::int64_t job = 10; job < 14; ++job)
    tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(job)));
  WriterHold hold(writer());
  const auto results = RunAll(std::move(tasks), [&hold] { hold.Release(); });

  ASSERT_EQ(results.size(), 10u);
  ExpectBatchAbandoned(results, "full");
  EXPECT_EQ(CommittedJobs(), std::vector<std::int64_t>{}) << "half a batch was committed";

  // With room again, the writer carries on.
  ASSERT_TRUE(Succeeded(RunTask(writer().Submit<Status>(
      [](Connection& db) -> Status { return db.Exec("PRAGMA max_page_count = 1073741823"); }))));
  EXPECT_TRUE(Succeeded(RunTask(writer().Submit<Result<std::int64_t>>(AppendJob(7)))));
  EXPECT_EQ(CommittedJobs(), (std::vector<std::int64_t>{7}));
}

TEST_F(GroupCommitWriterTest, TheInjectedFullDiskFailsABatchAfterAJobRanAndCommitsNothing) {
  writer_->Stop();
  auto faults = FaultInjector::Parse("store.disk_full=1");
  ASSERT_TRUE(faults.ok());
  writer_ = GroupCommitWriter::Start(OpenOrDie(path_, Connection::Mode::kReadWrite), *faults);
  std::atomic<int> ran{0};
  std::vector<Task<Result<std::int64_t>>> tasks;
  for (std::int64_t job = 0; job < 6; ++job) {
    tasks.push_back(
        writer().Submit<Result<std::int64_t>>([job, &ran](Connection& db) -> Result<std::int64_t> {
          ++ran;
          if (Status s = InsertLogRow(db, job); !s.ok()) return s.error();
          return job;
        }));
  }
  WriterHold hold(writer());
  const auto results = RunAll(std::move(tasks), [&hold] { hold.Release(); });

  ExpectBatchAbandoned(results, "disk is full (injected fault: store.disk_full)");
  EXPECT_GE(ran.load(), 1) << "the fault strikes after a job wrote";
  EXPECT_EQ(CommittedJobs(), std::vector<std::int64_t>{});
}

// After SQLite rolled the transaction back on its own, a statement runs in
// autocommit mode: it must not commit by itself, half a batch behind it.
TEST_F(GroupCommitWriterTest, NothingCommitsOutsideTheWritersOwnCommit) {
  std::vector<Task<Result<std::int64_t>>> tasks;
  tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(1)));
  tasks.push_back(writer().Submit<Result<std::int64_t>>([](Connection& db) -> Result<std::int64_t> {
    (void)db.Exec("ROLLBACK");         // as SQLite does after SQLITE_IOERR or SQLITE_FULL
    (void)InsertLogRow(db, 2);         // would autocommit
    (void)db.Exec("SAVEPOINT again");  // would start (and RELEASE commit) a transaction
    (void)InsertLogRow(db, 3);
    (void)db.Exec("RELEASE again");
    return 0;
  }));
  tasks.push_back(writer().Submit<Result<std::int64_t>>(AppendJob(4)));
  WriterHold hold(writer());
  const auto results = RunAll(std::move(tasks), [&hold] { hold.Release(); });

  ExpectBatchAbandoned(results, "the write transaction was");
  EXPECT_EQ(CommittedJobs(), std::vector<std::int64_t>{});
  EXPECT_TRUE(Succeeded(RunTask(writer().Submit<Result<std::int64_t>>(AppendJob(9)))));
  EXPECT_EQ(CommittedJobs(), (std::vector<std::int64_t>{9}));
}

TEST_F(GroupCommitWriterTest, StopFinishesQueuedJobsThenRefusesNewOnes) {
  const auto results = RunAll(AppendJobs(100), [this] { writer().Stop(); });
  for (const auto& result : results) EXPECT_TRUE(Succeeded(result));
  EXPECT_EQ(CommittedJobs(), Range(0, 100));

  std::atomic<bool> ran{false};
  const auto late =
      RunTask(writer().Submit<Result<std::int64_t>>([&ran](Connection&) -> Result<std::int64_t> {
        ran = true;
        return 0;
      }));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(ran);
}

TEST_F(GroupCommitWriterTest, StopIsIdempotent) {
  writer().Stop();
  writer().Stop();
  const auto late = RunTask(writer().Submit<Result<std::int64_t>>(AppendJob(1)));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(CommittedJobs(), std::vector<std::int64_t>{});
}

}  // namespace
}  // namespace wdrbe::sqlite
