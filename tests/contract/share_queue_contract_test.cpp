// The contract every ShareQueue adapter must pass (queue/share_queue.hpp),
// on a FakeClock so that lease and backoff timing is exact, with seeded
// randomness so that every run draws the same lease ids and jitter. The
// SQLite adapter runs it today; another adapter adds one entry to kAdapters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "testing/fake_clock.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/queue/sqlite/sqlite_share_queue.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe {

[[maybe_unused]] static void PrintTo(ShareSettlement settlement, std::ostream* os) {
  switch (settlement) {
    case ShareSettlement::kApplied:
      *os << "kApplied";
      return;
    case ShareSettlement::kAlreadyApplied:
      *os << "kAlreadyApplied";
      return;
    case ShareSettlement::kItemNotFound:
      *os << "kItemNotFound";
      return;
    case ShareSettlement::kRetryScheduled:
      *os << "kRetryScheduled";
      return;
    case ShareSettlement::kDeadLettered:
      *os << "kDeadLettered";
      return;
    case ShareSettlement::kLeaseLost:
      *os << "kLeaseLost";
      return;
  }
  *os << "ShareSettlement(?)";
}

namespace testing {
namespace {

using Settlements = std::vector<ShareSettlement>;

constexpr std::int64_t kVisibilityMs = 30'000;
constexpr RetryPolicy kPolicy{3, 1000, 60'000};

// Reproducible bytes (splitmix64 from a seed); thread-safe.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void Fill(std::span<std::uint8_t> out) override {
    std::lock_guard lock(mutex_);
    for (std::uint8_t& byte : out) {
      if (left_ == 0) {
        state_ += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = state_;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        word_ = z ^ (z >> 31);
        left_ = 8;
      }
      byte = static_cast<std::uint8_t>(word_ & 0xFF);
      word_ >>= 8;
      --left_;
    }
  }

 private:
  std::mutex mutex_;
  std::uint64_t state_;     // guarded by mutex_
  std::uint64_t word_ = 0;  // guarded by mutex_
  int left_ = 0;            // guarded by mutex_
};

// The item store and share queue of one backend, over the same data.
struct QueueBackend {
  std::shared_ptr<void> keep_alive;
  ItemStore* store = nullptr;
  ShareQueue* queue = nullptr;
};

QueueBackend OpenSqlite(const TempDir& dir, RandomSource& random, const RetryPolicy& policy) {
  sqlite::DatabaseOptions options;
  options.path = (dir.path() / "wdrbe.db").string();
  options.durability = sqlite::Connection::Durability::kNormal;
  auto database = sqlite::Database::Open(options);
  if (!database.ok()) throw std::runtime_error(database.error().message);
  struct Parts {
    Parts(std::shared_ptr<sqlite::Database> db, RandomSource& r, const RetryPolicy& p)
        : store(db), queue(db, p, r) {}
    sqlite::SqliteItemStore store;
    sqlite::SqliteShareQueue queue;
  };
  auto parts = std::make_shared<Parts>(*database, random, policy);
  return QueueBackend{parts, &parts->store, &parts->queue};
}

struct Adapter {
  const char* name;
  std::function<QueueBackend(const TempDir&, RandomSource&, const RetryPolicy&)> open;
};
const Adapter kAdapters[] = {{"Sqlite", OpenSqlite}};
[[maybe_unused]] void PrintTo(const Adapter& adapter, std::ostream* os) { *os << adapter.name; }

class ShareQueueContractTest : public ::testing::TestWithParam<Adapter> {
 protected:
  void SetUp() override { Open(kPolicy); }

  // Reopens with another policy (on a fresh directory).
  void Open(const RetryPolicy& policy) {
    backend_ = {};
    dir_ = std::make_unique<TempDir>();
    backend_ = GetParam().open(*dir_, random_, policy);
  }

  ItemStore& store() { return *backend_.store; }
  ShareQueue& queue() { return *backend_.queue; }

