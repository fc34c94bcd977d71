// What only the DynamoDB store promises, on DynamoDB Local: two stores with
// clients of their own on one table (as two processes) behave as one store
// when they race, and each list and create costs the calls it should.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "aws/dynamodb_test_clients.hpp"
#include "contract/contract_assertions.hpp"
#include "contract/item_builders.hpp"
#include "testing/run_task.hpp"
#include "testing/seeded_random.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/storage/dynamodb/dynamodb_item_store.hpp"
#include "wdrbe/storage/dynamodb/table_secrets.hpp"

namespace wdrbe::dynamodb {
namespace {

using wdrbe::testing::RunAll;
using wdrbe::testing::RunTask;

constexpr std::int64_t kT0 = 1'764'064'800'000;
constexpr char kAlice[] = "usr_alice";
constexpr char kBob[] = "usr_bob";

CreateItemCommand NewItem(std::string user_id, std::string item_id, std::int64_t now_ms,
                          std::optional<std::string> key = std::nullopt, std::string season = "winter") {
  CreateItemCommand command;
  command.user_id = std::move(user_id);
  command.item_id = std::move(item_id);
  command.fields = contract::Fields("Parka", "outerwear", std::move(season));
  command.now_ms = now_ms;
  command.idempotency_key = std::move(key);
  command.payload_fingerprint = "fp-1";
  command.created_activity =
      ItemCreatedActivity(Item{command.item_id, command.user_id, command.fields, 0, false, now_ms, now_ms},
                          "act_" + command.item_id);
  return command;
}

class DynamoDbStoreEngineTest : public ::testing::Test {
 protected:
  DynamoDbStoreEngineTest()
      : table_(testing::NewTable("store")),
        clients_a_(testing::NewEngineClients()),
        clients_b_(testing::NewEngineClients()),
        a_(*clients_a_, table_),
        b_(*clients_b_, table_) {}

  // Every other request to the other process's store.
  ItemStore& Either(int i) { return i % 2 == 0 ? static_cast<ItemStore&>(a_) : b_; }

  void MustCreate(DynamoDbItemStore& store, CreateItemCommand command) {
    Result<CreateItemResult> created = RunTask(store.CreateItem(std::move(command)));
    ASSERT_TRUE(Succeeded(created));
  }

  std::int64_t Calls(const aws::AwsClients& clients) const {
    return clients.CallCount(aws::AwsService::kDynamoDb);
  }

  const std::string table_;
  std::unique_ptr<aws::AwsClients> clients_a_;
  std::unique_ptr<aws::AwsClients> clients_b_;
  DynamoDbItemStore a_;
  DynamoDbItemStore b_;
};

TEST_F(DynamoDbStoreEngineTest, ConcurrentCreatesWithOneKeyFromTwoProcessesMakeOneItem) {
  constexpr int kRequests = 16;
  std::vector<Task<Result<CreateItemResult>>> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.push_back(
        Either(i).CreateItem(NewItem(kAlice, contract::Numbered("itm_", i), kT0 + i, "key-1")));
  }

  const std::vector<Result<CreateItemResult>> results = RunAll(std::move(requests));

