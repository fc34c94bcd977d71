#include "testing/signing_keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <vector>

#include "wdrbe/base/base64.hpp"

namespace wdrbe::testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL: ") + what);
}

std::string BignumParam(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  Check(EVP_PKEY_get_bn_param(key, name, &bn) == 1, name);
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  const int written = BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), size);
  BN_free(bn);
  Check(written == size, "BN_bn2binpad");
  return bytes;
}

int CoordinateBytes(std::string_view curve) { return curve == "P-384" ? 48 : 32; }

}  // namespace

SigningKey::SigningKey(std::shared_ptr<EVP_PKEY> key, bool rsa, std::string curve)
    : key_(std::move(key)), rsa_(rsa), curve_(std::move(curve)) {}

SigningKey SigningKey::Rsa(int bits) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits));
  Check(key != nullptr, "RSA keygen");
  return SigningKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free), true, "");
}

SigningKey SigningKey::Ec(std::string_view curve) {
  const std::string name(curve);
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", name.c_str());
  Check(key != nullptr, "EC keygen");
  return SigningKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free), false, name);
}

boost::json::object SigningKey::Jwk(std::string_view kid) const {
  boost::json::object jwk;
  if (rsa_) {
    jwk["kty"] = "RSA";
    jwk["n"] = Base64UrlEncode(BignumParam(key_.get(), OSSL_PKEY_PARAM_RSA_N));
    jwk["e"] = Base64UrlEncode(BignumParam(key_.get(), OSSL_PKEY_PARAM_RSA_E));
  } else {
    const int size = CoordinateBytes(curve_);
    jwk["kty"] = "EC";
    jwk["crv"] = curve_;
    jwk["x"] = Base64UrlEncode(BignumParam(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, size));
    jwk["y"] = Base64UrlEncode(BignumParam(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size));
  }
  if (!kid.empty()) jwk["kid"] = kid;
  return jwk;
}

std::string SigningKey::PublicPem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  Check(bio && PEM_write_bio_PUBKEY(bio.get(), key_.get()) == 1, "PEM_write_bio_PUBKEY");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string SigningKey::Sign(std::string_view signing_input) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const EVP_MD* md = !rsa_ && curve_ == "P-384" ? EVP_sha384() : EVP_sha256();
  Check(ctx && EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key_.get()) == 1, "DigestSignInit");
  const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
  std::size_t size = 0;
  Check(EVP_DigestSign(ctx.get(), nullptr, &size, input, signing_input.size()) == 1, "DigestSign size");
  std::vector<unsigned char> signature(size);
  Check(EVP_DigestSign(ctx.get(), signature.data(), &size, input, signing_input.size()) == 1, "DigestSign");
  signature.resize(size);
  if (rsa_) return std::string(signature.begin(), signature.end());
  const unsigned char* der = signature.data();
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size())), ECDSA_SIG_free);
  Check(sig != nullptr, "d2i_ECDSA_SIG");
  const int half = CoordinateBytes(curve_);
  std::string raw(static_cast<std::size_t>(2 * half), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  Check(BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, half) == half, "r");
  Check(BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + half, half) == half, "s");
  return raw;
}

std::string SigningKey::Token(const boost::json::object& claims, std::string_view kid,
                              std::string_view alg) const {
  boost::json::object header;
  std::string_view by_key = rsa_ ? "RS256" : curve_ == "P-384" ? "ES384" : "ES256";
  header["alg"] = alg.empty() ? by_key : alg;
  if (!kid.empty()) header["kid"] = kid;
  const std::string input =
      Base64UrlEncode(boost::json::serialize(header)) + "." + Base64UrlEncode(boost::json::serialize(claims));
  return input + "." + Base64UrlEncode(Sign(input));
}

boost::json::object JwksDocument(std::initializer_list<boost::json::object> keys) {
  boost::json::array array;
  for (const auto& key : keys) array.push_back(key);
  return {{"keys", std::move(array)}};
}

std::string CompactToken(const boost::json::object& header, const boost::json::object& claims,
                         std::string_view signature_b64) {
  return Base64UrlEncode(boost::json::serialize(header)) + "." +
         Base64UrlEncode(boost::json::serialize(claims)) + "." + std::string(signature_b64);
}

}  // namespace wdrbe::testing
