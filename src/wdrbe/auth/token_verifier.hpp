// The seam for bearer-token verification. HS256 (shared secret) is the
// default implementation; RS256/ES256 from a JWKS document plug in here.
#pragma once

#include <cstdint>
#include <string_view>

#include "wdrbe/auth/principal.hpp"
#include "wdrbe/base/result.hpp"

namespace wdrbe {

// Implementations are immutable after construction and thread-safe.
class TokenVerifier {
 public:
  virtual ~TokenVerifier() = default;
  // Verifies a compact JWS at time `now_s` (Unix seconds). Every failure is
  // kUnauthorized with a short client-safe reason.
  virtual Result<Principal> Verify(std::string_view token, std::int64_t now_s) const = 0;
};

}  // namespace wdrbe
