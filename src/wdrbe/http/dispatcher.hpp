// The request pipeline: parse the target, answer CORS preflights, route
// (404/405), authenticate routes that need it (401), run the handler, turn
// anything unexpected into a 500 without details, and add CORS headers.
#pragma once

#include <functional>

#include "wdrbe/base/result.hpp"
#include "wdrbe/http/cors.hpp"
#include "wdrbe/http/rate_limiter.hpp"
#include "wdrbe/http/request_handler.hpp"
#include "wdrbe/http/router.hpp"

namespace wdrbe::http {

// Verifies the credentials of a request; kUnauthorized when they fail.
using Authenticator = std::function<Result<Principal>(const HttpRequest&)>;

class Dispatcher final : public RequestHandler {
 public:
  // `limiter` (optional, outlives the dispatcher) throttles every request
  // but those of public routes (health checks): globally before the token
  // is verified, then per user.
  Dispatcher(Router router, Authenticator authenticate, CorsPolicy cors, RateLimiter* limiter)
      : router_(std::move(router)),
        authenticate_(std::move(authenticate)),
        cors_(std::move(cors)),
        limiter_(limiter) {}

  Task<HttpResponse> Handle(const HttpRequest& request, std::string_view request_id) override;

 private:
  Task<HttpResponse> Route(const HttpRequest& request, std::string_view request_id);
  Router router_;
  Authenticator authenticate_;
  CorsPolicy cors_;
  RateLimiter* limiter_;
};

}  // namespace wdrbe::http