  void CreateItem(const std::string& user, const std::string& item_id) {
    CreateItemCommand command;
    command.user_id = user;
    command.item_id = item_id;
    command.fields.name = "Blazer " + item_id;
    command.fields.category = "outerwear";
    command.payload_fingerprint = "fp-" + item_id;
    command.activity_id = NextId("act-created");
    command.now_ms = clock_.NowMillis();
    auto created = RunTask(store().CreateItem(command));
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  ShareEvent NewEvent(const std::string& user, const std::string& item_id) {
    return ShareEvent{NextId("evt"), user,
                      item_id,       clock_.NowMillis(),
                      NextId("req"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"};
  }

  Result<std::string> Enqueue(const std::string& user, const std::string& item_id,
                              std::optional<std::string> key = std::nullopt) {
    EnqueueShareCommand command;
    command.user_id = user;
    command.item_id = item_id;
    command.idempotency_key = std::move(key);
    command.event = NewEvent(user, item_id);
    command.now_ms = clock_.NowMillis();
    return RunTask(queue().EnqueueShare(command));
  }

  // Enqueues and returns the event id, failing the test if refused.
  std::string MustEnqueue(const std::string& user, const std::string& item_id) {
    auto id = Enqueue(user, item_id);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : "";
  }

  std::vector<LeasedShareEvent> Receive(int max = 10) {
    auto leased = RunTask(queue().Receive(max, kVisibilityMs, clock_.NowMillis()));
    EXPECT_TRUE(leased.ok()) << leased.error().message;
    return leased.ok() ? *leased : std::vector<LeasedShareEvent>{};
  }

  ShareOutcome Outcome(const LeasedShareEvent& lease, bool fail = false) {
    return ShareOutcome{lease, fail ? std::optional<std::string>("boom") : std::nullopt,
                        NextId("act-shared")};
  }

  Settlements SettleOutcomes(std::vector<ShareOutcome> outcomes) {
    auto settled = RunTask(queue().Settle(std::move(outcomes), clock_.NowMillis()));
    EXPECT_TRUE(settled.ok()) << settled.error().message;
    return settled.ok() ? *settled : Settlements{};
  }

  // Settles every lease, as a success unless `fail` says otherwise.
  Settlements Settle(const std::vector<LeasedShareEvent>& leases, const std::vector<bool>& fail = {}) {
    std::vector<ShareOutcome> outcomes;
    for (std::size_t i = 0; i < leases.size(); ++i)
      outcomes.push_back(Outcome(leases[i], i < fail.size() && fail[i]));
    return SettleOutcomes(std::move(outcomes));
  }
  Settlements Fail(const std::vector<LeasedShareEvent>& leases) {
    return Settle(leases, std::vector<bool>(leases.size(), true));
  }

  Item GetItem(const std::string& item_id) {
    auto item = RunTask(store().GetItem(item_id));
    EXPECT_TRUE(item.ok()) << item_id << ": " << item.error().message;
    return item.ok() ? *item : Item{};
  }
  std::int64_t SharedCount(const std::string& item_id) { return GetItem(item_id).shared_count; }

  // The user's ItemShared activities, newest first.
  std::vector<Activity> SharedActivities(const std::string& user) {
    auto page = RunTask(store().ListActivities(ListActivitiesQuery{user, std::nullopt, 100}));
    EXPECT_TRUE(page.ok());
    std::vector<Activity> shared;
    if (!page.ok()) return shared;
    for (const Activity& activity : page->activities) {
      if (activity.activity_type == kActivityItemShared) shared.push_back(activity);
    }
    return shared;
  }

  std::int64_t Depth() {
    auto depth = RunTask(queue().Depth());
    EXPECT_TRUE(depth.ok());
    return depth.ok() ? *depth : -1;
  }
  std::int64_t DeadLetters() {
    auto depth = RunTask(queue().DeadLetterDepth());
    EXPECT_TRUE(depth.ok());
    return depth.ok() ? *depth : -1;
  }

  // Zero-padded, so ids sort in the order they were made.
  std::string NextId(const std::string& prefix) {
    std::string n = std::to_string(++ids_);
    return prefix + "-" + std::string(6 - std::min<std::size_t>(6, n.size()), '0') + n;
  }

  FakeClock clock_;
  SeededRandom random_{20261125};

 private:
  std::unique_ptr<TempDir> dir_;
  QueueBackend backend_;
  int ids_ = 0;
};

// --- Enqueue -----------------------------------------------------------------

TEST_P(ShareQueueContractTest, EnqueueChecksOwnershipLikePatch) {
  CreateItem("alice", "itm_a");
  EXPECT_TRUE(Enqueue("alice", "itm_a").ok());
  auto private_item = Enqueue("bob", "itm_a");
  ASSERT_FALSE(private_item.ok());
  EXPECT_EQ(private_item.error().code, ErrorCode::kNotFound) << "private: as if it did not exist";
  auto missing = Enqueue("alice", "itm_missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Depth(), 1) << "refused shares enqueue nothing";

  EXPECT_EQ(Settle(Receive()), Settlements{ShareSettlement::kApplied});
  ASSERT_TRUE(GetItem("itm_a").is_public);
  auto public_item = Enqueue("bob", "itm_a");
  ASSERT_FALSE(public_item.ok());
  EXPECT_EQ(public_item.error().code, ErrorCode::kForbidden) << "public: visible, but only the owner shares";
  EXPECT_EQ(Depth(), 0);
}

TEST_P(ShareQueueContractTest, EnqueueForADeletedItemIsNotFound) {
  CreateItem("alice", "itm_a");
  ASSERT_TRUE(RunTask(store().DeleteItem("alice", "itm_a")).ok());
  auto shared = Enqueue("alice", "itm_a");
  ASSERT_FALSE(shared.ok());
  EXPECT_EQ(shared.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Depth(), 0);
}

TEST_P(ShareQueueContractTest, AnIdempotencyKeyReplaysTheSameEventAndEnqueuesOnce) {
  CreateItem("alice", "itm_a");
  auto first = Enqueue("alice", "itm_a", "k1");
  auto again = Enqueue("alice", "itm_a", "k1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(Depth(), 1);

  auto leased = Receive();
  ASSERT_EQ(leased.size(), 1u);
  EXPECT_EQ(leased[0].event.event_id, *first);
  EXPECT_EQ(Settle(leased), Settlements{ShareSettlement::kApplied});

  // Still the same event once applied, and nothing new to apply.
  auto after_apply = Enqueue("alice", "itm_a", "k1");
  ASSERT_TRUE(after_apply.ok());
  EXPECT_EQ(*after_apply, *first);
  EXPECT_EQ(Depth(), 0);
  EXPECT_TRUE(Receive().empty());
  EXPECT_EQ(SharedCount("itm_a"), 1);
}

TEST_P(ShareQueueContractTest, AKeyUsedForAnotherItemIsReused) {
  CreateItem("alice", "itm_a");
  CreateItem("alice", "itm_b");
  ASSERT_TRUE(Enqueue("alice", "itm_a", "k1").ok());
  auto reused = Enqueue("alice", "itm_b", "k1");
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error().code, ErrorCode::kIdempotencyKeyReused);
  EXPECT_EQ(Depth(), 1);
}

TEST_P(ShareQueueContractTest, IdempotencyKeysBelongToTheirUser) {
  CreateItem("alice", "itm_a");
  CreateItem("bob", "itm_b");
  auto alices = Enqueue("alice", "itm_a", "same-key");
  auto bobs = Enqueue("bob", "itm_b", "same-key");
  ASSERT_TRUE(alices.ok() && bobs.ok());
  EXPECT_NE(*alices, *bobs);
  EXPECT_EQ(Depth(), 2);
}

TEST_P(ShareQueueContractTest, ARefusedShareDoesNotRememberItsKey) {
  CreateItem("alice", "itm_a");
  ASSERT_FALSE(Enqueue("alice", "itm_missing", "k1").ok());
  auto shared = Enqueue("alice", "itm_a", "k1");
  ASSERT_TRUE(shared.ok()) << "the refused share must not have claimed the key";
  EXPECT_EQ(Depth(), 1);
}

TEST_P(ShareQueueContractTest, AKeyIsForgottenAfterTheIdempotencyWindow) {
  CreateItem("alice", "itm_a");
  auto first = Enqueue("alice", "itm_a", "k1");
  ASSERT_TRUE(first.ok());
  clock_.Advance(kIdempotencyWindowMs - 1);
  auto within = Enqueue("alice", "itm_a", "k1");
  ASSERT_TRUE(within.ok());
  EXPECT_EQ(*within, *first);
  clock_.Advance(1);
  auto after = Enqueue("alice", "itm_a", "k1");
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, *first) << "a key older than the window is a new share";
  EXPECT_EQ(Depth(), 2);
}

// --- Receive and leases ------------------------------------------------------

TEST_P(ShareQueueContractTest, ReceiveLeasesOldestFirstUpToMax) {
  CreateItem("alice", "itm_a");
  std::vector<ShareEvent> sent;
  for (int i = 0; i < 5; ++i) {
    EnqueueShareCommand command;
    command.user_id = "alice";
    command.item_id = "itm_a";
    command.event = NewEvent("alice", "itm_a");
    command.now_ms = clock_.NowMillis();
    ASSERT_TRUE(RunTask(queue().EnqueueShare(command)).ok());
    sent.push_back(command.event);
    clock_.Advance(1);
  }
  const std::int64_t now = clock_.NowMillis();
  auto batch = Receive(3);
  ASSERT_EQ(batch.size(), 3u);
  std::set<std::string> lease_ids;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(batch[i].event, sent[i]) << "the event travels whole, oldest first";
    EXPECT_EQ(batch[i].receive_count, 1);
    EXPECT_EQ(batch[i].first_seen_ms, now);
    EXPECT_EQ(batch[i].lease_expires_ms, now + kVisibilityMs);
    lease_ids.insert(batch[i].lease_id);
  }
  EXPECT_EQ(lease_ids.size(), 3u) << "every delivery has its own lease";
  auto rest = Receive(10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].event, sent[3]);
  EXPECT_EQ(rest[1].event, sent[4]);
  EXPECT_TRUE(Receive(10).empty());
  EXPECT_EQ(Depth(), 5) << "leased events are still in the queue";
}

TEST_P(ShareQueueContractTest, ConcurrentReceivesNeverLeaseOneEventTwice) {
  CreateItem("alice", "itm_a");
  std::set<std::string> sent;
  for (int i = 0; i < 24; ++i) sent.insert(MustEnqueue("alice", "itm_a"));
  std::vector<Task<Result<std::vector<LeasedShareEvent>>>> receives;
  for (int i = 0; i < 4; ++i) receives.push_back(queue().Receive(10, kVisibilityMs, clock_.NowMillis()));
  std::multiset<std::string> leased;
  for (auto& batch : RunAll(std::move(receives))) {
    ASSERT_TRUE(batch.ok());
    EXPECT_LE(batch->size(), 10u);
    for (const auto& lease : *batch) leased.insert(lease.event.event_id);
  }
  EXPECT_EQ(leased.size(), sent.size());
  EXPECT_EQ(std::set<std::string>(leased.begin(), leased.end()), sent) << "each event leased exactly once";
}

TEST_P(ShareQueueContractTest, ALeaseHidesAnEventUntilTheVisibilityTimeoutThenItComesBack) {
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  const std::int64_t first_seen = clock_.NowMillis();
  auto first = Receive();  // this worker "dies" without settling
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(Receive().empty()) << "leased: invisible to other workers";
  clock_.Advance(kVisibilityMs - 1);
  EXPECT_TRUE(Receive().empty());
  clock_.Advance(1);
  auto second = Receive();
  ASSERT_EQ(second.size(), 1u) << "visible again once the visibility timeout has passed";
  EXPECT_EQ(second[0].event, first[0].event);
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_EQ(second[0].first_seen_ms, first_seen);
  EXPECT_NE(second[0].lease_id, first[0].lease_id);
  EXPECT_TRUE(Receive().empty()) << "leased again";
}

TEST_P(ShareQueueContractTest, ReleaseMakesLeasedEventsVisibleAtOnceWithoutCountingAnAttempt) {
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  auto leased = Receive();
  ASSERT_EQ(leased.size(), 2u);
  ASSERT_TRUE(RunTask(queue().Release({leased[0].lease_id, leased[1].lease_id})).ok());
  auto again = Receive();  // same instant: no timeout has passed
  ASSERT_EQ(again.size(), 2u);
  for (const auto& lease : again)
    EXPECT_EQ(lease.receive_count, 1) << "a released delivery is not an attempt";

  // So an event still gets max_receives real attempts before dead-lettering.
  EXPECT_EQ(Settle({again[1]}), Settlements{ShareSettlement::kApplied});
  std::vector<LeasedShareEvent> one{again[0]};
  for (int attempt = 1; attempt < kPolicy.max_receives; ++attempt) {
    EXPECT_EQ(Fail(one), Settlements{ShareSettlement::kRetryScheduled}) << "attempt " << attempt;
    clock_.Advance(kPolicy.max_delay_ms);
    auto next = Receive(1);
    ASSERT_EQ(next.size(), 1u);
    one = next;
  }
  EXPECT_EQ(one[0].receive_count, kPolicy.max_receives);
  EXPECT_EQ(Fail(one), Settlements{ShareSettlement::kDeadLettered});
}

TEST_P(ShareQueueContractTest, ReleasingAStaleLeaseLeavesTheCurrentDeliveryAlone) {
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  auto stale = Receive();
  ASSERT_EQ(stale.size(), 1u);
  clock_.Advance(kVisibilityMs);
  auto current = Receive();
  ASSERT_EQ(current.size(), 1u);
  ASSERT_TRUE(RunTask(queue().Release({stale[0].lease_id})).ok());
  EXPECT_TRUE(Receive().empty()) << "the current lease still hides the event";
  EXPECT_EQ(Settle(current), Settlements{ShareSettlement::kApplied});
}

// --- Settling successes: exactly once ------------------------------------------

TEST_P(ShareQueueContractTest, ASettledSuccessIsAppliedExactlyOnceAndAcknowledged) {
  CreateItem("alice", "itm_a");
  const Item before = GetItem("itm_a");
  const std::string event_id = MustEnqueue("alice", "itm_a");
  auto leased = Receive();
  ASSERT_EQ(leased.size(), 1u);
  clock_.Advance(5);
  const std::int64_t settled_at = clock_.NowMillis();
  ShareOutcome outcome = Outcome(leased[0]);
  const std::string activity_id = outcome.activity_id;
  EXPECT_EQ(SettleOutcomes({outcome}), Settlements{ShareSettlement::kApplied});

  const Item after = GetItem("itm_a");
  EXPECT_EQ(after.shared_count, 1);
  EXPECT_TRUE(after.is_public);
  EXPECT_EQ(after.updated_at_ms, settled_at);
  EXPECT_EQ(after.fields, before.fields) << "a share changes nothing else";
  EXPECT_EQ(after.created_at_ms, before.created_at_ms);
  EXPECT_EQ(Depth(), 0) << "acknowledged with its effect";

  auto shared = SharedActivities("alice");
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0].activity_id, activity_id);
  EXPECT_EQ(shared[0].item_id, "itm_a");
  EXPECT_EQ(shared[0].item_name, before.fields.name);
  EXPECT_EQ(shared[0].timestamp_ms, settled_at);
  EXPECT_EQ(shared[0].metadata_json, R"({"action":"share","eventId":")" + event_id + "\"}");

  // Settling the same delivery again changes nothing.
  clock_.Advance(5);
  auto again = Settle(leased);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0] == ShareSettlement::kAlreadyApplied || again[0] == ShareSettlement::kLeaseLost)
      << ::testing::PrintToString(again[0]);
  EXPECT_EQ(GetItem("itm_a"), after);
  EXPECT_EQ(SharedActivities("alice").size(), 1u);
  clock_.Advance(kVisibilityMs + kPolicy.max_delay_ms);
  EXPECT_TRUE(Receive().empty()) << "an applied event is never delivered again";
}

