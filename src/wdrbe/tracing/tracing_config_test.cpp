// Span export from OpenTelemetry's variables: off unless an endpoint is
// set, OTLP's paths, every bound checked by name.
#include "wdrbe/tracing/tracing_config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace wdrbe::tracing {
namespace {

using Variables = std::map<std::string, std::string>;

Result<std::optional<TracingConfig>> FromVariables(const Variables& variables) {
  return TracingConfigFromEnvironment("wdrbe-api", [&variables](const char* name) -> const char* {
    auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  });
}

TracingConfig MustConfigure(const Variables& variables) {
  auto config = FromVariables(variables);
  EXPECT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->has_value());
  return **config;
}

TEST(TracingConfigTest, NoEndpointOrTheNoneExporterExportsNothing) {
  EXPECT_FALSE(FromVariables({})->has_value());
  EXPECT_FALSE(FromVariables({{"OTEL_TRACES_SAMPLER", "always_off"}})->has_value());
  EXPECT_FALSE(FromVariables({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"},
                              {"OTEL_TRACES_EXPORTER", "none"}})
                   ->has_value());
}

TEST(TracingConfigTest, TheBaseEndpointGetsOtlpsPathAndTheTracesEndpointIsUsedAsGiven) {
  const TracingConfig base = MustConfigure({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}});
  EXPECT_EQ(base.exporter.endpoint.host, "collector");
  EXPECT_EQ(base.exporter.endpoint.port, "4318");
  EXPECT_FALSE(base.exporter.endpoint.tls);
  EXPECT_EQ(base.exporter.target, "/v1/traces");
  EXPECT_EQ(base.exporter.service_name, "wdrbe-api");
  EXPECT_EQ(MustConfigure({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.example/prefix"}}).exporter.target,
            "/prefix/v1/traces");
  const TracingConfig signal =
      MustConfigure({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:4318"},
                     {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://x.example/in"}});
  EXPECT_EQ(signal.exporter.endpoint.host, "x.example");
  EXPECT_TRUE(signal.exporter.endpoint.tls);
  EXPECT_EQ(signal.exporter.target, "/in");
}

TEST(TracingConfigTest, TheBatchSettingsHaveOpenTelemetrysDefaultsAndCanBeSet) {
  const TracingConfig defaults = MustConfigure({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}});
  EXPECT_EQ(defaults.exporter.max_queue, 2048u);
  EXPECT_EQ(defaults.exporter.max_batch, 512u);
  EXPECT_EQ(defaults.exporter.schedule_delay, std::chrono::milliseconds(5000));
  EXPECT_EQ(defaults.exporter.timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(defaults.sampler.Describe(), "parentbased_always_on");
  const TracingConfig set = MustConfigure({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"},
                                           {"OTEL_BSP_MAX_QUEUE_SIZE", "100"},
                                           {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10"},
                                           {"OTEL_BSP_SCHEDULE_DELAY", "50"},
                                           {"OTEL_EXPORTER_OTLP_TIMEOUT", "250"},
                                           {"OTEL_TRACES_SAMPLER", "always_off"},
                                           {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}});
  EXPECT_EQ(set.exporter.max_queue, 100u);
  EXPECT_EQ(set.exporter.max_batch, 10u);
  EXPECT_EQ(set.exporter.schedule_delay, std::chrono::milliseconds(50));
  EXPECT_EQ(set.exporter.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(set.sampler.Describe(), "always_off");
  EXPECT_EQ(
      MustConfigure({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_BSP_MAX_QUEUE_SIZE", "8"}})
          .exporter.max_batch,
      8u)
      << "a batch is at most the queue";
}

TEST(TracingConfigTest, EachBadVariableIsRefusedByName) {
  const std::string endpoint = "http://c:4318";
  for (const auto& [variables, mention] : std::vector<std::pair<Variables, std::string>>{
           {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "c:4318"}}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
           {{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}, {"OTEL_TRACES_EXPORTER", "zipkin"}},
            "OTEL_TRACES_EXPORTER must be otlp or none"},
           {{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}},
            "OTEL_EXPORTER_OTLP_PROTOCOL must be http/json"},
           {{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}, {"OTEL_BSP_MAX_QUEUE_SIZE", "0"}},
            "OTEL_BSP_MAX_QUEUE_SIZE must be an integer from 1 to 1000000, got '0'"},
           {{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint},
             {"OTEL_BSP_MAX_QUEUE_SIZE", "10"},
             {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "11"}},
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE must be an integer from 1 to 10"},
           {{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}, {"OTEL_BSP_SCHEDULE_DELAY", "5s"}},
            "OTEL_BSP_SCHEDULE_DELAY"},
           {{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}, {"OTEL_EXPORTER_OTLP_TIMEOUT", "600001"}},
            "OTEL_EXPORTER_OTLP_TIMEOUT"},
           {{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}, {"OTEL_TRACES_SAMPLER", "never"}},
            "OTEL_TRACES_SAMPLER"},
       }) {
    auto config = FromVariables(variables);
    ASSERT_FALSE(config.ok()) << mention;
    EXPECT_EQ(config.error().code, ErrorCode::kBadRequest);
    EXPECT_NE(config.error().message.find(mention), std::string::npos) << config.error().message;
  }
}

}  // namespace
}  // namespace wdrbe::tracing
