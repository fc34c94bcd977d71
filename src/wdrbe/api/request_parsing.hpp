// Shared request-reading rules of the API: JSON bodies (415/400), the
// `limit` and `cursor` query parameters, and the path-user check (403).
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/http/request_context.hpp"

namespace wdrbe::api {

// The body as JSON: kUnsupportedMediaType unless Content-Type is
// application/json (parameters allowed); kBadRequest if empty or malformed.
Result<boost::json::value> ParseJsonBody(const http::RequestContext& context);

// `limit`: an integer 1..kMaxPageSize, kDefaultPageSize when absent.
Result<int> ParseLimit(const http::RequestContext& context);

// `cursor`: the raw text if present; kInvalidCursor if empty or too long.
Result<std::optional<std::string>> ParseCursor(const http::RequestContext& context);

// kForbidden unless the path's {userId} is the caller.
Status RequireSelf(const http::RequestContext& context);

}  // namespace wdrbe::api
