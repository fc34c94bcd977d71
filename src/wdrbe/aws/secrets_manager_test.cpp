#include "wdrbe/aws/secrets_manager.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "testing/loopback_http_server.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe::aws {
namespace {

using testing::CannedResponse;
using testing::LoopbackHttpServer;
using testing::RecordedRequest;

constexpr char kArn[] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:wdrbe-jwt-AbCdEf";

class SecretsManagerTest : public ::testing::Test {
 protected:
  Result<std::string> Get(const LoopbackHttpServer& server) {
    auto clients = AwsClients::Create(Environment({{"AWS_REGION", "eu-west-1"},
                                                   {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                                   {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                   {"AWS_ENDPOINT_URL_SECRETS_MANAGER",
                                                    "http://127.0.0.1:" + std::to_string(server.port())}}),
                                      clock_, random_, AwsClientsOptions{.retry = {.max_attempts = 1}});
    EXPECT_TRUE(clients.ok());
    return testing::RunTask(GetSecretString(**clients, kArn));
  }

  SystemClock clock_;
  SecureRandom random_;
};

TEST_F(SecretsManagerTest, ReadsTheSecretStringWithASignedJson11Call) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    return CannedResponse{
        200,
        {{"Content-Type", "application/x-amz-json-1.1"}},
        R"({"ARN":"arn","Name":"wdrbe-jwt","SecretString":"0123456789abcdef0123456789abcdef","VersionId":"v1"})"};
  });
  Result<std::string> secret = Get(server);
  ASSERT_TRUE(secret.ok()) << secret.error().message;
  EXPECT_EQ(*secret, "0123456789abcdef0123456789abcdef");
  const std::vector<RecordedRequest> requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].Header("X-Amz-Target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_NE(requests[0].Header("Authorization").find("/eu-west-1/secretsmanager/aws4_request"),
            std::string::npos)
      << requests[0].Header("Authorization");
  EXPECT_EQ(boost::json::parse(requests[0].body),
            boost::json::parse(std::string(R"({"SecretId":")") + kArn + "\"}"));
}

TEST_F(SecretsManagerTest, AMissingSecretIsNamedWithAHint) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    return CannedResponse{
        400,
        {{"Content-Type", "application/x-amz-json-1.1"}},
        R"({"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."})"};
  });
  Result<std::string> secret = Get(server);
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(secret.error().message.find(kArn), std::string::npos) << secret.error().message;
  EXPECT_NE(secret.error().message.find("no such secret"), std::string::npos) << secret.error().message;
}

TEST_F(SecretsManagerTest, ABinaryOnlySecretIsRefused) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, {}, R"({"Name":"wdrbe-jwt","SecretBinary":"AAEC"})"};
  });
  Result<std::string> secret = Get(server);
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.error().message.find("SecretString"), std::string::npos) << secret.error().message;
}

TEST_F(SecretsManagerTest, NoAnswerIsUnavailable) {
  LoopbackHttpServer server([](const RecordedRequest&) { return CannedResponse{.drop = true}; });
  Result<std::string> secret = Get(server);
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace wdrbe::aws
