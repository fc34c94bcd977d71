#include "wdrbe/auth/jwt_verifier.hpp"

#include <boost/json/value.hpp>
#include <utility>

#include "wdrbe/auth/jws_signature.hpp"

namespace wdrbe {
namespace {

constexpr std::string_view kHs256 = "HS256";

Error Reject(std::string reason) { return Error::Unauthorized(std::move(reason)); }

}  // namespace

JwtVerifier::JwtVerifier(JwtVerifierOptions options) : rules_(std::move(options.rules)), jwks_(options.jwks) {
  if (options.hs256_secret) {
    hs256_.emplace(
        JwtOptions{std::move(*options.hs256_secret), rules_.issuer, rules_.audience, rules_.leeway_s});
  }
}

Result<Principal> JwtVerifier::Verify(std::string_view token, std::int64_t now_s) const {
  Result<CompactJws> jws = SplitCompactJws(token);
  if (!jws.ok()) return jws.error();
  const std::string_view alg = HeaderAlgorithm(jws->header);
  if (alg == kHs256) {
    if (!hs256_) return Reject("unsupported token algorithm");
    return hs256_->Verify(token, now_s);
  }
  const std::optional<JwsAlgorithm> algorithm = ParseAsymmetricAlgorithm(alg);
  if (!algorithm || jwks_ == nullptr) return Reject("unsupported token algorithm");
  if (Status header = CheckHeaderParameters(jws->header); !header.ok()) return header.error();
  const boost::json::value* kid = jws->header.if_contains("kid");
  if (kid != nullptr && !kid->is_string()) return Reject("malformed token header");
  Result<std::string> signature = DecodeSignature(*jws);
  if (!signature.ok()) return signature.error();

  // Held for the whole verification: a refresh may replace the set meanwhile.
  const std::shared_ptr<const JwkSet> keys = jwks_->Keys();
  const Jwk* key = nullptr;
  if (kid != nullptr) {
    key = keys->FindByKid(kid->get_string());
    if (key == nullptr) {
      jwks_->OnUnknownKid();
      return Reject("unknown token key id");
    }
    // The key, not the token, decides the algorithm: an RS256 token naming
    // an EC key (or the reverse) is refused before any cryptography.
    if (key->algorithm != *algorithm) return Reject("token algorithm does not match its key");
  } else {
    key = keys->OnlyKeyFor(*algorithm);
    if (key == nullptr) return Reject("token has no kid");
  }
  if (!VerifyJwsSignature(*key, jws->signing_input, *signature)) return Reject("invalid token signature");
  return CheckClaims(jws->payload_b64, rules_, now_s);
}

}  // namespace wdrbe
