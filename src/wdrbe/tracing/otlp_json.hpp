// The OTLP/HTTP JSON encoding of spans (ExportTraceServiceRequest, as
// opentelemetry-proto's JSON mapping defines it): one resource (the
// service), one instrumentation scope, the spans. Trace and span ids are
// hex strings and times decimal strings of nanoseconds, as that mapping
// says. The exporter encodes each span as it is submitted, straight after
// the document's head in the buffer of the batch it joins.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "wdrbe/tracing/span.hpp"

namespace wdrbe::tracing {

inline constexpr std::string_view kInstrumentationScope = "wdrbe";

// The most bytes WriteOtlpSpan writes for `span`.
std::size_t OtlpSpanBound(const Span& span);

// Writes one span's JSON object at `out`, which has room for
// OtlpSpanBound(span) bytes; returns the end of what it wrote.
char* WriteOtlpSpan(char* out, const Span& span);

// Appends one span's JSON object.
void AppendOtlpSpan(std::string& out, const Span& span);

// A document is its head, the spans' objects separated by commas, and the
// tail: the exporter fills a batch's buffer from the head on and posts it
// as it is.
std::string OtlpTracesDocumentHead(std::string_view service_name);
inline constexpr std::string_view kOtlpTracesDocumentTail = "]}]}]}";

// The document of `spans`.
std::string EncodeOtlpTraces(std::string_view service_name, std::span<const Span> spans);

}  // namespace wdrbe::tracing
