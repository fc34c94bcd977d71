// Secrets Manager's GetSecretValue: the text of a secret (its current
// version), for secrets the service is given by name or ARN rather than as
// a file or a variable (the JWT secret of the AWS deployment).
#pragma once

#include <string>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::aws {

// The SecretString of `secret_id` (a name or an ARN). Errors, each naming
// the secret: kBadRequest when it does not exist, may not be read
// (secretsmanager:GetSecretValue, or its KMS key), or holds binary only;
// kUnavailable when Secrets Manager does not answer.
Task<Result<std::string>> GetSecretString(AwsClients& clients, std::string secret_id);

}  // namespace wdrbe::aws
