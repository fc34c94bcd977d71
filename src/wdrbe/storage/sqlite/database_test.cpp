// Database: the durability it is opened with is the durability its commits
// get. Only the writer's connection commits, so that is where `PRAGMA
// synchronous` has to say it: FULL (2) syncs the WAL on every commit, so an
// acknowledged write survives a power cut; NORMAL (1) syncs only at
// checkpoints, and the last commits may be lost. Nothing else tells the two
// apart short of pulling the plug, so the setting itself is what is checked.
#include "wdrbe/storage/sqlite/database.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"

namespace wdrbe::sqlite {
namespace {

using wdrbe::testing::RunTask;

// SQLite's numbers for the levels of `PRAGMA synchronous`.
constexpr std::int64_t kSynchronousNormal = 1;
constexpr std::int64_t kSynchronousFull = 2;

// `PRAGMA synchronous` of the writer's connection of a Database opened on a
// fresh file with `durability`. Read by a job on the writer thread: that
// connection belongs to the thread, and a connection opened beside it would
// show only its own setting.
std::int64_t WriterSynchronous(Connection::Durability durability) {
  wdrbe::testing::TempDir dir;
  DatabaseOptions options;
  options.path = (dir.path() / "wdrbe.db").string();
  options.durability = durability;
  options.read_connections = 1;
  auto database = Database::Open(options);
  if (!database.ok()) throw std::runtime_error("cannot open the database: " + database.error().message);
  auto synchronous =
      RunTask((*database)->writer().Submit<Result<std::int64_t>>([](Connection& db) -> Result<std::int64_t> {
        auto stmt = db.Prepare("PRAGMA synchronous");
        if (!stmt.ok()) return stmt.error();
        auto step = (*stmt)->Step();
        if (!step.ok()) return step.error();
        if (*step != Statement::StepResult::kRow) return Error::Internal("PRAGMA synchronous gave no row");
        return (*stmt)->ColumnInt(0);
      }));
  (*database)->Close();
  if (!synchronous.ok()) throw std::runtime_error("cannot read the pragma: " + synchronous.error().message);
  return *synchronous;
}

TEST(DatabaseDurabilityTest, FullDurabilitySyncsTheWriterOnEveryCommit) {
  EXPECT_EQ(WriterSynchronous(Connection::Durability::kFull), kSynchronousFull);
}

TEST(DatabaseDurabilityTest, NormalDurabilitySyncsTheWriterOnlyAtCheckpoints) {
  EXPECT_EQ(WriterSynchronous(Connection::Durability::kNormal), kSynchronousNormal);
}

}  // namespace
}  // namespace wdrbe::sqlite
