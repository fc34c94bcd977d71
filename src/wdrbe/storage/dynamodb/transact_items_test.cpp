// The members of a transaction and the conditions that tie a write to the
// state its decision read.
#include "wdrbe/storage/dynamodb/transact_items.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace wdrbe::dynamodb {
namespace {

TEST(TransactItemsTest, AnAbsentItemMustStillBeAbsentAndALoadedOneAtItsVersion) {
  const Condition absent = ItemIsAsLoaded(std::nullopt);
  EXPECT_EQ(absent.expression, "attribute_not_exists(#pk)");
  EXPECT_EQ(absent.names, boost::json::parse(R"({"#pk":"PK"})"));
  EXPECT_TRUE(absent.values.empty());

  const Condition loaded = ItemIsAsLoaded(StoredItem{Item{}, 7});
  EXPECT_EQ(loaded.expression, "#version = :version");
  EXPECT_EQ(loaded.names, boost::json::parse(R"({"#version":"Version"})"));
  EXPECT_EQ(loaded.values, boost::json::parse(R"({":version":{"N":"7"}})"));
}

TEST(TransactItemsTest, AKeyRecordIsReplacedOnlyWhileItIsTheOneThatWasLoaded) {
  EXPECT_EQ(IdempotencyRowIsAsLoaded(std::nullopt).expression, "attribute_not_exists(#pk)");
  const Condition expired = IdempotencyRowIsAsLoaded(1000);
  EXPECT_EQ(expired.expression, "#created = :created");
  EXPECT_EQ(expired.names, boost::json::parse(R"({"#created":"CreatedAtMs"})"));
  EXPECT_EQ(expired.values, boost::json::parse(R"({":created":{"N":"1000"}})"));
}

TEST(TransactItemsTest, MembersCarryTheTableTheRowOrKeyAndTheCondition) {
  const boost::json::object put =
      PutMember("t", boost::json::object{{"PK", boost::json::object{{"S", "a"}}}}, RowAbsent());
  const char* expected_put = R"j({"Put": {"TableName": "t", "Item": {"PK": {"S": "a"}},
      "ConditionExpression": "attribute_not_exists(#pk)", "ExpressionAttributeNames": {"#pk": "PK"}}})j";
  EXPECT_EQ(put, boost::json::parse(expected_put));

  const boost::json::object unconditional = DeleteMember("t", RowKey{"USER#u", "ITEM#i"});
  EXPECT_EQ(unconditional, boost::json::parse(R"({"Delete":{"TableName":"t",
    "Key":{"PK":{"S":"USER#u"},"SK":{"S":"ITEM#i"}}}})"));

  const boost::json::object check =
      CheckMember("t", RowKey{"ITEM#i", "METADATA"}, ItemIsAsLoaded(StoredItem{Item{}, 2}));
  EXPECT_EQ(check.at("ConditionCheck").at("ConditionExpression"), "#version = :version");
  EXPECT_EQ(check.at("ConditionCheck").at("ExpressionAttributeValues"),
            boost::json::parse(R"({":version":{"N":"2"}})"));
}

}  // namespace
}  // namespace wdrbe::dynamodb
