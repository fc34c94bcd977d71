// Every route of the service, on one screen (routes.cpp).
#pragma once

#include "wdrbe/api/activities_api.hpp"
#include "wdrbe/api/items_api.hpp"
#include "wdrbe/api/ops_api.hpp"
#include "wdrbe/api/shares_api.hpp"
#include "wdrbe/http/router.hpp"

namespace wdrbe::api {

// The APIs must outlive the router.
http::Router BuildRoutes(ItemsApi& items, SharesApi& shares, ActivitiesApi& activities, OpsApi& ops);

}  // namespace wdrbe::api
