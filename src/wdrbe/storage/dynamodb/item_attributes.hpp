// The store's entities as DynamoDB attribute maps and back (table_layout.hpp
// names every key and attribute). Writers produce whole rows, keys
// included; readers check every attribute they need and answer kInternal
// for a row they cannot read (written by something else, or damaged).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/idempotency.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/storage/dynamodb/table_layout.hpp"

namespace wdrbe::dynamodb {

// The key attributes {PK, SK} of a row.
boost::json::object KeyAttributes(const RowKey& key);

// An item as stored: the METADATA row's version is what conditional
// writes compare.
struct StoredItem {
  Item item;
  std::int64_t version = 0;
  friend bool operator==(const StoredItem&, const StoredItem&) = default;
};

// The ITEM#{id}/METADATA row.
boost::json::object ItemMetadataRow(const Item& item, std::int64_t version);
// The USER#{userId}/ITEM#{id} row: the same attributes (no version), and
// the sort keys of every list index the item belongs to.
boost::json::object UserItemRow(const Item& item);
// Either row; the version is 0 where the row has none.
Result<StoredItem> ReadItemRow(const boost::json::object& row);

// The USER#{userId}/ACTIVITY#{id} row, with the feed index's keys.
boost::json::object ActivityRow(const Activity& activity);
Result<Activity> ReadActivityRow(const boost::json::object& row);

// The USER#{userId}/IDEMPOTENCY#... row, expiring with the window.
boost::json::object IdempotencyRow(const std::string& user_id, IdempotentOperation operation,
                                   const std::string& key, const IdempotencyRecord& record);
Result<IdempotencyRecord> ReadIdempotencyRow(const boost::json::object& row);

// The EVENT#{eventId}/APPLIED row; it never expires (table_layout.hpp).
boost::json::object AppliedShareRow(const std::string& event_id, std::int64_t applied_ms);
// When the marker was written; kInternal if the row lacks it.
Result<std::int64_t> ReadAppliedAt(const boost::json::object& row);

}  // namespace wdrbe::dynamodb
