// Handler of POST /items/{itemId}/share.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/observability/service_metrics.hpp"

namespace wdrbe::api {

class SharesApi {
 public:
  SharesApi(ShareService& shares, obs::ShareMetrics& metrics) : shares_(shares), metrics_(metrics) {}

  Task<http::HttpResponse> Share(http::RequestContext& context);

 private:
  ShareService& shares_;
  obs::ShareMetrics& metrics_;
};

}  // namespace wdrbe::api
