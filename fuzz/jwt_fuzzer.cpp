// Any text as a bearer token: verification must never crash and never
// accept a token this secret did not sign.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wdrbe/auth/jwt_hs256.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const wdrbe::Hs256Verifier verifier(wdrbe::JwtOptions{std::string(32, 's'), "iss", "aud"});
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (verifier.Verify(text, 1'700'000'000).ok()) __builtin_trap();
  (void)wdrbe::ExtractBearerToken(text);
  return 0;
}
