#include "wdrbe/observability/trace_id_random.hpp"

#include <array>
#include <cstring>

namespace wdrbe::obs {
namespace {

// xoshiro256** (Blackman and Vigna), from its published definition.
struct Xoshiro256 {
  std::array<std::uint64_t, 4> s{};
  bool seeded = false;

  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = Rotl(s[3], 45);
    return result;
  }
};

}  // namespace

void TraceIdRandom::Fill(std::span<std::uint8_t> out) {
  thread_local Xoshiro256 generator;
  if (!generator.seeded) {
    std::array<std::uint8_t, sizeof(generator.s)> seed{};
    // An all-zero state would only ever produce zeros.
    do {
      seed_source_.Fill(seed);
    } while (seed == decltype(seed){});
    std::memcpy(generator.s.data(), seed.data(), seed.size());
    generator.seeded = true;
  }
  std::size_t offset = 0;
  while (offset < out.size()) {
    const std::uint64_t word = generator.Next();
    const std::size_t n = std::min(sizeof(word), out.size() - offset);
    std::memcpy(out.data() + offset, &word, n);
    offset += n;
  }
}

}  // namespace wdrbe::obs
