// The JSON document the container credentials endpoint and the EC2
// instance metadata service both answer with:
// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} (ISO 8601),
// IMDS adding "Code": "Success".
#pragma once

#include <string_view>

#include "wdrbe/aws/credentials.hpp"

namespace wdrbe::aws {

// Errors (kUnavailable) name `source` and what is missing or malformed.
Result<Credentials> ParseCredentialsJson(std::string_view body, std::string_view source);

}  // namespace wdrbe::aws
