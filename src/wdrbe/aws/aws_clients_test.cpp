#include "wdrbe/aws/aws_clients.hpp"

#include <gtest/gtest.h>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe::aws {
namespace {

TEST(AwsClientsTest, WithoutARegionCreateSaysWhatToSet) {
  SystemClock clock;
  SecureRandom random;
  auto clients = AwsClients::Create(
      Environment({{"AWS_ACCESS_KEY_ID", "k"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"HOME", "/nonexistent"}}),
      clock, random);
  ASSERT_FALSE(clients.ok());
  EXPECT_EQ(clients.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(clients.error().message.find("AWS_REGION"), std::string::npos) << clients.error().message;
}

TEST(AwsClientsTest, WithoutCredentialsCreateSaysWhatToSet) {
  SystemClock clock;
  SecureRandom random;
  auto clients = AwsClients::Create(
      Environment(
          {{"AWS_REGION", "eu-west-1"}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"HOME", "/nonexistent"}}),
      clock, random);
  ASSERT_FALSE(clients.ok());
  EXPECT_NE(clients.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << clients.error().message;
}

TEST(AwsClientsTest, AnEndpointThatIsNotAUrlIsNamed) {
  SystemClock clock;
  SecureRandom random;
  auto clients = AwsClients::Create(Environment({{"AWS_REGION", "eu-west-1"},
                                                 {"AWS_ACCESS_KEY_ID", "k"},
                                                 {"AWS_SECRET_ACCESS_KEY", "s"},
                                                 {"AWS_ENDPOINT_URL_SQS", "ftp://queue"}}),
                                    clock, random);
  ASSERT_FALSE(clients.ok());
  EXPECT_EQ(clients.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(clients.error().message.find("sqs endpoint"), std::string::npos) << clients.error().message;
}

TEST(AwsClientsTest, EndpointsFollowTheEnvironment) {
  SystemClock clock;
  SecureRandom random;
  auto clients = AwsClients::Create(Environment({{"AWS_REGION", "eu-west-1"},
                                                 {"AWS_ACCESS_KEY_ID", "k"},
                                                 {"AWS_SECRET_ACCESS_KEY", "s"},
                                                 {"AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"}}),
                                    clock, random);
  ASSERT_TRUE(clients.ok()) << clients.error().message;
  EXPECT_EQ((*clients)->endpoint(AwsService::kDynamoDb).PoolKey(), "http://127.0.0.1:8000");
  EXPECT_EQ((*clients)->endpoint(AwsService::kSqs).host, "sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ((*clients)->CallCount(AwsService::kDynamoDb), 0);
}

}  // namespace
}  // namespace wdrbe::aws
