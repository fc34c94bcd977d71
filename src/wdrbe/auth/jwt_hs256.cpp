#include "wdrbe/auth/jwt_hs256.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <limits>
#include <utility>

#include "wdrbe/base/base64url.hpp"
#include "wdrbe/base/crypto.hpp"

// Verify checks in this order and reports the first failure, so a token that
// breaks several rules always gets the same reason:
//   1. total length, then exactly three base64url parts;
//   2. header: a JSON object, `alg` exactly "HS256", no `crit`, `typ` a string
//      when present;
//   3. signature (an empty secret never matches);
//   4. payload: a JSON object;
//   5. `exp` (required), 6. `nbf`, 7. `iss`, 8. `aud`, 9. `sub`.
// The signature comes before anything in the payload is read, so no claim of
// an unauthenticated token can influence the outcome; the header is read first
// only to pin the algorithm.

namespace wdrbe {
namespace {

constexpr std::string_view kAlgorithm = "HS256";
constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view kBearerScheme = "Bearer";

constexpr std::int64_t kMinSeconds = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max();

Error Reject(std::string reason) { return Error::Unauthorized(std::move(reason)); }

// Decodes one base64url part and parses it as a JSON object. Boost.JSON keeps
// the lexically last of duplicate members, which RFC 7515 section 4 allows.
std::optional<boost::json::object> ParseObjectPart(std::string_view part) {
  const std::optional<std::string> bytes = Base64UrlDecode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(*bytes, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

enum class Rounding { kDown, kUp };

// A NumericDate as whole seconds. Rounding a fractional `exp` down and a
// fractional `nbf` up keeps the integer comparisons below exactly equivalent
// to comparing with the fractional value, since `now` is whole seconds.
// Values outside int64 saturate; non-finite and non-numeric values are
// invalid.
std::optional<std::int64_t> NumericDate(const boost::json::value& value, Rounding rounding) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) return kMaxSeconds;  // only values above int64 max land here
  if (!value.is_double()) return std::nullopt;
  const double seconds = value.get_double();
  if (!std::isfinite(seconds)) return std::nullopt;
  const double whole = rounding == Rounding::kDown ? std::floor(seconds) : std::ceil(seconds);
  // 2^63 is exactly representable; anything at or beyond it saturates.
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (whole >= kTwoTo63) return kMaxSeconds;
  if (whole < -kTwoTo63) return kMinSeconds;
  return static_cast<std::int64_t>(whole);
}

// Claims may carry any int64, so `exp + leeway` must not overflow.
std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {
  if (b > 0 && a > kMaxSeconds - b) return kMaxSeconds;
  if (b < 0 && a < kMinSeconds - b) return kMinSeconds;
  return a + b;
}

bool AudienceMatches(const boost::json::value& aud, std::string_view expected) {
  if (aud.is_string()) return aud.get_string() == expected;
  if (!aud.is_array()) return false;
  for (const boost::json::value& entry : aud.get_array()) {
    if (entry.is_string() && entry.get_string() == expected) return true;
  }
  return false;
}

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
  if (token.size() > kMaxTokenLength) return Reject("token too long");

  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return Reject("malformed token");
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return Reject("malformed token");
  if (token.find('.', second_dot + 1) != std::string_view::npos) return Reject("malformed token");
  const std::string_view header_b64 = token.substr(0, first_dot);
  const std::string_view payload_b64 = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_b64 = token.substr(second_dot + 1);

  const std::optional<boost::json::object> header = ParseObjectPart(header_b64);
  if (!header) return Reject("malformed token header");
  // The algorithm is pinned by configuration, never chosen by the token: this
  // is what stops "none" and key-confusion attacks.
  const boost::json::value* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != kAlgorithm) {
    return Reject("unsupported token algorithm");
  }
  // We implement no header extensions, and RFC 7515 section 4.1.11 requires
  // rejecting a token that marks any as critical.
  if (header->contains("crit")) return Reject("unsupported critical header");
  if (const boost::json::value* typ = header->if_contains("typ"); typ != nullptr && !typ->is_string()) {
    return Reject("malformed token header");
  }

  const std::optional<std::string> signature = Base64UrlDecode(signature_b64);
  if (!signature) return Reject("malformed token signature");
  // An empty key would make the MAC computable by anyone, so a missing secret
  // fails closed instead of verifying.
  if (options_.secret.empty()) return Reject("invalid token signature");
  const std::string signing_input = std::string(token.substr(0, second_dot));
  if (!ConstantTimeEqual(HmacSha256(options_.secret, signing_input), *signature)) {
    return Reject("invalid token signature");
  }

  const std::optional<boost::json::object> claims = ParseObjectPart(payload_b64);
  if (!claims) return Reject("malformed token payload");

  const boost::json::value* exp_value = claims->if_contains("exp");
  if (exp_value == nullptr) return Reject("token has no exp");
  const std::optional<std::int64_t> exp = NumericDate(*exp_value, Rounding::kDown);
  if (!exp) return Reject("invalid exp");
  if (now_s > SaturatingAdd(*exp, options_.leeway_s)) return Reject("token expired");

  if (const boost::json::value* nbf_value = claims->if_contains("nbf"); nbf_value != nullptr) {
    const std::optional<std::int64_t> nbf = NumericDate(*nbf_value, Rounding::kUp);
    if (!nbf) return Reject("invalid nbf");
    if (SaturatingAdd(now_s, options_.leeway_s) < *nbf) return Reject("token not yet valid");
  }

  if (options_.issuer) {
    const boost::json::value* iss = claims->if_contains("iss");
    if (iss == nullptr || !iss->is_string() || iss->get_string() != *options_.issuer) {
      return Reject("invalid issuer");
    }
  }

  if (options_.audience) {
    const boost::json::value* aud = claims->if_contains("aud");
    if (aud == nullptr || !AudienceMatches(*aud, *options_.audience)) return Reject("invalid audience");
  }

  // The limit counts bytes: `sub` becomes the user id stored and compared as
  // bytes, and for ASCII ids bytes and characters agree.
  const boost::json::value* sub = claims->if_contains("sub");
  if (sub == nullptr || !sub->is_string() || sub->get_string().empty() ||
      sub->get_string().size() > kMaxSubjectLength) {
    return Reject("invalid subject");
  }
  return Principal{std::string(sub->get_string())};
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
