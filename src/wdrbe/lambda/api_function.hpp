// `wdrbe lambda api`: an API Gateway REST proxy event in, the proxy
// response out, through the same request handler (the dispatcher: routes,
// auth, validation, CORS, errors, the access log) that `serve` puts behind
// its listener. What the HTTP server does before and after the handler is
// done here for events instead:
//
// - the body and the header block are held to the server's limits (413,
//   431), and the framing rules that still mean something once API Gateway
//   has framed the request (a repeated Authorization, Content-Type or
//   Idempotency-Key: 400), answered with the handler's headers (CORS);
//   API Gateway's own Content-Length, Transfer-Encoding and Expect are
//   dropped, since the body arrives whole;
// - X-Request-Id: the client's when valid, else API Gateway's request id,
//   else a new one; set on every response;
// - HEAD answers without a body.
//
// Events that are not API Gateway's fail the invocation (Runtime.InvalidEvent).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "wdrbe/http/request_handler.hpp"
#include "wdrbe/http/server.hpp"
#include "wdrbe/lambda/invocation.hpp"

namespace wdrbe::lambda {

struct ApiFunctionLimits {
  std::size_t max_body_bytes = http::kMaxBodyBytes;
  std::size_t max_header_bytes = http::kMaxHeaderBytes;
};

class ApiFunction final : public InvocationHandler {
 public:
  using RequestIdSource = std::function<std::string()>;

  // `handler` outlives the function.
  ApiFunction(http::RequestHandler& handler, RequestIdSource new_request_id, ApiFunctionLimits limits = {})
      : handler_(handler), new_request_id_(std::move(new_request_id)), limits_(limits) {}

  Task<Result<std::string>> Invoke(const Invocation& invocation) override;

 private:
  http::RequestHandler& handler_;
  RequestIdSource new_request_id_;
  ApiFunctionLimits limits_;
};

}  // namespace wdrbe::lambda