TEST_P(ShareQueueContractTest, ConcurrentSettlesOfOneDeliveryApplyItOnce) {
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  auto leased = Receive();
  ASSERT_EQ(leased.size(), 1u);
  std::vector<Task<Result<Settlements>>> settles;
  for (int i = 0; i < 3; ++i) settles.push_back(queue().Settle({Outcome(leased[0])}, clock_.NowMillis()));
  int applied = 0;
  for (const auto& settled : RunAll(std::move(settles))) {
    ASSERT_TRUE(settled.ok());
    ASSERT_EQ(settled->size(), 1u);
    applied += (*settled)[0] == ShareSettlement::kApplied ? 1 : 0;
  }
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(SharedCount("itm_a"), 1);
  EXPECT_EQ(SharedActivities("alice").size(), 1u);
}

TEST_P(ShareQueueContractTest, AStaleLeaseCannotSettleAndTheCurrentOneStillApplies) {
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  auto stale = Receive();  // a worker that stalls past its lease
  ASSERT_EQ(stale.size(), 1u);
  clock_.Advance(kVisibilityMs);
  auto current = Receive();
  ASSERT_EQ(current.size(), 1u);

  EXPECT_EQ(Settle(stale), Settlements{ShareSettlement::kLeaseLost});
  EXPECT_EQ(SharedCount("itm_a"), 0) << "no effect from a lost lease";
  EXPECT_EQ(Fail(stale), Settlements{ShareSettlement::kLeaseLost});
  EXPECT_TRUE(Receive().empty()) << "a stale failure schedules no retry over the current lease";

  EXPECT_EQ(Settle(current), Settlements{ShareSettlement::kApplied});
  EXPECT_EQ(SharedCount("itm_a"), 1);
}

