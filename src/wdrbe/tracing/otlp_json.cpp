#include "wdrbe/tracing/otlp_json.hpp"

#include <charconv>

#include "wdrbe/base/json_writer.hpp"

namespace wdrbe::tracing {
namespace {

void AppendDecimal(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

// An OTLP attribute list's members: KeyValue objects, comma-separated.
void AppendAttributes(std::string& out, std::span<const SpanAttribute> attributes) {
  bool first = true;
  for (const SpanAttribute& attribute : attributes) {
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
      // int64s (intValue) are decimal strings in the JSON mapping.
      out += R"(,"value":{"intValue":")";
      AppendDecimal(out, std::get<std::int64_t>(attribute.value));
      out += R"("}})";
    }
  }
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
  AppendAttributes(out, span.attributes);
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
  out += R"({"resourceSpans":[{"resource":{"attributes":[)";
  const SpanAttribute service{"service.name", service_name};
  AppendAttributes(out, std::span(&service, 1));
  out += R"(]},"scopeSpans":[{"scope":{"name":)";
  AppendJsonString(out, kInstrumentationScope);
  out += R"(},"spans":[)";
  out += span_objects;  // already JSON
  out += "]}]}]}";
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
