// The contract every ShareQueue adapter must pass (share_queue.hpp), on a
// FakeClock so lease and backoff timing is exact. The SQLite adapter runs it
// today; another adapter adds one factory to kAdapters.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "testing/fake_clock.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/queue/sqlite/sqlite_share_queue.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe::testing {
namespace {

constexpr std::int64_t kVisibilityMs = 30'000;
const RetryPolicy kPolicy{3, 1000, 60'000};

// The item store and queue of one backend, over the same data.
struct QueueBackend {
  std::shared_ptr<void> keep_alive;
  ItemStore* store = nullptr;
  ShareQueue* queue = nullptr;
};

QueueBackend OpenSqlite(const TempDir& dir, RandomSource& random) {
  sqlite::DatabaseOptions options;
  options.path = (dir.path() / "wdrbe.db").string();
  options.durability = sqlite::Connection::Durability::kNormal;
  auto database = sqlite::Database::Open(options);
  if (!database.ok()) throw std::runtime_error(database.error().message);
  struct Parts {
    std::shared_ptr<sqlite::Database> database;
    sqlite::SqliteItemStore store;
    sqlite::SqliteShareQueue queue;
  };
  auto parts = std::make_shared<Parts>(Parts{*database, sqlite::SqliteItemStore(*database),
                                             sqlite::SqliteShareQueue(*database, kPolicy, random)});
  return QueueBackend{parts, &parts->store, &parts->queue};
}

struct Adapter {
  const char* name;
  std::function<QueueBackend(const TempDir&, RandomSource&)> open;
};
const Adapter kAdapters[] = {{"Sqlite", OpenSqlite}};

class ShareQueueContractTest : public ::testing::TestWithParam<Adapter> {
 protected:
  void SetUp() override { backend_ = GetParam().open(dir_, random_); }

  ItemStore& store() { return *backend_.store; }
  ShareQueue& queue() { return *backend_.queue; }

  std::string CreateItem(const std::string& user, const std::string& item_id) {
    CreateItemCommand command;
    command.user_id = user;
    command.item_id = item_id;
    command.fields.name = "Blazer " + item_id;
    command.fields.category = "outerwear";
    command.payload_fingerprint = "fp-" + item_id;
    command.activity_id = "act-" + item_id;
    command.now_ms = clock_.NowMillis();
    auto created = RunTask(store().CreateItem(command));
    EXPECT_TRUE(created.ok());
    return item_id;
  }

  Result<std::string> Enqueue(const std::string& user, const std::string& item_id,
                              std::optional<std::string> key = std::nullopt) {
    EnqueueShareCommand command;
    command.user_id = user;
    command.item_id = item_id;
    command.idempotency_key = std::move(key);
    command.event =
        ShareEvent{"evt-" + std::to_string(++events_), user, item_id, clock_.NowMillis(), "req", ""};
    command.now_ms = clock_.NowMillis();
    return RunTask(queue().EnqueueShare(command));
  }

  std::vector<LeasedShareEvent> Receive(int max = 10) {
    auto leased = RunTask(queue().Receive(max, kVisibilityMs, clock_.NowMillis()));
    EXPECT_TRUE(leased.ok());
    return leased.ok() ? *leased : std::vector<LeasedShareEvent>{};
  }

  std::vector<ShareSettlement> Settle(const std::vector<LeasedShareEvent>& leases,
                                      const std::vector<bool>& fail = {}) {
    std::vector<ShareOutcome> outcomes;
    for (std::size_t i = 0; i < leases.size(); ++i) {
      ShareOutcome outcome{leases[i], std::nullopt,
                           "act-" + leases[i].event.event_id + "-" + std::to_string(leases[i].receive_count)};
      if (i < fail.size() && fail[i]) outcome.error = "boom";
      outcomes.push_back(std::move(outcome));
    }
    auto settled = RunTask(queue().Settle(std::move(outcomes), clock_.NowMillis()));
    EXPECT_TRUE(settled.ok());
    return settled.ok() ? *settled : std::vector<ShareSettlement>{};
  }

  std::int64_t SharedCount(const std::string& item_id) {
    auto item = RunTask(store().GetItem(item_id));
    return item.ok() ? item->shared_count : -1;
  }
  std::int64_t Depth() { return *RunTask(queue().Depth()); }
  std::int64_t DeadLetters() { return *RunTask(queue().DeadLetterDepth()); }

  FakeClock clock_;
  SecureRandom random_;

 private:
  TempDir dir_;
  QueueBackend backend_;
  int events_ = 0;
};

TEST_P(ShareQueueContractTest, EnqueueChecksOwnershipLikePatch) {
  CreateItem("alice", "itm_a");
  EXPECT_TRUE(Enqueue("alice", "itm_a").ok());
  EXPECT_EQ(Enqueue("bob", "itm_a").error().code, ErrorCode::kNotFound) << "private: as if missing";
  EXPECT_EQ(Enqueue("alice", "itm_missing").error().code, ErrorCode::kNotFound);
  Settle(Receive());
  EXPECT_EQ(Enqueue("bob", "itm_a").error().code, ErrorCode::kForbidden) << "public once shared";
}

TEST_P(ShareQueueContractTest, AnIdempotencyKeyReplaysTheSameEventAndEnqueuesOnce) {
  CreateItem("alice", "itm_a");
  CreateItem("alice", "itm_b");
  auto first = Enqueue("alice", "itm_a", "k1");
  auto again = Enqueue("alice", "itm_a", "k1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(Depth(), 1);
  EXPECT_EQ(Enqueue("alice", "itm_b", "k1").error().code, ErrorCode::kIdempotencyKeyReused);
  EXPECT_TRUE(Enqueue("bob-has-own-keys", "itm_a", "k1").error().code == ErrorCode::kNotFound);
}

TEST_P(ShareQueueContractTest, ASettledSuccessIsAppliedExactlyOnceAndAcknowledged) {
  CreateItem("alice", "itm_a");
  ASSERT_TRUE(Enqueue("alice", "itm_a").ok());
  auto leased = Receive();
  ASSERT_EQ(leased.size(), 1u);
  EXPECT_EQ(leased[0].receive_count, 1);
  clock_.Advance(1);  // so the ItemShared activity sorts after ItemCreated
  EXPECT_EQ(Settle(leased), std::vector<ShareSettlement>{ShareSettlement::kApplied});
  EXPECT_EQ(SharedCount("itm_a"), 1);
  EXPECT_TRUE(RunTask(store().GetItem("itm_a"))->is_public);
  EXPECT_EQ(Depth(), 0);

  // Settling the same delivery again changes nothing.
  auto again = Settle(leased);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0], ShareSettlement::kApplied);
  EXPECT_EQ(SharedCount("itm_a"), 1);

  auto activities = RunTask(store().ListActivities(ListActivitiesQuery{"alice", std::nullopt, 10}));
  ASSERT_TRUE(activities.ok());
  ASSERT_EQ(activities->activities.size(), 2u);
  EXPECT_EQ(activities->activities[0].activity_type, kActivityItemShared);
  EXPECT_EQ(activities->activities[0].metadata_json,
            R"({"action":"share","eventId":")" + leased[0].event.event_id + "\"}");
}

