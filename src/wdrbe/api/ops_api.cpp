#include "wdrbe/api/ops_api.hpp"

#include "wdrbe/http/responses.hpp"

namespace wdrbe::api {

Task<http::HttpResponse> OpsApi::Healthz(http::RequestContext&) {
  co_return http::JsonTextResponse(http::StatusCode::ok, R"({"status":"ok"})");
}

bool OpsApi::TakeRefreshTurn(std::int64_t& next_ms, std::int64_t interval_ms) {
  const std::int64_t now = clock_.NowMillis();
  std::lock_guard lock(probes_mutex_);
  if (now < next_ms) return false;
  next_ms = now + interval_ms;
  return true;
}

Task<http::HttpResponse> OpsApi::Readyz(http::RequestContext&) {
  if (TakeRefreshTurn(next_readiness_probe_ms_, kReadinessProbeIntervalMs)) {
    const bool store_ok = (co_await store_.Ping()).ok();
    const bool queue_ok = (co_await queue_.Depth()).ok();
    std::lock_guard lock(probes_mutex_);
    store_ok_ = store_ok;
    queue_ok_ = queue_ok;
  }
  bool store_ok = false;
  bool queue_ok = false;
  {
    std::lock_guard lock(probes_mutex_);
    store_ok = store_ok_;
    queue_ok = queue_ok_;
  }
  const std::string worker = worker_state_();
  const bool worker_ok = worker != "stopped";
  const bool ready = store_ok && queue_ok && worker_ok;
  co_return http::JsonResponse(ready ? http::StatusCode::ok : http::StatusCode::service_unavailable,
                               {{"status", ready ? "ready" : "unavailable"},
                                {"store", store_ok ? "ok" : "down"},
                                {"queue", queue_ok ? "ok" : "down"},
                                {"worker", worker}});
}

Task<http::HttpResponse> OpsApi::Metrics(http::RequestContext&) {
  // A store that does not answer leaves the gauges at their last value;
  // readiness reports the outage.
  if (TakeRefreshTurn(next_depth_refresh_ms_, kDepthRefreshIntervalMs)) {
    if (auto depth = co_await queue_.Depth(); depth.ok())
      metrics_.queue.depth.Set(static_cast<double>(*depth));
    if (auto dead = co_await dead_letters_.Depth(); dead.ok()) {
      metrics_.queue.dead_letters.Set(static_cast<double>(*dead));
    }
  }
  http::HttpResponse response{http::StatusCode::ok, 11};
  response.set(http::beast_http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.set(http::beast_http::field::cache_control, "no-store");
  response.body() = metrics_.registry().Render();
  co_return response;
}

}  // namespace wdrbe::api
