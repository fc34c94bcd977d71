#include "wdrbe/tracing/otlp_json.hpp"

#include <type_traits>

#include "wdrbe/base/json_writer.hpp"

namespace wdrbe::tracing {
namespace {

void WriteAttribute(JsonWriter& json, const SpanAttribute& attribute) {
  json.BeginObject().Member("key", attribute.key).Key("value").BeginObject();
  std::visit(
      [&json](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          json.Member("stringValue", value);
        } else if constexpr (std::is_same_v<T, bool>) {
          json.Key("boolValue").Bool(value);
        } else {
          // int64 is a decimal string in the JSON mapping.
          json.Member("intValue", std::to_string(value));
        }
      },
      attribute.value);
  json.EndObject().EndObject();
}

}  // namespace

std::string EncodeOtlpTraces(std::string_view service_name, const std::vector<Span>& spans) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject().Key("resourceSpans").BeginArray().BeginObject();
  json.Key("resource").BeginObject().Key("attributes").BeginArray();
  WriteAttribute(json, {"service.name", std::string(service_name)});
  json.EndArray().EndObject();
  json.Key("scopeSpans").BeginArray().BeginObject();
  json.Key("scope").BeginObject().Member("name", kInstrumentationScope).EndObject();
  json.Key("spans").BeginArray();
  for (const Span& span : spans) {
    json.BeginObject();
    json.Member("traceId", span.trace_id).Member("spanId", span.span_id);
    if (!span.parent_span_id.empty()) json.Member("parentSpanId", span.parent_span_id);
    json.Member("name", span.name);
    json.Key("kind").Int(static_cast<int>(span.kind));
    json.Member("startTimeUnixNano", std::to_string(span.start_unix_ns));
    json.Member("endTimeUnixNano", std::to_string(span.end_unix_ns));
    json.Key("attributes").BeginArray();
    for (const SpanAttribute& attribute : span.attributes) WriteAttribute(json, attribute);
    json.EndArray();
    // STATUS_CODE_ERROR is 2; UNSET (0) is left out.
    json.Key("status").BeginObject();
    if (span.error) {
      json.Key("code").Int(2);
      if (!span.status_message.empty()) json.Member("message", span.status_message);
    }
    json.EndObject();
    json.EndObject();
  }
  json.EndArray().EndObject().EndArray();   // spans, scopeSpans
  json.EndObject().EndArray().EndObject();  // resourceSpans
  return out;
}

}  // namespace wdrbe::tracing
