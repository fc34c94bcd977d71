#include "wdrbe/tracing/otlp_json.hpp"

#include <charconv>
#include <type_traits>

#include "wdrbe/base/json_writer.hpp"

namespace wdrbe::tracing {
namespace {

// int64s (intValue) and nanoseconds are decimal strings in the JSON mapping.
void DecimalStringMember(JsonWriter& json, std::string_view key, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  json.Member(key, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void WriteAttribute(JsonWriter& json, const SpanAttribute& attribute) {
  json.BeginObject().Member("key", attribute.key).Key("value").BeginObject();
  std::visit(
      [&json](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          json.Member("stringValue", value);
        } else if constexpr (std::is_same_v<T, bool>) {
          json.Key("boolValue").Bool(value);
        } else {
          DecimalStringMember(json, "intValue", value);
        }
      },
      attribute.value);
  json.EndObject().EndObject();
}

}  // namespace

void AppendOtlpSpan(std::string& out, const Span& span) {
  JsonWriter json(out);
  json.BeginObject();
  json.Member("traceId", span.trace_id).Member("spanId", span.span_id);
  if (!span.parent_span_id.empty()) json.Member("parentSpanId", span.parent_span_id);
  json.Member("name", span.name);
  json.Key("kind").Int(static_cast<int>(span.kind));
  DecimalStringMember(json, "startTimeUnixNano", span.start_unix_ns);
  DecimalStringMember(json, "endTimeUnixNano", span.end_unix_ns);
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

std::string OtlpTracesDocument(std::string_view service_name, std::string_view span_objects) {
  std::string out;
  out.reserve(span_objects.size() + 200);
  JsonWriter json(out);
  json.BeginObject().Key("resourceSpans").BeginArray().BeginObject();
  json.Key("resource").BeginObject().Key("attributes").BeginArray();
  WriteAttribute(json, {"service.name", service_name});
  json.EndArray().EndObject();
  json.Key("scopeSpans").BeginArray().BeginObject();
  json.Key("scope").BeginObject().Member("name", kInstrumentationScope).EndObject();
  // The spans are already JSON; the closers that follow need no comma.
  json.Key("spans");
  out += '[';
  out += span_objects;
  out += ']';
  json.EndObject().EndArray();              // scopeSpans
  json.EndObject().EndArray().EndObject();  // resourceSpans
  return out;
}

std::string EncodeOtlpTraces(std::string_view service_name, std::span<const Span> spans) {
  std::string objects;
  for (const Span& span : spans) {
    if (!objects.empty()) objects += ',';
    AppendOtlpSpan(objects, span);
  }
  return OtlpTracesDocument(service_name, objects);
}

}  // namespace wdrbe::tracing
