// Operations endpoints (no token): liveness and readiness.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe::api {

class OpsApi {
 public:
  explicit OpsApi(ItemStore& store) : store_(store) {}

  Task<http::HttpResponse> Healthz(http::RequestContext& context);  // 200 while the process runs
  Task<http::HttpResponse> Readyz(http::RequestContext& context);   // 200 when the store answers

 private:
  ItemStore& store_;
};

}  // namespace wdrbe::api
