// The members of a TransactWriteItems request, and the conditions that make
// a write apply only to the state its decision was made on. Pure: builds
// JSON, calls nothing.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "wdrbe/storage/dynamodb/item_attributes.hpp"
#include "wdrbe/storage/dynamodb/table_layout.hpp"

namespace wdrbe::dynamodb {

// A ConditionExpression with its names and values ('#'- and ':'-names).
struct Condition {
  std::string expression;
  boost::json::object names;
  boost::json::object values;
};

// The row does not exist.
Condition RowAbsent();
// The METADATA row is as it was loaded: absent, or at that version.
Condition ItemIsAsLoaded(const std::optional<StoredItem>& loaded);
// The idempotency row is as it was loaded: absent, or the record made at
// `stored_created_at_ms` (live or expired: an expired one may be replaced).
Condition IdempotencyRowIsAsLoaded(const std::optional<std::int64_t>& stored_created_at_ms);
// The row exists (for updates of rows that may be gone).
Condition RowPresent();

boost::json::object PutMember(const std::string& table, boost::json::object row);
boost::json::object PutMember(const std::string& table, boost::json::object row, const Condition& condition);
boost::json::object DeleteMember(const std::string& table, const RowKey& key);
boost::json::object DeleteMember(const std::string& table, const RowKey& key, const Condition& condition);
boost::json::object CheckMember(const std::string& table, const RowKey& key, const Condition& condition);

// Adds a condition's expression, names and values to a request or member.
void ApplyCondition(boost::json::object& request, const Condition& condition);

}  // namespace wdrbe::dynamodb
