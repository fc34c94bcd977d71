#include "wdrbe/tracing/share_span.hpp"

#include <string>

#include "wdrbe/observability/trace_context.hpp"

namespace wdrbe::tracing {
namespace {

std::string_view Outcome(const HandledShare* handled) {
  if (handled == nullptr || !handled->application) return "failed";
  switch (*handled->application) {
    case ShareApplication::kApplied:
      return "applied";
    case ShareApplication::kAlreadyApplied:
      return "already_applied";
    case ShareApplication::kItemNotFound:
      return "item_not_found";
  }
  return "failed";
}

}  // namespace

std::optional<Span> ShareProcessingSpan(const ShareEvent& event, const HandledShare* handled,
                                        std::string_view failure, std::string_view messaging_system,
                                        std::int64_t start_unix_ns, std::int64_t end_unix_ns,
                                        RandomSource& random) {
  const auto parent = obs::ParseTraceparent(event.trace_context);
  if (!parent || (parent->flags & 1) == 0) return std::nullopt;
  Span span;
  span.trace_id = parent->trace_id;
  span.span_id = obs::NewSpanId(random);
  span.parent_span_id = parent->parent_id;
  span.name = std::string(kShareProcessSpanName);
  span.kind = SpanKind::kConsumer;
  span.start_unix_ns = start_unix_ns;
  span.end_unix_ns = end_unix_ns;
  const std::string_view outcome = Outcome(handled);
  span.attributes = {
      {"messaging.system", std::string(messaging_system)},
      {"messaging.operation.type", std::string("process")},
      {"messaging.message.id", event.event_id},
      {"wdrbe.item_id", event.item_id},
      {"enduser.id", event.user_id},
      {"wdrbe.request_id", event.request_id},
      {"wdrbe.share.outcome", std::string(outcome)},
  };
  if (outcome == "failed") {
    span.error = true;
    span.status_message = handled != nullptr && handled->error ? *handled->error : std::string(failure);
  }
  return span;
}

}  // namespace wdrbe::tracing
