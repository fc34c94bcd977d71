#include "wdrbe/auth/jws_signature.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>

namespace wdrbe {
namespace {

// The size of r and of s in a P-256 JWS signature.
constexpr std::size_t kP256ScalarBytes = 32;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct SigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

bool DigestVerify(EVP_PKEY* key, const unsigned char* signature, std::size_t signature_size,
                  std::string_view signing_input) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature, signature_size, Bytes(signing_input), signing_input.size()) ==
         1;
}

// OpenSSL verifies ECDSA signatures in DER (SEQUENCE of two INTEGERs); JWS
// carries the two fixed-size big-endian integers side by side.
bool VerifyEs256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature) {
  if (signature.size() != 2 * kP256ScalarBytes) return false;
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  if (!sig) return false;
  BIGNUM* r = BN_bin2bn(Bytes(signature), kP256ScalarBytes, nullptr);
  BIGNUM* s = BN_bin2bn(Bytes(signature) + kP256ScalarBytes, kP256ScalarBytes, nullptr);
  if (r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  const int der_size = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_size <= 0) return false;
  const bool valid = DigestVerify(key, der, static_cast<std::size_t>(der_size), signing_input);
  OPENSSL_free(der);
  return valid;
}

}  // namespace

bool VerifyJwsSignature(const Jwk& key, std::string_view signing_input, std::string_view signature) {
  if (!key.key) return false;
  switch (key.algorithm) {
    case JwsAlgorithm::kRs256:
      // The type check is what keeps an EC key from ever verifying RS256.
      if (EVP_PKEY_is_a(key.key.get(), "RSA") != 1) return false;
      return DigestVerify(key.key.get(), Bytes(signature), signature.size(), signing_input);
    case JwsAlgorithm::kEs256:
      if (EVP_PKEY_is_a(key.key.get(), "EC") != 1) return false;
      return VerifyEs256(key.key.get(), signing_input, signature);
  }
  return false;
}

}  // namespace wdrbe
