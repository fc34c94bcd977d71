// Time as a port, so tests control it and nothing reads the wall clock directly.
#pragma once

#include <cstdint>

namespace wdrbe {

// Thread-safe: implementations may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (UTC).
  virtual std::int64_t NowMillis() const = 0;
  // Nanoseconds since the Unix epoch, for span times; as precise as the
  // clock is (a clock that counts milliseconds gives whole ones).
  virtual std::int64_t NowNanos() const { return NowMillis() * 1'000'000; }
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowMillis() const override;
  std::int64_t NowNanos() const override;
};

}  // namespace wdrbe
