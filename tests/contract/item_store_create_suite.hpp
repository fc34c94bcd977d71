// ItemStore::CreateItem: a new item, a replacement of the caller's own, an
// idempotent replay, and the same under concurrency (storage/item_store.hpp,
// domain/item_create.hpp).
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <set>
#include <thread>

#include "contract/contract_suites.hpp"

namespace wdrbe::contract {

// --- A new item ----------------------------------------------------------------

TEST_P(ItemStoreCreateTest, CreateReturnsTheNewItemWithZeroCountersAndBothTimestampsNow) {
  Result<CreateItemResult> created = RunTask(store().CreateItem(NewItem(kAlice, "itm_1", EveryField(), kT0)));

  ASSERT_TRUE(Succeeded(created));
  EXPECT_EQ(created->outcome, CreateOutcome::kCreated);
  EXPECT_EQ(created->item, (Item{"itm_1", kAlice, EveryField(), 0, false, kT0, kT0}));
}

TEST_P(ItemStoreCreateTest, CreatedItemCanBeReadAndIsListed) {
  const Item created = MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<Item> read = RunTask(store().GetItem("itm_1"));
  ASSERT_TRUE(Succeeded(read));
  EXPECT_EQ(*read, created);
  EXPECT_EQ(AllItems(kAlice), std::vector<Item>{created});
}

TEST_P(ItemStoreCreateTest, CreateKeepsAbsentOptionalFieldsAbsent) {
  const Item created = MustCreate(NewItem(kAlice, "itm_1", Fields("Tee", "tops"), kT0));

  EXPECT_EQ(created.fields, Fields("Tee", "tops"));
  EXPECT_EQ(MustGet("itm_1").fields, Fields("Tee", "tops"));
}

TEST_P(ItemStoreCreateTest, CreateWritesTheCommandsItemCreatedActivityWhole) {
  CreateItemCommand command = NewItem(kAlice, "itm_1", EveryField(), kT0 + 5);
  const Activity expected = command.created_activity;
  MustCreate(std::move(command));

  const std::vector<Activity> activities = AllActivities(kAlice);
  ASSERT_EQ(activities.size(), 1u);
  EXPECT_EQ(activities[0], expected);
  EXPECT_EQ(activities[0].activity_type, kActivityItemCreated);
  EXPECT_EQ(activities[0].item_id, "itm_1");
  EXPECT_EQ(activities[0].item_name, "Navy Blazer");
  EXPECT_EQ(activities[0].timestamp_ms, kT0 + 5);
  boost::system::error_code json_error;
  const boost::json::value metadata = boost::json::parse(activities[0].metadata_json, json_error);
  ASSERT_FALSE(json_error) << activities[0].metadata_json;
  EXPECT_EQ(metadata, boost::json::parse(R"({"action":"create"})")) << activities[0].metadata_json;
}

// --- The caller's existing item_id replaces ---------------------------------------

TEST_P(ItemStoreCreateTest, CreateWithTheCallersItemIdReplacesEveryEditableField) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<CreateItemResult> replaced =
      RunTask(store().CreateItem(NewItem(kAlice, "itm_1", Fields("Grey Blazer", "jackets"), kT0 + 1000)));

  ASSERT_TRUE(Succeeded(replaced));
  EXPECT_EQ(replaced->outcome, CreateOutcome::kReplaced);
  // Optional fields the new payload leaves out are cleared.
  EXPECT_EQ(replaced->item,
            (Item{"itm_1", kAlice, Fields("Grey Blazer", "jackets"), 0, false, kT0, kT0 + 1000}));
  EXPECT_EQ(MustGet("itm_1"), replaced->item);
  EXPECT_EQ(AllItems(kAlice), std::vector<Item>{replaced->item});
}

TEST_P(ItemStoreCreateTest, ReplaceKeepsCreatedAtSharedCountAndVisibility) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  for (int i = 0; i < 3; ++i) MarkShared("itm_1");

  const Item replaced =
      MustCreate(NewItem(kAlice, "itm_1", Fields("Grey Blazer", "jackets", "winter"), kT0 + 1000),
                 CreateOutcome::kReplaced);

  EXPECT_EQ(replaced.created_at_ms, kT0);
  EXPECT_EQ(replaced.updated_at_ms, kT0 + 1000);
  EXPECT_EQ(replaced.shared_count, 3);
  EXPECT_TRUE(replaced.is_public);
  EXPECT_EQ(MustGet("itm_1"), replaced);
}

