// Every route of the service, on one screen (routes.cpp).
#pragma once

#include "wdrbe/api/activities_api.hpp"
#include "wdrbe/api/activity_stream_api.hpp"
#include "wdrbe/api/images_api.hpp"
#include "wdrbe/api/items_api.hpp"
#include "wdrbe/api/ops_api.hpp"
#include "wdrbe/api/pages_api.hpp"
#include "wdrbe/api/shares_api.hpp"
#include "wdrbe/http/router.hpp"

namespace wdrbe::api {

// Whether the main listener serves GET /metrics, and to whom.
enum class MetricsOnMainListener {
  kNone,          // it has a listener of its own (--metrics-listen)
  kLoopbackOnly,  // the default: other clients get 403
  kPublic,        // --metrics-public
};

// The APIs must outlive the router.
http::Router BuildRoutes(ItemsApi& items, SharesApi& shares, ActivitiesApi& activities,
                         ActivityStreamApi& streams, ImagesApi& images, OpsApi& ops, PagesApi& pages,
                         MetricsOnMainListener metrics);

// The routes of `wdrbe worker` (the share worker alone): GET /healthz,
// /readyz and, as for `serve`, /metrics.
http::Router BuildWorkerRoutes(OpsApi& ops, MetricsOnMainListener metrics);

// The routes of a separate metrics listener: GET /metrics and /healthz.
http::Router BuildMetricsRoutes(OpsApi& ops);

}  // namespace wdrbe::api
