// The key patterns of the DynamoDB layout: the first implementation's keys,
// escaping that keeps composite keys apart, and index sort keys whose
// string order is the lists' (time, id) order.
#include "wdrbe/storage/dynamodb/table_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace wdrbe::dynamodb {
namespace {

TEST(TableLayoutTest, RowKeysAreTheFirstImplementations) {
  EXPECT_EQ(ItemMetadataKey("itm_1"), (RowKey{"ITEM#itm_1", "METADATA"}));
  EXPECT_EQ(UserItemKey("usr_a", "itm_1"), (RowKey{"USER#usr_a", "ITEM#itm_1"}));
  EXPECT_EQ(ActivityKey("usr_a", "act_1"), (RowKey{"USER#usr_a", "ACTIVITY#act_1"}));
  EXPECT_EQ(AppliedShareKey("evt_1"), (RowKey{"EVENT#evt_1", "APPLIED"}));
  EXPECT_EQ(SecretKey("cursor-key"), (RowKey{"CONFIG#cursor-key", "SECRET"}));
}

TEST(TableLayoutTest, CreateAndShareKeysOfOneNameAreDifferentRowsWhateverTheKeyHolds) {
  EXPECT_EQ(IdempotencyKey("usr_a", IdempotentOperation::kCreateItem, "k1"),
            (RowKey{"USER#usr_a", "IDEMPOTENCY#CREATE#k1"}));
  EXPECT_EQ(IdempotencyKey("usr_a", IdempotentOperation::kShareItem, "k1"),
            (RowKey{"USER#usr_a", "IDEMPOTENCY#SHARE#k1"}));
  // A create key that spells the share namespace stays a create key.
  EXPECT_NE(IdempotencyKey("usr_a", IdempotentOperation::kCreateItem, "SHARE#k1"),
            IdempotencyKey("usr_a", IdempotentOperation::kShareItem, "k1"));
  EXPECT_NE(IdempotencyKey("usr_a", IdempotentOperation::kShareItem, "CREATE#k1"),
            IdempotencyKey("usr_a", IdempotentOperation::kCreateItem, "k1"));
}

TEST(TableLayoutTest, KeyPartEscapesSeparatorsAndItsOwnEscape) {
  EXPECT_EQ(KeyPart("plain"), "plain");
  EXPECT_EQ(KeyPart("a#b"), "a%23b");
  EXPECT_EQ(KeyPart("100%"), "100%25");
  EXPECT_EQ(KeyPart("%23"), "%2523");
}

TEST(TableLayoutTest, EachFilterHasItsIndexAndPartition) {
  const std::optional<std::string> none;
  ItemListPartition all = ItemListPartitionFor("usr_a", none, none);
  EXPECT_STREQ(all.index.name, "GSI2");
  EXPECT_EQ(all.pk, "USER#usr_a#ITEMS");
  ItemListPartition season = ItemListPartitionFor("usr_a", "winter", none);
  EXPECT_STREQ(season.index.name, "GSI1");
  EXPECT_EQ(season.pk, "USER#usr_a#SEASON#winter");
  ItemListPartition category = ItemListPartitionFor("usr_a", none, "tops");
  EXPECT_STREQ(category.index.name, "GSI3");
  EXPECT_EQ(category.pk, "USER#usr_a#CATEGORY#tops");
  ItemListPartition both = ItemListPartitionFor("usr_a", "winter", "tops");
  EXPECT_STREQ(both.index.name, "GSI4");
  EXPECT_EQ(both.pk, "USER#usr_a#SEASON#winter#CATEGORY#tops");
  EXPECT_EQ(ActivityFeedPartition("usr_a"), "USER#usr_a#ACTIVITIES");
}

TEST(TableLayoutTest, UsersAndCategoriesWithSeparatorsCannotShareAPartition) {
  const std::optional<std::string> none;
  // Unescaped, both would be USER#x#CATEGORY#y#CATEGORY#z.
  EXPECT_NE(ItemListPartitionFor("x#CATEGORY#y", none, "z").pk,
            ItemListPartitionFor("x", none, "y#CATEGORY#z").pk);
  EXPECT_NE(ItemListPartitionFor("x#SEASON#winter", none, none).pk,
            ItemListPartitionFor("x", "winter", none).pk);
  EXPECT_NE(ActivityFeedPartition("x#ITEMS"), ItemListPartitionFor("x", none, none).pk);
}

TEST(TableLayoutTest, SortKeysAreFixedWidthSoStringOrderIsTimeThenIdOrder) {
  EXPECT_EQ(ItemSortKey(1'764'064'800'000, "itm_1"), "ITEM#001764064800000#itm_1");
  EXPECT_EQ(ActivitySortKey(5, "act_1"), "ACTIVITY#000000000000005#act_1");
  std::vector<std::pair<std::int64_t, std::string>> positions{
      {9, "b"}, {10, "a"}, {10, "ab"}, {100, ""}, {1'764'064'800'000, "a"}, {9, "a"}};
  std::vector<std::string> keys;
  for (const auto& [ms, id] : positions) keys.push_back(ItemSortKey(ms, id));
  std::sort(positions.begin(), positions.end());
  std::sort(keys.begin(), keys.end());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys[i], ItemSortKey(positions[i].first, positions[i].second));
  }
}

