// The credential source the AWS SDKs would use, chosen once at start: the
// first one configured, in the SDKs' order:
//
//   1. environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)
//   2. web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)
//   3. shared credentials/config file (AWS_PROFILE, or a "default" profile with keys)
//   4. container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)
//   5. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true
//
// wrapped in a RefreshingCredentialsProvider. A source that is configured
// wrongly is an error rather than a reason to try the next one.
#pragma once

#include <memory>

#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/aws/http_client.hpp"
#include "wdrbe/base/clock.hpp"

namespace wdrbe::aws {

// Errors (kBadRequest): a misconfigured source, or none at all ("no AWS
// credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
// AWS_PROFILE, ..."). `http` and `clock` must outlive the provider.
Result<std::unique_ptr<CredentialsProvider>> DefaultCredentialsProvider(const Environment& env,
                                                                        HttpClient& http, const Clock& clock);

// The message for "no source configured", shared with the EC2 source's
// failure so that an operator off EC2 learns what to set.
inline constexpr std::string_view kNoCredentialsHint =
    "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (a profile in "
    "~/.aws/credentials), or AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, or run where a container "
    "credentials endpoint or EC2 instance metadata provides them";

}  // namespace wdrbe::aws