TEST_P(ShareQueueContractTest, ARedeliveredEventAppliedByItsNewLeaseIsNotAppliedAgain) {
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  auto first = Receive();
  ASSERT_EQ(first.size(), 1u);
  clock_.Advance(kVisibilityMs);
  auto second = Receive();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(Settle(second), Settlements{ShareSettlement::kApplied});

  // The first worker wakes up and reports success too late.
  auto late = Settle(first);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_TRUE(late[0] == ShareSettlement::kAlreadyApplied || late[0] == ShareSettlement::kLeaseLost)
      << ::testing::PrintToString(late[0]);
  EXPECT_EQ(SharedCount("itm_a"), 1);
  EXPECT_EQ(SharedActivities("alice").size(), 1u);
  EXPECT_EQ(Depth(), 0);
}

TEST_P(ShareQueueContractTest, AnEventOfADeletedItemIsAcknowledgedAsItemNotFound) {
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  ASSERT_TRUE(RunTask(store().DeleteItem("alice", "itm_a")).ok());
  EXPECT_EQ(Settle(Receive()), Settlements{ShareSettlement::kItemNotFound});
  EXPECT_EQ(Depth(), 0);
  EXPECT_EQ(DeadLetters(), 0);
  EXPECT_TRUE(SharedActivities("alice").empty());
  clock_.Advance(kVisibilityMs + kPolicy.max_delay_ms);
  EXPECT_TRUE(Receive().empty()) << "acknowledged: never delivered again";
}