TEST(TableLayoutTest, ACursorBoundKeepsExactlyTheOlderRows) {
  const std::optional<std::string> bound = ItemSortKeyBefore(CursorPosition{10, "itm_b"});
  ASSERT_TRUE(bound);
  EXPECT_LT(ItemSortKey(10, "itm_a"), *bound);
  EXPECT_LT(ItemSortKey(9, "itm_z"), *bound);
  EXPECT_FALSE(ItemSortKey(10, "itm_b") < *bound) << "strictly after the position";
  EXPECT_FALSE(ItemSortKey(10, "itm_bb") < *bound);
  EXPECT_FALSE(ItemSortKey(11, "itm_a") < *bound);
  // An empty id: everything of that millisecond is newer.
  const std::optional<std::string> empty_id = ItemSortKeyBefore(CursorPosition{10, ""});
  ASSERT_TRUE(empty_id);
  EXPECT_FALSE(ItemSortKey(10, "a") < *empty_id);
  EXPECT_LT(ItemSortKey(9, "z"), *empty_id);
  EXPECT_EQ(ActivitySortKeyBefore(CursorPosition{10, "act_b"}), ActivitySortKey(10, "act_b"));
}

TEST(TableLayoutTest, BoundsOutsideTheSortableTimesAreNothingAndEverything) {
  EXPECT_FALSE(ItemSortKeyBefore(CursorPosition{-1, "x"}));
  const std::optional<std::string> far = ItemSortKeyBefore(CursorPosition{INT64_MAX, "x"});
  ASSERT_TRUE(far);
  EXPECT_LT(ItemSortKey(999'999'999'999'999, "~~~"), *far);
}

TEST(TableLayoutTest, ExpiryIsInSecondsRoundedUp) {
  EXPECT_EQ(ExpiresAtSeconds(1000), 1);
  EXPECT_EQ(ExpiresAtSeconds(1001), 2);
  EXPECT_EQ(ExpiresAtSeconds(0), 0);
}

TEST(TableLayoutTest, IndexesAreNamedInOrderWithTheirKeyAttributes) {
  ASSERT_EQ(kIndexes.size(), 5u);
  for (std::size_t i = 0; i < kIndexes.size(); ++i) {
    const std::string name = "GSI" + std::to_string(i + 1);
    EXPECT_EQ(kIndexes[i].name, name);
    EXPECT_EQ(kIndexes[i].pk, name + "PK");
    EXPECT_EQ(kIndexes[i].sk, name + "SK");
  }
}

}  // namespace
}  // namespace wdrbe::dynamodb
