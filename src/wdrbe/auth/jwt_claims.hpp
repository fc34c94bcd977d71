// The parts of JWT verification every algorithm shares: splitting a compact
// JWS (RFC 7515 section 7.1), the header rules, and the claims checks
// (RFC 7519) that turn a verified payload into a Principal.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/auth/principal.hpp"
#include "wdrbe/base/result.hpp"

namespace wdrbe {

inline constexpr std::int64_t kJwtLeewaySeconds = 60;
// `sub` is counted in Unicode code points (not bytes).
inline constexpr std::size_t kMaxSubjectLength = 128;
inline constexpr std::size_t kMaxTokenLength = 8192;

// What a token's claims must satisfy besides `exp`, `nbf` and `sub`.
struct ClaimRules {
  std::optional<std::string> issuer;    // when set, `iss` must equal it
  std::optional<std::string> audience;  // when set, `aud` (string or array) must contain it
  std::int64_t leeway_s = kJwtLeewaySeconds;
};

// A compact JWS split into its parts; the views point into the token.
struct CompactJws {
  boost::json::object header;
  std::string_view signing_input;  // base64url(header) "." base64url(payload)
  std::string_view payload_b64;
  std::string_view signature_b64;
};

// Length limit, exactly three parts, and a header that is a JSON object.
// Rejections (kUnauthorized): "token too long", "malformed token",
// "malformed token header".
Result<CompactJws> SplitCompactJws(std::string_view token);

// The header's `alg` when it is a string, else "" (never a valid algorithm).
std::string_view HeaderAlgorithm(const boost::json::object& header);

// The rules for everything in the header but `alg`, which each verifier
// pins: no `crit` (we implement no extensions, and RFC 7515 section 4.1.11
// requires refusing them) and `typ` a string when present.
Status CheckHeaderParameters(const boost::json::object& header);

// The decoded signature; "malformed token signature" when not base64url.
Result<std::string> DecodeSignature(const CompactJws& jws);

// Reads the payload of a token whose signature has already been verified
// and checks, in this order, reporting the first failure: a JSON object,
// `exp` (required), `nbf`, `iss`, `aud`, `sub`.
Result<Principal> CheckClaims(std::string_view payload_b64, const ClaimRules& rules, std::int64_t now_s);

// A valid `sub`: valid UTF-8 (no overlongs, no surrogates), 1-128 code
// points, none of them a control character (Unicode Cc: U+0000-001F,
// U+007F-009F).
bool IsValidSubject(std::string_view subject);

}  // namespace wdrbe