TEST_P(ItemStoreCreateTest, ReplaceAppendsNoActivity) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  const std::vector<Activity> before = AllActivities(kAlice);

  MustCreate(NewItem(kAlice, "itm_1", Fields("Grey Blazer", "jackets"), kT0 + 1000),
             CreateOutcome::kReplaced);

  EXPECT_EQ(AllActivities(kAlice), before);
}

TEST_P(ItemStoreCreateTest, CreateWithAnotherUsersItemIdIsConflictAndChangesNothing) {
  const Item original = MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<CreateItemResult> stolen =
      RunTask(store().CreateItem(NewItem(kBob, "itm_1", Fields("Mine now", "loot"), kT0 + 1000)));

  EXPECT_TRUE(FailedWith(stolen, ErrorCode::kConflict));
  EXPECT_EQ(MustGet("itm_1"), original);
  EXPECT_TRUE(AllItems(kBob).empty());
  EXPECT_TRUE(AllActivities(kBob).empty());
  EXPECT_EQ(AllActivities(kAlice).size(), 1u);
}

// --- Idempotency keys ------------------------------------------------------------

TEST_P(ItemStoreCreateTest, RepeatWithSameKeyAndFingerprintReplaysAndWritesNothing) {
  const Item original = MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));

  // A retry gets a fresh server-made item id and a later clock.
  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), kT0 + 1000, "key-1", "fp-1")));

  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(replay->item, original);
  EXPECT_TRUE(FailedWith(RunTask(store().GetItem("itm_2")), ErrorCode::kNotFound));
  EXPECT_EQ(AllItems(kAlice), std::vector<Item>{original});
  EXPECT_EQ(AllActivities(kAlice).size(), 1u);
}

TEST_P(ItemStoreCreateTest, ReplayReturnsTheItemAsItIsNow) {
  MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  Result<Item> updated =
      RunTask(store().UpdateItem(kAlice, "itm_1", Patch().Name("Renamed").Color(Cleared()), kT0 + 500));
  ASSERT_TRUE(Succeeded(updated));

  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), kT0 + 1000, "key-1", "fp-1")));

  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(replay->item, *updated);
  EXPECT_EQ(replay->item.fields.name, "Renamed");
  EXPECT_EQ(replay->item.updated_at_ms, kT0 + 500);
}

TEST_P(ItemStoreCreateTest, SameKeyWithAnotherFingerprintIsKeyReusedAndWritesNothing) {
  const Item original = MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));

  Result<CreateItemResult> reused = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_2", Fields("Other", "tops"), kT0 + 1000, "key-1", "fp-2")));
  Result<CreateItemResult> reused_on_same_id = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_1", Fields("Other", "tops"), kT0 + 1000, "key-1", "fp-2")));

  EXPECT_TRUE(FailedWith(reused, ErrorCode::kIdempotencyKeyReused));
  EXPECT_TRUE(FailedWith(reused_on_same_id, ErrorCode::kIdempotencyKeyReused));
  EXPECT_EQ(AllItems(kAlice), std::vector<Item>{original});
  EXPECT_EQ(AllActivities(kAlice).size(), 1u);
}

