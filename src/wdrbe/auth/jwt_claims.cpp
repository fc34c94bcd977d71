#include "wdrbe/auth/jwt_claims.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <limits>
#include <utility>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/utf8.hpp"

namespace wdrbe {
namespace {

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

}  // namespace

Result<CompactJws> SplitCompactJws(std::string_view token) {
  if (token.size() > kMaxTokenLength) return Reject("token too long");
  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return Reject("malformed token");
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return Reject("malformed token");
  if (token.find('.', second_dot + 1) != std::string_view::npos) return Reject("malformed token");
  std::optional<boost::json::object> header = ParseObjectPart(token.substr(0, first_dot));
  if (!header) return Reject("malformed token header");
  return CompactJws{std::move(*header), token.substr(0, second_dot),
                    token.substr(first_dot + 1, second_dot - first_dot - 1), token.substr(second_dot + 1)};
}

std::string_view HeaderAlgorithm(const boost::json::object& header) {
  const boost::json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return {};
  return alg->get_string();
}

Status CheckHeaderParameters(const boost::json::object& header) {
  if (header.contains("crit")) return Reject("unsupported critical header");
  if (const boost::json::value* typ = header.if_contains("typ"); typ != nullptr && !typ->is_string()) {
    return Reject("malformed token header");
  }
  return Status::Ok();
}

Result<std::string> DecodeSignature(const CompactJws& jws) {
  std::optional<std::string> signature = Base64UrlDecode(jws.signature_b64);
  if (!signature) return Reject("malformed token signature");
  return std::move(*signature);
}

Result<Principal> CheckClaims(std::string_view payload_b64, const ClaimRules& rules, std::int64_t now_s) {
  const std::optional<boost::json::object> claims = ParseObjectPart(payload_b64);
  if (!claims) return Reject("malformed token payload");

  const boost::json::value* exp_value = claims->if_contains("exp");
  if (exp_value == nullptr) return Reject("token has no exp");
  const std::optional<std::int64_t> exp = NumericDate(*exp_value, Rounding::kDown);
  if (!exp) return Reject("invalid exp");
  if (now_s > SaturatingAdd(*exp, rules.leeway_s)) return Reject("token expired");

  if (const boost::json::value* nbf_value = claims->if_contains("nbf"); nbf_value != nullptr) {
    const std::optional<std::int64_t> nbf = NumericDate(*nbf_value, Rounding::kUp);
    if (!nbf) return Reject("invalid nbf");
    if (SaturatingAdd(now_s, rules.leeway_s) < *nbf) return Reject("token not yet valid");
  }

  if (rules.issuer) {
    const boost::json::value* iss = claims->if_contains("iss");
    if (iss == nullptr || !iss->is_string() || iss->get_string() != *rules.issuer) {
      return Reject("invalid issuer");
    }
  }

  if (rules.audience) {
    const boost::json::value* aud = claims->if_contains("aud");
    if (aud == nullptr || !AudienceMatches(*aud, *rules.audience)) return Reject("invalid audience");
  }

  const boost::json::value* sub = claims->if_contains("sub");
  if (sub == nullptr || !sub->is_string() || !IsValidSubject(sub->get_string())) {
    return Reject("invalid subject");
  }
  Principal principal;
  principal.user_id = std::string(sub->get_string());
  principal.accepted_until_s = SaturatingAdd(*exp, rules.leeway_s);
  return principal;
}

bool IsValidSubject(std::string_view subject) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < subject.size();) {
    const std::optional<char32_t> code = NextCodePoint(subject, i);
    if (!code || IsControlCodePoint(*code)) return false;
    if (++characters > kMaxSubjectLength) return false;
  }
  return characters > 0;
}

}  // namespace wdrbe
