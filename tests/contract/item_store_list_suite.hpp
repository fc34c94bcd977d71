// ItemStore::ListItems and ListActivities: order, filters, keyset pages and
// has_more, and that one user never sees another's rows.
#pragma once

#include <set>

#include "contract/contract_suites.hpp"

namespace wdrbe::contract {

// --- Order ---------------------------------------------------------------------------

TEST_P(ItemStoreListTest, ListsNewestFirstWithTiesOnCreatedAtOrderedByItemIdDescending) {
  // Made in an order unrelated to the expected one.
  MustCreate(NewItem(kAlice, "itm_c", EveryField(), kT0 + 1));
  MustCreate(NewItem(kAlice, "itm_d", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0 + 1));
  MustCreate(NewItem(kAlice, "itm_b", EveryField(), kT0 + 2));
  MustCreate(NewItem(kAlice, "itm_e", EveryField(), kT0 + 1));

  EXPECT_EQ(IdsOf(AllItems(kAlice)), (std::vector<std::string>{"itm_b", "itm_e", "itm_c", "itm_a", "itm_d"}));
}

TEST_P(ItemStoreListTest, OrderIsByCreatedAtNotUpdatedAt) {
  MustCreate(NewItem(kAlice, "itm_old", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_new", EveryField(), kT0 + 1));
  ASSERT_TRUE(Succeeded(RunTask(store().UpdateItem(kAlice, "itm_old", Patch().Name("Touched"), kT0 + 5))));
  MustCreate(NewItem(kAlice, "itm_new", Fields("Replaced", "tops"), kT0 + 6), CreateOutcome::kReplaced);
  clock_.Set(kT0 + 7);
  MarkShared("itm_old");

  EXPECT_EQ(IdsOf(AllItems(kAlice)), (std::vector<std::string>{"itm_new", "itm_old"}));
}

// --- Filters -------------------------------------------------------------------------

TEST_P(ItemStoreFilterTest, SeasonFilterKeepsOnlyThatSeason) {
  EXPECT_EQ(IdsOf(AllItems(kAlice, "winter")),
            (std::vector<std::string>{"itm_08", "itm_05", "itm_03", "itm_01"}));
  EXPECT_EQ(IdsOf(AllItems(kAlice, "summer")), (std::vector<std::string>{"itm_07", "itm_02"}));
  EXPECT_TRUE(AllItems(kAlice, "spring").empty());
}

TEST_P(ItemStoreFilterTest, CategoryFilterMatchesExactly) {
  EXPECT_EQ(IdsOf(AllItems(kAlice, std::nullopt, "tops")),
            (std::vector<std::string>{"itm_07", "itm_05", "itm_03", "itm_02"}));
  EXPECT_EQ(IdsOf(AllItems(kAlice, std::nullopt, "outerwear")),
            (std::vector<std::string>{"itm_06", "itm_01"}));
  EXPECT_TRUE(AllItems(kAlice, std::nullopt, "Tops").empty());
  EXPECT_TRUE(AllItems(kAlice, std::nullopt, "top").empty());
}

TEST_P(ItemStoreFilterTest, SeasonAndCategoryTogether) {
  EXPECT_EQ(IdsOf(AllItems(kAlice, "winter", "tops")), (std::vector<std::string>{"itm_05", "itm_03"}));
  EXPECT_EQ(IdsOf(AllItems(kAlice, "summer", "tops")), (std::vector<std::string>{"itm_07", "itm_02"}));
  EXPECT_TRUE(AllItems(kAlice, "summer", "outerwear").empty());
}

TEST_P(ItemStoreFilterTest, NoFilterListsEverythingOfTheUserOnly) {
  EXPECT_EQ(IdsOf(AllItems(kAlice)), (std::vector<std::string>{"itm_08", "itm_07", "itm_06", "itm_05",
                                                               "itm_04", "itm_03", "itm_02", "itm_01"}));
  EXPECT_EQ(IdsOf(AllItems(kBob)), (std::vector<std::string>{"itm_91", "itm_90"}));
}

TEST_P(ItemStoreFilterTest, FilteredPagesAreFullAndConcatenateExactlyOnce) {
  for (int limit : {1, 2, 3, 4, 5}) {
    SCOPED_TRACE(::testing::Message() << "limit " << limit);
    EXPECT_EQ(IdsOf(WalkItems(ListItemsQuery{kAlice, "winter", std::nullopt, std::nullopt, limit})),
              IdsOf(AllItems(kAlice, "winter")));
    EXPECT_EQ(IdsOf(WalkItems(ListItemsQuery{kAlice, std::nullopt, "tops", std::nullopt, limit})),
              IdsOf(AllItems(kAlice, std::nullopt, "tops")));
    EXPECT_EQ(IdsOf(WalkItems(ListItemsQuery{kAlice, "winter", "tops", std::nullopt, limit})),
              IdsOf(AllItems(kAlice, "winter", "tops")));
  }
}

TEST_P(ItemStoreFilterTest, HasMoreCountsOnlyMatchingItems) {
  // Two summer items, and older non-summer items after them.
  ItemPage exactly_two = MustList(ListItemsQuery{kAlice, "summer", std::nullopt, std::nullopt, 2});
  EXPECT_EQ(IdsOf(exactly_two.items), (std::vector<std::string>{"itm_07", "itm_02"}));
  EXPECT_FALSE(exactly_two.has_more);

  ItemPage one_of_two = MustList(ListItemsQuery{kAlice, "summer", std::nullopt, std::nullopt, 1});
  EXPECT_EQ(IdsOf(one_of_two.items), std::vector<std::string>{"itm_07"});
  EXPECT_TRUE(one_of_two.has_more);
}

// --- Pages -----------------------------------------------------------------------------

TEST_P(ItemStoreListTest, HasMoreIsTrueExactlyWhenMoreItemsExist) {
  for (int i = 0; i < 3; ++i) MustCreate(NewItem(kAlice, Numbered("itm_", i), EveryField(), kT0 + i));

  EXPECT_TRUE(MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 2}).has_more);
  EXPECT_FALSE(MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 3}).has_more);
  EXPECT_FALSE(MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 4}).has_more);
  // Exactly `limit` items left after the position.
  ItemPage rest =
      MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, CursorPosition{kT0 + 2, "itm_0002"}, 2});
  EXPECT_EQ(IdsOf(rest.items), (std::vector<std::string>{"itm_0001", "itm_0000"}));
  EXPECT_FALSE(rest.has_more);
}

