#include "wdrbe/http/request_framing.hpp"

#include <array>
#include <boost/beast/core/string.hpp>
#include <string>

namespace wdrbe::http {
namespace {

constexpr std::array kSingleFields = {beast_http::field::content_length, beast_http::field::transfer_encoding,
                                      beast_http::field::authorization, beast_http::field::content_type};
constexpr std::string_view kIdempotencyKey = "Idempotency-Key";

Error Refused(std::string message) { return Error::BadRequest(std::move(message)); }

}  // namespace

FramingVerdict CheckFraming(const HttpRequest& header) {
  FramingVerdict verdict;
  for (beast_http::field field : kSingleFields) {
    if (header.count(field) > 1) {
      verdict.error = Refused("repeated " + std::string(beast_http::to_string(field)) + " header");
      return verdict;
    }
  }
  if (header.count(kIdempotencyKey) > 1) {
    verdict.error = Refused("repeated Idempotency-Key header");
    return verdict;
  }

  if (auto encoding = header.find(beast_http::field::transfer_encoding); encoding != header.end()) {
    if (!boost::beast::iequals(encoding->value(), "chunked")) {
      verdict.error = Refused("unsupported Transfer-Encoding (only \"chunked\" is accepted)");
    } else if (header.version() < 11) {
      verdict.error = Refused("Transfer-Encoding is not allowed in HTTP/1.0");
    } else if (header.count(beast_http::field::content_length) > 0) {
      verdict.error = Refused("Content-Length and Transfer-Encoding must not both be sent");
    }
    if (verdict.error) return verdict;
  }

  for (auto it = header.find(beast_http::field::expect);
       it != header.end() && it->name() == beast_http::field::expect; ++it) {
    if (!boost::beast::iequals(it->value(), "100-continue")) {
      verdict.error = Error{ErrorCode::kExpectationFailed, "only \"Expect: 100-continue\" is supported", {}};
      return verdict;
    }
    verdict.expects_continue = header.version() >= 11;
  }
  return verdict;
}

}  // namespace wdrbe::http
