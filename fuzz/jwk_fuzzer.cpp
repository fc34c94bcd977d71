// Any bytes as a JWKS document: parsing must never crash, must keep its
// bounds, and a parsed key must never verify a signature it did not make.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wdrbe/auth/jwk.hpp"
#include "wdrbe/auth/jws_signature.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const wdrbe::Result<wdrbe::JwkSet> keys = wdrbe::ParseJwkSet(text);
  if (!keys.ok()) return 0;
  if (keys->keys.empty() || keys->keys.size() > wdrbe::kMaxJwksKeys) __builtin_trap();
  // A fixed signing input and a signature made of input bytes: no key the
  // fuzzer can describe holds the private half, so none may accept it.
  const std::string signature(text.substr(0, 512));
  for (const wdrbe::Jwk& key : keys->keys) {
    if (!key.key) __builtin_trap();
    if (wdrbe::VerifyJwsSignature(key, "eyJhbGciOiJSUzI1NiJ9.e30", signature)) __builtin_trap();
  }
  return 0;
}