TEST_P(ItemStoreListTest, EmptyListHasNoMore) {
  ItemPage page = MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 20});
  EXPECT_TRUE(page.items.empty());
  EXPECT_FALSE(page.has_more);
}

TEST_P(ItemStoreListTest, AfterStartsStrictlyAfterThePositionIncludingWithinATie) {
  for (const char* id : {"itm_a", "itm_b", "itm_c"}) MustCreate(NewItem(kAlice, id, EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_z", EveryField(), kT0 - 1));

  auto after = [&](std::int64_t ms, std::string id) {
    return IdsOf(
        MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, CursorPosition{ms, std::move(id)}, 10})
            .items);
  };
  EXPECT_EQ(after(kT0, "itm_c"), (std::vector<std::string>{"itm_b", "itm_a", "itm_z"}));
  EXPECT_EQ(after(kT0, "itm_b"), (std::vector<std::string>{"itm_a", "itm_z"}));
  EXPECT_EQ(after(kT0, "itm_a"), (std::vector<std::string>{"itm_z"}));
  // A position need not be an existing item.
  EXPECT_EQ(after(kT0, "itm_bb"), (std::vector<std::string>{"itm_b", "itm_a", "itm_z"}));
  EXPECT_EQ(after(kT0 + 1, ""), (std::vector<std::string>{"itm_c", "itm_b", "itm_a", "itm_z"}));
  EXPECT_EQ(after(kT0 - 1, "itm_z"), std::vector<std::string>{});
}

TEST_P(ItemStoreListTest, PagesConcatenateToEveryItemExactlyOnce) {
  // 23 items, four to a millisecond, ids not in time order.
  for (int i = 0; i < 23; ++i) {
    MustCreate(NewItem(kAlice, Numbered("itm_", (i * 7) % 23), EveryField(), kT0 + i / 4));
  }
  const std::vector<std::string> everything = IdsOf(AllItems(kAlice));
  ASSERT_EQ(everything.size(), 23u);
  ASSERT_EQ(std::set<std::string>(everything.begin(), everything.end()).size(), 23u);

  for (int limit : {1, 2, 4, 5, 7, 22, 23, 24, 100}) {
    SCOPED_TRACE(::testing::Message() << "limit " << limit);
    EXPECT_EQ(IdsOf(WalkItems(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, limit})),
              everything);
  }
}

TEST_P(ItemStoreListTest, PagingContinuesAfterTheLastSeenItemIsDeletedOrNewItemsArrive) {
  for (int i = 0; i < 9; ++i) MustCreate(NewItem(kAlice, Numbered("itm_", i), EveryField(), kT0 + i));

  ItemPage first = MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, std::nullopt, 3});
  ASSERT_EQ(IdsOf(first.items), (std::vector<std::string>{"itm_0008", "itm_0007", "itm_0006"}));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_0006"))));
  MustCreate(NewItem(kAlice, "itm_0099", EveryField(), kT0 + 100));
  const CursorPosition position{first.items.back().created_at_ms, first.items.back().item_id};

  ItemPage second = MustList(ListItemsQuery{kAlice, std::nullopt, std::nullopt, position, 3});
  EXPECT_EQ(IdsOf(second.items), (std::vector<std::string>{"itm_0005", "itm_0004", "itm_0003"}));
  EXPECT_TRUE(second.has_more);
}

