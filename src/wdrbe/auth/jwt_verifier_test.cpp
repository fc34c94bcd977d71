#include "wdrbe/auth/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/signing_keys.hpp"
#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/crypto.hpp"

namespace wdrbe {
namespace {

using testing::CompactToken;
using testing::JwksDocument;
using testing::SigningKey;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::string_view kSecret = "a-test-secret-of-reasonable-length-0123456789";

const SigningKey& Rsa() {
  static const SigningKey key = SigningKey::Rsa(2048);
  return key;
}
const SigningKey& Ec() {
  static const SigningKey key = SigningKey::Ec("P-256");
  return key;
}

// A source whose keys a test sets, counting unknown-kid notices.
class TestJwkSource final : public JwkSource {
 public:
  explicit TestJwkSource(const boost::json::object& document) { Set(document); }
  void Set(const boost::json::object& document) {
    Result<JwkSet> set = ParseJwkSet(boost::json::serialize(document));
    EXPECT_TRUE(set.ok()) << set.error().message;
    std::lock_guard lock(mutex_);
    keys_ = std::make_shared<const JwkSet>(std::move(*set));
  }
  std::shared_ptr<const JwkSet> Keys() const override {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  void OnUnknownKid() const override { ++unknown_kids; }
  mutable std::atomic<int> unknown_kids{0};

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const JwkSet> keys_;
};

boost::json::object Claims(std::string_view sub = "user-1") { return {{"sub", sub}, {"exp", kNow + 600}}; }

std::string Reason(const JwtVerifier& verifier, std::string_view token) {
  Result<Principal> result = verifier.Verify(token, kNow);
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code, ErrorCode::kUnauthorized);
  return result.error().message;
}

// An HS256 token signed with `key` as the HMAC secret.
std::string Hs256With(std::string_view key, const boost::json::object& header = {{"alg", "HS256"}}) {
  const std::string input = Base64UrlEncode(boost::json::serialize(header)) + "." +
                            Base64UrlEncode(boost::json::serialize(Claims()));
  return input + "." + Base64UrlEncode(HmacSha256(key, input));
}

class JwtVerifierTest : public ::testing::Test {
 protected:
  TestJwkSource source{JwksDocument({Rsa().Jwk("rsa-1"), Ec().Jwk("ec-1")})};
  JwtVerifier jwks_only{JwtVerifierOptions{std::nullopt, ClaimRules{}, &source}};
  JwtVerifier both{JwtVerifierOptions{std::string(kSecret), ClaimRules{}, &source}};
  JwtVerifier hs256_only{JwtVerifierOptions{std::string(kSecret), ClaimRules{}, nullptr}};
};

TEST_F(JwtVerifierTest, AcceptsRs256AndEs256TokensByKid) {
  Result<Principal> rs = jwks_only.Verify(Rsa().Token(Claims("alice"), "rsa-1"), kNow);
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  EXPECT_EQ(rs->user_id, "alice");
  Result<Principal> es = jwks_only.Verify(Ec().Token(Claims("bob"), "ec-1"), kNow);
  ASSERT_TRUE(es.ok()) << es.error().message;
  EXPECT_EQ(es->user_id, "bob");
}

TEST_F(JwtVerifierTest, RefusesAWrongSignature) {
  EXPECT_EQ(Reason(jwks_only, SigningKey::Rsa().Token(Claims(), "rsa-1")), "invalid token signature");
  EXPECT_EQ(Reason(jwks_only, SigningKey::Ec().Token(Claims(), "ec-1")), "invalid token signature");
  std::string token = Rsa().Token(Claims(), "rsa-1");
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Reason(jwks_only, token), "invalid token signature");
}

TEST_F(JwtVerifierTest, BothKindsAreAcceptedWhenBothAreConfigured) {
  EXPECT_EQ(Reason(both, Rsa().Token(Claims(), "rsa-1")), "");
  EXPECT_EQ(Reason(both, Ec().Token(Claims(), "ec-1")), "");
  EXPECT_EQ(Reason(both, SignHs256(Claims(), kSecret)), "");
  EXPECT_EQ(Reason(hs256_only, SignHs256(Claims(), kSecret)), "");
  EXPECT_EQ(Reason(hs256_only, Rsa().Token(Claims(), "rsa-1")), "unsupported token algorithm");
}

TEST_F(JwtVerifierTest, Hs256IsRefusedWhenOnlyAJwksIsConfigured) {
  EXPECT_EQ(Reason(jwks_only, SignHs256(Claims(), kSecret)), "unsupported token algorithm");
}

TEST_F(JwtVerifierTest, Hs256SignedWithThePublicKeyIsRefused) {
  // The classic key confusion: the RSA public key (PEM, or its JWK `n`)
  // used as an HMAC secret.
  const std::string pem = Rsa().PublicPem();
  const std::string n = std::string(Rsa().Jwk("")["n"].as_string());
  for (const JwtVerifier* verifier : {&jwks_only, &both}) {
    EXPECT_NE(Reason(*verifier, Hs256With(pem, {{"alg", "HS256"}, {"kid", "rsa-1"}})), "");
    EXPECT_NE(Reason(*verifier, Hs256With(pem)), "");
    EXPECT_NE(Reason(*verifier, Hs256With(n, {{"alg", "HS256"}, {"kid", "rsa-1"}})), "");
    EXPECT_NE(Reason(*verifier, Hs256With(*Base64UrlDecode(n))), "");
  }
}

TEST_F(JwtVerifierTest, RefusesNoneAndEveryOtherAlgorithm) {
  for (std::string_view alg :
       {"none", "None", "RS384", "RS512", "PS256", "ES384", "ES512", "EdDSA", "HS384", ""}) {
    SCOPED_TRACE(alg);
    const std::string token = CompactToken({{"alg", alg}, {"kid", "rsa-1"}}, Claims(), "");
    EXPECT_EQ(Reason(both, token), "unsupported token algorithm");
    if (!alg.empty()) {
      EXPECT_EQ(Reason(both, Rsa().Token(Claims(), "rsa-1", alg)), "unsupported token algorithm");
    }
  }
  EXPECT_EQ(Reason(both, CompactToken({{"kid", "rsa-1"}}, Claims(), "")), "unsupported token algorithm");
  EXPECT_EQ(Reason(both, CompactToken({{"alg", 256}}, Claims(), "")), "unsupported token algorithm");
}

TEST_F(JwtVerifierTest, TheKeyPinsTheAlgorithm) {
  // RS256 naming the EC key, ES256 naming the RSA key: refused before any
  // signature is checked.
  EXPECT_EQ(Reason(jwks_only, Rsa().Token(Claims(), "ec-1")), "token algorithm does not match its key");
  EXPECT_EQ(Reason(jwks_only, Ec().Token(Claims(), "rsa-1")), "token algorithm does not match its key");
  // With the algorithm the key pins, an EC signature is just a bad signature.
  EXPECT_EQ(Reason(jwks_only, Ec().Token(Claims(), "rsa-1", "RS256")), "invalid token signature");
}

TEST_F(JwtVerifierTest, AKeyOnAnotherCurveIsNeverUsed) {
  // The P-384 JWK is skipped at parse time, so its tokens find no key.
  const SigningKey p384 = SigningKey::Ec("P-384");
  source.Set(JwksDocument({Rsa().Jwk("rsa-1"), p384.Jwk("p384")}));
  EXPECT_EQ(Reason(jwks_only, p384.Token(Claims(), "p384", "ES256")), "unknown token key id");
  EXPECT_EQ(Reason(jwks_only, p384.Token(Claims(), "p384")), "unsupported token algorithm");
}

TEST_F(JwtVerifierTest, UnknownKidIsRefusedAtOnceAndReported) {
  EXPECT_EQ(Reason(jwks_only, Rsa().Token(Claims(), "rsa-2")), "unknown token key id");
  EXPECT_EQ(source.unknown_kids.load(), 1);
  const SigningKey next = SigningKey::Rsa();
  source.Set(JwksDocument({Rsa().Jwk("rsa-1"), next.Jwk("rsa-2")}));
  EXPECT_EQ(Reason(jwks_only, next.Token(Claims(), "rsa-2")), "");
  // A removed key no longer verifies.
  source.Set(JwksDocument({next.Jwk("rsa-2")}));
  EXPECT_EQ(Reason(jwks_only, Rsa().Token(Claims(), "rsa-1")), "unknown token key id");
}

TEST_F(JwtVerifierTest, ATokenWithoutKidNeedsExactlyOneKeyOfItsAlgorithm) {
  EXPECT_EQ(Reason(jwks_only, Rsa().Token(Claims(), "")), "");
  EXPECT_EQ(Reason(jwks_only, Ec().Token(Claims(), "")), "");
  const SigningKey second = SigningKey::Rsa();
  source.Set(JwksDocument({Rsa().Jwk("rsa-1"), second.Jwk("rsa-2")}));
  EXPECT_EQ(Reason(jwks_only, Rsa().Token(Claims(), "")), "token has no kid");
  EXPECT_EQ(source.unknown_kids.load(), 0);
}

TEST_F(JwtVerifierTest, HeaderAndClaimsRulesAreTheSameAsForHs256) {
  const std::string input =
      Base64UrlEncode(R"({"alg":"RS256","kid":7})") + "." + Base64UrlEncode(boost::json::serialize(Claims()));
  EXPECT_EQ(Reason(jwks_only, input + "." + Base64UrlEncode(Rsa().Sign(input))), "malformed token header");
  const std::string crit = Base64UrlEncode(R"({"alg":"RS256","kid":"rsa-1","crit":["exp"]})") + "." +
                           Base64UrlEncode(boost::json::serialize(Claims()));
  EXPECT_EQ(Reason(jwks_only, crit + "." + Base64UrlEncode(Rsa().Sign(crit))), "unsupported critical header");
  EXPECT_EQ(Reason(jwks_only, Rsa().Token({{"sub", "u"}, {"exp", kNow - 61}}, "rsa-1")), "token expired");
  EXPECT_EQ(Reason(jwks_only, Rsa().Token({{"exp", kNow + 60}}, "rsa-1")), "invalid subject");
  EXPECT_EQ(Reason(jwks_only, Rsa().Token({{"sub", "\u0007"}, {"exp", kNow + 60}}, "rsa-1")),
            "invalid subject");
  JwtVerifier strict{JwtVerifierOptions{std::nullopt, ClaimRules{"issuer", "audience"}, &source}};
  EXPECT_EQ(Reason(strict, Rsa().Token(Claims(), "rsa-1")), "invalid issuer");
  boost::json::object claims = Claims();
  claims["iss"] = "issuer";
  claims["aud"] = boost::json::array{"other", "audience"};
  EXPECT_EQ(Reason(strict, Ec().Token(claims, "ec-1")), "");
}

TEST_F(JwtVerifierTest, VerifiesConcurrentlyWhileTheKeysAreReplaced) {
  const std::string token = Ec().Token(Claims(), "ec-1");
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      while (!stop) {
        if (!jwks_only.Verify(token, kNow).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 50; ++i) source.Set(JwksDocument({Rsa().Jwk("rsa-1"), Ec().Jwk("ec-1")}));
  stop = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace wdrbe
