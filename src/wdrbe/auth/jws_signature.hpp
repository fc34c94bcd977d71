// Asymmetric JWS signatures (RFC 7518 sections 3.3 and 3.4) over OpenSSL 3.
#pragma once

#include <string_view>

#include "wdrbe/auth/jwk.hpp"

namespace wdrbe {

// Whether `signature` is `key`'s signature of `signing_input` under the
// key's algorithm: RSASSA-PKCS1-v1_5 with SHA-256 for RS256, ECDSA P-256
// with SHA-256 for ES256 in the JWS form (r || s, 32 bytes each, not DER).
// A key whose type does not fit its algorithm never verifies. Thread-safe.
bool VerifyJwsSignature(const Jwk& key, std::string_view signing_input, std::string_view signature);

}  // namespace wdrbe
