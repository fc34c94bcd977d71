// InlineReaders: a read runs on the thread that awaits it, each thread on a
// read-only connection of its own, and Stop waits for reads in progress.
#include "wdrbe/storage/sqlite/inline_readers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "contract/contract_assertions.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/storage/sqlite/database.hpp"

namespace wdrbe::sqlite {
namespace {

using wdrbe::testing::RunTask;

// The SQLite handle a read ran on, and the thread it ran on.
struct ReadSite {
  sqlite3* handle = nullptr;
  std::thread::id thread;
};

Task<Result<ReadSite>> WhereReadsRun(InlineReaders& readers) {
  return readers.Submit<Result<ReadSite>>([](Connection& db) -> Result<ReadSite> {
    return ReadSite{db.handle(), std::this_thread::get_id()};
  });
}

class InlineReadersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.path = path_;
    options.durability = Connection::Durability::kNormal;
    auto database = Database::Open(options);  // creates the file and its schema
    ASSERT_TRUE(database.ok()) << database.error().message;
    database_ = std::move(*database);
  }

  wdrbe::testing::TempDir dir_;
  std::string path_ = (dir_.path() / "wdrbe.db").string();
  std::shared_ptr<Database> database_;
};

TEST_F(InlineReadersTest, AReadRunsOnTheAwaitingThreadAndEachThreadKeepsItsOwnConnection) {
  InlineReaders readers(path_, nullptr);
  auto first = RunTask(WhereReadsRun(readers));
  auto again = RunTask(WhereReadsRun(readers));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->thread, std::this_thread::get_id());
  EXPECT_EQ(first->handle, again->handle) << "the thread's connection is opened once and kept";

  Result<ReadSite> other = Error::Internal("not run");
  std::thread([&] { other = RunTask(WhereReadsRun(readers)); }).join();
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_NE(other->handle, first->handle) << "two threads never share a connection";
}

TEST_F(InlineReadersTest, ConnectionsAreReadOnly) {
  InlineReaders readers(path_, nullptr);
  Status write = RunTask(readers.Submit<Status>([](Connection& db) { return db.Exec("DELETE FROM items"); }));
  EXPECT_FALSE(write.ok());
}

TEST_F(InlineReadersTest, AReadSeesWhatTheWriterCommitted) {
  InlineReaders readers(path_, nullptr);
  auto count = [&] {
    return RunTask(readers.Submit<Result<std::int64_t>>([](Connection& db) -> Result<std::int64_t> {
      auto stmt = db.Prepare("SELECT count(*) FROM items");
      if (!stmt.ok()) return stmt.error();
      if (auto step = (*stmt)->Step(); !step.ok()) return step.error();
      return (*stmt)->ColumnInt(0);
    }));
  };
  ASSERT_EQ(count().value(), 0);  // this thread's connection is open now
  Status inserted = RunTask(database_->writer().Submit<Status>([](Connection& db) {
    return db.Exec(
        "INSERT INTO items (item_id, user_id, name, category, shared_count, is_public, created_at, "
        "updated_at) "
        "VALUES ('itm_1', 'alice', 'Tee', 'tops', 0, 0, 1, 1)");
  }));
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_EQ(count().value(), 1);
}

TEST_F(InlineReadersTest, StopWaitsForAReadInProgressAndLaterReadsAreUnavailable) {
  InlineReaders readers(path_, nullptr);
  std::promise<void> reading;
  std::atomic<bool> release{false};
  std::atomic<bool> read_finished{false};
  std::thread reader([&] {
    Status s = RunTask(readers.Submit<Status>([&](Connection&) {
      reading.set_value();
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      read_finished.store(true);
      return Status::Ok();
    }));
    EXPECT_TRUE(s.ok());
  });
  reading.get_future().wait();
  auto stopped = std::async(std::launch::async, [&] {
    readers.Stop();
    return read_finished.load();
  });
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout)
      << "Stop returned while a read was in progress";
  release.store(true);
  EXPECT_TRUE(stopped.get()) << "Stop returned before the read finished";
  reader.join();

  EXPECT_TRUE(FailedWith(RunTask(WhereReadsRun(readers)), ErrorCode::kUnavailable));
}

TEST_F(InlineReadersTest, TheStoreReadFaultFailsReadsWithUnavailable) {
  auto faults = FaultInjector::Parse("store.read=1");
  ASSERT_TRUE(faults.ok());
  InlineReaders readers(path_, *faults);
  EXPECT_TRUE(FailedWith(RunTask(WhereReadsRun(readers)), ErrorCode::kUnavailable));
}

}  // namespace
}  // namespace wdrbe::sqlite
