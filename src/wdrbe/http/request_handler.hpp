// What the server calls for each request. The server owns transport
// concerns (limits, timeouts, keep-alive, X-Request-Id); the handler turns a
// request into a response and must not throw.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "wdrbe/base/task.hpp"
#include "wdrbe/http/body_stream.hpp"
#include "wdrbe/http/types.hpp"

namespace wdrbe::http {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Runs on the connection's strand. `request_id` outlives the call. A
  // handler may answer with a head and leave a BodyStream in `body_stream`
  // (when not null) to write the body over time.
  virtual Task<HttpResponse> Handle(const HttpRequest& request, std::string_view request_id,
                                    const ClientAddress& client, BodyStreamSlot body_stream) = 0;

  // Called with the header of a request that asks `Expect: 100-continue`,
  // before the server invites its body: the answer to send instead (the
  // body is then never read), or nullopt to go on. Must be cheap, must not
  // change state (Handle still runs in full once the body is in), and must
  // not throw. Runs on the connection's strand.
  virtual std::optional<HttpResponse> Precheck(const HttpRequest& /*header*/, std::string_view /*request_id*/,
                                               const ClientAddress& /*client*/) {
    return std::nullopt;
  }

  // Body limits above the server's own, for routes that take large bodies
  // (photo uploads). LargestBodyBytes: the most any request may send (0:
  // none above the server's). MaxBodyBytes: once a request's header is in,
  // and only for one that declares a body over the server's limit or sends
  // one chunked, what this request may send (0: the server's limit); a
  // route grants its larger limit only to callers it would admit, so that
  // no one without a valid token makes the server hold more. Both must be
  // cheap, must not change state and must not throw; MaxBodyBytes runs on
  // the connection's strand.
  virtual std::size_t LargestBodyBytes() const { return 0; }
  virtual std::size_t MaxBodyBytes(const HttpRequest& /*header*/, const ClientAddress& /*client*/) {
    return 0;
  }

  // Called before the server sends an error of its own for a request it
  // could not take in (400 malformed, 413, 417, 431), which never reaches
  // Handle, so that such responses get the headers every response carries
  // (CORS). `header` is the request's parsed header, or nullptr when the
  // header itself could not be read. X-Request-Id and Connection are set
  // after the call. Runs on the connection's strand; must not throw.
  virtual void OnTransportError(const HttpRequest* /*header*/, HttpResponse& /*response*/,
                                std::string_view /*request_id*/) {}
};

}  // namespace wdrbe::http
