// `wdrbe lambda api` and `wdrbe lambda worker`: the service as the two
// container-image functions of the original deployment, speaking the Lambda
// Runtime API at AWS_LAMBDA_RUNTIME_API. Start-up failures (a bad flag, an
// unusable secret, an unreachable table) are reported to the Runtime API's
// init error endpoint as well as logged, and the process exits 1.
#pragma once

#include "wdrbe/app/config.hpp"

namespace wdrbe::app {

enum class LambdaFunction { kApi, kWorker };

// Returns the process's exit code.
int RunLambda(LambdaFunction function, const ServeConfig& config);

}  // namespace wdrbe::app