TEST_P(ItemStoreCreateTest, IdempotencyKeysBelongToOneUser) {
  const Item alices = MustCreate(NewItemWithKey(kAlice, "itm_a", EveryField(), kT0, "key-1", "fp-1"));

  // The same key, even with the same payload, is a new request from Bob.
  Result<CreateItemResult> bobs =
      RunTask(store().CreateItem(NewItemWithKey(kBob, "itm_b", EveryField(), kT0 + 1, "key-1", "fp-1")));
  Result<CreateItemResult> bobs_other =
      RunTask(store().CreateItem(NewItemWithKey(kBob, "itm_c", EveryField(), kT0 + 2, "key-2", "fp-9")));

  ASSERT_TRUE(Succeeded(bobs));
  EXPECT_EQ(bobs->outcome, CreateOutcome::kCreated);
  EXPECT_EQ(bobs->item.item_id, "itm_b");
  EXPECT_EQ(bobs->item.user_id, kBob);
  ASSERT_TRUE(Succeeded(bobs_other));
  EXPECT_EQ(bobs_other->outcome, CreateOutcome::kCreated);
  Result<CreateItemResult> alice_again =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_x", EveryField(), kT0 + 3, "key-1", "fp-1")));
  ASSERT_TRUE(Succeeded(alice_again));
  EXPECT_EQ(alice_again->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(alice_again->item, alices);
}

TEST_P(ItemStoreCreateTest, KeyIsRememberedForTheWindowAndForgottenAfterIt) {
  const Item first = MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  const std::int64_t last_remembered = kT0 + kIdempotencyWindowMs - 1;

  Result<CreateItemResult> late_replay = RunTask(
      store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), last_remembered, "key-1", "fp-1")));
  Result<CreateItemResult> late_reuse = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_2", Fields("New", "tops"), last_remembered, "key-1", "fp-2")));
  ASSERT_TRUE(Succeeded(late_replay));
  EXPECT_EQ(late_replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(late_replay->item, first);
  EXPECT_TRUE(FailedWith(late_reuse, ErrorCode::kIdempotencyKeyReused));

  Result<CreateItemResult> after_window = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_2", Fields("New", "tops"), kT0 + kIdempotencyWindowMs, "key-1", "fp-2")));
  ASSERT_TRUE(Succeeded(after_window));
  EXPECT_EQ(after_window->outcome, CreateOutcome::kCreated);
  EXPECT_EQ(after_window->item.item_id, "itm_2");

  // From then on the key stands for the new request.
  Result<CreateItemResult> new_replay = RunTask(store().CreateItem(NewItemWithKey(
      kAlice, "itm_3", Fields("New", "tops"), kT0 + kIdempotencyWindowMs + 1, "key-1", "fp-2")));
  ASSERT_TRUE(Succeeded(new_replay));
  EXPECT_EQ(new_replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(new_replay->item.item_id, "itm_2");
  EXPECT_TRUE(
      FailedWith(RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_3", EveryField(),
                                                           kT0 + kIdempotencyWindowMs + 1, "key-1", "fp-1"))),
                 ErrorCode::kIdempotencyKeyReused));
}

TEST_P(ItemStoreCreateTest, ReplayAfterTheItemWasDeletedIsNotFound) {
  MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));

  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), kT0 + 1000, "key-1", "fp-1")));

  EXPECT_TRUE(FailedWith(replay, ErrorCode::kNotFound));
  EXPECT_TRUE(AllItems(kAlice).empty());
}

TEST_P(ItemStoreCreateTest, ReplayAfterTheItemWasDeletedAndItsIdTakenByAnotherUserIsNotFound) {
  MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));
  const Item bobs = MustCreate(NewItem(kBob, "itm_1", Fields("Bob's private thing", "secret"), kT0 + 10));

  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_2", EveryField(), kT0 + 1000, "key-1", "fp-1")));

  // Alice's item is gone; Bob's item of the same id is not hers to see.
  EXPECT_TRUE(FailedWith(replay, ErrorCode::kNotFound));
  if (replay.ok()) {
    EXPECT_NE(replay->item.user_id, kBob) << "Bob's private item leaked to Alice";
  }
  EXPECT_EQ(MustGet("itm_1"), bobs);
}

TEST_P(ItemStoreCreateTest, AFailedCreateDoesNotRememberItsKey) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  EXPECT_TRUE(FailedWith(
      RunTask(store().CreateItem(NewItemWithKey(kBob, "itm_1", Fields("X", "y"), kT0 + 1, "key-1", "fp-1"))),
      ErrorCode::kConflict));

  Result<CreateItemResult> retry =
      RunTask(store().CreateItem(NewItemWithKey(kBob, "itm_b", Fields("X", "y"), kT0 + 2, "key-1", "fp-2")));

  ASSERT_TRUE(Succeeded(retry));
  EXPECT_EQ(retry->outcome, CreateOutcome::kCreated);
}

TEST_P(ItemStoreCreateTest, AKeyFirstUsedForAReplaceReplaysThatItem) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  const Item replaced =
      MustCreate(NewItemWithKey(kAlice, "itm_1", Fields("Grey", "jackets"), kT0 + 1, "key-1", "fp-1"),
                 CreateOutcome::kReplaced);

  Result<CreateItemResult> replay = RunTask(store().CreateItem(
      NewItemWithKey(kAlice, "itm_1", Fields("Grey", "jackets"), kT0 + 2, "key-1", "fp-1")));

  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(replay->item, replaced);
}

