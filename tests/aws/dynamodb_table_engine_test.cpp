// Setting up and checking the store's table on DynamoDB Local, what the
// store answers when its table is missing, and the shape of the engine's
// cancelled transactions that the store relies on.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "aws/dynamodb_test_clients.hpp"
#include "contract/contract_assertions.hpp"
#include "testing/aws_local_engines.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/storage/dynamodb/dynamodb_errors.hpp"
#include "wdrbe/storage/dynamodb/dynamodb_item_store.hpp"
#include "wdrbe/storage/dynamodb/item_attributes.hpp"
#include "wdrbe/storage/dynamodb/table_layout.hpp"
#include "wdrbe/storage/dynamodb/table_setup.hpp"
#include "wdrbe/storage/dynamodb/transact_items.hpp"

namespace wdrbe::dynamodb {
namespace {

using wdrbe::testing::AwsLocalEngines;
using wdrbe::testing::RunTask;

boost::json::object Describe(const std::string& table) {
  aws::AwsJsonOutcome described = RunTask(
      testing::EngineClients().Call(aws::AwsService::kDynamoDb, "DescribeTable", {{"TableName", table}}));
  if (!described.ok()) throw std::runtime_error(described.error().code);
  return described.value().at("Table").as_object();
}

TEST(DynamoDbTableEngineTest, EnsureTableCreatesTheTableOnceAndIsSafeToRunAgain) {
  const std::string table = AwsLocalEngines::UniqueName("setup");

  Result<bool> first = RunTask(EnsureTable(testing::EngineClients(), table));
  Result<bool> second = RunTask(EnsureTable(testing::EngineClients(), table));

  ASSERT_TRUE(Succeeded(first));
  EXPECT_TRUE(*first);
  ASSERT_TRUE(Succeeded(second));
  EXPECT_FALSE(*second) << "it already existed";
  EXPECT_TRUE(Succeeded(RunTask(CheckTable(testing::EngineClients(), table))));

  const boost::json::object description = Describe(table);
  EXPECT_EQ(description.at("TableStatus").as_string(), "ACTIVE");
  EXPECT_EQ(description.at("BillingModeSummary").at("BillingMode").as_string(), "PAY_PER_REQUEST");
  EXPECT_EQ(description.at("StreamSpecification").at("StreamViewType").as_string(), "NEW_AND_OLD_IMAGES");
  const boost::json::array& indexes = description.at("GlobalSecondaryIndexes").as_array();
  ASSERT_EQ(indexes.size(), kIndexes.size());
  for (const boost::json::value& index : indexes) {
    EXPECT_EQ(index.at("Projection").at("ProjectionType").as_string(), "ALL");
  }
  aws::AwsJsonOutcome ttl = RunTask(testing::EngineClients().Call(
      aws::AwsService::kDynamoDb, "DescribeTimeToLive", {{"TableName", table}}));
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl.value().at("TimeToLiveDescription").at("TimeToLiveStatus").as_string(), "ENABLED");
  EXPECT_EQ(ttl.value().at("TimeToLiveDescription").at("AttributeName").as_string(), "ExpiresAt");
}

TEST(DynamoDbTableEngineTest, CheckTableOnAMissingTableSaysToRunSetup) {
  const std::string table = AwsLocalEngines::UniqueName("absent");

  Status checked = RunTask(CheckTable(testing::EngineClients(), table));

  ASSERT_TRUE(FailedWith(checked, ErrorCode::kUnavailable));
  EXPECT_NE(checked.error().message.find("aws setup"), std::string::npos) << checked.error().message;
  EXPECT_NE(checked.error().message.find(table), std::string::npos);
}

TEST(DynamoDbTableEngineTest, ATableWithoutTheIndexesIsRefusedByBothSetupAndCheck) {
  const std::string table = AwsLocalEngines::UniqueName("foreign");
  boost::json::object request{
      {"TableName", table},
      {"AttributeDefinitions",
       boost::json::array{boost::json::object{{"AttributeName", "PK"}, {"AttributeType", "S"}},
                          boost::json::object{{"AttributeName", "SK"}, {"AttributeType", "S"}}}},
      {"KeySchema", boost::json::array{boost::json::object{{"AttributeName", "PK"}, {"KeyType", "HASH"}},
                                       boost::json::object{{"AttributeName", "SK"}, {"KeyType", "RANGE"}}}},
      {"BillingMode", "PAY_PER_REQUEST"}};
  ASSERT_TRUE(
      RunTask(testing::EngineClients().Call(aws::AwsService::kDynamoDb, "CreateTable", request)).ok());

  Result<bool> ensured = RunTask(EnsureTable(testing::EngineClients(), table));
  Status checked = RunTask(CheckTable(testing::EngineClients(), table));

  ASSERT_TRUE(FailedWith(ensured, ErrorCode::kUnavailable));
  EXPECT_NE(ensured.error().message.find("GSI1"), std::string::npos) << ensured.error().message;
  ASSERT_TRUE(FailedWith(checked, ErrorCode::kUnavailable));
  EXPECT_NE(checked.error().message.find("GSI1"), std::string::npos);
}

// The reasons' codes come in member order, from CancellationReasons and in
// the message (the fallback when an engine sends only the message).
TEST(DynamoDbTableEngineTest, ACancelledTransactionListsItsReasonsCodesInMemberOrder) {
  const std::string table = testing::NewTable("cancel");
  boost::json::array members;
  members.push_back(PutMember(table, KeyAttributes(RowKey{"A", "B"})));
  members.push_back(CheckMember(table, RowKey{"C", "D"}, RowPresent()));
  boost::json::object request{{"TransactItems", std::move(members)}};

  aws::AwsJsonOutcome cancelled =
      RunTask(testing::EngineClients().Call(aws::AwsService::kDynamoDb, "TransactWriteItems", request));

  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, "TransactionCanceledException");
  const std::vector<std::string> expected{"None", "ConditionalCheckFailed"};
  EXPECT_EQ(cancelled.error().cancellation_codes, expected);
  EXPECT_EQ(CancellationCodesInMessage(cancelled.error().message), expected) << cancelled.error().message;
  EXPECT_TRUE(IsContention(cancelled.error()));
}

TEST(DynamoDbTableEngineTest, TheStoreOnAMissingTableIsUnavailableAndSaysToRunSetup) {
  DynamoDbItemStore store(testing::EngineClients(), AwsLocalEngines::UniqueName("gone"));

  Status ping = RunTask(store.Ping());
  Result<Item> item = RunTask(store.GetItem("itm_1"));
  Result<ItemPage> page =
      RunTask(store.ListItems(ListItemsQuery{"usr_a", std::nullopt, std::nullopt, std::nullopt, 20}));

  ASSERT_TRUE(FailedWith(ping, ErrorCode::kUnavailable));
  EXPECT_NE(ping.error().message.find("run wdrbe aws setup"), std::string::npos);
  EXPECT_TRUE(FailedWith(item, ErrorCode::kUnavailable));
  EXPECT_TRUE(FailedWith(page, ErrorCode::kUnavailable));
}

}  // namespace
}  // namespace wdrbe::dynamodb
