// Reading the rows a decision needs, as the domain's types: an item with
// its version, an idempotency record (an expired one is absent to the
// decision but remembered for the write's condition), an applied marker.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/idempotency.hpp"
#include "wdrbe/storage/dynamodb/item_attributes.hpp"

namespace wdrbe::dynamodb {

Result<std::optional<StoredItem>> ReadOptionalItem(const std::optional<boost::json::object>& row);

struct LoadedKeyRecord {
  // What the decision sees: the record while it is live (IsLive), else none.
  std::optional<IdempotencyRecord> live;
  // The stored record's creation time, live or expired: the write that
  // replaces it asserts that it is still this one.
  std::optional<std::int64_t> stored_created_at_ms;
};

// DynamoDB deletes expired rows days late, so expiry is judged here.
Result<LoadedKeyRecord> ReadKeyRecord(const std::optional<boost::json::object>& row, std::int64_t now_ms);

// True when a marker says the event was applied. A marker counts for as
// long as it exists, TTL or not: forgetting an applied event can only
// apply it twice, while keeping it longer costs nothing (an event id is
// never reused), so DynamoDB's late deletion is no reason to judge expiry.
Result<bool> ReadAppliedMarker(const std::optional<boost::json::object>& row);

}  // namespace wdrbe::dynamodb
