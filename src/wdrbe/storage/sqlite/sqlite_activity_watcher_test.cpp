// The embedded store's activity stream on a real database file: streams
// follow commit order (not the activities' timestamps), resume exactly
// after any activity, wake as soon as a commit lands, hand over bounded
// deliveries, and a database from before the stream gets its activities
// numbered by the migration.
#include "wdrbe/storage/sqlite/sqlite_activity_watcher.hpp"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "testing/activity_commands.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/storage/sqlite/migrations.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe::sqlite {
namespace {

using namespace std::chrono_literals;
using wdrbe::testing::ActivityIdAt;
using wdrbe::testing::CreateWithActivityAt;
using wdrbe::testing::RunTask;

constexpr std::int64_t kT = 1'764'064'800'000;

std::vector<std::string> IdsOf(const std::vector<Activity>& activities) {
  std::vector<std::string> ids;
  for (const Activity& activity : activities) ids.push_back(activity.activity_id);
  return ids;
}

class SqliteActivityWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto database = Database::Open(DatabaseOptions{path_, Connection::Durability::kNormal, 0, nullptr});
    ASSERT_TRUE(database.ok()) << database.error().message;
    database_ = std::move(*database);
    store_ = std::make_unique<SqliteItemStore>(database_);
    watcher_ = std::make_unique<SqliteActivityWatcher>(database_);
  }

  void Create(const std::string& user_id, std::int64_t ts, std::uint8_t n) {
    auto created = RunTask(store_->CreateItem(CreateWithActivityAt(user_id, ts, n)));
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  // Subscribes as `user_id` after `last_event_id`, then takes deliveries
  // until one comes back empty (nothing more within `wait`).
  std::vector<std::string> StreamedIds(const std::string& user_id, std::optional<std::string> last_event_id,
                                       std::chrono::milliseconds wait = 20ms) {
    return RunTask([&]() -> Task<std::vector<std::string>> {
      auto executor = co_await boost::asio::this_coro::executor;
      auto subscription = co_await watcher_->Subscribe(user_id, last_event_id, executor);
      EXPECT_TRUE(subscription.ok()) << subscription.error().message;
      std::vector<std::string> ids;
      if (!subscription.ok()) co_return ids;
      for (;;) {
        auto delivery = co_await (*subscription)->Next(wait);
        EXPECT_TRUE(delivery.ok());
        if (!delivery.ok() || delivery->empty()) break;
        for (const std::string& id : IdsOf(*delivery)) ids.push_back(id);
      }
      co_return ids;
    }());
  }

  wdrbe::testing::TempDir dir_;
  const std::string path_ = (dir_.path() / "wdrbe.db").string();
  std::shared_ptr<Database> database_;
  std::unique_ptr<SqliteItemStore> store_;
  std::unique_ptr<SqliteActivityWatcher> watcher_;
};

TEST_F(SqliteActivityWatcherTest, ResumesExactlyAfterAnActivityInCommitOrderWhateverTheTimestamps) {
  // Committed in this order, with timestamps that disagree (two processes'
  // clocks, or a request that waited for the writer).
  Create("usr_a", kT + 2000, 1);
  Create("usr_a", kT + 1000, 2);
  Create("usr_a", kT + 3000, 3);
  Create("usr_b", kT + 1500, 4);
  const std::string a = ActivityIdAt(kT + 2000, 1), b = ActivityIdAt(kT + 1000, 2),
                    c = ActivityIdAt(kT + 3000, 3);
  EXPECT_EQ(StreamedIds("usr_a", a), (std::vector<std::string>{b, c}));
  EXPECT_EQ(StreamedIds("usr_a", b), (std::vector<std::string>{c}));
  EXPECT_TRUE(StreamedIds("usr_a", c).empty());
  EXPECT_TRUE(StreamedIds("usr_b", ActivityIdAt(kT + 1500, 4)).empty()) << "another user's activities";
}

TEST_F(SqliteActivityWatcherTest, AnIdThatIsNoneOfTheUsersActivitiesResumesAfterItsTime) {
  Create("usr_a", kT + 1000, 1);
  Create("usr_a", kT + 3000, 2);
  Create("usr_b", kT + 2000, 3);
  EXPECT_EQ(StreamedIds("usr_a", ActivityIdAt(kT + 2000, 9)),
            (std::vector<std::string>{ActivityIdAt(kT + 3000, 2)}));
  EXPECT_EQ(StreamedIds("usr_a", ActivityIdAt(kT + 2000, 3)),
            (std::vector<std::string>{ActivityIdAt(kT + 3000, 2)}))
      << "usr_b's activity is not a position in usr_a's stream";
  EXPECT_EQ(StreamedIds("usr_a", ActivityIdAt(kT, 0)).size(), 2u);
}

