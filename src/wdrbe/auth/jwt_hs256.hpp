// HS256 JSON Web Tokens (RFC 7519 over RFC 7515 compact JWS).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/auth/jwt_claims.hpp"
#include "wdrbe/auth/token_verifier.hpp"

namespace wdrbe {

struct JwtOptions {
  std::string secret;                   // HMAC key, raw bytes
  std::optional<std::string> issuer;    // when set, `iss` must equal it
  std::optional<std::string> audience;  // when set, `aud` (string or array) must contain it
  std::int64_t leeway_s = kJwtLeewaySeconds;
};

// Verifies exactly as the contract says: header `alg` must be "HS256" (the
// algorithm is pinned; "none" and every other value are rejected, whatever
// the key), signature compared in constant time, `exp` required and numeric,
// `nbf` honoured when present, both with the leeway; `iss`/`aud` when
// configured; `sub` required, a string of 1-128 characters (IsValidSubject).
// The claims checks are jwt_claims.hpp's, shared with the JWKS verifier.
class Hs256Verifier final : public TokenVerifier {
 public:
  explicit Hs256Verifier(JwtOptions options) : options_(std::move(options)) {}
  Result<Principal> Verify(std::string_view token, std::int64_t now_s) const override;

 private:
  JwtOptions options_;
};

// Makes a compact HS256 JWS of `claims` with header {"alg":"HS256","typ":"JWT"}.
std::string SignHs256(const boost::json::object& claims, std::string_view secret);

// The token of an `Authorization: Bearer <token>` header value (scheme
// case-insensitive, one or more spaces); nullopt when not of that form.
std::optional<std::string_view> ExtractBearerToken(std::string_view authorization);

}  // namespace wdrbe
