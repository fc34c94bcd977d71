// How the server reads one request, apart from the socket it reads from:
// the parser's limits, and what each way a read can fail means to the
// client. The server's read loop and the HTTP fuzzer share it, so the
// fuzzer drives the same parser setup and the same refusals.
#pragma once

#include <boost/beast/http/parser.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <optional>

#include "wdrbe/base/error.hpp"
#include "wdrbe/http/types.hpp"

namespace wdrbe::http {

struct RequestLimits {
  std::size_t max_header_bytes = 0;    // request line and header fields
  std::size_t max_body_bytes = 0;      // the body, however framed
  std::size_t max_unparsed_bytes = 0;  // the read buffer: what is held but not yet parsed
};

using RequestParser = beast_http::request_parser<beast_http::string_body>;

// Sets the header and body limits (the buffer's is the caller's: a
// beast::flat_buffer constructed with max_unparsed_bytes).
void ApplyLimits(RequestParser& parser, const RequestLimits& limits);

// Why a request is refused before it reaches the handler. The connection
// is closed after the answer: its stream can no longer be trusted to frame
// a next request.
struct Refusal {
  Error error;
  bool header_too_large = false;  // answered 431 rather than the error's status
};

// The refusals of a body or a header block over its limit (413, and 400
// answered as 431), for every front end that takes requests in.
Refusal BodyTooLarge(std::size_t max_body_bytes);
Refusal HeaderTooLarge(std::size_t max_header_bytes);

enum class ReadPhase { kHeader, kBody };

// The refusal for a read that failed with `ec` (not a peer that left: the
// caller checks that first).
Refusal RefusalForReadError(const boost::system::error_code& ec, ReadPhase phase,
                            const RequestLimits& limits);

// Once the header is parsed: a declared body over the limit, or a framing
// rule broken (request_framing.hpp). `expects_continue` tells whether the
// client waits for 100 Continue.
std::optional<Refusal> RefusalForHeader(const RequestParser& parser, const RequestLimits& limits,
                                        bool& expects_continue);

}  // namespace wdrbe::http