TEST_F(SqliteActivityWatcherTest, ANewSubscriptionStartsAfterTheNewestAndWakesOnTheNextCommit) {
  Create("usr_a", kT + 1000, 1);
  const auto elapsed = RunTask([&]() -> Task<std::chrono::steady_clock::duration> {
    auto executor = co_await boost::asio::this_coro::executor;
    auto subscription = co_await watcher_->Subscribe("usr_a", std::nullopt, executor);
    EXPECT_TRUE(subscription.ok());
    // The create commits on the writer thread while Next waits.
    std::thread creator([&] {
      std::this_thread::sleep_for(50ms);
      Create("usr_a", kT + 2000, 2);
    });
    const auto started = std::chrono::steady_clock::now();
    auto delivery = co_await (*subscription)->Next(10s);
    const auto waited = std::chrono::steady_clock::now() - started;
    creator.join();
    EXPECT_TRUE(delivery.ok());
    if (delivery.ok()) {
      EXPECT_EQ(IdsOf(*delivery), (std::vector<std::string>{ActivityIdAt(kT + 2000, 2)}));
    }
    co_return waited;
  }());
  EXPECT_LT(elapsed, 5s) << "woken by the commit, not by the end of the wait";
}

TEST_F(SqliteActivityWatcherTest, InterruptEndsAWaitAtOnceAndEveryLaterOne) {
  RunTask([&]() -> Task<void> {
    auto executor = co_await boost::asio::this_coro::executor;
    auto subscription = co_await watcher_->Subscribe("usr_a", std::nullopt, executor);
    EXPECT_TRUE(subscription.ok());
    std::thread interrupter([&] {
      std::this_thread::sleep_for(30ms);
      (*subscription)->Interrupt();
    });
    const auto started = std::chrono::steady_clock::now();
    auto delivery = co_await (*subscription)->Next(10s);
    interrupter.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_TRUE(delivery.ok() && delivery->empty());
    auto later = co_await (*subscription)->Next(10s);
    EXPECT_TRUE(later.ok() && later->empty());
  }());
}

TEST_F(SqliteActivityWatcherTest, DeliveriesAreBoundedSoAClientFarBehindCatchesUpInSteps) {
  for (int i = 0; i < 250; ++i) Create("usr_a", kT + i, 1);
  std::vector<std::size_t> sizes = RunTask([&]() -> Task<std::vector<std::size_t>> {
    auto executor = co_await boost::asio::this_coro::executor;
    auto subscription = co_await watcher_->Subscribe("usr_a", ActivityIdAt(kT - 1, 0), executor);
    std::vector<std::size_t> result;
    for (;;) {
      auto delivery = co_await (*subscription)->Next(20ms);
      if (!delivery.ok() || delivery->empty()) break;
      result.push_back(delivery->size());
    }
    co_return result;
  }());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{100, 100, 50}));
}

TEST(SqliteActivityMigrationTest, ActivitiesFromBeforeTheStreamAreNumberedPerUserInTheFeedsOrder) {
  wdrbe::testing::TempDir dir;
  const std::string path = (dir.path() / "wdrbe.db").string();
  {
    auto connection = Connection::Open(path, Connection::Mode::kReadWrite, Connection::Durability::kFull);
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE(ApplyMigrationsUpTo(**connection, 5).ok());
    const std::string rows =
        "INSERT INTO activities VALUES ('" + ActivityIdAt(kT + 2000, 1) +
        "', 'usr_a', 'ItemCreated', 'i1', 'Coat', " + std::to_string(kT + 2000) + ", '{}'), ('" +
        ActivityIdAt(kT + 1000, 2) + "', 'usr_a', 'ItemCreated', 'i2', 'Coat', " + std::to_string(kT + 1000) +
        ", '{}'), ('" + ActivityIdAt(kT + 1500, 3) + "', 'usr_b', 'ItemCreated', 'i3', 'Coat', " +
        std::to_string(kT + 1500) + ", '{}')";
    ASSERT_TRUE((*connection)->Exec(rows).ok());
  }
  auto database = Database::Open(DatabaseOptions{path, Connection::Durability::kFull, 0, nullptr});
  ASSERT_TRUE(database.ok()) << database.error().message;
  SqliteItemStore store(*database);
  ASSERT_TRUE(RunTask(store.CreateItem(CreateWithActivityAt("usr_a", kT + 500, 4))).ok());
  SqliteActivityWatcher watcher(*database);
  const auto streamed_after = [&](const std::string& user_id, const std::string& id) {
    return RunTask([&]() -> Task<std::vector<std::string>> {
      auto executor = co_await boost::asio::this_coro::executor;
      auto subscription = co_await watcher.Subscribe(user_id, id, executor);
      EXPECT_TRUE(subscription.ok());
      auto delivery = co_await (*subscription)->Next(20ms);
      co_return delivery.ok() ? IdsOf(*delivery) : std::vector<std::string>{};
    }());
  };
  // Numbered in the feed's order (1000, 2000), then the new one after them.
  EXPECT_EQ(streamed_after("usr_a", ActivityIdAt(kT + 1000, 2)),
            (std::vector<std::string>{ActivityIdAt(kT + 2000, 1), ActivityIdAt(kT + 500, 4)}));
  EXPECT_TRUE(streamed_after("usr_b", ActivityIdAt(kT + 1500, 3)).empty());
}

}  // namespace
}  // namespace wdrbe::sqlite
