// One Lambda invocation as the Runtime API hands it over, and what a
// function does with it. A function answers a payload (the response), or
// an error when the event is not one it can take; either way it must not
// throw.
#pragma once

#include <cstdint>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::lambda {

struct Invocation {
  std::string request_id;    // Lambda-Runtime-Aws-Request-Id
  std::int64_t deadline_ms;  // Lambda-Runtime-Deadline-Ms: Unix ms when the function is stopped
  std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;      // Lambda-Runtime-Trace-Id (X-Ray), "" when none
  std::string event;         // the payload: the event's JSON
};

class InvocationHandler {
 public:
  virtual ~InvocationHandler() = default;
  // The response payload, or an error reported to the Runtime API as the
  // invocation's failure (its message becomes errorMessage).
  virtual Task<Result<std::string>> Invoke(const Invocation& invocation) = 0;
};

}  // namespace wdrbe::lambda
