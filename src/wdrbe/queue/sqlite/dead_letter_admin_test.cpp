// DeadLetterAdmin (`wdrbe dlq`) on a database whose events were
// dead-lettered through the share queue itself, with the queue still open
// beside it, as when an operator runs `wdrbe dlq` next to `wdrbe serve`.
#include "wdrbe/queue/sqlite/dead_letter_admin.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "testing/fake_clock.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/queue/sqlite/sqlite_share_queue.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe::sqlite {
namespace {

using testing::FakeClock;
using testing::RunTask;
using testing::TempDir;

constexpr std::int64_t kVisibilityMs = 30'000;
constexpr RetryPolicy kPolicy{3, 1000, 60'000};
constexpr char kTrace[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// When each attempt of one dead-lettered event happened.
struct DeadLetteredEvent {
  ShareEvent event;
  std::int64_t first_received_ms = 0;
  std::vector<std::int64_t> failed_at_ms;  // one per attempt
};

class DeadLetterAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.path = DatabasePath();
    options.durability = Connection::Durability::kNormal;
    auto database = Database::Open(options);
    if (!database.ok()) throw std::runtime_error(database.error().message);
    database_ = *database;
    store_ = std::make_unique<SqliteItemStore>(database_);
    queue_ = std::make_unique<SqliteShareQueue>(database_, kPolicy, random_);
    auto admin = DeadLetterAdmin::Open(DatabasePath());
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    admin_ = std::move(*admin);
  }

  std::string DatabasePath() const { return (dir_.path() / "wdrbe.db").string(); }

  void CreateItem(const std::string& user, const std::string& item_id) {
    CreateItemCommand command;
    command.user_id = user;
    command.item_id = item_id;
    command.fields.name = "Coat " + item_id;
    command.fields.category = "outerwear";
    command.payload_fingerprint = "fp-" + item_id;
    command.activity_id = "act-created-" + item_id;
    command.now_ms = clock_.NowMillis();
    ASSERT_TRUE(RunTask(store_->CreateItem(command)).ok());
  }

  ShareEvent Enqueue(const std::string& user, const std::string& item_id) {
    const std::string n = std::to_string(++events_);
    EnqueueShareCommand command;
    command.user_id = user;
    command.item_id = item_id;
    command.event = ShareEvent{"evt-" + n, user, item_id, clock_.NowMillis(), "req-" + n, kTrace};
    command.now_ms = clock_.NowMillis();
    auto id = RunTask(queue_->EnqueueShare(command));
    EXPECT_TRUE(id.ok());
    return command.event;
  }

  std::vector<LeasedShareEvent> Receive() {
    auto leased = RunTask(queue_->Receive(10, kVisibilityMs, clock_.NowMillis()));
    EXPECT_TRUE(leased.ok());
    return leased.ok() ? *leased : std::vector<LeasedShareEvent>{};
  }

  std::vector<ShareSettlement> Settle(const std::vector<LeasedShareEvent>& leases,
                                      std::optional<std::string> error) {
    std::vector<ShareOutcome> outcomes;
    for (const auto& lease : leases) {
      outcomes.push_back(ShareOutcome{lease, error, "act-shared-" + std::to_string(++activities_)});
    }
    auto settled = RunTask(queue_->Settle(std::move(outcomes), clock_.NowMillis()));
    EXPECT_TRUE(settled.ok());
    return settled.ok() ? *settled : std::vector<ShareSettlement>{};
  }

  // Shares the item and fails every delivery ("failure N" for attempt N)
  // until the event is dead-lettered.
  DeadLetteredEvent ShareAndDeadLetter(const std::string& user, const std::string& item_id) {
    DeadLetteredEvent dead{Enqueue(user, item_id), 0, {}};
    for (int attempt = 1; attempt <= kPolicy.max_receives; ++attempt) {
      auto leased = Receive();
      EXPECT_EQ(leased.size(), 1u) << "attempt " << attempt;
      if (leased.size() != 1) return dead;
      if (attempt == 1) dead.first_received_ms = clock_.NowMillis();
      clock_.Advance(7);  // processing takes a little while
      dead.failed_at_ms.push_back(clock_.NowMillis());
      const auto expected =
          attempt < kPolicy.max_receives ? ShareSettlement::kRetryScheduled : ShareSettlement::kDeadLettered;
      EXPECT_EQ(Settle(leased, "failure " + std::to_string(attempt)), std::vector<ShareSettlement>{expected});
      clock_.Advance(kPolicy.max_delay_ms);  // past any backoff
    }
    return dead;
  }

  std::int64_t SharedCount(const std::string& item_id) {
    auto item = RunTask(store_->GetItem(item_id));
    return item.ok() ? item->shared_count : -1;
  }
  std::int64_t Depth() { return *RunTask(queue_->Depth()); }
  std::int64_t DeadLetters() { return *RunTask(queue_->DeadLetterDepth()); }

  // The eventIds of the user's ItemShared activities.
  std::vector<std::string> SharedEventIds(const std::string& user) {
    auto page = RunTask(store_->ListActivities(ListActivitiesQuery{user, std::nullopt, 100}));
    EXPECT_TRUE(page.ok());
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const Activity& activity : page->activities) {
      if (activity.activity_type != kActivityItemShared) continue;
      ids.emplace_back(boost::json::parse(activity.metadata_json).at("eventId").as_string());
    }
    return ids;
  }

