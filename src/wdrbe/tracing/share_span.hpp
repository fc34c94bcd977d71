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
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/base/error.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/tracing/span.hpp"
#include "wdrbe/tracing/span_target.hpp"

namespace wdrbe::tracing {

inline constexpr std::string_view kShareEnqueueSpanName = "share.enqueue";
inline constexpr std::string_view kShareProcessSpanName = "share.process";

// What a share span says of the share it follows. Views strings that
// outlive the span.
struct ShareSubject {
  std::string_view item_id;
  std::string_view user_id;
  std::string_view request_id;
};

// The producer span of one share request, begun before the share is queued.
class ShareEnqueueSpan {
 public:
  // Records nothing when `target` has no sink or `request` is not sampled.
  ShareEnqueueSpan(const SpanTarget& target, const obs::TraceContext& request, ShareSubject subject);

  // The traceparent the queued event carries: this span's when it is
  // recorded, else the request's.
  std::string EventTraceparent() const;

  // This span as the parent of the share's store and queue calls; none
  // when it is not recorded.
  std::optional<ParentSpan> AsParent() const;

  // Ends and records the span. `outcome` is the share service's answer: an
  // event id (and whether it was a replay) or the error; only a failure of
  // the service's own (internal, unavailable) marks the span an error.
  void End(const Result<AcceptedShare>& outcome);

 private:
  const SpanTarget& target_;
  const obs::TraceContext& request_;
  const ShareSubject subject_;
  bool recorded_ = false;
  std::string span_id_;
  std::int64_t start_unix_ns_ = 0;
};

// The consumer spans of one batch of share events: one per event whose
// traceparent is valid and sampled, begun together when the batch is
// taken and each ended with its event's outcome. Their ids are made at
// Begin, so that the batch's store and queue calls can be their children
// (parents()). Used by one coroutine at a time.
class ShareProcessingSpans {
 public:
  // Stamps the start; records nothing when `target` has no sink.
  explicit ShareProcessingSpans(const SpanTarget& target);

  // Begins `event`'s span if its trace is sampled. Before parents().
  void Begin(const ShareEvent& event);

  // The begun spans not ended yet, as parents of the batch's port calls.
  std::span<const ParentSpan> parents();

  // Ends and records `event`'s span, if begun and not ended yet. `handled`
  // is the handler's outcome (nullptr: failed before the handler, with
  // `failure`).
  void End(const ShareEvent& event, const HandledShare* handled, std::string_view failure);

 private:
  struct Begun {
    const ShareEvent* event;
    obs::Traceparent parent;  // the share.enqueue span
    std::string span_id;
    bool ended = false;
  };

  const SpanTarget& target_;
  std::int64_t start_unix_ns_ = 0;
  std::vector<Begun> begun_;
  std::vector<ParentSpan> parents_;  // views begun_, made by parents()
};

}  // namespace wdrbe::tracing
