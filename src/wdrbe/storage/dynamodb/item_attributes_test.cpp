// The store's entities as DynamoDB attribute maps: every field round-trips
// exactly, unset fields are absent attributes, and the index keys a row
// carries are the ones its lists query.
#include "wdrbe/storage/dynamodb/item_attributes.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "wdrbe/storage/dynamodb/attribute_value.hpp"

namespace wdrbe::dynamodb {
namespace {

Item FullItem() {
  return Item{"itm_1",
              "usr_a",
              ItemFields{"Navy Blazer", "jackets", "autumn", "navy", "Acme", "2025-10-01",
                         "https://img.example/1.jpg"},
              3,
              true,
              1'764'064'800'123,
              1'764'064'900'456};
}

Item SparseItem() {
  return Item{"itm_2", "usr_a", ItemFields{"Tee", "tops", {}, {}, {}, {}, {}}, 0, false, 5, 5};
}

TEST(ItemAttributesTest, TheMetadataRowRoundTripsEveryFieldAndTheVersion) {
  const boost::json::object row = ItemMetadataRow(FullItem(), 7);
  EXPECT_EQ(ReadString(row, kPk), "ITEM#itm_1");
  EXPECT_EQ(ReadString(row, kSk), "METADATA");
  EXPECT_EQ(ReadString(row, kEntityType), "Item");
  EXPECT_EQ(row.at(kCreatedAtAttr), boost::json::parse(R"({"N":"1764064800123"})"));
  EXPECT_EQ(row.at(kIsPublicAttr), boost::json::parse(R"({"BOOL":true})"));
  Result<StoredItem> read = ReadItemRow(row);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, (StoredItem{FullItem(), 7}));
}

TEST(ItemAttributesTest, UnsetFieldsAreAbsentAttributesAndReadBackUnset) {
  const boost::json::object row = ItemMetadataRow(SparseItem(), 1);
  for (const char* name : {kSeasonAttr, kColorAttr, kBrandAttr, kPurchaseDateAttr, kImageUrlAttr}) {
    EXPECT_FALSE(row.contains(name)) << name;
  }
  Result<StoredItem> read = ReadItemRow(row);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->item, SparseItem());
}

TEST(ItemAttributesTest, TheUserRowCopiesTheItemWithTheKeysOfEveryListItBelongsTo) {
  const boost::json::object row = UserItemRow(FullItem());
  EXPECT_EQ(ReadString(row, kPk), "USER#usr_a");
  EXPECT_EQ(ReadString(row, kSk), "ITEM#itm_1");
  const std::string sort_key = "ITEM#001764064800123#itm_1";
  EXPECT_EQ(ReadString(row, "GSI1PK"), "USER#usr_a#SEASON#autumn");
  EXPECT_EQ(ReadString(row, "GSI2PK"), "USER#usr_a#ITEMS");
  EXPECT_EQ(ReadString(row, "GSI3PK"), "USER#usr_a#CATEGORY#jackets");
  EXPECT_EQ(ReadString(row, "GSI4PK"), "USER#usr_a#SEASON#autumn#CATEGORY#jackets");
  for (const char* sk : {"GSI1SK", "GSI2SK", "GSI3SK", "GSI4SK"}) EXPECT_EQ(ReadString(row, sk), sort_key);
  EXPECT_FALSE(row.contains("GSI5PK"));
  Result<StoredItem> read = ReadItemRow(row);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->item, FullItem());
}

TEST(ItemAttributesTest, AnItemWithoutSeasonIsInNoSeasonList) {
  const boost::json::object row = UserItemRow(SparseItem());
  EXPECT_FALSE(row.contains("GSI1PK"));
  EXPECT_FALSE(row.contains("GSI4PK"));
  EXPECT_TRUE(row.contains("GSI2PK"));
  EXPECT_TRUE(row.contains("GSI3PK"));
}

TEST(ItemAttributesTest, ARowMissingAnAttributeIsInternalAndNamesIt) {
  boost::json::object row = ItemMetadataRow(FullItem(), 1);
  row.erase(kSharedCountAttr);
  Result<StoredItem> read = ReadItemRow(row);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kInternal);
  EXPECT_NE(read.error().message.find(kSharedCountAttr), std::string::npos);
  row = ItemMetadataRow(FullItem(), 1);
  row[kCreatedAtAttr] = StringValue("yesterday");  // the wrong type
  EXPECT_FALSE(ReadItemRow(row).ok());
  row[kCreatedAtAttr] = boost::json::object{{"N", "12x"}};
  EXPECT_FALSE(ReadItemRow(row).ok());
}

TEST(ItemAttributesTest, AnActivityRoundTripsWithItsFeedKeys) {
  const Activity activity{"act_1",
                          "usr_a",
                          kActivityItemShared,
                          "itm_1",
                          "Navy Blazer",
                          1'764'064'800'001,
                          R"({"action":"share","eventId":"evt_1"})"};
  const boost::json::object row = ActivityRow(activity);
  EXPECT_EQ(ReadString(row, kPk), "USER#usr_a");
  EXPECT_EQ(ReadString(row, kSk), "ACTIVITY#act_1");
  EXPECT_EQ(ReadString(row, "GSI5PK"), "USER#usr_a#ACTIVITIES");
  EXPECT_EQ(ReadString(row, "GSI5SK"), "ACTIVITY#001764064800001#act_1");
  Result<Activity> read = ReadActivityRow(row);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, activity);
}

TEST(ItemAttributesTest, AnIdempotencyRecordRoundTripsAndExpiresWithTheWindow) {
  const IdempotencyRecord record{"fp-1", "evt_1", 1'764'064'800'000, false};
  const boost::json::object row = IdempotencyRow("usr_a", IdempotentOperation::kShareItem, "k1", record);
  EXPECT_EQ(ReadString(row, kSk), "IDEMPOTENCY#SHARE#k1");
  EXPECT_EQ(ReadNumber(row, kExpiresAtAttr), (1'764'064'800'000 + kIdempotencyWindowMs) / 1000);
  Result<IdempotencyRecord> read = ReadIdempotencyRow(row);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, record);
}

TEST(ItemAttributesTest, AnAppliedMarkerKeepsItsTimeAndNeverExpires) {
  const boost::json::object row = AppliedShareRow("evt_1", 1'764'064'800'500);
  EXPECT_EQ(ReadString(row, kPk), "EVENT#evt_1");
  EXPECT_EQ(ReadString(row, kSk), "APPLIED");
  EXPECT_FALSE(row.contains(kExpiresAtAttr)) << "a marker that expires lets a late redelivery apply twice";
  Result<std::int64_t> applied_at = ReadAppliedAt(row);
  ASSERT_TRUE(applied_at.ok());
  EXPECT_EQ(*applied_at, 1'764'064'800'500);
}

}  // namespace
}  // namespace wdrbe::dynamodb
