// Where a process's spans go, and what they say of the engines behind its
// ports: the embedded backend (SQLite, its own queue) or AWS (DynamoDB,
// SQS). Recorders take a SpanTarget and record nothing while `spans` is
// null.
#pragma once

#include <string_view>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/tracing/span.hpp"

namespace wdrbe::tracing {

enum class SpanBackend { kEmbedded, kAws };

struct SpanTarget {
  SpanSink* spans = nullptr;
  const Clock* clock = nullptr;    // stamps them; set with `spans`
  RandomSource* random = nullptr;  // makes their ids; set with `spans`
  SpanBackend backend = SpanBackend::kEmbedded;
};

// OpenTelemetry's messaging.system of the share queue: "wdrbe" (the
// embedded queue) or "aws_sqs".
inline std::string_view MessagingSystem(const SpanTarget& target) {
  return target.backend == SpanBackend::kAws ? "aws_sqs" : "wdrbe";
}

// The span a recorded span is a child of. Views strings that outlive it.
struct ParentSpan {
  std::string_view trace_id;  // 32 lowercase hex digits
  std::string_view span_id;   // 16 lowercase hex digits
};

}  // namespace wdrbe::tracing
