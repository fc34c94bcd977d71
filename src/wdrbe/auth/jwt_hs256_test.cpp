#include "wdrbe/auth/jwt_hs256.hpp"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/crypto.hpp"

namespace wdrbe {
namespace {

constexpr std::string_view kSecret = "a-test-secret-of-reasonable-length-0123456789";
constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::int64_t kExp = kNow + 3600;

// RFC 7515 Appendix A.1: the HS256 example, its JWK `k` and the resulting JWS.
constexpr std::string_view kRfcKeyB64 =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr std::string_view kRfcJws =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::int64_t kRfcExp = 1300819380;

std::string RfcKey() {
  const std::optional<std::string> key = Base64UrlDecode(kRfcKeyB64);
  EXPECT_TRUE(key.has_value());
  return key.value_or("");
}

Hs256Verifier MakeVerifier(JwtOptions options = {}) {
  if (options.secret.empty()) options.secret = std::string(kSecret);
  return Hs256Verifier(std::move(options));
}

// A token from raw header and payload text, so tests can build what
// SignHs256 never would (other algorithms, non-object payloads).
std::string SignParts(std::string_view header_b64, std::string_view payload_b64,
                      std::string_view secret = kSecret) {
  std::string input = std::string(header_b64) + "." + std::string(payload_b64);
  return input + "." + Base64UrlEncode(HmacSha256(secret, input));
}

std::string SignRaw(std::string_view header_json, std::string_view payload_json,
                    std::string_view secret = kSecret) {
  return SignParts(Base64UrlEncode(header_json), Base64UrlEncode(payload_json), secret);
}

boost::json::object ValidClaims() { return {{"sub", "user-1"}, {"exp", kExp}}; }

std::string Sign(const boost::json::object& claims) { return SignHs256(claims, kSecret); }

// Verifies and returns the rejection reason, or "" when accepted.
std::string Reason(const Hs256Verifier& verifier, std::string_view token, std::int64_t now = kNow) {
  const Result<Principal> result = verifier.Verify(token, now);
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code, ErrorCode::kUnauthorized);
  EXPECT_FALSE(result.error().message.empty());
  return result.error().message;
}

std::string Reason(std::string_view token, std::int64_t now = kNow) {
  return Reason(MakeVerifier(), token, now);
}

// --- RFC 7515 Appendix A.1 ---------------------------------------------------

TEST(JwtHs256Rfc7515Test, SignatureIsHmacSha256OfTheSigningInput) {
  const std::string_view jws = kRfcJws;
  const std::size_t last_dot = jws.rfind('.');
  const std::string mac = HmacSha256(RfcKey(), jws.substr(0, last_dot));
  EXPECT_EQ(Base64UrlEncode(mac), jws.substr(last_dot + 1));
  EXPECT_EQ(Base64UrlDecode(jws.substr(last_dot + 1)), mac);
}

TEST(JwtHs256Rfc7515Test, VerifyPassesEveryCheckButTheMissingSubject) {
  JwtOptions options;
  options.secret = RfcKey();
  options.issuer = "joe";
  const Hs256Verifier verifier(std::move(options));
  EXPECT_EQ(Reason(verifier, kRfcJws, kRfcExp - 1000), "invalid subject");
}

TEST(JwtHs256Rfc7515Test, ExpiryIsReportedBeforeTheMissingSubject) {
  JwtOptions options;
  options.secret = RfcKey();
  const Hs256Verifier verifier(std::move(options));
  EXPECT_EQ(Reason(verifier, kRfcJws, kRfcExp + kJwtLeewaySeconds + 1), "token expired");
}

TEST(JwtHs256Rfc7515Test, AnotherKeyFailsTheSignature) {
  EXPECT_EQ(Reason(kRfcJws, kRfcExp - 1000), "invalid token signature");
}

// --- Round trip -----------------------------------------------------------

TEST(JwtHs256Test, SignedTokenVerifiesToItsSubject) {
  const Result<Principal> result = MakeVerifier().Verify(Sign(ValidClaims()), kNow);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->user_id, "user-1");
}

