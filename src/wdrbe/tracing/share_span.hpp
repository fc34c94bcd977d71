// The spans of a share's path through the queue, in the trace of the
// request that shared the item: a producer span `share.enqueue` (a child of
// that request's server span) around the queueing, whose traceparent the
// event carries, and a consumer span `share.process` (the producer span's
// child) for the worker's processing of the event. Both are recorded
// exactly when the request's span is (the traceparent's sampled flag).
// `wdrbe worker`, `serve`'s worker and `lambda worker` record the consumer
// span alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/error.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/tracing/span.hpp"

namespace wdrbe::tracing {

inline constexpr std::string_view kShareEnqueueSpanName = "share.enqueue";
inline constexpr std::string_view kShareProcessSpanName = "share.process";

// Where a process's share spans go; no spans while `spans` is null.
struct ShareSpanTarget {
  SpanSink* spans = nullptr;
  const Clock* clock = nullptr;            // stamps them; set with `spans`
  RandomSource* random = nullptr;          // makes their ids; set with `spans`
  std::string messaging_system = "wdrbe";  // the queue: "wdrbe" (embedded) or "aws_sqs"
};

// The producer span of one share request, begun before the share is queued.
class ShareEnqueueSpan {
 public:
  // Records nothing when `target` has no sink or `request` is not sampled.
  ShareEnqueueSpan(const ShareSpanTarget& target, const obs::TraceContext& request);

  // The traceparent the queued event carries: this span's when it is
  // recorded, else the request's.
  std::string EventTraceparent() const;

  // Ends and records the span. `outcome` is the share service's answer: an
  // event id (and whether it was a replay) or the error; only a failure of
  // the service's own (internal, unavailable) marks the span an error.
  void End(std::string_view item_id, std::string_view user_id, std::string_view request_id,
           const Error* error, std::string_view event_id, bool replayed);

 private:
  const ShareSpanTarget& target_;
  const obs::TraceContext& request_;
  bool recorded_ = false;
  std::string span_id_;
  std::int64_t start_unix_ns_ = 0;
};

// Records the consumer span when the event has a valid, sampled
// traceparent. `handled` is the handler's outcome (nullptr: failed before
// the handler, with `failure`).
void RecordShareProcessingSpan(const ShareSpanTarget& target, const ShareEvent& event,
                               const HandledShare* handled, std::string_view failure,
                               std::int64_t start_unix_ns, std::int64_t end_unix_ns);

}  // namespace wdrbe::tracing
