// The transport rules a request's header must pass before any of its body
// is read (docs/api.md, "Transport"): how the body is framed, headers that
// must not repeat, and what the client expects before sending the body.
// A request that breaks one cannot be trusted to frame the next request on
// its connection, so the server answers and closes.
#pragma once

#include <optional>

#include "wdrbe/base/error.hpp"
#include "wdrbe/http/types.hpp"

namespace wdrbe::http {

struct FramingVerdict {
  // Set when the request must be refused (400, 417) and the connection closed.
  std::optional<Error> error;
  // An HTTP/1.1 request that waits for `100 Continue` before its body.
  bool expects_continue = false;
};

// Refuses:
//   - a Transfer-Encoding other than exactly one `chunked`, chunked on
//     HTTP/1.0, and Transfer-Encoding together with Content-Length: any of
//     these lets a proxy and this server see different bodies (smuggling);
//   - Content-Length, Transfer-Encoding, Authorization, Content-Type or
//     Idempotency-Key sent more than once, where a proxy might pick another
//     copy than this server does;
//   - an Expect other than `100-continue` (417). HTTP/1.0 has no interim
//     responses, so there `100-continue` is ignored.
FramingVerdict CheckFraming(const HttpRequest& header);

}  // namespace wdrbe::http
