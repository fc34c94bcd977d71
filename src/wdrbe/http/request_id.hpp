// Request ids: a client's X-Request-Id is kept when it is 1-128 characters
// of [A-Za-z0-9._-] (so it is safe in logs and headers), else the server
// makes one. Every front end (the HTTP server, the Lambda API function)
// applies the same rule.
#pragma once

#include <cstddef>
#include <string_view>

namespace wdrbe::http {

inline constexpr std::size_t kMaxClientRequestIdLength = 128;

bool IsValidClientRequestId(std::string_view id);

}  // namespace wdrbe::http