// --- Concurrency -------------------------------------------------------------------

TEST_P(ItemStoreCreateTest, ConcurrentRepeatsOfOneKeyCreateExactlyOneItem) {
  constexpr int kRequests = 50;
  std::vector<Task<Result<CreateItemResult>>> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.push_back(store().CreateItem(
        NewItemWithKey(kAlice, Numbered("itm_", i), EveryField(), kT0 + i, "key-1", "fp-1")));
  }

  const std::vector<Result<CreateItemResult>> results = RunAll(std::move(requests));

  int created = 0;
  std::set<std::string> item_ids;
  for (const auto& result : results) {
    ASSERT_TRUE(Succeeded(result));
    if (result->outcome == CreateOutcome::kCreated) {
      ++created;
    } else {
      EXPECT_EQ(result->outcome, CreateOutcome::kReplayed);
    }
    item_ids.insert(result->item.item_id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(item_ids.size(), 1u) << "every request must answer with the one item";
  const std::vector<Item> listed = AllItems(kAlice);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].item_id, *item_ids.begin());
  EXPECT_EQ(AllActivities(kAlice).size(), 1u);
}

TEST_P(ItemStoreCreateTest, ConcurrentCreatesOfDistinctItemsAllSucceed) {
  constexpr int kRequests = 50;
  std::vector<Task<Result<CreateItemResult>>> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.push_back(store().CreateItem(NewItem(kAlice, Numbered("itm_", i), EveryField(), kT0 + i)));
  }

  const std::vector<Result<CreateItemResult>> results = RunAll(std::move(requests));

  for (const auto& result : results) {
    ASSERT_TRUE(Succeeded(result));
    EXPECT_EQ(result->outcome, CreateOutcome::kCreated);
  }
  EXPECT_EQ(AllItems(kAlice).size(), static_cast<std::size_t>(kRequests));
  EXPECT_EQ(AllActivities(kAlice).size(), static_cast<std::size_t>(kRequests));
}

// One caller's session: creates each item and reads it back, by id and as
// the newest of the caller's list. Returns how many it saw back intact.
inline Task<int> CreateAndReadBack(ItemStore& store, std::vector<CreateItemCommand> commands) {
  int confirmed = 0;
  for (CreateItemCommand& command : commands) {
    const std::string user_id = command.user_id;
    Result<CreateItemResult> created = co_await store.CreateItem(std::move(command));
    if (!created.ok()) continue;
    Result<Item> read = co_await store.GetItem(created->item.item_id);
    // Named, not a braced temporary inside the co_await: GCC 12 destroys
    // such temporaries twice.
    ListItemsQuery newest{user_id, std::nullopt, std::nullopt, std::nullopt, 1};
    Result<ItemPage> listed = co_await store.ListItems(std::move(newest));
    if (read.ok() && *read == created->item && listed.ok() && !listed->items.empty() &&
        listed->items[0].item_id == created->item.item_id) {
      ++confirmed;
    }
  }
  co_return confirmed;
}

TEST_P(ItemStoreCreateTest, CallsFromManyThreadsAtOnceAreSafe) {
  constexpr int kThreads = 4;
  constexpr int kItemsEach = 15;
  std::vector<std::vector<CreateItemCommand>> sessions(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    const std::string user_id = Numbered("usr_", t);
    for (int i = 0; i < kItemsEach; ++i) {
      sessions[t].push_back(
          NewItem(user_id, user_id + Numbered("_itm_", i), Fields("Thing", "misc"), kT0 + i));
    }
  }
  std::vector<int> confirmed(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &sessions, &confirmed] {
      confirmed[t] = RunTask(CreateAndReadBack(store(), std::move(sessions[t])));
    });
  }
  for (auto& thread : threads) thread.join();

  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(confirmed[t], kItemsEach) << "thread " << t;
    EXPECT_EQ(AllItems(Numbered("usr_", t)).size(), static_cast<std::size_t>(kItemsEach));
  }
}

}  // namespace wdrbe::contract
