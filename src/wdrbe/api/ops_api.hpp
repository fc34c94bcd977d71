// Operations endpoints (no token): liveness, readiness and metrics.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/queue/dead_letter_queue.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe::api {

// Neither endpoint needs a token, so neither may let a client turn its
// requests into store work at will: what costs a query (the store and queue
// probes of /readyz, the queue depths of /metrics) is computed at most once
// per interval, however often it is asked for, and shared meanwhile.
inline constexpr std::int64_t kReadinessProbeIntervalMs = 1'000;
inline constexpr std::int64_t kDepthRefreshIntervalMs = 2'000;

class OpsApi {
 public:
  // `worker_state` says "running", "stopped" or "disabled" (no worker in
  // this process: an API-only instance of a scaled-out deployment).
  OpsApi(ItemStore& store, ShareQueue& queue, DeadLetterQueue& dead_letters,
         std::function<std::string()> worker_state, obs::ServiceMetrics& metrics, const Clock& clock)
      : store_(store),
        queue_(queue),
        dead_letters_(dead_letters),
        worker_state_(std::move(worker_state)),
        metrics_(metrics),
        clock_(clock) {}

  Task<http::HttpResponse> Healthz(http::RequestContext& context);  // 200 while the process runs
  // 200 when the store and queue answer and the worker runs; else 503. The
  // store and queue are probed at most once per kReadinessProbeIntervalMs.
  Task<http::HttpResponse> Readyz(http::RequestContext& context);
  // Prometheus text format; queue depths are read from the store at most
  // once per kDepthRefreshIntervalMs.
  Task<http::HttpResponse> Metrics(http::RequestContext& context);

 private:
  // True when the caller is the one to refresh now: `next_ms` has passed,
  // and is moved on by `interval_ms` so that concurrent callers reuse the
  // last figures instead.
  bool TakeRefreshTurn(std::int64_t& next_ms, std::int64_t interval_ms);

  ItemStore& store_;
  ShareQueue& queue_;
  DeadLetterQueue& dead_letters_;
  std::function<std::string()> worker_state_;
  obs::ServiceMetrics& metrics_;
  const Clock& clock_;
  std::mutex probes_mutex_;
  std::int64_t next_readiness_probe_ms_ = 0;  // guarded by probes_mutex_
  bool store_ok_ = false;                     // guarded by probes_mutex_
  bool queue_ok_ = false;                     // guarded by probes_mutex_
  std::int64_t next_depth_refresh_ms_ = 0;    // guarded by probes_mutex_
};

}  // namespace wdrbe::api