TEST(JwtHs256Test, SignHs256UsesTheFixedHeader) {
  const std::string token = Sign(ValidClaims());
  const std::string_view header_b64 = std::string_view(token).substr(0, token.find('.'));
  EXPECT_EQ(Base64UrlDecode(header_b64), std::string(R"({"alg":"HS256","typ":"JWT"})"));
}

TEST(JwtHs256Test, IgnoresIatAndUnknownClaims) {
  boost::json::object claims = ValidClaims();
  claims["iat"] = "not even a number";
  claims["scope"] = "items:read";
  EXPECT_EQ(Reason(Sign(claims)), "");
}

// --- Algorithm and header -------------------------------------------------

TEST(JwtHs256Test, RejectsAlgNoneWithEmptySignature) {
  const std::string payload = boost::json::serialize(ValidClaims());
  const std::string token =
      Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + Base64UrlEncode(payload) + ".";
  EXPECT_EQ(Reason(token), "unsupported token algorithm");
}

TEST(JwtHs256Test, RejectsOtherAlgorithmsEvenWhenSignedWithTheSecret) {
  const std::string payload = boost::json::serialize(ValidClaims());
  for (std::string_view header : {
           R"({"alg":"none"})",
           R"({"alg":"HS384","typ":"JWT"})",
           R"({"alg":"RS256","typ":"JWT"})",
           R"({"alg":"hs256","typ":"JWT"})",
           R"({"alg":"HS256 ","typ":"JWT"})",
           R"({"alg":["HS256"]})",
           R"({"alg":null})",
           R"({"typ":"JWT"})",
       }) {
    EXPECT_EQ(Reason(SignRaw(header, payload)), "unsupported token algorithm") << header;
  }
}

TEST(JwtHs256Test, RejectsAnyCriticalHeader) {
  const std::string payload = boost::json::serialize(ValidClaims());
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256","crit":["exp"],"exp":1})", payload)),
            "unsupported critical header");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256","crit":[]})", payload)), "unsupported critical header");
}

TEST(JwtHs256Test, AcceptsAnyStringTypAndNoTyp) {
  const std::string payload = boost::json::serialize(ValidClaims());
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", payload)), "");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256","typ":"jwt"})", payload)), "");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256","typ":"at+jwt"})", payload)), "");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256","typ":1})", payload)), "malformed token header");
}

// --- Signature ------------------------------------------------------------

TEST(JwtHs256Test, RejectsTokenSignedWithAnotherSecret) {
  EXPECT_EQ(Reason(SignHs256(ValidClaims(), "another-secret")), "invalid token signature");
}

TEST(JwtHs256Test, RejectsOneFlippedSignatureCharacter) {
  std::string token = Sign(ValidClaims());
  const std::size_t sig_start = token.rfind('.') + 1;
  token[sig_start] = token[sig_start] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Reason(token), "invalid token signature");
}

TEST(JwtHs256Test, RejectsEveryChangeToAnySignatureCharacter) {
  const std::string token = Sign(ValidClaims());
  for (std::size_t i = token.rfind('.') + 1; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'x' ? 'y' : 'x';
    EXPECT_NE(Reason(altered), "") << "position " << i;
  }
}

TEST(JwtHs256Test, RejectsTamperedPayload) {
  const std::string token = Sign(ValidClaims());
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = token.rfind('.');
  boost::json::object claims = ValidClaims();
  claims["sub"] = "admin";
  const std::string forged = token.substr(0, first_dot + 1) +
                             Base64UrlEncode(boost::json::serialize(claims)) + token.substr(second_dot);
  EXPECT_EQ(Reason(forged), "invalid token signature");
}

