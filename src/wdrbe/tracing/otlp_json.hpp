// The OTLP/HTTP JSON encoding of spans (ExportTraceServiceRequest, as
// opentelemetry-proto's JSON mapping defines it): one resource (the
// service), one instrumentation scope, the spans. Trace and span ids are
// hex strings and times decimal strings of nanoseconds, as that mapping
// says. The exporter encodes each span as it is submitted and wraps a
// batch's encoded spans in the document when it posts them.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "wdrbe/tracing/span.hpp"

namespace wdrbe::tracing {

inline constexpr std::string_view kInstrumentationScope = "wdrbe";

// Appends one span's JSON object.
void AppendOtlpSpan(std::string& out, const Span& span);

// The document around `span_objects`: AppendOtlpSpan's objects, separated
// by commas.
std::string OtlpTracesDocument(std::string_view service_name, std::string_view span_objects);

// The document of `spans`.
std::string EncodeOtlpTraces(std::string_view service_name, std::span<const Span> spans);

}  // namespace wdrbe::tracing
