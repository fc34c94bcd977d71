// Operations endpoints (no token): liveness and readiness.
#pragma once

#include <functional>

#include "wdrbe/base/task.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe::api {

class OpsApi {
 public:
  // `worker_running` tells whether the share worker's loops are alive.
  OpsApi(ItemStore& store, ShareQueue& queue, std::function<bool()> worker_running)
      : store_(store), queue_(queue), worker_running_(std::move(worker_running)) {}

  Task<http::HttpResponse> Healthz(http::RequestContext& context);  // 200 while the process runs
  // 200 when the store and queue answer and the worker runs; else 503.
  Task<http::HttpResponse> Readyz(http::RequestContext& context);

 private:
  ItemStore& store_;
  ShareQueue& queue_;
  std::function<bool()> worker_running_;
};

}  // namespace wdrbe::api
