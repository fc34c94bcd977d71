// The OTLP/HTTP JSON encoding of spans (ExportTraceServiceRequest, as
// opentelemetry-proto's JSON mapping defines it): one resource (the
// service), one instrumentation scope, the spans. Trace and span ids are
// hex strings and times decimal strings of nanoseconds, as that mapping
// says.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/tracing/span.hpp"

namespace wdrbe::tracing {

inline constexpr std::string_view kInstrumentationScope = "wdrbe";

std::string EncodeOtlpTraces(std::string_view service_name, const std::vector<Span>& spans);

}  // namespace wdrbe::tracing