  FakeClock clock_;
  SecureRandom random_;
  TempDir dir_;
  std::shared_ptr<Database> database_;
  std::unique_ptr<SqliteItemStore> store_;
  std::unique_ptr<SqliteShareQueue> queue_;
  std::unique_ptr<DeadLetterAdmin> admin_;

 private:
  int events_ = 0;
  int activities_ = 0;
};

TEST_F(DeadLetterAdminTest, AFreshDatabaseHasNoDeadLetters) {
  auto letters = admin_->List();
  ASSERT_TRUE(letters.ok());
  EXPECT_TRUE(letters->empty());
}

TEST_F(DeadLetterAdminTest, ListShowsEveryDeadLetterOldestFirstWithItsAttempts) {
  CreateItem("alice", "itm_a");
  CreateItem("bob", "itm_b");
  const DeadLetteredEvent first = ShareAndDeadLetter("alice", "itm_a");
  const DeadLetteredEvent second = ShareAndDeadLetter("bob", "itm_b");

  auto letters = admin_->List();
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const DeadLetteredEvent& dead = i == 0 ? first : second;
    const DeadLetter& letter = (*letters)[i];
    SCOPED_TRACE(dead.event.event_id);
    EXPECT_EQ(letter.event, dead.event) << "the event is kept whole (request id, trace context)";
    EXPECT_EQ(letter.attempts, kPolicy.max_receives);
    EXPECT_EQ(letter.last_error, "failure 3");
    EXPECT_EQ(letter.first_seen_ms, dead.first_received_ms);
    EXPECT_EQ(letter.last_tried_ms, dead.failed_at_ms.back());
    EXPECT_EQ(letter.dead_lettered_ms, dead.failed_at_ms.back());

    const boost::json::value history = boost::json::parse(letter.history_json);
    ASSERT_TRUE(history.is_array()) << letter.history_json;
    ASSERT_EQ(history.as_array().size(), dead.failed_at_ms.size()) << letter.history_json;
    for (std::size_t n = 0; n < dead.failed_at_ms.size(); ++n) {
      const boost::json::object& attempt = history.as_array()[n].as_object();
      EXPECT_EQ(attempt.at("at").to_number<std::int64_t>(), dead.failed_at_ms[n]);
      EXPECT_EQ(attempt.at("error").as_string(), "failure " + std::to_string(n + 1));
    }
  }
  EXPECT_EQ(DeadLetters(), 2);
  EXPECT_EQ(Depth(), 0);
}

TEST_F(DeadLetterAdminTest, GetFindsOneDeadLetterOrNothing) {
  CreateItem("alice", "itm_a");
  const DeadLetteredEvent dead = ShareAndDeadLetter("alice", "itm_a");
  auto letter = admin_->Get(dead.event.event_id);
  ASSERT_TRUE(letter.ok());
  ASSERT_TRUE(letter->has_value());
  EXPECT_EQ((*letter)->event, dead.event);
  EXPECT_EQ((*letter)->attempts, kPolicy.max_receives);

  auto missing = admin_->Get("evt-unknown");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  // An event still in the queue is not a dead letter.
  const ShareEvent queued = Enqueue("alice", "itm_a");
  auto pending = admin_->Get(queued.event_id);
  ASSERT_TRUE(pending.ok());
  EXPECT_FALSE(pending->has_value());
}

TEST_F(DeadLetterAdminTest, ARedrivenEventIsDeliveredAtOnceWithAFreshCountAndAppliedExactlyOnce) {
  CreateItem("alice", "itm_a");
  CreateItem("alice", "itm_b");
  const DeadLetteredEvent redriven = ShareAndDeadLetter("alice", "itm_a");
  const DeadLetteredEvent stays = ShareAndDeadLetter("alice", "itm_b");

  const std::int64_t now = clock_.NowMillis();
  ASSERT_TRUE(admin_->Redrive(redriven.event.event_id, now).ok());
  EXPECT_EQ(DeadLetters(), 1) << "only the one redriven";
  EXPECT_EQ(Depth(), 1);
  auto remaining = admin_->List();
  ASSERT_TRUE(remaining.ok());
  ASSERT_EQ(remaining->size(), 1u);
  EXPECT_EQ((*remaining)[0].event.event_id, stays.event.event_id);

  auto leased = Receive();  // no time has passed: visible at once
  ASSERT_EQ(leased.size(), 1u);
  EXPECT_EQ(leased[0].event, redriven.event);
  EXPECT_EQ(leased[0].receive_count, 1) << "a fresh attempt count";
  EXPECT_EQ(Settle(leased, std::nullopt), std::vector<ShareSettlement>{ShareSettlement::kApplied});
  EXPECT_EQ(SharedCount("itm_a"), 1);
  EXPECT_EQ(SharedCount("itm_b"), 0);
  EXPECT_EQ(SharedEventIds("alice"), std::vector<std::string>{redriven.event.event_id});

  // Nothing comes back, and settling that delivery again changes nothing.
  auto again = Settle(leased, std::nullopt);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0], ShareSettlement::kApplied);
  clock_.Advance(kVisibilityMs + kPolicy.max_delay_ms);
  EXPECT_TRUE(Receive().empty());
  EXPECT_EQ(SharedCount("itm_a"), 1);
  EXPECT_EQ(Depth(), 0);
}

