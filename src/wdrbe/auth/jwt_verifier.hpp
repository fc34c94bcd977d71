// The service's TokenVerifier: HS256 with the shared secret, RS256/ES256
// with the keys of a JWKS document, or both, chosen by the token header's
// `alg` and never letting a token pick a key of another type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/auth/jwk_source.hpp"
#include "wdrbe/auth/jwt_claims.hpp"
#include "wdrbe/auth/jwt_hs256.hpp"
#include "wdrbe/auth/token_verifier.hpp"

namespace wdrbe {

struct JwtVerifierOptions {
  std::optional<std::string> hs256_secret;  // nullopt: HS256 tokens are refused
  ClaimRules rules;                         // the same for every algorithm
  const JwkSource* jwks = nullptr;          // null: RS256/ES256 tokens are refused; must outlive the verifier
};

// Verify, by the header's `alg`:
//   - "HS256": Hs256Verifier with the secret (refused when none is set);
//   - "RS256"/"ES256" (when a JWKS is configured): `kid`, when present, must
//     be a string naming a key of the current set, and that key's pinned
//     algorithm must equal `alg`; a token without `kid` may use the only key
//     pinned to `alg` when there is exactly one. An unknown kid is refused at
//     once and tells the source (which may refresh for the next request);
//   - anything else ("none" included): refused.
// Then the signature, then the claims (CheckClaims, as for HS256). Every
// failure is kUnauthorized. Const and thread-safe.
class JwtVerifier final : public TokenVerifier {
 public:
  explicit JwtVerifier(JwtVerifierOptions options);
  Result<Principal> Verify(std::string_view token, std::int64_t now_s) const override;

 private:
  std::optional<Hs256Verifier> hs256_;
  ClaimRules rules_;
  const JwkSource* jwks_;
};

}  // namespace wdrbe
