#include "wdrbe/auth/jwk.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <utility>
#include <variant>

#include "wdrbe/base/base64.hpp"

namespace wdrbe {
namespace {

// The size of each P-256 coordinate, and the SEC 1 uncompressed-point tag.
constexpr std::size_t kP256CoordinateBytes = 32;
constexpr unsigned char kUncompressedPoint = 0x04;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bignum = std::unique_ptr<BIGNUM, BnFree>;

// A key, or why the entry was skipped.
using KeyOrReason = std::variant<std::shared_ptr<EVP_PKEY>, std::string>;

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// The decoded base64url string member `name`, or nullopt.
std::optional<std::string> DecodedMember(const boost::json::object& jwk, std::string_view name) {
  const boost::json::value* value = jwk.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return Base64UrlDecode(value->get_string());
}

// Builds a public key of `type` ("RSA" or "EC") from parameters, then runs
// OpenSSL's public-key check (for EC: the point is on the curve; for RSA:
// the modulus and exponent are plausible).
KeyOrReason FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return std::string("OpenSSL failure");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || raw == nullptr) {
    return std::string("invalid key material");
  }
  std::shared_ptr<EVP_PKEY> key(raw, PkeyFree());
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return std::string("invalid key material");
  return key;
}

KeyOrReason RsaKey(const boost::json::object& jwk) {
  const std::optional<std::string> n = DecodedMember(jwk, "n");
  const std::optional<std::string> e = DecodedMember(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) return std::string("RSA key needs base64url n and e");
  // Checked before OpenSSL sees the key, so an oversized modulus costs nothing.
  Bignum modulus(BN_bin2bn(Bytes(*n), static_cast<int>(n->size()), nullptr));
  Bignum exponent(BN_bin2bn(Bytes(*e), static_cast<int>(e->size()), nullptr));
  if (!modulus || !exponent) return std::string("OpenSSL failure");
  const int bits = BN_num_bits(modulus.get());
  if (bits < kMinRsaKeyBits || bits > kMaxRsaKeyBits) {
    return "RSA modulus of " + std::to_string(bits) + " bits (" + std::to_string(kMinRsaKeyBits) + "-" +
           std::to_string(kMaxRsaKeyBits) + " accepted)";
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return std::string("OpenSSL failure");
  }
  return FromParams("RSA", bld.get());
}

KeyOrReason EcP256Key(const boost::json::object& jwk) {
  const std::optional<std::string> x = DecodedMember(jwk, "x");
  const std::optional<std::string> y = DecodedMember(jwk, "y");
  if (!x || !y || x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) {
    return std::string("P-256 key needs base64url x and y of 32 bytes each");
  }
  std::string point(1, static_cast<char>(kUncompressedPoint));
  point += *x;
  point += *y;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return std::string("OpenSSL failure");
  }
  return FromParams("EC", bld.get());
}

// The string member `name`: absent -> nullopt; present but not a string ->
// "" (which no rule below accepts).
std::optional<std::string_view> StringMember(const boost::json::object& jwk, std::string_view name) {
  const boost::json::value* value = jwk.if_contains(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) return std::string_view();
  return std::string_view(value->get_string());
}

bool AllowsVerify(const boost::json::value& key_ops) {
  if (!key_ops.is_array()) return false;
  for (const boost::json::value& op : key_ops.get_array()) {
    if (op.is_string() && op.get_string() == "verify") return true;
  }
  return false;
}