// --- Settling failures: backoff and dead letters -------------------------------

TEST_P(ShareQueueContractTest, AFailureIsRetriedWithinTheBackoffWindowThenDeadLettered) {
  CreateItem("alice", "itm_a");
  constexpr int kEvents = 12;
  for (int i = 0; i < kEvents; ++i) MustEnqueue("alice", "itm_a");
  auto leased = Receive(kEvents);
  ASSERT_EQ(leased.size(), static_cast<std::size_t>(kEvents));

  for (int attempt = 1; attempt < kPolicy.max_receives; ++attempt) {
    SCOPED_TRACE("after failed attempt " + std::to_string(attempt));
    const std::int64_t delay = std::min(kPolicy.max_delay_ms, kPolicy.base_delay_ms << (attempt - 1));
    const std::int64_t failed_at = clock_.NowMillis();
    EXPECT_EQ(Fail(leased), Settlements(kEvents, ShareSettlement::kRetryScheduled));
    EXPECT_EQ(Depth(), kEvents);

    // Nothing before half the delay ...
    clock_.Set(failed_at + delay / 2 - 1);
    EXPECT_TRUE(Receive(kEvents).empty());
    // ... then each comes back somewhere in [d/2, d], at a random point.
    std::vector<LeasedShareEvent> back;
    std::set<std::int64_t> return_times;
    for (std::int64_t t = failed_at + delay / 2; t <= failed_at + delay; t += 10) {
      clock_.Set(t);
      auto batch = Receive(kEvents);
      for (auto& lease : batch) {
        EXPECT_EQ(lease.receive_count, attempt + 1);
        return_times.insert(t);
        back.push_back(std::move(lease));
      }
    }
    clock_.Set(failed_at + delay);
    auto last = Receive(kEvents);
    back.insert(back.end(), last.begin(), last.end());
    ASSERT_EQ(back.size(), static_cast<std::size_t>(kEvents))
        << "every event is visible once its delay passed";
    EXPECT_GT(return_times.size(), 1u) << "jitter spreads the retries";
    leased = std::move(back);
  }

  for (const auto& lease : leased) EXPECT_EQ(lease.receive_count, kPolicy.max_receives);
  EXPECT_EQ(Fail(leased), Settlements(kEvents, ShareSettlement::kDeadLettered));
  EXPECT_EQ(Depth(), 0);
  EXPECT_EQ(DeadLetters(), kEvents);
  EXPECT_EQ(SharedCount("itm_a"), 0);
  clock_.Advance(kVisibilityMs + kPolicy.max_delay_ms);
  EXPECT_TRUE(Receive().empty()) << "dead letters are not delivered";
}

