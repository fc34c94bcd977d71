#include "wdrbe/base/random.hpp"

#include <openssl/rand.h>

#include <cstdlib>

namespace wdrbe {

void SecureRandom::Fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

}  // namespace wdrbe
