#include "wdrbe/aws/imds_credentials.hpp"

#include <cctype>

#include "wdrbe/aws/credentials_json.hpp"

namespace wdrbe::aws {
namespace {

constexpr std::string_view kDefaultEndpoint = "http://169.254.169.254";
constexpr std::string_view kCredentialsPath = "/latest/meta-data/iam/security-credentials/";

bool IsTrue(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text == "true";
}

}  // namespace

Result<std::optional<std::unique_ptr<ImdsCredentialsProvider>>> ImdsCredentialsProvider::FromEnvironment(
    const Environment& env, HttpClient& http) {
  using Found = std::optional<std::unique_ptr<ImdsCredentialsProvider>>;
  if (IsTrue(env.Get("AWS_EC2_METADATA_DISABLED").value_or(""))) return Found();
  const std::string url =
      env.Get("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(std::string(kDefaultEndpoint));
  Result<EndpointUrl> endpoint = ParseEndpointUrl(url);
  if (!endpoint.ok())
    return Error::BadRequest("AWS_EC2_METADATA_SERVICE_ENDPOINT: " + endpoint.error().message);
  return Found(
      std::unique_ptr<ImdsCredentialsProvider>(new ImdsCredentialsProvider(http, std::move(*endpoint))));
}

Task<Result<std::string>> ImdsCredentialsProvider::Ask(std::string method, std::string target,
                                                       HeaderList headers) {
  HttpRequest request{std::move(method), target, std::move(headers), "", kImdsTimeout};
  Task<Result<HttpResponse>> sending = http_.Send(endpoint_, std::move(request));
  Result<HttpResponse> response = co_await std::move(sending);
  if (!response.ok()) co_return Error::Unavailable("EC2 instance metadata: " + response.error().message);
  if (response->status != 200) {
    co_return Error::Unavailable("EC2 instance metadata answered " + std::to_string(response->status) +
                                 " to " + target);
  }
  co_return std::move(response->body);
}

Task<Result<Credentials>> ImdsCredentialsProvider::Fetch() {
  Task<Result<std::string>> asking_token =
      Ask("PUT", "/latest/api/token",
          {{"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(kImdsTokenTtlSeconds)}});
  Result<std::string> token = co_await std::move(asking_token);
  if (!token.ok()) co_return token.error();
  const HeaderList with_token = {{"X-aws-ec2-metadata-token", *token}};

  Task<Result<std::string>> asking_role = Ask("GET", std::string(kCredentialsPath), with_token);
  Result<std::string> roles = co_await std::move(asking_role);
  if (!roles.ok()) co_return roles.error();
  std::string role = roles->substr(0, roles->find('\n'));
  while (!role.empty() && (role.back() == '\r' || role.back() == ' ')) role.pop_back();
  if (role.empty())
    co_return Error::Unavailable("EC2 instance metadata: the instance has no IAM role attached");

  Task<Result<std::string>> asking_keys = Ask("GET", std::string(kCredentialsPath) + role, with_token);
  Result<std::string> keys = co_await std::move(asking_keys);
  if (!keys.ok()) co_return keys.error();
  co_return ParseCredentialsJson(*keys, "EC2 instance metadata");
}

}  // namespace wdrbe::aws
