// Handler of POST /items/{itemId}/share.
#pragma once

#include <utility>

#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/tracing/share_span.hpp"

namespace wdrbe::api {

class SharesApi {
 public:
  // `spans`: where the producer span of each sampled share, and the spans
  // of its store and queue calls, go (none while its sink is null).
  SharesApi(ShareService& shares, obs::ShareMetrics& metrics, tracing::SpanTarget spans = {})
      : shares_(shares), metrics_(metrics), spans_(std::move(spans)) {}

  Task<http::HttpResponse> Share(http::RequestContext& context);

 private:
  ShareService& shares_;
  obs::ShareMetrics& metrics_;
  const tracing::SpanTarget spans_;
};

}  // namespace wdrbe::api
