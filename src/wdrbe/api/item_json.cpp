#include "wdrbe/api/item_json.hpp"

#include <boost/json/parse.hpp>

#include "wdrbe/domain/timestamp.hpp"

namespace wdrbe::api {
namespace {

void PutOptional(boost::json::object& object, std::string_view key, const std::optional<std::string>& value) {
  if (value) object[key] = *value;
}

}  // namespace

boost::json::object ItemToJson(const Item& item) {
  boost::json::object object;
  object.reserve(13);
  object["itemId"] = item.item_id;
  object["userId"] = item.user_id;
  object["name"] = item.fields.name;
  object["category"] = item.fields.category;
  PutOptional(object, "season", item.fields.season);
  PutOptional(object, "color", item.fields.color);
  PutOptional(object, "brand", item.fields.brand);
  PutOptional(object, "purchaseDate", item.fields.purchase_date);
  PutOptional(object, "imageUrl", item.fields.image_url);
  object["sharedCount"] = item.shared_count;
  object["isPublic"] = item.is_public;
  object["createdAt"] = FormatTimestamp(item.created_at_ms);
  object["updatedAt"] = FormatTimestamp(item.updated_at_ms);
  return object;
}

boost::json::object ActivityToJson(const Activity& activity) {
  boost::json::object object;
  object["activityId"] = activity.activity_id;
  object["activityType"] = activity.activity_type;
  object["itemId"] = activity.item_id;
  object["itemName"] = activity.item_name;
  object["timestamp"] = FormatTimestamp(activity.timestamp_ms);
  // Metadata is written by the service itself, so it always parses; an
  // empty object stands in should a row ever hold something else.
  boost::system::error_code ec;
  boost::json::value metadata = boost::json::parse(activity.metadata_json, ec);
  object["metadata"] = (!ec && metadata.is_object()) ? std::move(metadata) : boost::json::object();
  return object;
}

}  // namespace wdrbe::api
