#include "wdrbe/auth/jwt_claims.hpp"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "wdrbe/base/base64.hpp"

namespace wdrbe {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

std::string Repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::string Payload(const boost::json::object& claims) {
  return Base64UrlEncode(boost::json::serialize(claims));
}

// --- sub: 1-128 code points of valid UTF-8, no Cc ---------------------------

TEST(SubjectTest, CountsCodePointsNotBytes) {
  EXPECT_TRUE(IsValidSubject(Repeat("\xC3\xA9", 128)));             // 128 x U+00E9, 256 bytes
  EXPECT_FALSE(IsValidSubject(Repeat("\xC3\xA9", 129)));            // 129 characters
  EXPECT_TRUE(IsValidSubject(Repeat("\xE2\x82\xAC", 100) + "ab"));  // 102 characters, 302 bytes
  EXPECT_TRUE(IsValidSubject(Repeat("\xF0\x9F\x91\x94", 50)));      // 50 x U+1F454, 200 bytes
  EXPECT_TRUE(IsValidSubject(std::string(128, 'u')));
  EXPECT_FALSE(IsValidSubject(std::string(129, 'u')));
  EXPECT_FALSE(IsValidSubject(""));
}

TEST(SubjectTest, RefusesControlCharacters) {
  EXPECT_FALSE(IsValidSubject("\u0007"));
  EXPECT_FALSE(IsValidSubject(std::string("user\0x", 6)));
  EXPECT_FALSE(IsValidSubject("user\n"));
  EXPECT_FALSE(IsValidSubject("a\x7F"));
  EXPECT_FALSE(IsValidSubject("a\xC2\x80"));  // U+0080
  EXPECT_FALSE(IsValidSubject("a\xC2\x9F"));  // U+009F
  EXPECT_TRUE(IsValidSubject("a\xC2\xA0"));   // U+00A0 is not Cc
  EXPECT_TRUE(IsValidSubject("user 1"));
}

TEST(SubjectTest, RefusesInvalidUtf8) {
  EXPECT_FALSE(IsValidSubject("\xC3"));              // truncated
  EXPECT_FALSE(IsValidSubject("a\x80"));             // stray continuation byte
  EXPECT_FALSE(IsValidSubject("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidSubject("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(IsValidSubject("\xED\xA0\x80"));      // a surrogate, U+D800
  EXPECT_FALSE(IsValidSubject("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidSubject("\xFF"));
  EXPECT_TRUE(IsValidSubject("\xF4\x8F\xBF\xBF"));  // U+10FFFF itself
}

TEST(CheckClaimsTest, SubjectRulesApplyToTheClaim) {
  const ClaimRules rules;
  const auto check = [&](const std::string& sub) {
    return CheckClaims(Payload({{"sub", sub}, {"exp", kNow + 60}}), rules, kNow);
  };
  const std::string two_byte_128 = Repeat("\xC3\xA9", 128);
  Result<Principal> accepted = check(two_byte_128);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->user_id, two_byte_128);
  EXPECT_TRUE(check(Repeat("\xC3\xA9", 100)).ok());  // 200 bytes, 100 characters
  EXPECT_EQ(check(Repeat("\xC3\xA9", 129)).error().message, "invalid subject");
  EXPECT_EQ(check("\u0007").error().message, "invalid subject");
}

TEST(CheckClaimsTest, ThePrincipalIsAcceptedUntilExpPlusTheLeeway) {
  ClaimRules rules;
  rules.leeway_s = 60;
  auto principal = CheckClaims(Payload({{"sub", "alice"}, {"exp", kNow + 600}}), rules, kNow);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->user_id, "alice");
  EXPECT_EQ(principal->accepted_until_s, kNow + 660);
  // The last accepted second is exactly that one.
  EXPECT_TRUE(CheckClaims(Payload({{"sub", "alice"}, {"exp", kNow + 600}}), rules, kNow + 660).ok());
  EXPECT_FALSE(CheckClaims(Payload({{"sub", "alice"}, {"exp", kNow + 600}}), rules, kNow + 661).ok());
}

TEST(CheckClaimsTest, ReportsTheFirstFailureInOrder) {
  const ClaimRules rules{"issuer", "audience"};
  EXPECT_EQ(CheckClaims("!!", rules, kNow).error().message, "malformed token payload");
  EXPECT_EQ(CheckClaims(Payload({{"sub", ""}}), rules, kNow).error().message, "token has no exp");
  EXPECT_EQ(CheckClaims(Payload({{"exp", kNow - 61}, {"nbf", kNow + 600}}), rules, kNow).error().message,
            "token expired");
  EXPECT_EQ(CheckClaims(Payload({{"exp", kNow}, {"nbf", kNow + 600}}), rules, kNow).error().message,
            "token not yet valid");
  EXPECT_EQ(CheckClaims(Payload({{"exp", kNow}}), rules, kNow).error().message, "invalid issuer");
  EXPECT_EQ(CheckClaims(Payload({{"exp", kNow}, {"iss", "issuer"}}), rules, kNow).error().message,
            "invalid audience");
  EXPECT_EQ(CheckClaims(Payload({{"exp", kNow}, {"iss", "issuer"}, {"aud", "audience"}}), rules, kNow)
                .error()
                .message,
            "invalid subject");
}

TEST(SplitCompactJwsTest, SplitsIntoItsParts) {
  const std::string header = Base64UrlEncode(R"({"alg":"RS256","kid":"k1"})");
  const std::string token = header + ".cGF5bG9hZA.c2ln";
  Result<CompactJws> jws = SplitCompactJws(token);
  ASSERT_TRUE(jws.ok()) << jws.error().message;
  EXPECT_EQ(HeaderAlgorithm(jws->header), "RS256");
  EXPECT_EQ(jws->signing_input, header + ".cGF5bG9hZA");
  EXPECT_EQ(jws->payload_b64, "cGF5bG9hZA");
  EXPECT_EQ(jws->signature_b64, "c2ln");
  EXPECT_EQ(SplitCompactJws("a.b").error().message, "malformed token");
  EXPECT_EQ(SplitCompactJws("a.b.c.d").error().message, "malformed token");
  EXPECT_EQ(SplitCompactJws("bm90IGpzb24.b.c").error().message, "malformed token header");
  EXPECT_EQ(SplitCompactJws(std::string(kMaxTokenLength + 1, 'a')).error().message, "token too long");
}

}  // namespace
}  // namespace wdrbe