TEST_F(DeadLetterAdminTest, ARedrivenEventThatKeepsFailingGetsEveryAttemptAgain) {
  CreateItem("alice", "itm_a");
  const DeadLetteredEvent dead = ShareAndDeadLetter("alice", "itm_a");
  ASSERT_TRUE(admin_->Redrive(dead.event.event_id, clock_.NowMillis()).ok());

  for (int attempt = 1; attempt <= kPolicy.max_receives; ++attempt) {
    auto leased = Receive();
    ASSERT_EQ(leased.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(leased[0].receive_count, attempt);
    const auto expected =
        attempt < kPolicy.max_receives ? ShareSettlement::kRetryScheduled : ShareSettlement::kDeadLettered;
    EXPECT_EQ(Settle(leased, "still failing"), std::vector<ShareSettlement>{expected})
        << "attempt " << attempt;
    clock_.Advance(kPolicy.max_delay_ms);
  }
  auto letter = admin_->Get(dead.event.event_id);
  ASSERT_TRUE(letter.ok() && letter->has_value());
  EXPECT_EQ((*letter)->attempts, kPolicy.max_receives);
  EXPECT_EQ((*letter)->last_error, "still failing");
  const boost::json::value history = boost::json::parse((*letter)->history_json);
  EXPECT_EQ(history.as_array().size(), 2u * kPolicy.max_receives) << "the history before the redrive is kept";
  EXPECT_EQ(SharedCount("itm_a"), 0);
}

TEST_F(DeadLetterAdminTest, RedrivingAnUnknownOrAlreadyRedrivenEventIsNotFound) {
  CreateItem("alice", "itm_a");
  const DeadLetteredEvent dead = ShareAndDeadLetter("alice", "itm_a");

  Status unknown = admin_->Redrive("evt-unknown", clock_.NowMillis());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(DeadLetters(), 1) << "nothing moved";

  ASSERT_TRUE(admin_->Redrive(dead.event.event_id, clock_.NowMillis()).ok());
  Status twice = admin_->Redrive(dead.event.event_id, clock_.NowMillis());
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Depth(), 1) << "queued once";

  // A queued (not dead-lettered) event cannot be redriven either.
  const ShareEvent queued = Enqueue("alice", "itm_a");
  Status pending = admin_->Redrive(queued.event_id, clock_.NowMillis());
  ASSERT_FALSE(pending.ok());
  EXPECT_EQ(pending.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Depth(), 2);
}

TEST_F(DeadLetterAdminTest, RedriveAllMovesEveryDeadLetterAndEachIsAppliedOnce) {
  CreateItem("alice", "itm_a");
  CreateItem("alice", "itm_b");
  CreateItem("bob", "itm_c");
  ShareAndDeadLetter("alice", "itm_a");
  ShareAndDeadLetter("alice", "itm_b");
  ShareAndDeadLetter("bob", "itm_c");
  ASSERT_EQ(DeadLetters(), 3);

  auto moved = admin_->RedriveAll(clock_.NowMillis());
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 3);
  EXPECT_EQ(DeadLetters(), 0);
  EXPECT_TRUE(admin_->List()->empty());
  EXPECT_EQ(Depth(), 3);

  auto leased = Receive();
  ASSERT_EQ(leased.size(), 3u);
  for (const auto& lease : leased) EXPECT_EQ(lease.receive_count, 1);
  EXPECT_EQ(Settle(leased, std::nullopt), std::vector<ShareSettlement>(3, ShareSettlement::kApplied));
  for (const char* id : {"itm_a", "itm_b", "itm_c"}) EXPECT_EQ(SharedCount(id), 1) << id;

  auto none = admin_->RedriveAll(clock_.NowMillis());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  EXPECT_EQ(Depth(), 0);
}

TEST(DeadLetterAdminOpenTest, AMissingDatabaseIsNotFoundAndNotCreated) {
  TempDir dir;
  const auto path = dir.path() / "wdrbe.db";
  auto admin = DeadLetterAdmin::Open(path.string());
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path));

  auto no_dir = DeadLetterAdmin::Open((dir.path() / "no-such-dir" / "wdrbe.db").string());
  ASSERT_FALSE(no_dir.ok());
  EXPECT_EQ(no_dir.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace wdrbe::sqlite
