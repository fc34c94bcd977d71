#include "wdrbe/tracing/otlp_json.hpp"

#include <algorithm>
#include <charconv>

#include "wdrbe/base/json_writer.hpp"

namespace wdrbe::tracing {
namespace {

// The longest decimal an int64 can be ("-9223372036854775808").
constexpr std::size_t kMaxDecimal = 20;

// What a span's JSON has besides its strings and decimals, with room to
// spare: its keys and punctuation (about 150 bytes), and each attribute's
// (at most 45).
constexpr std::size_t kSpanFraming = 256;
constexpr std::size_t kAttributeFraming = 64;

char* Put(char* out, std::string_view text) { return std::copy(text.begin(), text.end(), out); }

char* PutDecimal(char* out, std::int64_t value) { return std::to_chars(out, out + kMaxDecimal, value).ptr; }

// An OTLP attribute list's members: KeyValue objects, comma-separated.
char* PutAttributes(char* out, std::span<const SpanAttribute> attributes) {
  bool first = true;
  for (const SpanAttribute& attribute : attributes) {
    out = Put(out, first ? R"({"key":)" : R"(,{"key":)");
    first = false;
    out = WriteJsonString(out, attribute.key);
    if (const auto* text = std::get_if<std::string_view>(&attribute.value)) {
      out = Put(out, R"(,"value":{"stringValue":)");
      out = WriteJsonString(out, *text);
      out = Put(out, "}}");
    } else if (const auto* flag = std::get_if<bool>(&attribute.value)) {
      out = Put(out, *flag ? R"(,"value":{"boolValue":true}})" : R"(,"value":{"boolValue":false}})");
    } else {
      // int64s (intValue) are decimal strings in the JSON mapping.
      out = Put(out, R"(,"value":{"intValue":")");
      out = PutDecimal(out, std::get<std::int64_t>(attribute.value));
      out = Put(out, R"("}})");
    }
  }
  return out;
}

std::size_t AttributesBound(std::span<const SpanAttribute> attributes) {
  std::size_t bound = 0;
  for (const SpanAttribute& attribute : attributes) {
    bound += kAttributeFraming + JsonStringBound(attribute.key.size());
    if (const auto* text = std::get_if<std::string_view>(&attribute.value))
      bound += JsonStringBound(text->size());
  }
  return bound;
}

}  // namespace

std::size_t OtlpSpanBound(const Span& span) {
  return kSpanFraming + span.trace_id.size() + span.span_id.size() + span.parent_span_id.size() +
         JsonStringBound(span.name.size()) + 2 * kMaxDecimal + JsonStringBound(span.status_message.size()) +
         AttributesBound(span.attributes);
}

// Written by hand rather than through JsonWriter, and into a buffer sized
// beforehand rather than appended piece by piece: this runs for every span
// on the request's thread, the keys are constants and the ids hex digits
// (Span's contract), so only names and string values are escaped.
char* WriteOtlpSpan(char* out, const Span& span) {
  out = Put(out, R"({"traceId":")");
  out = Put(out, span.trace_id);
  out = Put(out, R"(","spanId":")");
  out = Put(out, span.span_id);
  if (!span.parent_span_id.empty()) {
    out = Put(out, R"(","parentSpanId":")");
    out = Put(out, span.parent_span_id);
  }
  out = Put(out, R"(","name":)");
  out = WriteJsonString(out, span.name);
  out = Put(out, R"(,"kind":)");
  out = PutDecimal(out, static_cast<int>(span.kind));
  // Nanoseconds are decimal strings in the JSON mapping.
  out = Put(out, R"(,"startTimeUnixNano":")");
  out = PutDecimal(out, span.start_unix_ns);
  out = Put(out, R"(","endTimeUnixNano":")");
  out = PutDecimal(out, span.end_unix_ns);
  out = Put(out, R"(","attributes":[)");
  out = PutAttributes(out, span.attributes);
  // STATUS_CODE_ERROR is 2; UNSET (0) is left out.
  out = Put(out, R"(],"status":{)");
  if (span.error) {
    out = Put(out, R"("code":2)");
    if (!span.status_message.empty()) {
      out = Put(out, R"(,"message":)");
      out = WriteJsonString(out, span.status_message);
    }
  }
  return Put(out, "}}");
}

void AppendOtlpSpan(std::string& out, const Span& span) {
  AppendWritten(out, OtlpSpanBound(span), [&](char* at) { return WriteOtlpSpan(at, span); });
}

std::string OtlpTracesDocumentHead(std::string_view service_name) {
  const SpanAttribute service{"service.name", service_name};
  std::string out(R"({"resourceSpans":[{"resource":{"attributes":[)");
  const std::span<const SpanAttribute> attributes(&service, 1);
  AppendWritten(out, AttributesBound(attributes), [&](char* at) { return PutAttributes(at, attributes); });
  out += R"(]},"scopeSpans":[{"scope":{"name":)";
  AppendJsonString(out, kInstrumentationScope);
  out += R"(},"spans":[)";
  return out;
}

std::string EncodeOtlpTraces(std::string_view service_name, std::span<const Span> spans) {
  std::string out = OtlpTracesDocumentHead(service_name);
  bool first = true;
  for (const Span& span : spans) {
    if (!first) out += ',';
    first = false;
    AppendOtlpSpan(out, span);
  }
  out += kOtlpTracesDocumentTail;
  return out;
}

}  // namespace wdrbe::tracing
