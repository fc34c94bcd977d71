// Any text as a traceparent or X-Amzn-Trace-Id header: parsing must never
// crash, and what it accepts must survive the round trip the server makes
// (continue the trace with its parent and sampling decision, send back a
// traceparent that parses to the same trace).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "wdrbe/observability/trace_context.hpp"

namespace {

class StepRandom final : public wdrbe::RandomSource {
 public:
  void Fill(std::span<std::uint8_t> out) override {
    for (auto& byte : out) byte = next_++;
  }

 private:
  std::uint8_t next_ = 1;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  StepRandom random;
  if (auto parsed = wdrbe::obs::ParseTraceparent(text)) {
    const auto context = wdrbe::obs::ContinueOrStartTrace(text, std::nullopt, random);
    auto again = wdrbe::obs::ParseTraceparent(context.Traceparent());
    if (!again || again->trace_id != parsed->trace_id || again->flags != parsed->flags) __builtin_trap();
  }
  if (auto amzn = wdrbe::obs::ParseAmznTraceId(text)) {
    const auto context = wdrbe::obs::ContinueOrStartTrace(std::nullopt, text, random);
    if (context.trace_id != amzn->trace_id || context.parent_id != amzn->parent_id ||
        ((context.flags & 1) != 0) != amzn->sampled.value_or(true)) {
      __builtin_trap();
    }
    // What is sent back names the same trace, and the parent it took is a
    // valid span id (or none).
    auto again = wdrbe::obs::ParseTraceparent(context.Traceparent());
    if (!again || again->trace_id != amzn->trace_id) __builtin_trap();
    if (!amzn->parent_id.empty() &&
        !wdrbe::obs::ParseTraceparent("00-" + amzn->trace_id + "-" + amzn->parent_id + "-01")) {
      __builtin_trap();
    }
  }
  return 0;
}
