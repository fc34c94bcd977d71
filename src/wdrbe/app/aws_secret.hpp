// Reading one secret from AWS Secrets Manager at start (--jwt-secret-arn),
// with AWS clients of its own: region, credentials and endpoint as for the
// AWS backend (AWS_REGION, the execution role, AWS_ENDPOINT_URL_SECRETS_MANAGER).
#pragma once

#include <string>

#include "wdrbe/base/result.hpp"

namespace wdrbe::app {

// The secret's SecretString; errors name `flag` and say what to fix.
Result<std::string> FetchAwsSecret(std::string_view flag, const std::string& secret_id);

}  // namespace wdrbe::app
