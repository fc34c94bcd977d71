// The custom runtime's loop: take the next invocation from the Runtime API,
// hand it to the function, post its answer or its failure, and go on. Each
// invocation logs one line (Lambda's request id, the X-Ray trace id, the
// outcome, the time it took) and the log is flushed before the answer is
// posted, since Lambda may freeze the process as soon as it has the answer.
// Before each invocation the X-Ray trace header is put into
// _X_AMZN_TRACE_ID, as Lambda's own runtimes do.
#pragma once

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/lambda/invocation.hpp"
#include "wdrbe/lambda/runtime_api.hpp"
#include "wdrbe/observability/log.hpp"

namespace wdrbe::lambda {

// Runs until the Runtime API cannot be reached or refuses an answer (the
// runtime cannot go on: returns the exit code 1). Lambda stops the process
// otherwise.
Task<int> ServeInvocations(RuntimeApi& runtime, InvocationHandler& function, obs::Logger& logger,
                           const Clock& clock);

}  // namespace wdrbe::lambda
