// The request pipeline: continue or start the request's trace, parse the
// target, answer CORS preflights, route (404/405), keep loopback-only
// routes to loopback clients (403), authenticate routes that need it (401),
// throttle in the contract's order (see rate_limiter.hpp), run the handler,
// turn anything unexpected into a 500 without details, add CORS and
// traceparent headers, and report the request to the observer (access log,
// metrics).
#pragma once

#include <boost/url/url_view.hpp>
#include <functional>
#include <optional>
#include <variant>

#include "wdrbe/base/random.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/http/cors.hpp"
#include "wdrbe/http/rate_limiter.hpp"
#include "wdrbe/http/request_handler.hpp"
#include "wdrbe/http/request_observer.hpp"
#include "wdrbe/http/router.hpp"
#include "wdrbe/tracing/sampler.hpp"

namespace wdrbe::http {

// Verifies the credentials of a request; kUnauthorized when they fail.
using Authenticator = std::function<Result<Principal>(const HttpRequest&)>;

class Dispatcher final : public RequestHandler {
 public:
  // `limiter` (optional, outlives the dispatcher) throttles every request
  // but those of public and loopback-only routes (health checks, metrics):
  // by client address when it has no valid token (or no route), else by
  // user and then server-wide. `random` makes span and trace ids;
  // `observer` (optional) hears of every answered request; `sampler`
  // (optional: then every new trace is sampled and continued ones keep the
  // caller's flag) decides the sampled flag. All outlive the dispatcher.
  Dispatcher(Router router, Authenticator authenticate, CorsPolicy cors, RateLimiter* limiter,
             RandomSource& random, RequestObserver* observer, const tracing::Sampler* sampler = nullptr)
      : router_(std::move(router)),
        authenticate_(std::move(authenticate)),
        cors_(std::move(cors)),
        limiter_(limiter),
        random_(random),
        observer_(observer),
        sampler_(sampler) {}

  const Router& router() const { return router_; }

  Task<HttpResponse> Handle(const HttpRequest& request, std::string_view request_id,
                            const ClientAddress& client, BodyStreamSlot body_stream) override;
  // Routing, the loopback rule and authentication, without throttling.
  std::optional<HttpResponse> Precheck(const HttpRequest& header, std::string_view request_id,
                                       const ClientAddress& client) override;
  // The larger limit of a route that has one (Route::max_body_bytes), for
  // a request the route would admit (routing, loopback rule, token).
  std::size_t LargestBodyBytes() const override;
  std::size_t MaxBodyBytes(const HttpRequest& header, const ClientAddress& client) override;
  // Adds the CORS headers when the request's header is known.
  void OnTransportError(const HttpRequest* header, HttpResponse& response,
                        std::string_view request_id) override;

 private:
  // What routing learnt of the request, for the observer.
  struct Routed {
    int route_index = -1;
    std::string user_id;
    std::string item_id;
  };
  // A request that may reach its handler, or the answer it gets instead.
  struct Admitted {
    const Route* route = nullptr;
    PathParams params;
    Principal principal;
  };
  // Everything before the handler; `throttle` false for Precheck, which
  // must not charge any bucket (Handle runs in full afterwards).
  std::variant<Admitted, HttpResponse> Admit(const HttpRequest& request, boost::urls::url_view url,
                                             std::string_view request_id, const ClientAddress& client,
                                             bool throttle, Routed& routed);
  // The route's authentication when it accepts `access_token` too.
  Result<Principal> AuthenticateWithQueryToken(const HttpRequest& request, boost::urls::url_view url);
  Task<HttpResponse> Route(const HttpRequest& request, std::string_view request_id,
                           const ClientAddress& client, const obs::TraceContext& trace,
                           BodyStreamSlot body_stream, Routed& routed);
  Router router_;
  Authenticator authenticate_;
  CorsPolicy cors_;
  RateLimiter* limiter_;
  RandomSource& random_;
  RequestObserver* observer_;
  const tracing::Sampler* sampler_;
};

}  // namespace wdrbe::http