TEST_P(ShareQueueContractTest, ALeaseHidesAnEventUntilTheVisibilityTimeoutThenItComesBack) {
  CreateItem("alice", "itm_a");
  ASSERT_TRUE(Enqueue("alice", "itm_a").ok());
  auto first = Receive();  // this worker "dies" without settling
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(Receive().empty()) << "leased: invisible to other workers";
  clock_.Advance(kVisibilityMs - 1);
  EXPECT_TRUE(Receive().empty());
  clock_.Advance(1);
  auto second = Receive();
  ASSERT_EQ(second.size(), 1u) << "visible again after the visibility timeout";
  EXPECT_EQ(second[0].event, first[0].event);
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_NE(second[0].lease_id, first[0].lease_id);

  // The dead worker's late settle must not apply anything.
  EXPECT_EQ(Settle(first), std::vector<ShareSettlement>{ShareSettlement::kLeaseLost});
  EXPECT_EQ(SharedCount("itm_a"), 0);
  EXPECT_EQ(Settle(second), std::vector<ShareSettlement>{ShareSettlement::kApplied});
  EXPECT_EQ(SharedCount("itm_a"), 1);
}

TEST_P(ShareQueueContractTest, ReceiveLeasesOldestFirstUpToMax) {
  CreateItem("alice", "itm_a");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(*Enqueue("alice", "itm_a"));
    clock_.Advance(1);
  }
  auto batch = Receive(3);
  ASSERT_EQ(batch.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(batch[i].event.event_id, ids[i]);
  EXPECT_EQ(Receive(10).size(), 2u);
}

