// Vocabulary for failures: a closed set of codes that every layer speaks.
// The HTTP layer maps each code to one status in one function
// (http/error_response.cpp); nothing else decides statuses.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace wdrbe {

enum class ErrorCode {
  kBadRequest,            // malformed JSON, bad query parameter
  kValidationFailed,      // a field breaks its rule; see Error::field_errors
  kInvalidCursor,         // cursor altered, foreign, or for other filters
  kUnauthorized,          // missing or invalid credentials
  kForbidden,             // authenticated, but not allowed
  kNotFound,              // absent, or not visible to the caller
  kMethodNotAllowed,      // route exists, method does not
  kConflict,              // the resource belongs to someone else
  kIdempotencyKeyInUse,   // the first request with this key is in flight
  kPayloadTooLarge,       // body over the limit
  kUnsupportedMediaType,  // body without application/json
  kIdempotencyKeyReused,  // same key, different payload
  kExpectationFailed,     // an Expect header the server does not meet
  kTooManyRequests,       // throttled
  kNotImplemented,        // this deployment cannot serve the route (the stream in Lambda)
  kInternal,              // a bug or an unexpected failure; no details leak
  kUnavailable,           // temporarily unable (store down, shutting down)
};

struct FieldError {
  std::string field;
  std::string message;
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// An error value. `message` is safe to show to clients for 4xx codes; for
// kInternal/kUnavailable the HTTP layer replaces it with a generic text.
struct Error {
  ErrorCode code;
  std::string message;
  std::vector<FieldError> field_errors;

  static Error BadRequest(std::string m) { return {ErrorCode::kBadRequest, std::move(m), {}}; }
  static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m), {}}; }
  static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m), {}}; }
  static Error Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m), {}}; }
  static Error Unauthorized(std::string m) { return {ErrorCode::kUnauthorized, std::move(m), {}}; }

  // The service's own failure (a bug, a store down) rather than a refusal
  // the caller can act on (not found, forbidden, conflict, ...).
  bool IsServiceFailure() const { return code == ErrorCode::kInternal || code == ErrorCode::kUnavailable; }
};

}  // namespace wdrbe
