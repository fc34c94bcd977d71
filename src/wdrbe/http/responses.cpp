#include "wdrbe/http/responses.hpp"

#include <boost/json/serialize.hpp>

#include "wdrbe/base/json_writer.hpp"

namespace wdrbe::http {

HttpResponse JsonResponse(StatusCode status, const boost::json::value& body) {
  return JsonTextResponse(status, boost::json::serialize(body));
}

HttpResponse JsonTextResponse(StatusCode status, std::string body) {
  HttpResponse response{status, 11};
  response.set(beast_http::field::content_type, "application/json");
  response.body() = std::move(body);
  return response;
}

HttpResponse EmptyResponse(StatusCode status) { return HttpResponse{status, 11}; }

StatusCode StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kValidationFailed:
    case ErrorCode::kInvalidCursor:
      return StatusCode::bad_request;
    case ErrorCode::kUnauthorized:
      return StatusCode::unauthorized;
    case ErrorCode::kForbidden:
      return StatusCode::forbidden;
    case ErrorCode::kNotFound:
      return StatusCode::not_found;
    case ErrorCode::kMethodNotAllowed:
      return StatusCode::method_not_allowed;
    case ErrorCode::kConflict:
    case ErrorCode::kIdempotencyKeyInUse:
      return StatusCode::conflict;
    case ErrorCode::kPayloadTooLarge:
      return StatusCode::payload_too_large;
    case ErrorCode::kUnsupportedMediaType:
      return StatusCode::unsupported_media_type;
    case ErrorCode::kIdempotencyKeyReused:
      return StatusCode::unprocessable_entity;
    case ErrorCode::kExpectationFailed:
      return StatusCode::expectation_failed;
    case ErrorCode::kTooManyRequests:
      return StatusCode::too_many_requests;
    case ErrorCode::kNotImplemented:
      return StatusCode::not_implemented;
    case ErrorCode::kUnavailable:
      return StatusCode::service_unavailable;
    case ErrorCode::kInternal:
      break;
  }
  return StatusCode::internal_server_error;
}

std::string_view WireCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "bad_request";
    case ErrorCode::kValidationFailed:
      return "validation_failed";
    case ErrorCode::kInvalidCursor:
      return "invalid_cursor";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kIdempotencyKeyInUse:
      return "idempotency_key_in_use";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::kIdempotencyKeyReused:
      return "idempotency_key_reused";
    case ErrorCode::kExpectationFailed:
      return "expectation_failed";
    case ErrorCode::kTooManyRequests:
      return "too_many_requests";
    case ErrorCode::kNotImplemented:
      return "not_implemented";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      break;
  }
  return "internal_error";
}

HttpResponse ErrorResponse(const Error& error, std::string_view request_id) {
  const StatusCode status = StatusFor(error.code);
  std::string body;
  body.reserve(96 + error.message.size() + request_id.size());
  JsonWriter json(body);
  json.BeginObject().Member("error", WireCode(error.code));
  if (error.code == ErrorCode::kInternal) {
    json.Member("message", "internal error");
  } else if (error.code == ErrorCode::kUnavailable) {
    json.Member("message", "the service is temporarily unavailable; retry later");
  } else {
    json.Member("message", error.message);
  }
  json.Member("requestId", request_id);
  if (!error.field_errors.empty()) {
    json.Key("errors").BeginArray();
    for (const FieldError& fe : error.field_errors) {
      json.BeginObject().Member("field", fe.field).Member("message", fe.message).EndObject();
    }
    json.EndArray();
  }
  json.EndObject();
  HttpResponse response = JsonTextResponse(status, std::move(body));
  if (status == StatusCode::unauthorized) response.set(beast_http::field::www_authenticate, "Bearer");
  if (status == StatusCode::service_unavailable) response.set(beast_http::field::retry_after, "1");
  return response;
}

}  // namespace wdrbe::http
