// Random bytes for span and trace ids, fast: a xoshiro256** generator per
// thread, seeded from a secure source the first time the thread asks. Trace
// ids must be unique and unpredictable enough to not collide, not secret;
// drawing them from OpenSSL's DRBG on every request cost a measurable share
// of a small request's time.
#pragma once

#include "wdrbe/base/random.hpp"

namespace wdrbe::obs {

class TraceIdRandom final : public RandomSource {
 public:
  // `seed_source` (outlives this) seeds each thread's generator.
  explicit TraceIdRandom(RandomSource& seed_source) : seed_source_(seed_source) {}
  void Fill(std::span<std::uint8_t> out) override;

 private:
  RandomSource& seed_source_;
};

}  // namespace wdrbe::obs
