// Which traces are recorded, by OpenTelemetry's samplers (the
// OTEL_TRACES_SAMPLER values): always_on, always_off, traceidratio, and
// parentbased_* (the default, parentbased_always_on), which follow the
// caller's sampled flag when a trace is continued and decide by the named
// sampler for a trace that starts here. The decision travels on in the
// traceparent flags, so the worker records a share's span exactly when the
// request's span was recorded.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"

namespace wdrbe::tracing {

class Sampler {
 public:
  // `name` as OTEL_TRACES_SAMPLER ("" for the default), `argument` as
  // OTEL_TRACES_SAMPLER_ARG (the ratio of traceidratio samplers, 0-1,
  // default 1). Errors (kBadRequest) name the variable and its values.
  static Result<Sampler> Parse(std::string_view name, std::string_view argument);

  // Whether a span of `trace_id` is recorded; `parent_sampled` is the
  // caller's flag when the trace is continued, nullopt for a new trace.
  bool ShouldSample(std::string_view trace_id, std::optional<bool> parent_sampled) const;

  // "parentbased_traceidratio(0.25)", for the start-up line.
  std::string Describe() const;

 private:
  enum class Root { kAlwaysOn, kAlwaysOff, kRatio };
  Sampler(Root root, bool parent_based, double ratio)
      : root_(root), parent_based_(parent_based), ratio_(ratio) {}

  Root root_;
  bool parent_based_;
  double ratio_;
};

}  // namespace wdrbe::tracing
