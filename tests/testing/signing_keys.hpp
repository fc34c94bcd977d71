// Asymmetric keys for JWT tests, made at run time with OpenSSL (never
// checked in): RSA and EC key pairs, their public JWKs and PEM, and tokens
// they sign (RS256, ES256 in the JWS r || s form).
#pragma once

#include <openssl/types.h>

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>

namespace wdrbe::testing {

class SigningKey {
 public:
  // Throws std::runtime_error when OpenSSL fails.
  static SigningKey Rsa(int bits = 2048);
  // `curve` as OpenSSL names it: "P-256", or "P-384" for keys no verifier
  // of ES256 may accept.
  static SigningKey Ec(std::string_view curve = "P-256");

  // The public JWK: kty, kid, and n/e or crv/x/y (no alg, no use).
  boost::json::object Jwk(std::string_view kid) const;
  // The public key as PEM (SubjectPublicKeyInfo).
  std::string PublicPem() const;

  // The raw JWS signature of `signing_input`: PKCS#1 v1.5 SHA-256 for RSA;
  // ECDSA with SHA-256 (P-256) or SHA-384 (P-384) as r || s for EC.
  std::string Sign(std::string_view signing_input) const;

  // A compact JWS of `claims` with header {"alg": alg, "kid": kid} (no kid
  // when empty); `alg` defaults to RS256 / ES256 / ES384 by key.
  std::string Token(const boost::json::object& claims, std::string_view kid, std::string_view alg = {}) const;

 private:
  SigningKey(std::shared_ptr<EVP_PKEY> key, bool rsa, std::string curve);
  std::shared_ptr<EVP_PKEY> key_;
  bool rsa_ = true;
  std::string curve_;  // EC only
};

// {"keys": [jwks...]}.
boost::json::object JwksDocument(std::initializer_list<boost::json::object> keys);

// header.payload.signature with the given header and a caller-made
// signature (already base64url).
std::string CompactToken(const boost::json::object& header, const boost::json::object& claims,
                         std::string_view signature_b64);

}  // namespace wdrbe::testing