TEST_P(ShareQueueContractTest, TheBackoffIsCappedAtTheMaximumDelay) {
  const RetryPolicy capped{10, 1000, 2500};
  Open(capped);
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  auto leased = Receive();
  // Attempts 1 and 2 wait up to 1 s and 2 s; attempt 3 would wait 4 s uncapped.
  for (int attempt = 1; attempt <= 4; ++attempt) {
    ASSERT_EQ(leased.size(), 1u) << "attempt " << attempt;
    const std::int64_t delay =
        std::min<std::int64_t>(capped.max_delay_ms, capped.base_delay_ms << (attempt - 1));
    EXPECT_EQ(Fail(leased), Settlements{ShareSettlement::kRetryScheduled});
    clock_.Advance(delay);
    leased = Receive();
  }
  ASSERT_EQ(leased.size(), 1u) << "back within the cap";
}

TEST_P(ShareQueueContractTest, AnExpiredLeaseCountsAsADelivery) {
  CreateItem("alice", "itm_a");
  MustEnqueue("alice", "itm_a");
  std::vector<LeasedShareEvent> leased;
  for (int delivery = 1; delivery <= kPolicy.max_receives; ++delivery) {
    leased = Receive();
    ASSERT_EQ(leased.size(), 1u);
    EXPECT_EQ(leased[0].receive_count, delivery);
    if (delivery < kPolicy.max_receives) clock_.Advance(kVisibilityMs);  // the worker died
  }
  EXPECT_EQ(Fail(leased), Settlements{ShareSettlement::kDeadLettered})
      << "the failure of the last allowed delivery dead-letters";
  EXPECT_EQ(DeadLetters(), 1);
}