// The usable key of one entry, or why it is skipped.
std::variant<Jwk, std::string> ParseEntry(const boost::json::value& entry) {
  if (!entry.is_object()) return std::string("not a JSON object");
  const boost::json::object& jwk = entry.get_object();
  Jwk key;
  if (const boost::json::value* kid = jwk.if_contains("kid"); kid != nullptr) {
    if (!kid->is_string()) return std::string("kid is not a string");
    key.kid = std::string(kid->get_string());
  }
  if (const auto use = StringMember(jwk, "use"); use && *use != "sig") {
    return "use \"" + std::string(*use) + "\" (only \"sig\" is used)";
  }
  if (const boost::json::value* ops = jwk.if_contains("key_ops"); ops != nullptr && !AllowsVerify(*ops)) {
    return std::string("key_ops without \"verify\"");
  }
  const std::string_view kty = StringMember(jwk, "kty").value_or("");
  const std::optional<std::string_view> alg = StringMember(jwk, "alg");
  KeyOrReason material;
  if (kty == "RSA") {
    if (alg && *alg != "RS256") return "alg \"" + std::string(*alg) + "\" for an RSA key (only RS256)";
    key.algorithm = JwsAlgorithm::kRs256;
    material = RsaKey(jwk);
  } else if (kty == "EC") {
    const std::string_view crv = StringMember(jwk, "crv").value_or("");
    if (crv != "P-256") return "crv \"" + std::string(crv) + "\" (only P-256)";
    if (alg && *alg != "ES256") return "alg \"" + std::string(*alg) + "\" for a P-256 key (only ES256)";
    key.algorithm = JwsAlgorithm::kEs256;
    material = EcP256Key(jwk);
  } else {
    return "kty \"" + std::string(kty) + "\" (only RSA and EC)";
  }
  if (auto* reason = std::get_if<std::string>(&material)) return std::move(*reason);
  key.key = std::move(std::get<std::shared_ptr<EVP_PKEY>>(material));
  return key;
}

std::string Describe(std::size_t index, const boost::json::value& entry) {
  std::string name = "key " + std::to_string(index);
  if (entry.is_object()) {
    if (const boost::json::value* kid = entry.get_object().if_contains("kid"); kid && kid->is_string()) {
      name += " (kid \"" + std::string(kid->get_string()) + "\")";
    }
  }
  return name;
}

}  // namespace

std::string_view AlgorithmName(JwsAlgorithm algorithm) {
  return algorithm == JwsAlgorithm::kRs256 ? "RS256" : "ES256";
}

std::optional<JwsAlgorithm> ParseAsymmetricAlgorithm(std::string_view name) {
  if (name == "RS256") return JwsAlgorithm::kRs256;
  if (name == "ES256") return JwsAlgorithm::kEs256;
  return std::nullopt;
}

const Jwk* JwkSet::FindByKid(std::string_view kid) const {
  for (const Jwk& key : keys) {
    if (!key.kid.empty() && key.kid == kid) return &key;
  }
  return nullptr;
}

const Jwk* JwkSet::OnlyKeyFor(JwsAlgorithm algorithm) const {
  const Jwk* found = nullptr;
  for (const Jwk& key : keys) {
    if (key.algorithm != algorithm) continue;
    if (found != nullptr) return nullptr;
    found = &key;
  }
  return found;
}

Result<JwkSet> ParseJwkSet(std::string_view document) {
  if (document.size() > kMaxJwksBytes) {
    return Error::BadRequest("JWKS document is larger than " + std::to_string(kMaxJwksBytes) + " bytes");
  }
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(document, ec);
  if (ec) return Error::BadRequest("JWKS document is not JSON: " + ec.message());
  const boost::json::value* keys = root.is_object() ? root.get_object().if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    return Error::BadRequest("JWKS document must be an object with a \"keys\" array");
  }
  const boost::json::array& entries = keys->get_array();
  if (entries.size() > kMaxJwksKeys) {
    return Error::BadRequest("JWKS document has " + std::to_string(entries.size()) + " keys; at most " +
                             std::to_string(kMaxJwksKeys) + " are accepted");
  }
  JwkSet set;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::variant<Jwk, std::string> parsed = ParseEntry(entries[i]);
    if (auto* reason = std::get_if<std::string>(&parsed)) {
      set.skipped.push_back(Describe(i, entries[i]) + ": " + *reason);
      continue;
    }
    Jwk& key = std::get<Jwk>(parsed);
    // Two keys under one kid would make the choice depend on order.
    if (!key.kid.empty() && set.FindByKid(key.kid) != nullptr) {
      set.skipped.push_back(Describe(i, entries[i]) + ": repeats an earlier kid");
      continue;
    }
    set.keys.push_back(std::move(key));
  }
  if (set.keys.empty()) {
    std::string message = "JWKS document has no usable RS256/ES256 key";
    for (std::size_t i = 0; i < set.skipped.size(); ++i) message += (i == 0 ? ": " : "; ") + set.skipped[i];
    return Error::BadRequest(message);
  }
  return set;
}

}  // namespace wdrbe
