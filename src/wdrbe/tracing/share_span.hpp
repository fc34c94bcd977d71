// The span of the worker's processing of one share event: a consumer span
// in the trace of the request that shared the item, whose span is its
// parent (the event carries that request's traceparent), recorded exactly
// when that request's span was (the traceparent's sampled flag). `wdrbe
// worker`, `serve`'s worker and `lambda worker` record it alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/tracing/span.hpp"

namespace wdrbe::tracing {

inline constexpr std::string_view kShareProcessSpanName = "share.process";

// Where a worker's processing spans go; no spans while `spans` is null.
struct ShareSpanTarget {
  SpanSink* spans = nullptr;
  const Clock* clock = nullptr;            // stamps them; set with `spans`
  RandomSource* random = nullptr;          // makes their ids; set with `spans`
  std::string messaging_system = "wdrbe";  // the queue: "wdrbe" (embedded) or "aws_sqs"
};

// nullopt when the event has no valid traceparent or it was not sampled.
// `handled` is the handler's outcome (nullptr: failed before the handler,
// with `failure`); `messaging_system` names the queue ("wdrbe" for the
// embedded one, "aws_sqs").
std::optional<Span> ShareProcessingSpan(const ShareEvent& event, const HandledShare* handled,
                                        std::string_view failure, std::string_view messaging_system,
                                        std::int64_t start_unix_ns, std::int64_t end_unix_ns,
                                        RandomSource& random);

}  // namespace wdrbe::tracing