TEST_P(ShareQueueContractTest, OneOutcomeNeverAffectsItsBatchMates) {
  for (const char* id : {"itm_1", "itm_2", "itm_3", "itm_4"}) {
    CreateItem("alice", id);
    MustEnqueue("alice", id);
  }
  auto batch = Receive();
  ASSERT_EQ(batch.size(), 4u);
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < batch.size(); ++i) index[batch[i].event.item_id] = i;
  ASSERT_TRUE(RunTask(store().DeleteItem("alice", "itm_4")).ok());

  std::vector<ShareOutcome> outcomes;
  outcomes.push_back(Outcome(batch[index["itm_1"]]));                 // applied
  outcomes.push_back(Outcome(batch[index["itm_2"]], /*fail=*/true));  // retried
  ShareOutcome foreign = Outcome(batch[index["itm_3"]]);
  foreign.lease.lease_id = "a-lease-nobody-holds";
  outcomes.push_back(foreign);                         // lease lost
  outcomes.push_back(Outcome(batch[index["itm_4"]]));  // item gone
  EXPECT_EQ(SettleOutcomes(std::move(outcomes)),
            (Settlements{ShareSettlement::kApplied, ShareSettlement::kRetryScheduled,
                         ShareSettlement::kLeaseLost, ShareSettlement::kItemNotFound}));
  EXPECT_EQ(SharedCount("itm_1"), 1);
  EXPECT_EQ(SharedCount("itm_2"), 0);
  EXPECT_EQ(SharedCount("itm_3"), 0);
  EXPECT_EQ(Depth(), 2) << "itm_2 waits for its retry, itm_3 is still leased";

  // The one whose outcome carried a foreign lease is still its holder's.
  EXPECT_EQ(Settle({batch[index["itm_3"]]}), Settlements{ShareSettlement::kApplied});
  EXPECT_EQ(SharedCount("itm_3"), 1);
}

