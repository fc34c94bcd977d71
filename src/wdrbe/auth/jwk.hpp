// JSON Web Keys (RFC 7517) for RS256 and ES256 (RFC 7518): a JWKS document
// {"keys": [...]} parsed into OpenSSL public keys, each with the one
// algorithm it may verify.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/base/result.hpp"

namespace wdrbe {

// A JWKS document larger than this is refused (providers publish a few KiB).
inline constexpr std::size_t kMaxJwksBytes = 64 * 1024;
// A document with more entries in "keys" than this is refused.
inline constexpr std::size_t kMaxJwksKeys = 100;
// RSA moduli outside this range are skipped: below 2048 bits is too weak
// (RFC 7518 section 3.3), above 8192 only makes every verification slow.
inline constexpr int kMinRsaKeyBits = 2048;
inline constexpr int kMaxRsaKeyBits = 8192;

enum class JwsAlgorithm { kRs256, kEs256 };

// "RS256" or "ES256".
std::string_view AlgorithmName(JwsAlgorithm algorithm);

// RS256 or ES256 from a token header's `alg`; nullopt for anything else.
std::optional<JwsAlgorithm> ParseAsymmetricAlgorithm(std::string_view name);

// One usable public key. Immutable and safe to share between threads (each
// verification makes its own OpenSSL context).
struct Jwk {
  std::string kid;                                // "" when the JWK has no `kid`
  JwsAlgorithm algorithm = JwsAlgorithm::kRs256;  // pinned by `alg`, or by `kty` when absent
  std::shared_ptr<EVP_PKEY> key;
};

struct JwkSet {
  std::vector<Jwk> keys;             // in document order
  std::vector<std::string> skipped;  // why each unusable entry was left out

  // The key with this kid, or nullptr.
  const Jwk* FindByKid(std::string_view kid) const;
  // The only key pinned to `algorithm`; nullptr when there are none or several.
  const Jwk* OnlyKeyFor(JwsAlgorithm algorithm) const;
};

// Parses a JWKS document. Each entry of "keys" is used or skipped with a
// reason: `use` other than "sig", `key_ops` without "verify", `kty` other
// than RSA/EC, `crv` other than P-256, `alg` other than RS256 (RSA) or
// ES256 (EC P-256), a `kid` that is not a string or repeats an earlier one,
// or key material that is not a valid public key (RSA modulus
// kMinRsaKeyBits-kMaxRsaKeyBits bits; EC x and y 32 bytes each, a point on
// the curve). Errors (kBadRequest): more than kMaxJwksBytes, not JSON, no
// "keys" array, more than kMaxJwksKeys entries, or no usable key (the
// message then lists the reasons).
Result<JwkSet> ParseJwkSet(std::string_view document);

}  // namespace wdrbe
