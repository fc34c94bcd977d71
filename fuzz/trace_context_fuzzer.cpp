// Any text as a traceparent or X-Amzn-Trace-Id header: parsing must never
// crash, and what it accepts must survive the round trip the server makes
// (continue the trace, send back a traceparent that parses to the same trace).
#include <cstddef>
#include <cstdint>
#include <span>
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
  if (auto trace_id = wdrbe::obs::TraceIdFromAmznTraceId(text)) {
    const auto context = wdrbe::obs::ContinueOrStartTrace(std::nullopt, text, random);
    if (context.trace_id != *trace_id || !wdrbe::obs::ParseTraceparent(context.Traceparent()))
      __builtin_trap();
  }
  return 0;
}