INSTANTIATE_TEST_SUITE_P(Adapters, ShareQueueContractTest, ::testing::ValuesIn(kAdapters),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// --- The SQLite adapter's backoff formula -------------------------------------

// d = base * 2^(n-1); the delay is in [d/2, d] with both ends capped.
TEST(ShareRetryDelayTest, StaysWithinEqualJitterBoundsCappedAndNeverShrinks) {
  const RetryPolicy policy{3, 1000, 5000};
  std::int64_t previous_high = 0;
  for (int receives = 1; receives <= 8; ++receives) {
    SCOPED_TRACE("receives " + std::to_string(receives));
    const std::int64_t d = 1000LL << (receives - 1);
    const std::int64_t window_low = std::min<std::int64_t>(policy.max_delay_ms, d / 2);
    const std::int64_t window_high = std::min<std::int64_t>(policy.max_delay_ms, d);
    std::int64_t low = window_high;
    std::int64_t high = 0;
    for (std::uint32_t bits : {0u, 1u, 250u, 499u, 500u, 501u, 1000u, 2500u, 123456789u, 0xFFFFFFFFu}) {
      const std::int64_t delay = sqlite::RetryDelayMs(policy, receives, bits);
      EXPECT_GE(delay, window_low) << "bits " << bits;
      EXPECT_LE(delay, window_high) << "bits " << bits;
      low = std::min(low, delay);
      high = std::max(high, delay);
    }
    EXPECT_GE(low, previous_high) << "a later retry never waits less than an earlier one";
    previous_high = high;
  }
  EXPECT_EQ(previous_high, policy.max_delay_ms);
}

TEST(ShareRetryDelayTest, TheJitterReachesBothEndsOfTheWindow) {
  const RetryPolicy policy{3, 1000, 60'000};
  EXPECT_EQ(sqlite::RetryDelayMs(policy, 1, 0), 500);
  EXPECT_EQ(sqlite::RetryDelayMs(policy, 1, 500), 1000);
  EXPECT_EQ(sqlite::RetryDelayMs(policy, 2, 0), 1000);
  EXPECT_EQ(sqlite::RetryDelayMs(policy, 2, 1000), 2000);
}

TEST(ShareRetryDelayTest, ExtremeReceiveCountsStayAtTheCap) {
  const RetryPolicy policy{100, 600'000, 60'000};
  for (int receives : {1, 2, 31, 64, 1000}) {
    const std::int64_t delay = sqlite::RetryDelayMs(policy, receives, 0xFFFFFFFFu);
    EXPECT_GE(delay, 30'000) << receives;
    EXPECT_LE(delay, 60'000) << receives;
  }
  EXPECT_EQ(sqlite::RetryDelayMs(RetryPolicy{3, 1000, 60'000}, 0, 0), 500) << "no negative shift";
}

}  // namespace
}  // namespace testing
}  // namespace wdrbe
