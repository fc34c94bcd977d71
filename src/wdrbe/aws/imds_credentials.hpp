// Credentials of the EC2 instance profile from the instance metadata
// service, IMDSv2 only (session tokens; IMDSv1 is never used):
//
//   PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds: 21600)
//   GET /latest/meta-data/iam/security-credentials/        -> role name
//   GET /latest/meta-data/iam/security-credentials/{role}  -> credentials
//
// the GETs with X-aws-ec2-metadata-token. The service is at
// http://169.254.169.254, or AWS_EC2_METADATA_SERVICE_ENDPOINT; it is not
// asked at all when AWS_EC2_METADATA_DISABLED=true. Each step has a
// kImdsTimeout deadline, so a machine outside EC2 fails fast.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/aws/http_client.hpp"

namespace wdrbe::aws {

inline constexpr std::chrono::seconds kImdsTimeout{1};
inline constexpr int kImdsTokenTtlSeconds = 21600;

// Thread-safe (immutable; the client is). `http` must outlive it.
class ImdsCredentialsProvider final : public CredentialsProvider {
 public:
  // Nothing when AWS_EC2_METADATA_DISABLED is "true" (any case);
  // kBadRequest for an unusable AWS_EC2_METADATA_SERVICE_ENDPOINT.
  static Result<std::optional<std::unique_ptr<ImdsCredentialsProvider>>> FromEnvironment(
      const Environment& env, HttpClient& http);

  Task<Result<Credentials>> Fetch() override;
  std::string_view Name() const override { return "EC2 instance metadata (IMDSv2)"; }

 private:
  ImdsCredentialsProvider(HttpClient& http, EndpointUrl endpoint)
      : http_(http), endpoint_(std::move(endpoint)) {}

  Task<Result<std::string>> Ask(std::string method, std::string target, HeaderList headers);

  HttpClient& http_;
  const EndpointUrl endpoint_;
};

}  // namespace wdrbe::aws