TEST(JwtHs256Test, RejectsMissingOrTruncatedSignature) {
  const std::string token = Sign(ValidClaims());
  EXPECT_EQ(Reason(token.substr(0, token.rfind('.') + 1)), "invalid token signature");
  EXPECT_EQ(Reason(token.substr(0, token.size() - 3)), "invalid token signature");
}

TEST(JwtHs256Test, EmptySecretNeverVerifies) {
  JwtOptions options;  // secret left empty
  const Hs256Verifier verifier(std::move(options));
  EXPECT_EQ(Reason(verifier, SignHs256(ValidClaims(), "")), "invalid token signature");
  EXPECT_EQ(Reason(verifier, Sign(ValidClaims())), "invalid token signature");
}

// --- exp / nbf ------------------------------------------------------------

TEST(JwtHs256Test, RequiresNumericExp) {
  boost::json::object claims = ValidClaims();
  claims.erase("exp");
  EXPECT_EQ(Reason(Sign(claims)), "token has no exp");
  claims["exp"] = std::to_string(kExp);
  EXPECT_EQ(Reason(Sign(claims)), "invalid exp");
  claims["exp"] = true;
  EXPECT_EQ(Reason(Sign(claims)), "invalid exp");
  claims["exp"] = nullptr;
  EXPECT_EQ(Reason(Sign(claims)), "invalid exp");
}

TEST(JwtHs256Test, RejectsNonFiniteExp) {
  // 1e400 overflows a double; the parser yields infinity.
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"({"sub":"u","exp":1e400})")), "invalid exp");
}

TEST(JwtHs256Test, ExpHonoursTheLeeway) {
  const std::string token = Sign(ValidClaims());
  EXPECT_EQ(Reason(token, kExp), "");
  EXPECT_EQ(Reason(token, kExp + 59), "");
  EXPECT_EQ(Reason(token, kExp + 60), "");
  EXPECT_EQ(Reason(token, kExp + 61), "token expired");
  EXPECT_EQ(Reason(token, kExp + 100000), "token expired");
}

TEST(JwtHs256Test, ExpLeewayIsConfigurable) {
  JwtOptions options;
  options.leeway_s = 0;
  const Hs256Verifier verifier = MakeVerifier(std::move(options));
  const std::string token = Sign(ValidClaims());
  EXPECT_EQ(Reason(verifier, token, kExp), "");
  EXPECT_EQ(Reason(verifier, token, kExp + 1), "token expired");
}

TEST(JwtHs256Test, AcceptsFractionalExp) {
  boost::json::object claims = ValidClaims();
  claims["exp"] = static_cast<double>(kExp) + 0.5;
  const std::string token = Sign(claims);
  EXPECT_EQ(Reason(token, kExp + 60), "");
  EXPECT_EQ(Reason(token, kExp + 61), "token expired");
}

TEST(JwtHs256Test, HugeExpDoesNotOverflow) {
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"({"sub":"u","exp":9223372036854775807})")), "");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"({"sub":"u","exp":18446744073709551615})")), "");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"({"sub":"u","exp":1e300})")), "");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"({"sub":"u","exp":-9223372036854775808})")),
            "token expired");
}

TEST(JwtHs256Test, NbfHonoursTheLeeway) {
  boost::json::object claims = ValidClaims();
  claims["nbf"] = kNow + 61;
  EXPECT_EQ(Reason(Sign(claims)), "token not yet valid");
  claims["nbf"] = kNow + 60;
  EXPECT_EQ(Reason(Sign(claims)), "");
  claims["nbf"] = kNow - 1000;
  EXPECT_EQ(Reason(Sign(claims)), "");
  claims["nbf"] = static_cast<double>(kNow) + 60.5;
  EXPECT_EQ(Reason(Sign(claims)), "token not yet valid");
}

TEST(JwtHs256Test, RejectsNonNumericNbf) {
  boost::json::object claims = ValidClaims();
  claims["nbf"] = "0";
  EXPECT_EQ(Reason(Sign(claims)), "invalid nbf");
}

