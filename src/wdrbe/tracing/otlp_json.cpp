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

void AppendDecimal(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace

// Written by hand rather than through JsonWriter: this runs for every span
// on the request's thread, the keys are constants and the ids hex digits
// (Span's contract), so only names and string values are escaped.
void AppendOtlpSpan(std::string& out, const Span& span) {
  out += R"({"traceId":")";
  out += span.trace_id;
  out += R"(","spanId":")";
  out += span.span_id;
  if (!span.parent_span_id.empty()) {
    out += R"(","parentSpanId":")";
    out += span.parent_span_id;
  }
  out += R"(","name":)";
  AppendJsonString(out, span.name);
  out += R"(,"kind":)";
  AppendDecimal(out, static_cast<int>(span.kind));
  // int64s (intValue) and nanoseconds are decimal strings in the JSON mapping.
  out += R"(,"startTimeUnixNano":")";
  AppendDecimal(out, span.start_unix_ns);
  out += R"(","endTimeUnixNano":")";
  AppendDecimal(out, span.end_unix_ns);
  out += R"(","attributes":[)";
  bool first = true;
  for (const SpanAttribute& attribute : span.attributes) {
    out += first ? R"({"key":)" : R"(,{"key":)";
    first = false;
    AppendJsonString(out, attribute.key);
    if (const auto* text = std::get_if<std::string_view>(&attribute.value)) {
      out += R"(,"value":{"stringValue":)";
      AppendJsonString(out, *text);
      out += "}}";
    } else if (const auto* flag = std::get_if<bool>(&attribute.value)) {
      out += *flag ? R"(,"value":{"boolValue":true}})" : R"(,"value":{"boolValue":false}})";
    } else {
      out += R"(,"value":{"intValue":")";
      AppendDecimal(out, std::get<std::int64_t>(attribute.value));
      out += R"("}})";
    }
  }
  // STATUS_CODE_ERROR is 2; UNSET (0) is left out.
  out += R"(],"status":{)";
  if (span.error) {
    out += R"("code":2)";
    if (!span.status_message.empty()) {
      out += R"(,"message":)";
      AppendJsonString(out, span.status_message);
    }
  }
  out += "}}";
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
