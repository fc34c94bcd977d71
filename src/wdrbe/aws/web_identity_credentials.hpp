// Credentials for a role assumed with a web identity token (EKS IAM roles
// for service accounts, and any OIDC federation): STS
// AssumeRoleWithWebIdentity with the token of AWS_WEB_IDENTITY_TOKEN_FILE
// (read on every fetch: the file is rotated), for AWS_ROLE_ARN, with
// session name AWS_ROLE_SESSION_NAME (else "wdrbe-<ms since epoch>").
//
// The call is STS's query API, unsigned (the token is the proof): a form
// POST to the STS endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, else
// https://sts.{region}.amazonaws.com, or https://sts.amazonaws.com when no
// region is configured), answered in XML.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/aws/http_client.hpp"
#include "wdrbe/base/clock.hpp"

namespace wdrbe::aws {

inline constexpr std::chrono::seconds kStsTimeout{5};

// The form POST of AssumeRoleWithWebIdentity (target "/").
HttpRequest BuildAssumeRoleWithWebIdentityRequest(std::string_view role_arn, std::string_view session_name,
                                                  std::string_view web_identity_token);

// The credentials of a 200 answer; for an error answer, kUnauthorized with
// STS's <Code> and <Message> (an expired or rejected token, a role that
// does not trust the provider) or kUnavailable (5xx, unreadable XML).
Result<Credentials> ParseAssumeRoleWithWebIdentityResponse(int http_status, std::string_view xml);

// Thread-safe (immutable; the client is). `http` and `clock` must outlive it.
class WebIdentityCredentialsProvider final : public CredentialsProvider {
 public:
  // Nothing when AWS_WEB_IDENTITY_TOKEN_FILE is unset; kBadRequest when it
  // is set without AWS_ROLE_ARN or the STS endpoint URL is unusable.
  static Result<std::optional<std::unique_ptr<WebIdentityCredentialsProvider>>> FromEnvironment(
      const Environment& env, HttpClient& http, const Clock& clock);

  Task<Result<Credentials>> Fetch() override;
  std::string_view Name() const override { return "web identity (STS AssumeRoleWithWebIdentity)"; }

 private:
  WebIdentityCredentialsProvider(HttpClient& http, EndpointUrl sts, std::string token_file,
                                 std::string role_arn, std::string session_name)
      : http_(http),
        sts_(std::move(sts)),
        token_file_(std::move(token_file)),
        role_arn_(std::move(role_arn)),
        session_name_(std::move(session_name)) {}

  HttpClient& http_;
  const EndpointUrl sts_;
  const std::string token_file_;
  const std::string role_arn_;
  const std::string session_name_;
};

}  // namespace wdrbe::aws
