// The credential sources that ask an endpoint (container, EC2 instance
// metadata, STS web identity), against loopback servers, and the order in
// which the default chain picks a source.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>

#include "testing/fake_clock.hpp"
#include "testing/loopback_http_server.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/aws/container_credentials.hpp"
#include "wdrbe/aws/default_credentials.hpp"
#include "wdrbe/aws/imds_credentials.hpp"
#include "wdrbe/aws/web_identity_credentials.hpp"

namespace wdrbe::aws {
namespace {

using testing::CannedResponse;
using testing::LoopbackHttpServer;
using testing::RecordedRequest;

constexpr std::string_view kCredentialsJson =
    R"({"AccessKeyId":"ASIAFROMENDPOINT","SecretAccessKey":"secret","Token":"session","Expiration":"2025-11-25T16:00:00Z"})";
constexpr std::int64_t kExpirationMs = 1764086400000;  // 2025-11-25T16:00:00Z

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

Environment Env(Environment::Variables variables) { return Environment(std::move(variables)); }

Task<void> StoreIn(Task<Result<Credentials>> task, std::optional<Result<Credentials>>& slot) {
  Result<Credentials> result = co_await std::move(task);
  slot.emplace(std::move(result));
}

class CredentialEndpointsTest : public ::testing::Test {
 protected:
  Result<Credentials> FetchFrom(CredentialsProvider& provider) {
    std::optional<Result<Credentials>> slot;
    boost::asio::co_spawn(io, StoreIn(provider.Fetch(), slot), [](std::exception_ptr failure) {
      if (failure) std::rethrow_exception(failure);
    });
    io.restart();
    io.run();
    return std::move(*slot);
  }
  std::string Loopback(const LoopbackHttpServer& server) {
    return "http://127.0.0.1:" + std::to_string(server.port());
  }
  void Write(const std::filesystem::path& path, std::string_view text) { std::ofstream(path) << text; }

  boost::asio::io_context io;
  std::unique_ptr<HttpClient> http = HttpClient::Create(io).value();
  testing::FakeClock clock;
  testing::TempDir dir;
};

TEST_F(CredentialEndpointsTest, ContainerFullUriSendsTheAuthorizationTokenFromItsFile) {
  LoopbackHttpServer server([](const RecordedRequest& request) {
    if (request.target != "/v1/credentials?id=1" || request.Header("Authorization") != "Bearer pod-token") {
      return CannedResponse{401, {}, R"({"code":"AccessDenied"})", false, false, {}};
    }
    return CannedResponse{
        200, {{"Content-Type", "application/json"}}, std::string(kCredentialsJson), false, false, {}};
  });
  Write(dir.path() / "token", "Bearer pod-token\n");
  const Environment env =
      Env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", Loopback(server) + "/v1/credentials?id=1"},
           {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored: the file wins"},
           {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (dir.path() / "token").string()}});
  auto provider = ContainerCredentialsProvider::FromEnvironment(env, *http);
  ASSERT_TRUE(provider.ok() && *provider) << (provider.ok() ? "none" : provider.error().message);
  auto credentials = FetchFrom(***provider);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIAFROMENDPOINT");
  EXPECT_EQ(credentials->session_token, "session");
  EXPECT_EQ(credentials->expiration_ms, kExpirationMs);

  // The server refuses a wrong token, and the error says so.
  const Environment wrong =
      Env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", Loopback(server) + "/v1/credentials?id=1"},
           {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer stale"}});
  auto refused = FetchFrom(***ContainerCredentialsProvider::FromEnvironment(wrong, *http));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.error().message, "answered 401")) << refused.error().message;
}

TEST_F(CredentialEndpointsTest, ContainerUriOverPlainHttpMustBeLoopbackOrTheEcsAddress) {
  auto remote = ContainerCredentialsProvider::FromEnvironment(
      Env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds"}}), *http);
  ASSERT_FALSE(remote.ok());
  EXPECT_TRUE(Contains(remote.error().message, "use https"));
  auto relative = ContainerCredentialsProvider::FromEnvironment(
      Env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}}), *http);
  ASSERT_TRUE(relative.ok() && *relative);
  auto none = ContainerCredentialsProvider::FromEnvironment(Environment(), *http);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