TEST_P(ShareQueueContractTest, AFailureIsRetriedAfterABackoffThenDeadLettered) {
  CreateItem("alice", "itm_a");
  ASSERT_TRUE(Enqueue("alice", "itm_a").ok());
  for (int attempt = 1; attempt < kPolicy.max_receives; ++attempt) {
    auto leased = Receive();
    ASSERT_EQ(leased.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(Settle(leased, {true}), std::vector<ShareSettlement>{ShareSettlement::kRetryScheduled});
    // Invisible for at least half the attempt's delay, visible after all of it.
    const std::int64_t delay = kPolicy.base_delay_ms << (attempt - 1);
    clock_.Advance(delay / 2 - 1);
    EXPECT_TRUE(Receive().empty()) << "attempt " << attempt;
    clock_.Advance(delay - delay / 2 + 1);
  }
  auto last = Receive();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].receive_count, kPolicy.max_receives);
  EXPECT_EQ(Settle(last, {true}), std::vector<ShareSettlement>{ShareSettlement::kDeadLettered});
  EXPECT_EQ(Depth(), 0);
  EXPECT_EQ(DeadLetters(), 1);
  EXPECT_EQ(SharedCount("itm_a"), 0);
}

TEST_P(ShareQueueContractTest, OneFailingOutcomeNeverAffectsItsBatchMates) {
  for (const char* id : {"itm_1", "itm_2", "itm_3"}) {
    CreateItem("alice", id);
    ASSERT_TRUE(Enqueue("alice", id).ok());
  }
  auto batch = Receive();
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(Settle(batch, {false, true, false}),
            (std::vector<ShareSettlement>{ShareSettlement::kApplied, ShareSettlement::kRetryScheduled,
                                          ShareSettlement::kApplied}));
  EXPECT_EQ(SharedCount(batch[0].event.item_id), 1);
  EXPECT_EQ(SharedCount(batch[1].event.item_id), 0);
  EXPECT_EQ(SharedCount(batch[2].event.item_id), 1);
  EXPECT_EQ(Depth(), 1);
}

TEST_P(ShareQueueContractTest, AnEventOfADeletedItemIsAcknowledgedAsItemNotFound) {
  CreateItem("alice", "itm_a");
  ASSERT_TRUE(Enqueue("alice", "itm_a").ok());
  ASSERT_TRUE(RunTask(store().DeleteItem("alice", "itm_a")).ok());
  EXPECT_EQ(Settle(Receive()), std::vector<ShareSettlement>{ShareSettlement::kItemNotFound});
  EXPECT_EQ(Depth(), 0);
  EXPECT_EQ(DeadLetters(), 0);
}

TEST_P(ShareQueueContractTest, ReleaseMakesAnEventVisibleAtOnceWithoutCountingAnAttempt) {
  CreateItem("alice", "itm_a");
  ASSERT_TRUE(Enqueue("alice", "itm_a").ok());
  auto leased = Receive();
  ASSERT_EQ(leased.size(), 1u);
  ASSERT_TRUE(RunTask(queue().Release({leased[0].lease_id})).ok());
  auto again = Receive();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 1);
}

INSTANTIATE_TEST_SUITE_P(Adapters, ShareQueueContractTest, ::testing::ValuesIn(kAdapters),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(RetryDelayTest, GrowsWithinEqualJitterBoundsAndIsCapped) {
  const RetryPolicy policy{3, 1000, 5000};
  for (std::uint32_t bits : {0u, 1u, 499u, 500u, 0xFFFFFFFFu}) {
    for (int receives = 1; receives <= 6; ++receives) {
      const std::int64_t full = std::min<std::int64_t>(5000, 1000LL << (receives - 1));
      const std::int64_t delay = sqlite::RetryDelayMs(policy, receives, bits);
      EXPECT_GE(delay, full - full / 2) << receives;
      EXPECT_LE(delay, full) << receives;
    }
  }
}

}  // namespace
}  // namespace wdrbe::testing