// --- iss / aud ------------------------------------------------------------

TEST(JwtHs256Test, IssuerWhenConfigured) {
  JwtOptions options;
  options.issuer = "https://issuer.example";
  const Hs256Verifier verifier = MakeVerifier(std::move(options));
  boost::json::object claims = ValidClaims();
  EXPECT_EQ(Reason(verifier, Sign(claims)), "invalid issuer");
  claims["iss"] = "https://other.example";
  EXPECT_EQ(Reason(verifier, Sign(claims)), "invalid issuer");
  claims["iss"] = boost::json::array{"https://issuer.example"};
  EXPECT_EQ(Reason(verifier, Sign(claims)), "invalid issuer");
  claims["iss"] = "https://issuer.example";
  EXPECT_EQ(Reason(verifier, Sign(claims)), "");
}

TEST(JwtHs256Test, AudienceWhenConfigured) {
  JwtOptions options;
  options.audience = "wdrbe";
  const Hs256Verifier verifier = MakeVerifier(std::move(options));
  boost::json::object claims = ValidClaims();
  EXPECT_EQ(Reason(verifier, Sign(claims)), "invalid audience");
  claims["aud"] = "other";
  EXPECT_EQ(Reason(verifier, Sign(claims)), "invalid audience");
  claims["aud"] = boost::json::array{"other", "another"};
  EXPECT_EQ(Reason(verifier, Sign(claims)), "invalid audience");
  claims["aud"] = boost::json::array{};
  EXPECT_EQ(Reason(verifier, Sign(claims)), "invalid audience");
  claims["aud"] = "wdrbe";
  EXPECT_EQ(Reason(verifier, Sign(claims)), "");
  claims["aud"] = boost::json::array{"other", 7, "wdrbe"};
  EXPECT_EQ(Reason(verifier, Sign(claims)), "");
}

TEST(JwtHs256Test, IssuerAndAudienceIgnoredWhenNotConfigured) {
  boost::json::object claims = ValidClaims();
  claims["iss"] = 42;
  claims["aud"] = "someone-else";
  EXPECT_EQ(Reason(Sign(claims)), "");
}

// --- sub ------------------------------------------------------------------

TEST(JwtHs256Test, SubjectMustBeAStringOfOneTo128CharactersWithoutControls) {
  boost::json::object claims = ValidClaims();
  claims.erase("sub");
  EXPECT_EQ(Reason(Sign(claims)), "invalid subject");
  claims["sub"] = "";
  EXPECT_EQ(Reason(Sign(claims)), "invalid subject");
  claims["sub"] = 12345;
  EXPECT_EQ(Reason(Sign(claims)), "invalid subject");
  claims["sub"] = std::string(kMaxSubjectLength + 1, 'u');
  EXPECT_EQ(Reason(Sign(claims)), "invalid subject");
  claims["sub"] = "user\u0007";
  EXPECT_EQ(Reason(Sign(claims)), "invalid subject");
  claims["sub"] = std::string(kMaxSubjectLength, 'u');
  const Result<Principal> result = MakeVerifier().Verify(Sign(claims), kNow);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->user_id, std::string(kMaxSubjectLength, 'u'));
  // Characters, not bytes: 128 two-byte characters are 256 bytes.
  std::string accented;
  for (std::size_t i = 0; i < kMaxSubjectLength; ++i) accented += "\xC3\xA9";
  claims["sub"] = accented;
  EXPECT_EQ(Reason(Sign(claims)), "");
  claims["sub"] = accented + "\xC3\xA9";
  EXPECT_EQ(Reason(Sign(claims)), "invalid subject");
}

// --- Malformed tokens -----------------------------------------------------

