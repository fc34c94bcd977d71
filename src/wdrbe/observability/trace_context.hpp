// W3C Trace Context (https://www.w3.org/TR/trace-context/): the request's
// place in a distributed trace. A request's `traceparent` (or, behind AWS
// load balancers, the Root of `X-Amzn-Trace-Id`) is continued; without one
// the server starts a trace. Each request gets a span of its own, whose
// traceparent is returned to the client and stored with a share event so
// the worker's log lines carry the same trace id.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/random.hpp"

namespace wdrbe::obs {

struct TraceContext {
  std::string trace_id;    // 32 lowercase hex digits, not all zero
  std::string span_id;     // 16 lowercase hex digits: this span
  std::string parent_id;   // the caller's span; "" when this span started the trace
  std::uint8_t flags = 0;  // bit 0: sampled

  // "00-<trace_id>-<span_id>-<flags>"
  std::string Traceparent() const;
};

// The parts of a received traceparent header.
struct Traceparent {
  std::string trace_id;
  std::string parent_id;
  std::uint8_t flags = 0;
};

// Parses a traceparent header by the W3C rules: version 00 is exactly
// 55 characters; a later version may add "-..." fields, which are ignored;
// version ff, upper-case hex and all-zero ids are invalid. nullopt when
// invalid (the caller then starts a new trace, as the standard says).
std::optional<Traceparent> ParseTraceparent(std::string_view header);

// The parts of an X-Amzn-Trace-Id header, as AWS X-Ray and Lambda
// (Lambda-Runtime-Trace-Id, _X_AMZN_TRACE_ID) spell them:
// "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1".
struct AmznTraceHeader {
  std::string trace_id;         // Root's 8 hex digits of time and 24 random ones: a W3C trace id
  std::string parent_id;        // Parent (16 hex digits); "" when absent or invalid
  std::optional<bool> sampled;  // Sampled=1 or 0; nullopt when absent or "?" (not decided)
};

// nullopt without a valid Root; other fields are ignored.
std::optional<AmznTraceHeader> ParseAmznTraceId(std::string_view header);

// The trace id of ParseAmznTraceId.
std::optional<std::string> TraceIdFromAmznTraceId(std::string_view header);

// `traceparent` spelt as X-Ray spells a trace header (the value SQS takes as
// a message's AWSTraceHeader): Root from the trace id, Parent the parent
// span, Sampled its flag. ParseAmznTraceId reads it back.
std::string AmznTraceIdOf(const Traceparent& traceparent);

// A new trace id that X-Ray also takes as its own: the first 8 hex digits
// are the Unix time in seconds (X-Ray's Root is "1-{time}-{random}"), the
// other 24 random.
std::string NewTraceId(RandomSource& random, std::int64_t unix_seconds);

// 16 lowercase hex digits, not all zero: a new span's id.
std::string NewSpanId(RandomSource& random);

// NewSpanId's digits by value, for a span recorded and forgotten at once
// (16 characters are past std::string's inline capacity: one allocation
// per span saved).
struct SpanIdText {
  std::array<char, 16> digits{};
  std::string_view view() const { return {digits.data(), digits.size()}; }
};
SpanIdText NewSpanIdText(RandomSource& random);

// A new span: a child of `traceparent` when it parses, else of the
// X-Amzn-Trace-Id when its Root parses (its Parent, if any, is the parent;
// Sampled=0 leaves the span unsampled, Sampled=1 or none samples it), else
// the first span of a new trace (sampled), whose id NewTraceId makes from
// the system clock.
TraceContext ContinueOrStartTrace(std::optional<std::string_view> traceparent,
                                  std::optional<std::string_view> amzn_trace_id, RandomSource& random);

}  // namespace wdrbe::obs