TEST_P(ItemStoreListTest, AnotherUsersItemsNeverAppear) {
  for (int i = 0; i < 6; ++i) {
    MustCreate(NewItem(kAlice, Numbered("itm_a", i), Fields("A", "tops", "winter"), kT0 + i));
    MustCreate(NewItem(kBob, Numbered("itm_b", i), Fields("B", "tops", "winter"), kT0 + i));
  }

  for (int limit : {1, 4, 100}) {
    for (const Item& item : WalkItems(ListItemsQuery{kAlice, "winter", "tops", std::nullopt, limit})) {
      EXPECT_EQ(item.user_id, kAlice) << item.item_id;
    }
  }
  EXPECT_EQ(AllItems(kAlice).size(), 6u);
  EXPECT_TRUE(AllItems("usr_nobody").empty());
}

// --- Activities ------------------------------------------------------------------------

TEST_P(ItemStoreListTest, ActivitiesAreNewestFirstWithTiesOrderedByActivityIdDescending) {
  auto create = [&](const char* item_id, const char* activity_id, std::int64_t now_ms) {
    CreateItemCommand command = NewItem(kAlice, item_id, EveryField(), now_ms);
    command.created_activity.activity_id = activity_id;
    MustCreate(std::move(command));
  };
  create("itm_1", "act_b", kT0 + 1);
  create("itm_2", "act_e", kT0);
  create("itm_3", "act_a", kT0 + 1);
  create("itm_4", "act_d", kT0 + 2);
  create("itm_5", "act_c", kT0 + 1);

  EXPECT_EQ(IdsOf(AllActivities(kAlice)),
            (std::vector<std::string>{"act_d", "act_c", "act_b", "act_a", "act_e"}));
}

TEST_P(ItemStoreListTest, ActivityPagesConcatenateExactlyOnceAndHasMoreIsExact) {
  for (int i = 0; i < 11; ++i) MustCreate(NewItem(kAlice, Numbered("itm_", i), EveryField(), kT0 + i / 3));
  MustCreate(NewItem(kBob, "itm_bob", EveryField(), kT0 + 1));
  const std::vector<std::string> everything = IdsOf(AllActivities(kAlice));
  ASSERT_EQ(everything.size(), 11u);

  for (int limit : {1, 2, 3, 10, 11, 12}) {
    SCOPED_TRACE(::testing::Message() << "limit " << limit);
    EXPECT_EQ(IdsOf(WalkActivities(ListActivitiesQuery{kAlice, std::nullopt, limit})), everything);
  }
  EXPECT_FALSE(MustListActivities(ListActivitiesQuery{kAlice, std::nullopt, 11}).has_more);
  EXPECT_TRUE(MustListActivities(ListActivitiesQuery{kAlice, std::nullopt, 10}).has_more);
}

TEST_P(ItemStoreListTest, SharedAndCreatedActivitiesAreOneFeedNewestFirst) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  clock_.Set(kT0 + 10);
  MarkShared("itm_1");
  MustCreate(NewItem(kAlice, "itm_2", EveryField(), kT0 + 20));

  const std::vector<Activity> feed = AllActivities(kAlice);
  ASSERT_EQ(feed.size(), 3u);
  EXPECT_EQ(feed[0].item_id, "itm_2");
  EXPECT_EQ(feed[0].activity_type, kActivityItemCreated);
  EXPECT_EQ(feed[1].item_id, "itm_1");
  EXPECT_EQ(feed[1].activity_type, kActivityItemShared);
  EXPECT_EQ(feed[1].timestamp_ms, kT0 + 10);
  EXPECT_EQ(feed[2].item_id, "itm_1");
  EXPECT_EQ(feed[2].activity_type, kActivityItemCreated);
}

TEST_P(ItemStoreListTest, AnotherUsersActivitiesNeverAppear) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustCreate(NewItem(kBob, "itm_b", EveryField(), kT0));
  MarkShared("itm_b");

  const std::vector<Activity> alices = AllActivities(kAlice);
  ASSERT_EQ(alices.size(), 1u);
  EXPECT_EQ(alices[0].item_id, "itm_a");
  EXPECT_EQ(alices[0].user_id, kAlice);
  EXPECT_TRUE(AllActivities("usr_nobody").empty());
  EXPECT_FALSE(MustListActivities(ListActivitiesQuery{"usr_nobody", std::nullopt, 20}).has_more);
}

}  // namespace wdrbe::contract
