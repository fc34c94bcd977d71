#include "wdrbe/tracing/sampler.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace wdrbe::tracing {
namespace {

// The last 16 hex digits of a trace id (its random half: X-Ray-style ids
// begin with a timestamp), as a number.
std::uint64_t RandomHalf(std::string_view trace_id) {
  if (trace_id.size() > 16) trace_id.remove_prefix(trace_id.size() - 16);
  std::uint64_t value = 0;
  std::from_chars(trace_id.data(), trace_id.data() + trace_id.size(), value, 16);
  return value;
}

}  // namespace

Result<Sampler> Sampler::Parse(std::string_view name, std::string_view argument) {
  double ratio = 1.0;
  const bool ratio_based = name == "traceidratio" || name == "parentbased_traceidratio";
  if (ratio_based && !argument.empty()) {
    const std::string text(argument);
    char* end = nullptr;
    ratio = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(ratio) || ratio < 0 || ratio > 1) {
      return Error::BadRequest("OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 for " +
                               std::string(name) + ", got '" + text + "'");
    }
  }
  if (name.empty() || name == "parentbased_always_on") return Sampler(Root::kAlwaysOn, true, 1);
  if (name == "parentbased_always_off") return Sampler(Root::kAlwaysOff, true, 0);
  if (name == "parentbased_traceidratio") return Sampler(Root::kRatio, true, ratio);
  if (name == "always_on") return Sampler(Root::kAlwaysOn, false, 1);
  if (name == "always_off") return Sampler(Root::kAlwaysOff, false, 0);
  if (name == "traceidratio") return Sampler(Root::kRatio, false, ratio);
  return Error::BadRequest(
      "OTEL_TRACES_SAMPLER must be always_on, always_off, traceidratio, parentbased_always_on, "
      "parentbased_always_off or parentbased_traceidratio, got '" +
      std::string(name) + "'");
}

bool Sampler::ShouldSample(std::string_view trace_id, std::optional<bool> parent_sampled) const {
  if (parent_based_ && parent_sampled.has_value()) return *parent_sampled;
  switch (root_) {
    case Root::kAlwaysOn:
      return true;
    case Root::kAlwaysOff:
      return false;
    case Root::kRatio:
      if (ratio_ >= 1) return true;
      // Deterministic by trace id, so every process of a trace decides alike.
      return static_cast<double>(RandomHalf(trace_id)) < ratio_ * 18446744073709551616.0;
  }
  return true;
}

std::string Sampler::Describe() const {
  std::string root = root_ == Root::kAlwaysOn    ? "always_on"
                     : root_ == Root::kAlwaysOff ? "always_off"
                                                 : "traceidratio(" + std::to_string(ratio_) + ")";
  return parent_based_ ? "parentbased_" + root : root;
}

}  // namespace wdrbe::tracing
