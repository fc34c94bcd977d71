#include "wdrbe/lambda/runtime_loop.hpp"

#include <cstdlib>
#include <string>
#include <utility>

namespace wdrbe::lambda {
namespace {

// The error type of an event the function cannot take (not API Gateway's,
// not SQS's: a misconfigured trigger or a hand-made test event).
constexpr char kInvalidEventType[] = "Runtime.InvalidEvent";
constexpr char kResponseTooLargeType[] = "Function.ResponseSizeTooLarge";

}  // namespace

Task<int> ServeInvocations(RuntimeApi& runtime, InvocationHandler& function, obs::Logger& logger,
                           const Clock& clock, AfterInvocation after_invocation) {
  for (;;) {
    Task<Result<Invocation>> waiting = runtime.Next();
    Result<Invocation> invocation = co_await std::move(waiting);
    if (!invocation.ok()) {
      logger.LogAlways(obs::LogLevel::kError, "cannot go on: the Lambda Runtime API failed",
                       {{"error", invocation.error().message}});
      logger.Flush();
      co_return 1;
    }
    if (invocation->trace_id.empty()) {
      ::unsetenv("_X_AMZN_TRACE_ID");
    } else {
      ::setenv("_X_AMZN_TRACE_ID", invocation->trace_id.c_str(), 1);
    }
    const std::int64_t started_ms = clock.NowMillis();
    Task<Result<std::string>> invoking = function.Invoke(*invocation);
    Result<std::string> answer = co_await std::move(invoking);
    const std::int64_t duration_ms = clock.NowMillis() - started_ms;
    if (after_invocation) after_invocation(*invocation);

    Status posted = Status::Ok();
    if (answer.ok()) {
      logger.Log(obs::LogLevel::kInfo, "invocation",
                 {{"awsRequestId", invocation->request_id},
                  {"xrayTraceId", invocation->trace_id},
                  {"outcome", "response"},
                  {"durationMs", duration_ms}});
      logger.Flush();
      Task<Status> responding = runtime.Respond(invocation->request_id, std::move(*answer));
      posted = co_await std::move(responding);
      if (!posted.ok() && posted.error().code == ErrorCode::kPayloadTooLarge) {
        const FunctionError too_large{kResponseTooLargeType, posted.error().message};
        Task<Status> reporting = runtime.ReportInvocationError(invocation->request_id, too_large);
        posted = co_await std::move(reporting);
      }
    } else {
      logger.Log(obs::LogLevel::kWarn, "invocation failed",
                 {{"awsRequestId", invocation->request_id},
                  {"xrayTraceId", invocation->trace_id},
                  {"outcome", "error"},
                  {"errorType", kInvalidEventType},
                  {"error", answer.error().message},
                  {"durationMs", duration_ms}});
      logger.Flush();
      const FunctionError failure{kInvalidEventType, answer.error().message};
      Task<Status> reporting = runtime.ReportInvocationError(invocation->request_id, failure);
      posted = co_await std::move(reporting);
    }
    if (!posted.ok()) {
      logger.LogAlways(obs::LogLevel::kError, "cannot go on: the Lambda Runtime API refused an answer",
                       {{"awsRequestId", invocation->request_id}, {"error", posted.error().message}});
      logger.Flush();
      co_return 1;
    }
  }
}

}  // namespace wdrbe::lambda
