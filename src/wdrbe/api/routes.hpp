// Every route of the service, on one screen (routes.cpp).
#pragma once

#include "wdrbe/api/activities_api.hpp"
#include "wdrbe/api/items_api.hpp"
#include "wdrbe/api/ops_api.hpp"
#include "wdrbe/api/shares_api.hpp"
#include "wdrbe/http/router.hpp"

namespace wdrbe::api {

// The APIs must outlive the router. `with_metrics`: serve GET /metrics here
// (false when it has a listener of its own).
http::Router BuildRoutes(ItemsApi& items, SharesApi& shares, ActivitiesApi& activities, OpsApi& ops,
                         bool with_metrics);

// The routes of a separate metrics listener: GET /metrics and /healthz.
http::Router BuildMetricsRoutes(OpsApi& ops);

}  // namespace wdrbe::api
