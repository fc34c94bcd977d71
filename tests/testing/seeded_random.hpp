// A RandomSource that draws the same bytes on every run (splitmix64 from a
// seed), so that receipt handles, ULIDs and jitter are reproducible.
// Thread-safe: Fill takes mutex_.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>

#include "wdrbe/base/random.hpp"

namespace wdrbe::testing {

class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void Fill(std::span<std::uint8_t> out) override;

 private:
  std::mutex mutex_;
  std::uint64_t state_;     // guarded by mutex_
  std::uint64_t word_ = 0;  // guarded by mutex_: unused bytes of the last draw
  int left_ = 0;            // guarded by mutex_: how many bytes of word_ are unused
};

}  // namespace wdrbe::testing
