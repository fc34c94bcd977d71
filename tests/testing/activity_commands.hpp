// Creates whose activity has a chosen id and timestamp, for tests of the
// activity stream: what the domain would hand a store, with the activity's
// position in the feed's order (timestamp, id) set by the test.
#pragma once

#include <cstdint>
#include <string>

#include "wdrbe/domain/item_create.hpp"

namespace wdrbe::testing {

// A ULID of time `ms` whose random part is `n`: ids of one millisecond sort
// by n.
std::string ActivityIdAt(std::int64_t ms, std::uint8_t n);

// A new item of `user_id` whose ItemCreated activity has id ActivityIdAt(
// timestamp_ms, n) and that timestamp.
CreateItemCommand CreateWithActivityAt(const std::string& user_id, std::int64_t timestamp_ms, std::uint8_t n);

}  // namespace wdrbe::testing
