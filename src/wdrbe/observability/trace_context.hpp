// W3C Trace Context (https://www.w3.org/TR/trace-context/): the request's
// place in a distributed trace. A request's `traceparent` (or, behind AWS
// load balancers, the Root of `X-Amzn-Trace-Id`) is continued; without one
// the server starts a trace. Each request gets a span of its own, whose
// traceparent is returned to the client and stored with a share event so
// the worker's log lines carry the same trace id.
#pragma once

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

// The trace id in an X-Amzn-Trace-Id header ("Root=1-5759e988-bd862e3fe1be46a994272793;..."):
// 8 hex digits of time and 24 random ones make the 32 of a W3C trace id.
std::optional<std::string> TraceIdFromAmznTraceId(std::string_view header);

// 16 lowercase hex digits, not all zero: a new span's id.
std::string NewSpanId(RandomSource& random);

// A new span: a child of `traceparent` when it parses, else of the
// X-Amzn-Trace-Id root when that parses, else the first span of a new trace
// (sampled).
TraceContext ContinueOrStartTrace(std::optional<std::string_view> traceparent,
                                  std::optional<std::string_view> amzn_trace_id, RandomSource& random);

}  // namespace wdrbe::obs
