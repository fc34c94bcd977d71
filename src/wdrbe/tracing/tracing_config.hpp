// Span export as OpenTelemetry's environment variables configure it:
//   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  the URL spans are posted to, or
//   OTEL_EXPORTER_OTLP_ENDPOINT         the collector's base URL (+ /v1/traces);
//                                       neither set: no spans are exported
//   OTEL_TRACES_EXPORTER                otlp (the default) or none
//   OTEL_EXPORTER_OTLP_PROTOCOL         http/json, the only one spoken (unset means it)
//   OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG   sampler.hpp
//   OTEL_EXPORTER_OTLP_TIMEOUT          ms per batch, 1-600000 (10000)
//   OTEL_BSP_SCHEDULE_DELAY             ms between exports, 1-600000 (5000)
//   OTEL_BSP_MAX_QUEUE_SIZE             spans waiting, 1-1000000 (2048); more are dropped
//   OTEL_BSP_MAX_EXPORT_BATCH_SIZE      spans per post, 1-queue size (512)
// The service name is the service's own (--service-name, else
// OTEL_SERVICE_NAME).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/tracing/sampler.hpp"
#include "wdrbe/tracing/span_exporter.hpp"

namespace wdrbe::tracing {

inline constexpr int kMaxExportMillis = 600'000;
inline constexpr int kMaxSpanQueue = 1'000'000;

struct TracingConfig {
  SpanExporterOptions exporter;
  Sampler sampler;
};

// The variable's value, or null when unset (std::getenv in the service).
using EnvironmentLookup = std::function<const char*(const char*)>;

// nullopt when no endpoint is set or the exporter is none. Errors
// (kBadRequest) name the variable, its allowed values and what was given.
Result<std::optional<TracingConfig>> TracingConfigFromEnvironment(const std::string& service_name,
                                                                  const EnvironmentLookup& lookup);

}  // namespace wdrbe::tracing
