// The custom runtime's loop: take the next invocation from the Runtime API,
// hand it to the function, post its answer or its failure, and go on. Each
// invocation logs one line (Lambda's request id, the X-Ray trace id, the
// outcome, the time it took) and the log is flushed before the answer is
// posted, since Lambda may freeze the process as soon as it has the answer.
// Before each invocation the X-Ray trace header is put into
// _X_AMZN_TRACE_ID, as Lambda's own runtimes do.
#pragma once

#include <functional>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/lambda/invocation.hpp"
#include "wdrbe/lambda/runtime_api.hpp"
#include "wdrbe/observability/log.hpp"

namespace wdrbe::lambda {

// Called once the function has answered an invocation, before the log is
// flushed and the answer posted: what it logs is out before Lambda may
// freeze the process (the EMF metrics of the invocation).
using AfterInvocation = std::function<void(const Invocation&)>;

// Runs until the Runtime API cannot be reached or refuses an answer (the
// runtime cannot go on: returns the exit code 1). Lambda stops the process
// otherwise. `after_invocation` may be empty.
Task<int> ServeInvocations(RuntimeApi& runtime, InvocationHandler& function, obs::Logger& logger,
                           const Clock& clock, AfterInvocation after_invocation = {});

}  // namespace wdrbe::lambda
