// A finished span of a distributed trace, as OpenTelemetry models it, and
// where finished spans go. The service records a span for each request it
// answers, for each share it queues and for each share event its worker
// processes; an exporter sends them to a tracing backend in batches
// (span_exporter.hpp).
//
// A Span only views its text: the recorder builds it on the stack from what
// it already holds (the request, the event) and the sink encodes it during
// Submit. Recording a span therefore allocates nothing per span, which
// matters on a route that answers in a few microseconds.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

namespace wdrbe::tracing {

// OTLP's SpanKind numbers.
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };

struct SpanAttribute {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, bool> value;
};

struct Span {
  std::string_view trace_id = {};        // 32 lowercase hex digits
  std::string_view span_id = {};         // 16 lowercase hex digits
  std::string_view parent_span_id = {};  // "" for a trace's first span
  std::string_view name = {};
  SpanKind kind = SpanKind::kInternal;
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
  std::span<const SpanAttribute> attributes = {};
  bool error = false;  // OTLP status ERROR (else UNSET)
  std::string_view status_message = {};
};

// Takes finished spans. Submit never blocks and never fails the caller: a
// sink that cannot keep up drops spans and counts them. It reads the span
// during the call only.
class SpanSink {
 public:
  virtual ~SpanSink() = default;
  virtual void Submit(const Span& span) = 0;
};

}  // namespace wdrbe::tracing
