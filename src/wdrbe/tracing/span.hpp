// A finished span of a distributed trace, as OpenTelemetry models it, and
// where finished spans go. The service records a span for each request it
// answers and for each share event its worker processes; an exporter sends
// them to a tracing backend in batches (span_exporter.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace wdrbe::tracing {

// OTLP's SpanKind numbers.
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };

struct SpanAttribute {
  std::string key;
  std::variant<std::string, std::int64_t, bool> value;
};

struct Span {
  std::string trace_id = {};        // 32 lowercase hex digits
  std::string span_id = {};         // 16 lowercase hex digits
  std::string parent_span_id = {};  // "" for a trace's first span
  std::string name = {};
  SpanKind kind = SpanKind::kInternal;
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
  std::vector<SpanAttribute> attributes = {};
  bool error = false;  // OTLP status ERROR (else UNSET)
  std::string status_message = {};
};

// Takes finished spans. Submit never blocks and never fails the caller: a
// sink that cannot keep up drops spans and counts them.
class SpanSink {
 public:
  virtual ~SpanSink() = default;
  virtual void Submit(Span span) = 0;
};

}  // namespace wdrbe::tracing
