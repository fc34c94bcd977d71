// The client span of one call of a store or queue port (ItemStore,
// ShareQueue, and the embedded backend's one-commit AtomicShareSender and
// AtomicShareSettler), as a child of the span that made the call: a
// request's server span, a share.enqueue span, or each share.process span
// of the events a worker's batch call serves. A span covers the whole port
// call: a SQLite transaction with its wait for the writer, or every
// DynamoDB or SQS request (retries included) the adapter made for it.
//
// Its attributes follow OpenTelemetry's conventions for the engine:
// db.system.name "sqlite" or "aws.dynamodb", messaging.system "wdrbe" or
// "aws_sqs", and on AWS rpc.system "aws-api" with rpc.service "DynamoDB"
// or "SQS", which X-Ray (through the ADOT collector) draws as those
// services' nodes of the service map.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "wdrbe/base/error.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/tracing/span_target.hpp"

namespace wdrbe::tracing {

enum class PortEngine {
  kStore,  // the item store: SQLite or DynamoDB
  kQueue,  // the share queue: the embedded queue or SQS
};

struct PortCall {
  std::string_view name;       // the span's: "ItemStore.GetItem"
  std::string_view operation;  // the port method: "GetItem"
  PortEngine engine = PortEngine::kStore;
  std::int64_t batch_size = 0;  // events or handles in a batch call; 0: not one
};

// What the call answered. Only the service's own failures (internal,
// unavailable) mark the span an error; a refusal (not found, forbidden,
// conflict) is an answer the caller handles.
struct PortCallOutcome {
  const Error* error = nullptr;  // the call's error; nullptr when it succeeded
  std::int64_t failed = 0;       // of a batch call's results, how many failed
};

// Records one span per parent (none while `target` has no sink), each
// from `start_unix_ns` to now.
void RecordPortCallSpans(const SpanTarget& target, std::span<const ParentSpan> parents, const PortCall& call,
                         std::int64_t start_unix_ns, const PortCallOutcome& outcome);

// What a traced port decorator records with: its target and parents,
// viewed (both outlive it).
class PortCallTracer {
 public:
  PortCallTracer(const SpanTarget& target, std::span<const ParentSpan> parents)
      : target_(target), parents_(parents) {}

  std::int64_t Start() const { return target_.spans != nullptr ? target_.clock->NowNanos() : 0; }
  void End(const PortCall& call, std::int64_t start_unix_ns, const PortCallOutcome& outcome) const {
    RecordPortCallSpans(target_, parents_, call, start_unix_ns, outcome);
  }

 private:
  const SpanTarget& target_;
  std::span<const ParentSpan> parents_;
};

template <typename T>
PortCallOutcome OutcomeOf(const Result<T>& result) {
  return {result.ok() ? nullptr : &result.error()};
}
inline PortCallOutcome OutcomeOf(const Status& status) { return {status.ok() ? nullptr : &status.error()}; }

// Awaits `call` (a port call not begun yet: tasks start when awaited) and
// records its span. `tracer` outlives the call.
template <typename T>
Task<T> TracedCall(const PortCallTracer& tracer, PortCall span, Task<T> call) {
  const std::int64_t start = tracer.Start();
  T result = co_await std::move(call);
  tracer.End(span, start, OutcomeOf(result));
  co_return result;
}

}  // namespace wdrbe::tracing
