#include "wdrbe/storage/dynamodb/transact_items.hpp"

#include "wdrbe/storage/dynamodb/attribute_value.hpp"

namespace wdrbe::dynamodb {

Condition RowAbsent() { return {"attribute_not_exists(#pk)", {{"#pk", kPk}}, {}}; }

Condition RowPresent() { return {"attribute_exists(#pk)", {{"#pk", kPk}}, {}}; }

Condition ItemIsAsLoaded(const std::optional<StoredItem>& loaded) {
  if (!loaded) return RowAbsent();
  return {"#version = :version", {{"#version", kVersionAttr}}, {{":version", NumberValue(loaded->version)}}};
}

Condition IdempotencyRowIsAsLoaded(const std::optional<std::int64_t>& stored_created_at_ms) {
  if (!stored_created_at_ms) return RowAbsent();
  return {"#created = :created",
          {{"#created", kCreatedAtMsAttr}},
          {{":created", NumberValue(*stored_created_at_ms)}}};
}

void ApplyCondition(boost::json::object& request, const Condition& condition) {
  request["ConditionExpression"] = condition.expression;
  if (!condition.names.empty()) request["ExpressionAttributeNames"] = condition.names;
  if (!condition.values.empty()) request["ExpressionAttributeValues"] = condition.values;
}

boost::json::object PutMember(const std::string& table, boost::json::object row) {
  return {{"Put", boost::json::object{{"TableName", table}, {"Item", std::move(row)}}}};
}

boost::json::object PutMember(const std::string& table, boost::json::object row, const Condition& condition) {
  boost::json::object put{{"TableName", table}, {"Item", std::move(row)}};
  ApplyCondition(put, condition);
  return {{"Put", std::move(put)}};
}

boost::json::object DeleteMember(const std::string& table, const RowKey& key) {
  return {{"Delete", boost::json::object{{"TableName", table}, {"Key", KeyAttributes(key)}}}};
}

boost::json::object DeleteMember(const std::string& table, const RowKey& key, const Condition& condition) {
  boost::json::object del{{"TableName", table}, {"Key", KeyAttributes(key)}};
  ApplyCondition(del, condition);
  return {{"Delete", std::move(del)}};
}

boost::json::object CheckMember(const std::string& table, const RowKey& key, const Condition& condition) {
  boost::json::object check{{"TableName", table}, {"Key", KeyAttributes(key)}};
  ApplyCondition(check, condition);
  return {{"ConditionCheck", std::move(check)}};
}

}  // namespace wdrbe::dynamodb
