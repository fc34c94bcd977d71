// Randomness as a port: ids and keys draw from it, tests can make it fixed.
#pragma once

#include <cstdint>
#include <span>

namespace wdrbe {

// Thread-safe: implementations may be called from any thread.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void Fill(std::span<std::uint8_t> out) = 0;
};

// Cryptographically secure bytes from OpenSSL's DRBG. Aborts if the DRBG
// fails, since every later id or key would be unsafe.
class SecureRandom final : public RandomSource {
 public:
  void Fill(std::span<std::uint8_t> out) override;
};

}  // namespace wdrbe
