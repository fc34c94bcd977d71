#include "wdrbe/aws/container_credentials.hpp"

#include <fstream>
#include <sstream>

#include "wdrbe/aws/credentials_json.hpp"

namespace wdrbe::aws {
namespace {

bool AllowedOverHttp(const EndpointUrl& url) {
  if (url.host == "localhost" || url.host == "::1" || url.host.starts_with("127.")) return true;
  return url.host == kEcsCredentialsHost || url.host == "169.254.170.23" || url.host == "fd00:ec2::23";
}

Result<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Unavailable("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

}  // namespace

Result<std::optional<std::unique_ptr<ContainerCredentialsProvider>>>
ContainerCredentialsProvider::FromEnvironment(const Environment& env, HttpClient& http) {
  using Found = std::optional<std::unique_ptr<ContainerCredentialsProvider>>;
  std::string url_text;
  if (auto relative = env.Get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    url_text =
        "http://" + std::string(kEcsCredentialsHost) + (relative->starts_with("/") ? "" : "/") + *relative;
  } else if (auto full = env.Get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    url_text = *full;
  } else {
    return Found();
  }
  // The path and query go into the request target as given.
  const std::size_t scheme_end = url_text.find("://");
  const std::size_t path_start =
      scheme_end == std::string::npos ? std::string::npos : url_text.find_first_of("/?", scheme_end + 3);
  const std::string origin = path_start == std::string::npos ? url_text : url_text.substr(0, path_start);
  std::string target = path_start == std::string::npos ? "/" : url_text.substr(path_start);
  if (target.front() == '?') target = "/" + target;
  Result<EndpointUrl> endpoint = ParseEndpointUrl(origin);
  if (!endpoint.ok()) {
    return Error::BadRequest("container credentials URI: " + endpoint.error().message);
  }
  if (!endpoint->tls && !AllowedOverHttp(*endpoint)) {
    return Error::BadRequest("AWS_CONTAINER_CREDENTIALS_FULL_URI " + url_text +
                             ": plain http is allowed only to a loopback address or the ECS/EKS "
                             "credential addresses; use https");
  }
  return Found(std::unique_ptr<ContainerCredentialsProvider>(new ContainerCredentialsProvider(
      http, std::move(*endpoint), std::move(target), env.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
      env.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"))));
}

ContainerCredentialsProvider::ContainerCredentialsProvider(HttpClient& http, EndpointUrl endpoint,
                                                           std::string target,
                                                           std::optional<std::string> token,
                                                           std::optional<std::string> token_file)
    : http_(http),
      endpoint_(std::move(endpoint)),
      target_(std::move(target)),
      token_(std::move(token)),
      token_file_(std::move(token_file)) {}

Task<Result<Credentials>> ContainerCredentialsProvider::Fetch() {
  HttpRequest request;
  request.target = target_;
  request.headers.emplace_back("Accept", "application/json");
  request.timeout = kContainerCredentialsTimeout;
  if (token_file_) {
    Result<std::string> token = ReadTokenFile(*token_file_);
    if (!token.ok()) co_return token.error();
    request.headers.emplace_back("Authorization", *token);
  } else if (token_) {
    request.headers.emplace_back("Authorization", *token_);
  }
  Task<Result<HttpResponse>> sending = http_.Send(endpoint_, std::move(request));
  Result<HttpResponse> response = co_await std::move(sending);
  if (!response.ok()) co_return Error::Unavailable("container credentials: " + response.error().message);
  if (response->status != 200) {
    co_return Error::Unavailable("container credentials endpoint answered " +
                                 std::to_string(response->status) + ": " + response->body.substr(0, 200));
  }
  co_return ParseCredentialsJson(response->body, "container credentials endpoint");
}

}  // namespace wdrbe::aws
