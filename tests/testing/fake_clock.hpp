// A Clock that moves only when a test says so.
#pragma once

#include <atomic>
#include <cstdint>

#include "wdrbe/base/clock.hpp"

namespace wdrbe::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start_ms = 1'764'064'800'000) : now_ms_(start_ms) {}
  std::int64_t NowMillis() const override { return now_ms_.load(); }
  void Advance(std::int64_t ms) { now_ms_ += ms; }
  void Set(std::int64_t ms) { now_ms_ = ms; }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace wdrbe::testing
