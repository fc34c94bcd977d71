// Building responses: JSON bodies, and the one mapping from ErrorCode to
// HTTP status and wire code. Every error the service sends goes through
// ErrorResponse, so the shape {"error","message","requestId"} never varies.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "wdrbe/base/error.hpp"
#include "wdrbe/http/types.hpp"

namespace wdrbe::http {

HttpResponse JsonResponse(StatusCode status, const boost::json::value& body);
// A response whose body is JSON text already (see base/json_writer.hpp).
HttpResponse JsonTextResponse(StatusCode status, std::string body);
HttpResponse EmptyResponse(StatusCode status);

// The status for a code (e.g. kIdempotencyKeyReused -> 422).
StatusCode StatusFor(ErrorCode code);
// The contract's wire name for a code (e.g. "idempotency_key_reused").
std::string_view WireCode(ErrorCode code);

// An error response. 5xx messages are replaced by a generic text so that no
// internal detail reaches a client. Adds `WWW-Authenticate` for 401.
HttpResponse ErrorResponse(const Error& error, std::string_view request_id);

}  // namespace wdrbe::http
