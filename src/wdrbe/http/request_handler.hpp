// What the server calls for each complete request. The server owns
// transport concerns (limits, timeouts, keep-alive, X-Request-Id); the
// handler turns a request into a response and must not throw.
#pragma once

#include <string_view>

#include "wdrbe/base/task.hpp"
#include "wdrbe/http/types.hpp"

namespace wdrbe::http {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Runs on the connection's strand. `request_id` outlives the call.
  virtual Task<HttpResponse> Handle(const HttpRequest& request, std::string_view request_id) = 0;
};

}  // namespace wdrbe::http
