// ULIDs (https://github.com/ulid/spec): 26 Crockford base32 characters, 48-bit
// millisecond time then 80 random bits. Lexicographic order is time order.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe {

// Thread-safe. Monotonic within one generator: when the clock has not moved
// (or went backwards), the next id is the previous one plus one in its
// random part, so ids from one process always sort in creation order.
class UlidGenerator {
 public:
  UlidGenerator(const Clock& clock, RandomSource& random) : clock_(clock), random_(random) {}

  std::string Next();

 private:
  const Clock& clock_;
  RandomSource& random_;
  std::mutex mutex_;
  std::int64_t last_ms_ = -1;                 // guarded by mutex_
  std::array<std::uint8_t, 10> last_rand_{};  // guarded by mutex_
};

// Encodes a 48-bit time and 80 random bits (big-endian) as a ULID string.
std::string EncodeUlid(std::int64_t ms, const std::array<std::uint8_t, 10>& random);

}  // namespace wdrbe
