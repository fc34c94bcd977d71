// Credentials from the container credentials endpoint (ECS task roles, EKS
// Pod Identity):
//
// - AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: GET http://169.254.170.2{uri};
// - else AWS_CONTAINER_CREDENTIALS_FULL_URI: GET that URL; over http only
//   to a loopback address or the ECS/EKS link-local addresses
//   (169.254.170.2, 169.254.170.23, fd00:ec2::23), as the SDKs require;
// - the Authorization header is the content of
//   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read on every fetch, since it
//   is rotated), else AWS_CONTAINER_AUTHORIZATION_TOKEN.
//
// Each fetch is one request with a kContainerCredentialsTimeout deadline.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/aws/http_client.hpp"

namespace wdrbe::aws {

inline constexpr std::chrono::seconds kContainerCredentialsTimeout{2};
inline constexpr std::string_view kEcsCredentialsHost = "169.254.170.2";

// Thread-safe (immutable; the client is). `http` must outlive it.
class ContainerCredentialsProvider final : public CredentialsProvider {
 public:
  // Nothing when neither URI variable is set; kBadRequest when the URI is
  // unusable (not a URL, http to a host that is not allowed).
  static Result<std::optional<std::unique_ptr<ContainerCredentialsProvider>>> FromEnvironment(
      const Environment& env, HttpClient& http);

  Task<Result<Credentials>> Fetch() override;
  std::string_view Name() const override { return "container credentials endpoint"; }

 private:
  ContainerCredentialsProvider(HttpClient& http, EndpointUrl endpoint, std::string target,
                               std::optional<std::string> token, std::optional<std::string> token_file);

  HttpClient& http_;
  const EndpointUrl endpoint_;
  const std::string target_;
  const std::optional<std::string> token_;
  const std::optional<std::string> token_file_;
};

}  // namespace wdrbe::aws
