#include "testing/seeded_random.hpp"

namespace wdrbe::testing {

void SeededRandom::Fill(std::span<std::uint8_t> out) {
  std::lock_guard lock(mutex_);
  for (std::uint8_t& byte : out) {
    if (left_ == 0) {
      state_ += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = state_;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word_ = z ^ (z >> 31);
      left_ = 8;
    }
    byte = static_cast<std::uint8_t>(word_ & 0xFF);
    word_ >>= 8;
    --left_;
  }
}

}  // namespace wdrbe::testing
