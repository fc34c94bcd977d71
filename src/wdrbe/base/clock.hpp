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
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowMillis() const override;
};

}  // namespace wdrbe