TEST_F(CredentialEndpointsTest, ImdsV2GetsATokenThenTheRoleThenItsCredentials) {
  LoopbackHttpServer server([](const RecordedRequest& request) {
    if (request.method == "PUT" && request.target == "/latest/api/token") {
      if (request.Header("X-aws-ec2-metadata-token-ttl-seconds") != "21600") return CannedResponse{400};
      return CannedResponse{200, {}, "imds-token", false, false, {}};
    }
    if (request.Header("X-aws-ec2-metadata-token") != "imds-token") return CannedResponse{401};
    if (request.target == "/latest/meta-data/iam/security-credentials/") {
      return CannedResponse{200, {}, "wdrbe-instance-role\n", false, false, {}};
    }
    if (request.target == "/latest/meta-data/iam/security-credentials/wdrbe-instance-role") {
      return CannedResponse{200,   {},    R"({"Code":"Success",)" + std::string(kCredentialsJson).substr(1),
                            false, false, {}};
    }
    return CannedResponse{404};
  });
  auto provider = ImdsCredentialsProvider::FromEnvironment(
      Env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", Loopback(server)}}), *http);
  ASSERT_TRUE(provider.ok() && *provider);
  auto credentials = FetchFrom(***provider);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIAFROMENDPOINT");
  EXPECT_EQ(credentials->expiration_ms, kExpirationMs);
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
}

TEST_F(CredentialEndpointsTest, ImdsCanBeDisabled) {
  auto disabled =
      ImdsCredentialsProvider::FromEnvironment(Env({{"AWS_EC2_METADATA_DISABLED", "TRUE"}}), *http);
  ASSERT_TRUE(disabled.ok());
  EXPECT_FALSE(*disabled);
}

TEST(WebIdentityTest, BuildsTheFormEncodedAssumeRoleRequest) {
  const HttpRequest request = BuildAssumeRoleWithWebIdentityRequest("arn:aws:iam::123456789012:role/wdrbe",
                                                                    "wdrbe-session", "eyJ.token+/=");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/");
  EXPECT_EQ(request.body,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fwdrbe&RoleSessionName=wdrbe-session"
            "&WebIdentityToken=eyJ.token%2B%2F%3D");
  EXPECT_EQ(request.headers.front().second, "application/x-www-form-urlencoded; charset=utf-8");
}

constexpr std::string_view kStsAnswer =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:default:wdrbe</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/wdrbe/wdrbe-session</Arn>
      <AssumedRoleId>AROAEXAMPLE:wdrbe-session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>FwoGZXIvYXdzE&amp;token</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
      <Expiration>2025-11-25T16:00:00Z</Expiration>
      <AccessKeyId>ASIASTSEXAMPLE</AccessKeyId>
    </Credentials>
    <Audience>sts.amazonaws.com</Audience>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";

TEST(WebIdentityTest, ParsesTheCredentialsAndTheErrors) {
  auto credentials = ParseAssumeRoleWithWebIdentityResponse(200, kStsAnswer);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIASTSEXAMPLE");
  EXPECT_EQ(credentials->secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(credentials->session_token, "FwoGZXIvYXdzE&token");
  EXPECT_EQ(credentials->expiration_ms, kExpirationMs);

  auto expired = ParseAssumeRoleWithWebIdentityResponse(
      400,
      "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredTokenException</Code>"
      "<Message>Token expired: current date/time 1764064800 must be before the expiration date/time"
      "</Message></Error><RequestId>x</RequestId></ErrorResponse>");
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthorized);
  EXPECT_TRUE(Contains(expired.error().message, "400 ExpiredTokenException: Token expired"))
      << expired.error().message;
  EXPECT_EQ(ParseAssumeRoleWithWebIdentityResponse(503, "").error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(ParseAssumeRoleWithWebIdentityResponse(200, "<nothing/>").ok());
}

TEST_F(CredentialEndpointsTest, WebIdentityAssumesTheRoleAtTheStsEndpoint) {
  LoopbackHttpServer sts([](const RecordedRequest& request) {
    if (!Contains(request.body, "WebIdentityToken=oidc-token") ||
        !Contains(request.body, "RoleSessionName=pod-1")) {
      return CannedResponse{
          400,   {},    "<ErrorResponse><Error><Code>InvalidIdentityToken</Code></Error></ErrorResponse>",
          false, false, {}};
    }
    return CannedResponse{200, {{"Content-Type", "text/xml"}}, std::string(kStsAnswer), false, false, {}};
  });
  Write(dir.path() / "token", "oidc-token\n");
  const Environment env = Env({{"AWS_WEB_IDENTITY_TOKEN_FILE", (dir.path() / "token").string()},
                               {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/wdrbe"},
                               {"AWS_ROLE_SESSION_NAME", "pod-1"},
                               {"AWS_REGION", "eu-west-1"},
                               {"AWS_ENDPOINT_URL_STS", Loopback(sts)}});
  auto provider = WebIdentityCredentialsProvider::FromEnvironment(env, *http, clock);
  ASSERT_TRUE(provider.ok() && *provider) << (provider.ok() ? "none" : provider.error().message);
  auto credentials = FetchFrom(***provider);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIASTSEXAMPLE");
  ASSERT_EQ(sts.Requests().size(), 1u);
  EXPECT_TRUE(
      sts.Requests()[0].Header("Authorization").empty());  // the token is the proof; nothing is signed

  auto half = WebIdentityCredentialsProvider::FromEnvironment(
      Env({{"AWS_WEB_IDENTITY_TOKEN_FILE", (dir.path() / "token").string()}}), *http, clock);
  ASSERT_FALSE(half.ok());
  EXPECT_TRUE(Contains(half.error().message, "AWS_ROLE_ARN"));
}

TEST_F(CredentialEndpointsTest, TheChainTakesTheFirstConfiguredSourceInTheSdkOrder) {
  LoopbackHttpServer container([](const RecordedRequest&) {
    return CannedResponse{200, {}, std::string(kCredentialsJson), false, false, {}};
  });
  std::filesystem::create_directories(dir.path() / ".aws");
  Write(dir.path() / ".aws" / "credentials",
        "[default]\naws_access_key_id=AKIDFILE\naws_secret_access_key=S\n");
  Environment::Variables vars{{"HOME", dir.path().string()},
                              {"AWS_CONTAINER_CREDENTIALS_FULL_URI", Loopback(container) + "/creds"},
                              {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                              {"AWS_SECRET_ACCESS_KEY", "S"}};
  const auto first_id = [&](const Environment::Variables& v) -> std::string {
    auto provider = DefaultCredentialsProvider(Environment(v), *http, clock);
    if (!provider.ok()) return "error: " + provider.error().message;
    auto credentials = FetchFrom(**provider);
    return credentials.ok() ? credentials->access_key_id : "error: " + credentials.error().message;
  };
  EXPECT_EQ(first_id(vars), "AKIDENV");
  vars.erase("AWS_ACCESS_KEY_ID");
  vars.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(first_id(vars), "AKIDFILE");
  vars.erase("HOME");
  EXPECT_EQ(first_id(vars), "ASIAFROMENDPOINT");
  vars.erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  vars.emplace("AWS_EC2_METADATA_DISABLED", "true");
  const std::string none = first_id(vars);
  EXPECT_TRUE(Contains(none, "no AWS credentials: set AWS_ACCESS_KEY_ID")) << none;
  EXPECT_TRUE(Contains(none, "AWS_PROFILE")) << none;
}

TEST_F(CredentialEndpointsTest, OffEc2TheMetadataFailureCarriesTheHint) {
  std::uint16_t port = 0;
  {
    LoopbackHttpServer gone([](const RecordedRequest&) { return CannedResponse{}; });
    port = gone.port();
  }
  auto provider = DefaultCredentialsProvider(
      Env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + std::to_string(port)}}), *http, clock);
  ASSERT_TRUE(provider.ok());
  auto credentials = FetchFrom(**provider);
  ASSERT_FALSE(credentials.ok());
  EXPECT_TRUE(Contains(credentials.error().message, "no AWS credentials: set"))
      << credentials.error().message;
  EXPECT_TRUE(Contains(credentials.error().message, "EC2 instance metadata")) << credentials.error().message;
}

}  // namespace
}  // namespace wdrbe::aws
