#include "wdrbe/tracing/tracing_config.hpp"

#include <charconv>
#include <string_view>

#include "wdrbe/aws/endpoint_url.hpp"

namespace wdrbe::tracing {
namespace {

std::string_view Get(const EnvironmentLookup& lookup, const char* name) {
  const char* value = lookup(name);
  return value == nullptr ? std::string_view() : std::string_view(value);
}

// An integer variable within [low, high]; `fallback` when unset.
Result<long long> Number(const EnvironmentLookup& lookup, const char* name, long long fallback, long long low,
                         long long high) {
  const std::string_view text = Get(lookup, name);
  if (text.empty()) return fallback;
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return Error::BadRequest(std::string(name) + " must be an integer from " + std::to_string(low) + " to " +
                             std::to_string(high) + ", got '" + std::string(text) + "'");
  }
  return value;
}

}  // namespace

Result<std::optional<TracingConfig>> TracingConfigFromEnvironment(const std::string& service_name,
                                                                  const EnvironmentLookup& lookup) {
  const std::string_view exporter = Get(lookup, "OTEL_TRACES_EXPORTER");
  if (exporter == "none") return std::optional<TracingConfig>();
  if (!exporter.empty() && exporter != "otlp") {
    return Error::BadRequest("OTEL_TRACES_EXPORTER must be otlp or none, got '" + std::string(exporter) +
                             "'");
  }
  std::string_view url = Get(lookup, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const bool signal_url = !url.empty();
  const char* url_variable =
      signal_url ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT";
  if (!signal_url) url = Get(lookup, "OTEL_EXPORTER_OTLP_ENDPOINT");
  if (url.empty()) return std::optional<TracingConfig>();

  for (const char* variable : {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"}) {
    const std::string_view protocol = Get(lookup, variable);
    if (!protocol.empty() && protocol != "http/json") {
      return Error::BadRequest(std::string(variable) + " must be http/json (the only OTLP encoding wdrbe " +
                               "sends; collectors' OTLP/HTTP receivers take it), got '" +
                               std::string(protocol) + "'");
    }
    if (!protocol.empty()) break;
  }
  auto endpoint = aws::ParseEndpointUrl(url);
  if (!endpoint.ok()) return Error::BadRequest(std::string(url_variable) + ": " + endpoint.error().message);

  auto sampler = Sampler::Parse(Get(lookup, "OTEL_TRACES_SAMPLER"), Get(lookup, "OTEL_TRACES_SAMPLER_ARG"));
  if (!sampler.ok()) return sampler.error();
  auto timeout = Number(lookup, "OTEL_EXPORTER_OTLP_TIMEOUT", 10'000, 1, kMaxExportMillis);
  if (!timeout.ok()) return timeout.error();
  auto delay = Number(lookup, "OTEL_BSP_SCHEDULE_DELAY", 5'000, 1, kMaxExportMillis);
  if (!delay.ok()) return delay.error();
  auto queue = Number(lookup, "OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1, kMaxSpanQueue);
  if (!queue.ok()) return queue.error();
  auto batch = Number(lookup, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", std::min(512LL, *queue), 1, *queue);
  if (!batch.ok()) return batch.error();

  SpanExporterOptions options;
  // The signal's own URL is used as given; the base URL gets OTLP's path.
  options.target = signal_url ? (endpoint->base_path.empty() ? "/" : endpoint->base_path)
                              : endpoint->base_path + "/v1/traces";
  options.endpoint = std::move(*endpoint);
  options.service_name = service_name;
  options.max_queue = static_cast<std::size_t>(*queue);
  options.max_batch = static_cast<std::size_t>(*batch);
  options.schedule_delay = std::chrono::milliseconds(*delay);
  options.timeout = std::chrono::milliseconds(*timeout);
  return std::optional<TracingConfig>(TracingConfig{std::move(options), *sampler});
}

}  // namespace wdrbe::tracing
