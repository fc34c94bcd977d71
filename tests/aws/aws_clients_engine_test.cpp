// The AWS clients against the local engines: signed JSON calls reach
// DynamoDB Local and fauxqs, errors come back as the services' own, and
// every call is counted.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <memory>
#include <string>

#include "testing/aws_local_engines.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe::aws {
namespace {

using testing::AwsLocalEngines;
using testing::RunTask;

class AwsClientsEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto clients = AwsClients::Create(AwsLocalEngines::Get().Env(), clock_, random_);
    ASSERT_TRUE(clients.ok()) << clients.error().message;
    clients_ = std::move(*clients);
  }

  SystemClock clock_;
  SecureRandom random_;
  std::unique_ptr<AwsClients> clients_;
};

TEST_F(AwsClientsEngineTest, CallsDynamoDbAndCountsTheCall) {
  EXPECT_EQ(clients_->region(), "us-east-1");
  EXPECT_EQ(clients_->credentials_source(), "environment");
  AwsJsonOutcome listed = RunTask(clients_->Call(AwsService::kDynamoDb, "ListTables", {}));
  ASSERT_TRUE(listed.ok()) << listed.error().code << ": " << listed.error().message;
  EXPECT_TRUE(listed.value().as_object().contains("TableNames"));
  EXPECT_EQ(clients_->CallCount(AwsService::kDynamoDb), 1);
  EXPECT_EQ(clients_->CallCount(AwsService::kSqs), 0);
}

TEST_F(AwsClientsEngineTest, AServiceErrorKeepsItsCodeAndIsNotRetried) {
  boost::json::object request{{"TableName", AwsLocalEngines::UniqueName("missing")}};
  AwsJsonOutcome described = RunTask(clients_->Call(AwsService::kDynamoDb, "DescribeTable", request));
  ASSERT_FALSE(described.ok());
  EXPECT_EQ(described.error().code, "ResourceNotFoundException");
  EXPECT_FALSE(described.error().retryable);
  EXPECT_EQ(clients_->CallCount(AwsService::kDynamoDb), 1);
}

TEST_F(AwsClientsEngineTest, CallsSqsOnItsOwnEndpoint) {
  const std::string name = AwsLocalEngines::UniqueName("clients");
  AwsJsonOutcome created = RunTask(clients_->Call(AwsService::kSqs, "CreateQueue", {{"QueueName", name}}));
  ASSERT_TRUE(created.ok()) << created.error().code << ": " << created.error().message;
  const std::string url(created.value().at("QueueUrl").as_string());
  EXPECT_NE(url.find(name), std::string::npos);

  AwsJsonOutcome sent =
      RunTask(clients_->Call(AwsService::kSqs, "SendMessage", {{"QueueUrl", url}, {"MessageBody", "hello"}}));
  ASSERT_TRUE(sent.ok()) << sent.error().code << ": " << sent.error().message;
  AwsJsonOutcome received = RunTask(
      clients_->Call(AwsService::kSqs, "ReceiveMessage", {{"QueueUrl", url}, {"MaxNumberOfMessages", 1}}));
  ASSERT_TRUE(received.ok());
  const auto& messages = received.value().at("Messages").as_array();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].at("Body").as_string(), "hello");
  EXPECT_EQ(clients_->CallCount(AwsService::kSqs), 3);
}

TEST_F(AwsClientsEngineTest, AMissingQueueIsTheServicesError) {
  AwsJsonOutcome url = RunTask(clients_->Call(AwsService::kSqs, "GetQueueUrl",
                                              {{"QueueName", AwsLocalEngines::UniqueName("absent")}}));
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.error().code.find("NonExistentQueue"), std::string::npos) << url.error().code;
}

}  // namespace
}  // namespace wdrbe::aws
