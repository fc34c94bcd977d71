// The wire shapes of items and activities (unset optional fields omitted).
#pragma once

#include <boost/json/object.hpp>

#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/item.hpp"

namespace wdrbe::api {

boost::json::object ItemToJson(const Item& item);
boost::json::object ActivityToJson(const Activity& activity);

}  // namespace wdrbe::api
