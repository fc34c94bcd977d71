// Operations endpoints (no token): liveness, readiness and metrics.
#pragma once

#include <functional>
#include <string>

#include "wdrbe/base/task.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/queue/dead_letter_queue.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe::api {

class OpsApi {
 public:
  // `worker_state` says "running", "stopped" or "disabled" (no worker in
  // this process: an API-only instance of a scaled-out deployment).
  OpsApi(ItemStore& store, ShareQueue& queue, DeadLetterQueue& dead_letters,
         std::function<std::string()> worker_state, obs::ServiceMetrics& metrics)
      : store_(store),
        queue_(queue),
        dead_letters_(dead_letters),
        worker_state_(std::move(worker_state)),
        metrics_(metrics) {}

  Task<http::HttpResponse> Healthz(http::RequestContext& context);  // 200 while the process runs
  // 200 when the store and queue answer and the worker runs; else 503.
  Task<http::HttpResponse> Readyz(http::RequestContext& context);
  // Prometheus text format; queue depths are read from the store now.
  Task<http::HttpResponse> Metrics(http::RequestContext& context);

 private:
  ItemStore& store_;
  ShareQueue& queue_;
  DeadLetterQueue& dead_letters_;
  std::function<std::string()> worker_state_;
  obs::ServiceMetrics& metrics_;
};

}  // namespace wdrbe::api
