// --jwt-secret-arn (WDRBE_JWT_SECRET_ARN): the HS256 secret read from AWS
// Secrets Manager at start, as the AWS deployment gives it to the API
// function. Secrets Manager is a loopback server speaking its JSON 1.1
// protocol (no local engine of it is among the test tools).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "testing/http_client.hpp"
#include "testing/loopback_http_server.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

constexpr char kArn[] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:wdrbe-jwt-AbCdEf";
constexpr char kRemoteSecret[] = "read-from-secrets-manager-0123456789abcdef";

std::vector<std::pair<std::string, std::string>> SecretsManagerEnv(const LoopbackHttpServer& server) {
  return {{"WDRBE_JWT_SECRET_ARN", kArn},
          {"AWS_REGION", "eu-west-1"},
          {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
          {"AWS_SECRET_ACCESS_KEY", "secret"},
          {"AWS_EC2_METADATA_DISABLED", "true"},
          {"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + std::to_string(server.port())}};
}

TEST(JwtSecretArnTest, TokensAreVerifiedWithTheSecretReadAtStart) {
  LoopbackHttpServer secrets_manager([](const RecordedRequest& request) {
    if (request.Header("X-Amz-Target") != "secretsmanager.GetSecretValue") return CannedResponse{400};
    const boost::json::object asked = boost::json::parse(request.body).as_object();
    if (asked.at("SecretId").as_string() != kArn) return CannedResponse{400};
    return CannedResponse{
        200, {}, boost::json::serialize(boost::json::object{{"SecretString", kRemoteSecret}})};
  });
  ServerOptions options;
  options.jwt_secret = std::nullopt;
  options.extra_env = SecretsManagerEnv(secrets_manager);
  auto server = TestServer::Start(options);
  HttpClient http(server->port());
  const std::string user = "u-secret-arn";
  const Response accepted =
      http.Get("/users/" + user + "/items", MakeToken(user, std::chrono::hours(1), kRemoteSecret));
  EXPECT_EQ(accepted.status, 200) << accepted;
  // Signed with any other secret: refused.
  EXPECT_EQ(http.Get("/users/" + user + "/items", MakeToken(user)).status, 401);
  EXPECT_EQ(secrets_manager.Requests().size(), 1u) << "read once, at start";
}

TEST(JwtSecretArnTest, AMissingSecretStopsTheStartSayingWhich) {
  LoopbackHttpServer secrets_manager([](const RecordedRequest&) {
    return CannedResponse{
        400, {}, R"({"__type":"ResourceNotFoundException","message":"can't find the secret"})"};
  });
  const ProcessOutcome outcome =
      RunToExit({"serve", "--listen", "127.0.0.1:0", "--data-dir", "/nonexistent/never-made"}, std::nullopt,
                SecretsManagerEnv(secrets_manager));
  EXPECT_TRUE(outcome.status.ExitedWith(1)) << outcome.status << "\n" << outcome.output;
  EXPECT_NE(outcome.output.find("--jwt-secret-arn"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("no such secret"), std::string::npos) << outcome.output;
}

TEST(JwtSecretArnTest, AFileAndAnArnTogetherAreRefused) {
  const ProcessOutcome outcome = RunToExit(
      {"serve", "--listen", "127.0.0.1:0", "--jwt-secret-file", "/etc/hostname", "--jwt-secret-arn", kArn},
      std::nullopt);
  EXPECT_TRUE(outcome.status.ExitedWith(1)) << outcome.status;
  EXPECT_NE(outcome.output.find("give one"), std::string::npos) << outcome.output;
}

}  // namespace
}  // namespace wdrbe::testing