  int created = 0;
  std::set<std::string> item_ids;
  for (const Result<CreateItemResult>& result : results) {
    ASSERT_TRUE(Succeeded(result));
    if (result->outcome == CreateOutcome::kCreated) {
      ++created;
    } else {
      EXPECT_EQ(result->outcome, CreateOutcome::kReplayed);
    }
    item_ids.insert(result->item.item_id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(item_ids.size(), 1u);
  Result<ItemPage> listed =
      RunTask(a_.ListItems(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 100}));
  ASSERT_TRUE(Succeeded(listed));
  ASSERT_EQ(listed->items.size(), 1u);
  Result<ActivityPage> activities =
      RunTask(b_.ListActivities(ListActivitiesQuery{kAlice, std::nullopt, 100}));
  ASSERT_TRUE(Succeeded(activities));
  EXPECT_EQ(activities->activities.size(), 1u);
}

TEST_F(DynamoDbStoreEngineTest, TwoUsersRacingForOneItemIdGetOneItemAndOneConflict) {
  for (int round = 0; round < 5; ++round) {
    const std::string item_id = contract::Numbered("itm_contested_", round);
    std::vector<Task<Result<CreateItemResult>>> requests;
    requests.push_back(a_.CreateItem(NewItem(kAlice, item_id, kT0)));
    requests.push_back(b_.CreateItem(NewItem(kBob, item_id, kT0)));

    const std::vector<Result<CreateItemResult>> results = RunAll(std::move(requests));

    int created = 0;
    int conflicts = 0;
    std::string winner;
    for (const Result<CreateItemResult>& result : results) {
      if (result.ok()) {
        EXPECT_EQ(result->outcome, CreateOutcome::kCreated);
        winner = result->item.user_id;
        ++created;
      } else {
        EXPECT_TRUE(FailedWith(result, ErrorCode::kConflict));
        ++conflicts;
      }
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(conflicts, 1);
    Result<Item> stored = RunTask(b_.GetItem(item_id));
    ASSERT_TRUE(Succeeded(stored));
    EXPECT_EQ(stored->user_id, winner);
    const std::string loser = winner == kAlice ? kBob : kAlice;
    Result<ItemPage> losers =
        RunTask(a_.ListItems(ListItemsQuery{loser, std::nullopt, std::nullopt, std::nullopt, 100}));
    ASSERT_TRUE(Succeeded(losers));
    for (const Item& listed : losers->items) {
      EXPECT_NE(listed.item_id, item_id) << "the loser's index row must not exist";
    }
  }
}

TEST_F(DynamoDbStoreEngineTest, ConcurrentApplicationsOfOneEventFromTwoProcessesCountOnce) {
  MustCreate(a_, NewItem(kAlice, "itm_a", kT0));
  const ShareEvent event{"evt_1", kAlice, "itm_a", kT0, "req_1", ""};
  std::vector<Task<std::vector<Result<ShareApplication>>>> applications;
  for (int i = 0; i < 6; ++i) {
    std::vector<ApplyShareCommand> batch{ApplyShareCommand{event, contract::Numbered("act_s", i), kT0 + 10}};
    applications.push_back(Either(i).ApplyShares(std::move(batch)));
  }

  int applied = 0;
  for (const std::vector<Result<ShareApplication>>& results : RunAll(std::move(applications))) {
    ASSERT_EQ(results.size(), 1u);
    ASSERT_TRUE(Succeeded(results[0]));
    applied += *results[0] == ShareApplication::kApplied ? 1 : 0;
  }

  EXPECT_EQ(applied, 1);
  Result<Item> item = RunTask(b_.GetItem("itm_a"));
  ASSERT_TRUE(Succeeded(item));
  EXPECT_EQ(item->shared_count, 1);
  Result<ActivityPage> feed = RunTask(a_.ListActivities(ListActivitiesQuery{kAlice, std::nullopt, 100}));
  ASSERT_TRUE(Succeeded(feed));
  EXPECT_EQ(feed->activities.size(), 2u) << "one ItemCreated, one ItemShared";
}

TEST_F(DynamoDbStoreEngineTest, AListWalkedWithCursorsAlternatingBetweenProcessesSeesEveryItemOnce) {
  for (int i = 0; i < 13; ++i)
    MustCreate(a_, NewItem(kAlice, contract::Numbered("itm_", (i * 5) % 13), kT0 + i / 3));
  // Each process's cursor key from the table, as servers load it at start.
  wdrbe::testing::SeededRandom random_a(1);
  wdrbe::testing::SeededRandom random_b(2);
  Result<std::string> key_a = RunTask(LoadOrCreateSecret(*clients_a_, table_, "cursor-key", random_a));
  Result<std::string> key_b = RunTask(LoadOrCreateSecret(*clients_b_, table_, "cursor-key", random_b));
  ASSERT_TRUE(Succeeded(key_a));
  ASSERT_TRUE(Succeeded(key_b));
  const CursorCodec codecs[] = {CursorCodec(*key_a), CursorCodec(*key_b)};
  const std::string scope = "items\x1fusr_alice\x1f\x1f";

  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  for (int page = 0; page < 20; ++page) {
    ListItemsQuery query{kAlice, std::nullopt, std::nullopt, std::nullopt, 3};
    if (cursor) {
      Result<CursorPosition> position = codecs[page % 2].Decode(scope, *cursor);
      ASSERT_TRUE(Succeeded(position)) << "page " << page;
      query.after = *position;
    }
    Result<ItemPage> listed = RunTask(Either(page).ListItems(std::move(query)));
    ASSERT_TRUE(Succeeded(listed));
    for (const Item& item : listed->items) seen.push_back(item.item_id);
    if (!listed->has_more) break;
    const Item& last = listed->items.back();
    cursor = codecs[page % 2].Encode(scope, CursorPosition{last.created_at_ms, last.item_id});
  }

  EXPECT_EQ(seen.size(), 13u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 13u);
}

TEST_F(DynamoDbStoreEngineTest, AListOfTwentyIsOneQueryWhateverTheFilter) {
  for (int i = 0; i < 25; ++i) MustCreate(a_, NewItem(kAlice, contract::Numbered("itm_", i), kT0 + i));
  const std::vector<ListItemsQuery> queries{
      {kAlice, std::nullopt, std::nullopt, std::nullopt, 20},
      {kAlice, "winter", std::nullopt, std::nullopt, 20},
      {kAlice, std::nullopt, "outerwear", std::nullopt, 20},
      {kAlice, "winter", "outerwear", CursorPosition{kT0 + 22, "itm_0022"}, 20},
  };
  for (const ListItemsQuery& query : queries) {
    const std::int64_t before = Calls(*clients_b_);
    Result<ItemPage> page = RunTask(b_.ListItems(query));
    ASSERT_TRUE(Succeeded(page));
    EXPECT_EQ(page->items.size(), 20u);
    EXPECT_TRUE(page->has_more);
    EXPECT_EQ(Calls(*clients_b_) - before, 1) << "one Query, no reads of the items after it";
  }
  const std::int64_t before = Calls(*clients_b_);
  Result<ActivityPage> feed = RunTask(b_.ListActivities(ListActivitiesQuery{kAlice, std::nullopt, 20}));
  ASSERT_TRUE(Succeeded(feed));
  EXPECT_EQ(feed->activities.size(), 20u);
  EXPECT_EQ(Calls(*clients_b_) - before, 1);
}

TEST_F(DynamoDbStoreEngineTest, ACreateIsOneReadAndOneTransaction) {
  std::int64_t before = Calls(*clients_a_);
  MustCreate(a_, NewItem(kAlice, "itm_1", kT0));
  EXPECT_EQ(Calls(*clients_a_) - before, 2) << "GetItem, TransactWriteItems";

  before = Calls(*clients_a_);
  MustCreate(a_, NewItem(kAlice, "itm_2", kT0 + 1, "key-2"));
  EXPECT_EQ(Calls(*clients_a_) - before, 2) << "TransactGetItems of the item and the key, TransactWriteItems";

  before = Calls(*clients_a_);
  Result<CreateItemResult> replay = RunTask(a_.CreateItem(NewItem(kAlice, "itm_2", kT0 + 2, "key-2")));
  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(Calls(*clients_a_) - before, 1) << "a replay of the same id reads once and writes nothing";
}

TEST_F(DynamoDbStoreEngineTest, ASecretIsMadeOnceWhenTwoProcessesAskAtOnce) {
  wdrbe::testing::SeededRandom random_a(11);
  wdrbe::testing::SeededRandom random_b(12);
  std::vector<Task<Result<std::string>>> loads;
  loads.push_back(LoadOrCreateSecret(*clients_a_, table_, "racy", random_a));
  loads.push_back(LoadOrCreateSecret(*clients_b_, table_, "racy", random_b));

  const std::vector<Result<std::string>> secrets = RunAll(std::move(loads));

  ASSERT_TRUE(Succeeded(secrets[0]));
  ASSERT_TRUE(Succeeded(secrets[1]));
  EXPECT_EQ(*secrets[0], *secrets[1]);
  EXPECT_EQ(secrets[0]->size(), 32u);
  wdrbe::testing::SeededRandom random_c(13);
  Result<std::string> later = RunTask(LoadOrCreateSecret(*clients_a_, table_, "racy", random_c, 64));
  ASSERT_TRUE(Succeeded(later));
  EXPECT_EQ(*later, *secrets[0]) << "a stored secret is kept";
}

}  // namespace
}  // namespace wdrbe::dynamodb
