// The OTLP/HTTP JSON encoding: the members a collector reads, in the JSON
// mapping's forms (hex ids, decimal-string nanoseconds and int64s).
#include "wdrbe/tracing/otlp_json.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>

namespace wdrbe::tracing {
namespace {

namespace json = boost::json;

TEST(OtlpJsonTest, EncodesTheResourceTheScopeAndEverySpan) {
  const std::array<SpanAttribute, 3> server_attributes{
      {{"http.route", std::string_view("/users/{userId}/items")},
       {"http.response.status_code", std::int64_t{201}},
       {"wdrbe.flag", true}}};
  Span server{.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
              .span_id = "00f067aa0ba902b7",
              .parent_span_id = "",
              .name = "POST /users/{userId}/items",
              .kind = SpanKind::kServer,
              .start_unix_ns = 1'764'583'200'000'000'001,
              .end_unix_ns = 1'764'583'200'002'000'000,
              .attributes = server_attributes};
  Span consumer{.trace_id = server.trace_id,
                .span_id = "a3ce929d0e0e4736",
                .parent_span_id = server.span_id,
                .name = "share.process",
                .kind = SpanKind::kConsumer,
                .start_unix_ns = 5,
                .end_unix_ns = 6,
                .error = true,
                .status_message = "store unavailable"};

  const std::array<Span, 2> spans_in{server, consumer};
  const json::value body = json::parse(EncodeOtlpTraces("wdrbe-api", spans_in));
  const json::object& resource_spans = body.at("resourceSpans").at(0).as_object();
  const json::value& service = resource_spans.at("resource").at("attributes").at(0);
  EXPECT_EQ(service.at("key").as_string(), "service.name");
  EXPECT_EQ(service.at("value").at("stringValue").as_string(), "wdrbe-api");
  const json::object& scope_spans = resource_spans.at("scopeSpans").at(0).as_object();
  EXPECT_EQ(scope_spans.at("scope").at("name").as_string(), "wdrbe");
  const json::array& spans = scope_spans.at("spans").as_array();
  ASSERT_EQ(spans.size(), 2u);

  const json::object& first = spans[0].as_object();
  EXPECT_EQ(first.at("traceId").as_string(), server.trace_id);
  EXPECT_EQ(first.at("spanId").as_string(), server.span_id);
  EXPECT_FALSE(first.contains("parentSpanId")) << "a root span has no parent member";
  EXPECT_EQ(first.at("name").as_string(), server.name);
  EXPECT_EQ(first.at("kind").as_int64(), 2);
  EXPECT_EQ(first.at("startTimeUnixNano").as_string(), "1764583200000000001");
  EXPECT_EQ(first.at("endTimeUnixNano").as_string(), "1764583200002000000");
  const json::array& attributes = first.at("attributes").as_array();
  ASSERT_EQ(attributes.size(), 3u);
  EXPECT_EQ(attributes[0].at("value").at("stringValue").as_string(), "/users/{userId}/items");
  EXPECT_EQ(attributes[1].at("value").at("intValue").as_string(), "201");
  EXPECT_EQ(attributes[2].at("value").at("boolValue").as_bool(), true);
  EXPECT_TRUE(first.at("status").as_object().empty()) << "UNSET is left out";

  const json::object& second = spans[1].as_object();
  EXPECT_EQ(second.at("parentSpanId").as_string(), server.span_id);
  EXPECT_EQ(second.at("kind").as_int64(), 5);
  EXPECT_EQ(second.at("status").at("code").as_int64(), 2);
  EXPECT_EQ(second.at("status").at("message").as_string(), "store unavailable");
}

TEST(OtlpJsonTest, TextIsEscapedIntoValidJson) {
  const std::array<SpanAttribute, 1> attributes{{{"url.path", std::string_view("/items/\x01\\")}}};
  const Span span{.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
                  .span_id = "00f067aa0ba902b7",
                  .name = "GET \"quoted\"\n",
                  .attributes = attributes};
  const json::value body = json::parse(EncodeOtlpTraces("wdrbe", std::span(&span, 1)));
  const json::value& encoded = body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(encoded.at("name").as_string(), "GET \"quoted\"\n");
  EXPECT_EQ(encoded.at("attributes").at(0).at("value").at("stringValue").as_string(), "/items/\x01\\");
}

// The exporter writes each span into a buffer sized by OtlpSpanBound: a
// span that is all escapes, with the longest decimals, must fit. The buffer
// is allocated at exactly the bound, so the sanitizers catch a write past it.
TEST(OtlpJsonTest, TheWorstCaseSpanFitsItsBound) {
  const std::string controls(40, '\x01');
  const std::array<SpanAttribute, 3> attributes{{{controls, std::string_view(controls)},
                                                 {controls, std::numeric_limits<std::int64_t>::min()},
                                                 {controls, false}}};
  const Span span{.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
                  .span_id = "00f067aa0ba902b7",
                  .parent_span_id = "a3ce929d0e0e4736",
                  .name = controls,
                  .kind = SpanKind::kConsumer,
                  .start_unix_ns = std::numeric_limits<std::int64_t>::min(),
                  .end_unix_ns = std::numeric_limits<std::int64_t>::min(),
                  .attributes = attributes,
                  .error = true,
                  .status_message = controls};
  const std::size_t bound = OtlpSpanBound(span);
  const auto buffer = std::make_unique<char[]>(bound);
  const char* end = WriteOtlpSpan(buffer.get(), span);
  ASSERT_LE(end - buffer.get(), static_cast<std::ptrdiff_t>(bound));
  const json::value encoded =
      json::parse(std::string_view(buffer.get(), static_cast<std::size_t>(end - buffer.get())));
  EXPECT_EQ(encoded.at("name").as_string(), controls);
  EXPECT_EQ(encoded.at("status").at("message").as_string(), controls);
  EXPECT_EQ(encoded.at("startTimeUnixNano").as_string(), "-9223372036854775808");
  EXPECT_EQ(encoded.at("attributes").at(0).at("key").as_string(), controls);
  EXPECT_EQ(encoded.at("attributes").at(0).at("value").at("stringValue").as_string(), controls);
  EXPECT_EQ(encoded.at("attributes").at(1).at("value").at("intValue").as_string(), "-9223372036854775808");
  EXPECT_EQ(encoded.at("attributes").at(2).at("value").at("boolValue").as_bool(), false);

  std::string appended = "[";
  AppendOtlpSpan(appended, span);
  EXPECT_EQ(std::string_view(appended).substr(1),
            std::string_view(buffer.get(), static_cast<std::size_t>(end - buffer.get())))
      << "AppendOtlpSpan appends what WriteOtlpSpan writes";
}

}  // namespace
}  // namespace wdrbe::tracing
