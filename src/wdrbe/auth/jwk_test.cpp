#include "wdrbe/auth/jwk.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

#include "testing/signing_keys.hpp"
#include "wdrbe/auth/jws_signature.hpp"
#include "wdrbe/base/base64.hpp"

namespace wdrbe {
namespace {

using testing::JwksDocument;
using testing::SigningKey;

const SigningKey& Rsa() {
  static const SigningKey key = SigningKey::Rsa(2048);
  return key;
}
const SigningKey& Ec() {
  static const SigningKey key = SigningKey::Ec("P-256");
  return key;
}

std::string Doc(std::initializer_list<boost::json::object> keys) {
  return boost::json::serialize(JwksDocument(keys));
}

// Parses a document of one key and returns why it was skipped ("" when used).
std::string SkipReason(const boost::json::object& jwk) {
  // A usable companion key, so the document itself is always accepted.
  Result<JwkSet> set = ParseJwkSet(Doc({Rsa().Jwk("companion"), jwk}));
  EXPECT_TRUE(set.ok()) << set.error().message;
  if (!set.ok()) return "parse failed";
  if (set->keys.size() == 2) return "";
  EXPECT_EQ(set->skipped.size(), 1u);
  return set->skipped.empty() ? "?" : set->skipped.front();
}

TEST(JwkSetTest, ParsesRsaAndP256KeysWithTheirAlgorithms) {
  boost::json::object rsa = Rsa().Jwk("r1");
  rsa["alg"] = "RS256";
  rsa["use"] = "sig";
  Result<JwkSet> set = ParseJwkSet(Doc({rsa, Ec().Jwk("e1")}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->keys.size(), 2u);
  EXPECT_TRUE(set->skipped.empty());
  EXPECT_EQ(set->FindByKid("r1")->algorithm, JwsAlgorithm::kRs256);
  EXPECT_EQ(set->FindByKid("e1")->algorithm, JwsAlgorithm::kEs256);
  EXPECT_EQ(set->FindByKid("nope"), nullptr);
  EXPECT_EQ(set->OnlyKeyFor(JwsAlgorithm::kRs256), set->FindByKid("r1"));
}

TEST(JwkSetTest, ParsedKeysVerifyTheirOwnSignaturesOnly) {
  Result<JwkSet> set = ParseJwkSet(Doc({Rsa().Jwk("r1"), Ec().Jwk("e1")}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  const std::string input = "header.payload";
  EXPECT_TRUE(VerifyJwsSignature(*set->FindByKid("r1"), input, Rsa().Sign(input)));
  EXPECT_TRUE(VerifyJwsSignature(*set->FindByKid("e1"), input, Ec().Sign(input)));
  EXPECT_FALSE(VerifyJwsSignature(*set->FindByKid("r1"), input + "x", Rsa().Sign(input)));
  EXPECT_FALSE(VerifyJwsSignature(*set->FindByKid("e1"), input + "x", Ec().Sign(input)));
  EXPECT_FALSE(VerifyJwsSignature(*set->FindByKid("r1"), input, SigningKey::Rsa().Sign(input)));
  // ES256 must be r || s: the DER form OpenSSL produces is refused.
  std::string es = Ec().Sign(input);
  EXPECT_FALSE(VerifyJwsSignature(*set->FindByKid("e1"), input, es.substr(0, 63)));
  EXPECT_FALSE(VerifyJwsSignature(*set->FindByKid("e1"), input, es + "\x01"));
  // A key pinned to the other algorithm never verifies.
  Jwk confused = *set->FindByKid("e1");
  confused.algorithm = JwsAlgorithm::kRs256;
  EXPECT_FALSE(VerifyJwsSignature(confused, input, es));
}

TEST(JwkSetTest, SkipsKeysItCannotUseWithAReason) {
  boost::json::object enc = Rsa().Jwk("enc");
  enc["use"] = "enc";
  EXPECT_NE(SkipReason(enc).find("use \"enc\""), std::string::npos);

  boost::json::object ops = Rsa().Jwk("ops");
  ops["key_ops"] = boost::json::array{"encrypt"};
  EXPECT_NE(SkipReason(ops).find("key_ops"), std::string::npos);
  ops["key_ops"] = boost::json::array{"verify"};
  EXPECT_EQ(SkipReason(ops), "");

  boost::json::object ps = Rsa().Jwk("ps");
  ps["alg"] = "PS256";
  EXPECT_NE(SkipReason(ps).find("PS256"), std::string::npos);
  boost::json::object mismatch = Rsa().Jwk("mismatch");
  mismatch["alg"] = "ES256";
  EXPECT_NE(SkipReason(mismatch).find("only RS256"), std::string::npos);
  boost::json::object ec_rs = Ec().Jwk("ec-rs");
  ec_rs["alg"] = "RS256";
  EXPECT_NE(SkipReason(ec_rs).find("only ES256"), std::string::npos);

  EXPECT_NE(SkipReason(SigningKey::Ec("P-384").Jwk("p384")).find("crv \"P-384\""), std::string::npos);
  EXPECT_NE(SkipReason({{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "oct"}}).find("kty \"oct\""),
            std::string::npos);
  EXPECT_NE(SkipReason({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AA"}}).find("kty"), std::string::npos);
  boost::json::object numeric_kid = Rsa().Jwk("");
  numeric_kid["kid"] = 7;
  EXPECT_NE(SkipReason(numeric_kid).find("kid is not a string"), std::string::npos);
  EXPECT_NE(SkipReason(Rsa().Jwk("companion")).find("repeats an earlier kid"), std::string::npos);
}

TEST(JwkSetTest, SkipsWeakOrMalformedKeyMaterial) {
  EXPECT_NE(SkipReason(SigningKey::Rsa(1024).Jwk("small")).find("1024 bits"), std::string::npos);
  boost::json::object no_e = Rsa().Jwk("no-e");
  no_e.erase("e");
  EXPECT_NE(SkipReason(no_e).find("needs base64url n and e"), std::string::npos);
  boost::json::object padded = Rsa().Jwk("padded");
  padded["n"] = std::string(padded["n"].as_string()) + "==";
  EXPECT_NE(SkipReason(padded).find("needs base64url"), std::string::npos);
  boost::json::object even = Rsa().Jwk("even-e");
  even["e"] = Base64UrlEncode(std::string("\x01\x00\x00", 3));  // 65536: even
  EXPECT_NE(SkipReason(even).find("invalid key material"), std::string::npos);

  boost::json::object short_x = Ec().Jwk("short-x");
  short_x["x"] = Base64UrlEncode(std::string(31, '\x01'));
  EXPECT_NE(SkipReason(short_x).find("32 bytes"), std::string::npos);
  // A point that is not on P-256: the real x with y changed.
  boost::json::object off_curve = Ec().Jwk("off-curve");
  std::string y = *Base64UrlDecode(off_curve["y"].as_string());
  y[31] = static_cast<char>(y[31] ^ 1);
  off_curve["y"] = Base64UrlEncode(y);
  EXPECT_NE(SkipReason(off_curve).find("invalid key material"), std::string::npos);
}

TEST(JwkSetTest, RefusesDocumentsOutsideItsBounds) {
  EXPECT_FALSE(ParseJwkSet("").ok());
  EXPECT_FALSE(ParseJwkSet("not json").ok());
  EXPECT_FALSE(ParseJwkSet("[]").ok());
  EXPECT_FALSE(ParseJwkSet(R"({"keys":{}})").ok());
  const Result<JwkSet> empty = ParseJwkSet(R"({"keys":[]})");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no usable"), std::string::npos);
  const Result<JwkSet> unusable = ParseJwkSet(Doc({SigningKey::Ec("P-384").Jwk("p384")}));
  ASSERT_FALSE(unusable.ok());
  EXPECT_NE(unusable.error().message.find("P-384"), std::string::npos) << unusable.error().message;

  // kMaxJwksKeys entries are accepted, one more is not (the size limit
  // stays out of the way with small entries).
  boost::json::array keys;
  keys.push_back(Ec().Jwk("ec"));
  while (keys.size() < kMaxJwksKeys) keys.push_back(boost::json::object{{"kty", "oct"}});
  EXPECT_TRUE(ParseJwkSet(boost::json::serialize(boost::json::object{{"keys", keys}})).ok());
  keys.push_back(boost::json::object{{"kty", "oct"}});
  const Result<JwkSet> too_many = ParseJwkSet(boost::json::serialize(boost::json::object{{"keys", keys}}));
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message.find("at most 100"), std::string::npos);

  std::string large = Doc({Ec().Jwk("ec")});
  large.insert(large.size() - 1, std::string(kMaxJwksBytes, ' '));
  const Result<JwkSet> too_large = ParseJwkSet(large);
  ASSERT_FALSE(too_large.ok());
  EXPECT_NE(too_large.error().message.find("larger than 65536"), std::string::npos);
}

TEST(JwkSetTest, AKeyWithoutKidIsTheOnlyKeyOfItsAlgorithm) {
  Result<JwkSet> set = ParseJwkSet(Doc({Rsa().Jwk(""), Ec().Jwk("e1"), SigningKey::Ec().Jwk("e2")}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_NE(set->OnlyKeyFor(JwsAlgorithm::kRs256), nullptr);
  EXPECT_EQ(set->OnlyKeyFor(JwsAlgorithm::kRs256)->kid, "");
  EXPECT_EQ(set->OnlyKeyFor(JwsAlgorithm::kEs256), nullptr);  // two: ambiguous
  EXPECT_EQ(set->FindByKid(""), nullptr);
}

}  // namespace
}  // namespace wdrbe
