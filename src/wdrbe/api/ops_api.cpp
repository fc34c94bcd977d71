#include "wdrbe/api/ops_api.hpp"

#include "wdrbe/http/responses.hpp"

namespace wdrbe::api {

Task<http::HttpResponse> OpsApi::Healthz(http::RequestContext&) {
  static const boost::json::value kOk = {{"status", "ok"}};
  co_return http::JsonResponse(http::StatusCode::ok, kOk);
}

Task<http::HttpResponse> OpsApi::Readyz(http::RequestContext& context) {
  Status store = co_await store_.Ping();
  if (!store.ok()) {
    co_return http::JsonResponse(
        http::StatusCode::service_unavailable,
        {{"status", "unavailable"}, {"store", "down"}, {"requestId", context.request_id()}});
  }
  co_return http::JsonResponse(http::StatusCode::ok, {{"status", "ready"}, {"store", "ok"}});
}

}  // namespace wdrbe::api
