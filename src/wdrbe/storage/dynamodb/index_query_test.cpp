// A list's Query: the filter's index and partition, newest first, the
// cursor as a strict bound on the sort key, no filter, and continuation
// after a cut-off answer.
#include "wdrbe/storage/dynamodb/index_query.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace wdrbe::dynamodb {
namespace {

TEST(IndexQueryTest, AFirstPageQueriesThePartitionNewestFirstWithOneRowMore) {
  const ItemListPartition partition = ItemListPartitionFor("usr_a", "winter", std::nullopt);
  const IndexQuery query{partition.index, partition.pk, std::nullopt, 21};

  const boost::json::object request = IndexQueryRequest("WardrobeTable", query, 21, std::nullopt);

  EXPECT_EQ(request, boost::json::parse(R"({
    "TableName": "WardrobeTable", "IndexName": "GSI1",
    "KeyConditionExpression": "#pk = :pk",
    "ExpressionAttributeNames": {"#pk": "GSI1PK"},
    "ExpressionAttributeValues": {":pk": {"S": "USER#usr_a#SEASON#winter"}},
    "ScanIndexForward": false, "Limit": 21})"));
}

TEST(IndexQueryTest, ACursorIsAStrictBoundOnTheSortKeyNeverAFilter) {
  const std::optional<std::string> bound = ItemSortKeyBefore(CursorPosition{1'764'064'800'000, "itm_9"});
  const IndexQuery query{kCategoryIndex, "USER#usr_a#CATEGORY#tops", bound, 4};

  const boost::json::object request = IndexQueryRequest("t", query, 4, std::nullopt);

  EXPECT_EQ(request.at("KeyConditionExpression"), "#pk = :pk AND #sk < :before");
  EXPECT_EQ(request.at("ExpressionAttributeNames"), boost::json::parse(R"({"#pk":"GSI3PK","#sk":"GSI3SK"})"));
  EXPECT_EQ(request.at("ExpressionAttributeValues").at(":before"),
            boost::json::parse(R"({"S":"ITEM#001764064800000#itm_9"})"));
  EXPECT_FALSE(request.contains("FilterExpression"));
  EXPECT_FALSE(request.contains("ExclusiveStartKey"));
}

TEST(IndexQueryTest, AContinuationStartsAfterTheLastKeyAndAsksOnlyForWhatIsMissing) {
  const IndexQuery query{kActivityIndex, "USER#usr_a#ACTIVITIES", std::nullopt, 21};
  const boost::json::object last = boost::json::parse(R"({"PK":{"S":"USER#usr_a"},"SK":{"S":"ACTIVITY#a"},
    "GSI5PK":{"S":"USER#usr_a#ACTIVITIES"},"GSI5SK":{"S":"ACTIVITY#000000000000001#a"}})")
                                       .as_object();

  const boost::json::object request = IndexQueryRequest("t", query, 6, last);

  EXPECT_EQ(request.at("IndexName"), "GSI5");
  EXPECT_EQ(request.at("Limit"), 6);
  EXPECT_EQ(request.at("ExclusiveStartKey"), last);
}

}  // namespace
}  // namespace wdrbe::dynamodb
