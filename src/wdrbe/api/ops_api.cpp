#include "wdrbe/api/ops_api.hpp"

#include "wdrbe/http/responses.hpp"

namespace wdrbe::api {

Task<http::HttpResponse> OpsApi::Healthz(http::RequestContext&) {
  static const boost::json::value kOk = {{"status", "ok"}};
  co_return http::JsonResponse(http::StatusCode::ok, kOk);
}

Task<http::HttpResponse> OpsApi::Readyz(http::RequestContext&) {
  const bool store_ok = (co_await store_.Ping()).ok();
  const bool queue_ok = (co_await queue_.Depth()).ok();
  const std::string worker = worker_state_();
  const bool worker_ok = worker != "stopped";
  const bool ready = store_ok && queue_ok && worker_ok;
  co_return http::JsonResponse(ready ? http::StatusCode::ok : http::StatusCode::service_unavailable,
                               {{"status", ready ? "ready" : "unavailable"},
                                {"store", store_ok ? "ok" : "down"},
                                {"queue", queue_ok ? "ok" : "down"},
                                {"worker", worker}});
}

}  // namespace wdrbe::api