TEST(JwtHs256Test, RejectsWrongNumberOfParts) {
  const std::string token = Sign(ValidClaims());
  EXPECT_EQ(Reason(""), "malformed token");
  EXPECT_EQ(Reason("abc"), "malformed token");
  EXPECT_EQ(Reason(token.substr(0, token.rfind('.'))), "malformed token");
  EXPECT_EQ(Reason(token + ".e30"), "malformed token");
  EXPECT_EQ(Reason(token + "."), "malformed token");
  EXPECT_EQ(Reason(".."), "malformed token header");
}

TEST(JwtHs256Test, RejectsBadBase64) {
  const std::string token = Sign(ValidClaims());
  EXPECT_EQ(Reason("eyJhbGciOiJIUzI1NiJ9=" + token.substr(token.find('.'))), "malformed token header");
  EXPECT_EQ(Reason("eyJhbGciOiJIUzI1NiJ9+" + token.substr(token.find('.'))), "malformed token header");
  EXPECT_EQ(Reason(token.substr(0, token.rfind('.')) + ".dBjf+JeZ"), "malformed token signature");
  // Correctly signed, so only the payload's encoding can be at fault.
  const std::string header = Base64UrlEncode(R"({"alg":"HS256"})");
  EXPECT_EQ(Reason(SignParts(header, "e30=")), "malformed token payload");
  EXPECT_EQ(Reason(SignParts(header, "e3*")), "malformed token payload");
}

TEST(JwtHs256Test, RejectsHeaderThatIsNotAJsonObject) {
  const std::string payload = boost::json::serialize(ValidClaims());
  EXPECT_EQ(Reason(SignRaw("not json", payload)), "malformed token header");
  EXPECT_EQ(Reason(SignRaw(R"(["HS256"])", payload)), "malformed token header");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"} trailing)", payload)), "malformed token header");
  EXPECT_EQ(Reason(SignRaw("", payload)), "malformed token header");
}

TEST(JwtHs256Test, RejectsPayloadThatIsNotAJsonObject) {
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"([{"sub":"u","exp":1800000000}])")),
            "malformed token payload");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"("sub")")), "malformed token payload");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"({"sub":"u",)")), "malformed token payload");
}

TEST(JwtHs256Test, RejectsTokenOverTheLengthLimit) {
  boost::json::object claims = ValidClaims();
  claims["pad"] = std::string(kMaxTokenLength, 'p');
  EXPECT_EQ(Reason(Sign(claims)), "token too long");
}

TEST(JwtHs256Test, DuplicateClaimsUseTheLastValue) {
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"HS256"})", R"({"sub":"u","exp":1800000000,"exp":1})")),
            "token expired");
  EXPECT_EQ(Reason(SignRaw(R"({"alg":"none","alg":"HS256"})", R"({"sub":"u","exp":1800000000})")), "");
}

// --- ExtractBearerToken ---------------------------------------------------

TEST(ExtractBearerTokenTest, AcceptsBearerSchemeCaseInsensitively) {
  EXPECT_EQ(ExtractBearerToken("Bearer abc"), "abc");
  EXPECT_EQ(ExtractBearerToken("bearer abc"), "abc");
  EXPECT_EQ(ExtractBearerToken("BEARER a.b.c"), "a.b.c");
}

TEST(ExtractBearerTokenTest, AcceptsSeveralSpacesAfterTheScheme) {
  EXPECT_EQ(ExtractBearerToken("Bearer  abc"), "abc");
  EXPECT_EQ(ExtractBearerToken("Bearer     abc"), "abc");
}

TEST(ExtractBearerTokenTest, RejectsEverythingElse) {
  EXPECT_EQ(ExtractBearerToken(""), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Basic abc"), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearer"), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearer "), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearer   "), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearerabc"), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearer a b"), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearer abc "), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearer\tabc"), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearer ab\tc"), std::nullopt);
  EXPECT_EQ(ExtractBearerToken(" Bearer abc"), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearers abc"), std::nullopt);
}

}  // namespace
}  // namespace wdrbe
