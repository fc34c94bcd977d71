// Store commands for unit tests of ItemStore wrappers: what the domain
// would hand a store for user usr_a at a fixed time, without the domain.
#pragma once

#include <cstdint>
#include <string>

#include "wdrbe/domain/item_create.hpp"
#include "wdrbe/domain/share_rules.hpp"

namespace wdrbe::testing {

inline constexpr std::int64_t kStoreCommandTimeMs = 1'764'064'800'000;

// Creates item `item_id` of usr_a (a coat in outerwear), with its activity.
CreateItemCommand NewItemOfUserA(const std::string& item_id);

// Applies a share of `item_id` by usr_a (event "evt_" + item_id).
ApplyShareCommand ShareOfUserA(const std::string& item_id);

}  // namespace wdrbe::testing
