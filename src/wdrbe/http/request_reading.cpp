#include "wdrbe/http/request_reading.hpp"

#include <boost/beast/http/error.hpp>
#include <string>

#include "wdrbe/http/request_framing.hpp"

namespace wdrbe::http {
namespace {

std::string KiB(std::size_t bytes) { return std::to_string(bytes / 1024) + " KiB"; }

}  // namespace

Refusal BodyTooLarge(std::size_t max_body_bytes) {
  return {Error{ErrorCode::kPayloadTooLarge, "request body is larger than " + KiB(max_body_bytes), {}}};
}

Refusal HeaderTooLarge(std::size_t max_header_bytes) {
  return {Error::BadRequest("request header block is larger than " + KiB(max_header_bytes)), true};
}

void ApplyLimits(RequestParser& parser, const RequestLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
}

Refusal RefusalForReadError(const boost::system::error_code& ec, ReadPhase phase,
                            const RequestLimits& limits) {
  // Beast checks a declared Content-Length against the body limit while
  // reading the header, before any of the body is read.
  if (ec == beast_http::error::body_limit) return BodyTooLarge(limits.max_body_bytes);
  if (phase == ReadPhase::kHeader) {
    if (ec == beast_http::error::header_limit || ec == beast_http::error::buffer_overflow) {
      return HeaderTooLarge(limits.max_header_bytes);
    }
    return {Error::BadRequest("malformed HTTP request")};
  }
  if (ec == beast_http::error::buffer_overflow) {
    // Beast keeps a chunk-size line (with its extensions) or a trailer
    // whole in the buffer until it ends.
    return {Error::BadRequest("chunk header or trailer is larger than " + KiB(limits.max_unparsed_bytes))};
  }
  return {Error::BadRequest("malformed HTTP request body")};
}

std::optional<Refusal> RefusalForHeader(const RequestParser& parser, const RequestLimits& limits,
                                        bool& expects_continue) {
  expects_continue = false;
  if (parser.content_length() && *parser.content_length() > limits.max_body_bytes)
    return BodyTooLarge(limits.max_body_bytes);
  FramingVerdict framing = CheckFraming(parser.get());
  if (framing.error) return Refusal{std::move(*framing.error)};
  expects_continue = framing.expects_continue;
  return std::nullopt;
}

}  // namespace wdrbe::http
