// The two sources of long-term keys that are read once, at start: the
// environment and the shared files. Each answers nothing when it is not
// configured, so that the chain (default_credentials.hpp) moves on, and an
// error when it is configured wrongly, so that a typo is not silently
// replaced by another source's credentials.
#pragma once

#include <optional>

#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/base/result.hpp"

namespace wdrbe::aws {

// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, with AWS_SESSION_TOKEN when
// set. Nothing when neither key is set; kBadRequest when only one is.
Result<std::optional<Credentials>> EnvironmentCredentials(const Environment& env);

// aws_access_key_id, aws_secret_access_key and aws_session_token of the
// profile (AWS_PROFILE, else "default") in the shared credentials file,
// else in its section of the config file. Nothing when neither file has
// the default profile's keys. kBadRequest when AWS_PROFILE names a profile
// neither file has, when the profile has only one key of the pair, or when
// a file cannot be read or parsed; the message names the file and profile.
// Only static keys are read: role_arn, sso_* and credential_process
// profiles are reported as unsupported.
Result<std::optional<Credentials>> ProfileCredentials(const Environment& env);

}  // namespace wdrbe::aws
