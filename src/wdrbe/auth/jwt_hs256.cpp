#include "wdrbe/auth/jwt_hs256.hpp"

#include <boost/json/serialize.hpp>
#include <utility>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/crypto.hpp"

// Verify checks in this order and reports the first failure, so a token that
// breaks several rules always gets the same reason:
//   1. total length, then exactly three base64url parts;
//   2. header: a JSON object, `alg` exactly "HS256", no `crit`, `typ` a string
//      when present;
//   3. signature (an empty secret never matches);
//   4. the claims (CheckClaims, shared with RS256/ES256): the payload a JSON
//      object, `exp` (required), `nbf`, `iss`, `aud`, `sub`.
// The signature comes before anything in the payload is read, so no claim of
// an unauthenticated token can influence the outcome; the header is read first
// only to pin the algorithm.

namespace wdrbe {
namespace {

constexpr std::string_view kAlgorithm = "HS256";
constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view kBearerScheme = "Bearer";

Error Reject(std::string reason) { return Error::Unauthorized(std::move(reason)); }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

Result<Principal> Hs256Verifier::Verify(std::string_view token, std::int64_t now_s) const {
  Result<CompactJws> jws = SplitCompactJws(token);
  if (!jws.ok()) return jws.error();
  // The algorithm is pinned by configuration, never chosen by the token: this
  // is what stops "none" and key-confusion attacks.
  if (HeaderAlgorithm(jws->header) != kAlgorithm) return Reject("unsupported token algorithm");
  if (Status header = CheckHeaderParameters(jws->header); !header.ok()) return header.error();

  Result<std::string> signature = DecodeSignature(*jws);
  if (!signature.ok()) return signature.error();
  // An empty key would make the MAC computable by anyone, so a missing secret
  // fails closed instead of verifying.
  if (options_.secret.empty()) return Reject("invalid token signature");
  if (!ConstantTimeEqual(HmacSha256(options_.secret, jws->signing_input), *signature)) {
    return Reject("invalid token signature");
  }
  return CheckClaims(jws->payload_b64, ClaimRules{options_.issuer, options_.audience, options_.leeway_s},
                     now_s);
}

std::string SignHs256(const boost::json::object& claims, std::string_view secret) {
  std::string signing_input = Base64UrlEncode(kHeaderJson);
  signing_input += '.';
  signing_input += Base64UrlEncode(boost::json::serialize(claims));
  const std::string signature = Base64UrlEncode(HmacSha256(secret, signing_input));
  signing_input += '.';
  signing_input += signature;
  return signing_input;
}

std::optional<std::string_view> ExtractBearerToken(std::string_view authorization) {
  if (authorization.size() <= kBearerScheme.size()) return std::nullopt;
  if (!EqualsIgnoreAsciiCase(authorization.substr(0, kBearerScheme.size()), kBearerScheme)) {
    return std::nullopt;
  }
  const std::string_view rest = authorization.substr(kBearerScheme.size());
  const std::size_t start = rest.find_first_not_of(' ');
  // start == 0 means no space after the scheme ("Bearerabc").
  if (start == 0 || start == std::string_view::npos) return std::nullopt;
  const std::string_view token = rest.substr(start);
  if (token.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  return token;
}

}  // namespace wdrbe
