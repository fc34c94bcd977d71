#include "wdrbe/storage/dynamodb/index_query.hpp"

#include "wdrbe/storage/dynamodb/attribute_value.hpp"

namespace wdrbe::dynamodb {

boost::json::object IndexQueryRequest(const std::string& table, const IndexQuery& query, int limit,
                                      const std::optional<boost::json::object>& start_key) {
  boost::json::object names{{"#pk", query.index.pk}};
  boost::json::object values{{":pk", StringValue(query.pk)}};
  std::string key_condition = "#pk = :pk";
  if (query.sort_key_before) {
    key_condition += " AND #sk < :before";
    names["#sk"] = query.index.sk;
    values[":before"] = StringValue(*query.sort_key_before);
  } else if (query.sort_key_after) {
    key_condition += " AND #sk > :after";
    names["#sk"] = query.index.sk;
    values[":after"] = StringValue(*query.sort_key_after);
  }
  boost::json::object request{{"TableName", table},
                              {"IndexName", query.index.name},
                              {"KeyConditionExpression", std::move(key_condition)},
                              {"ExpressionAttributeNames", std::move(names)},
                              {"ExpressionAttributeValues", std::move(values)},
                              {"ScanIndexForward", query.oldest_first},
                              {"Limit", limit}};
  if (start_key) request["ExclusiveStartKey"] = *start_key;
  return request;
}

}  // namespace wdrbe::dynamodb
