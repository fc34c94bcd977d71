#include "wdrbe/api/item_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "wdrbe/domain/timestamp.hpp"

namespace wdrbe::api {
namespace {

// What an item's JSON takes besides its text fields; reserving it up front
// spares the body string its regrowths.
constexpr std::size_t kItemOverhead = 260;

void TimestampMember(JsonWriter& json, std::string_view key, std::int64_t unix_ms) {
  char quoted[kTimestampLength + 2];
  quoted[0] = '"';
  FormatTimestampInto(quoted + 1, unix_ms);
  quoted[kTimestampLength + 1] = '"';
  json.Key(key).Raw(std::string_view(quoted, sizeof quoted));
}

std::size_t TextSize(const std::optional<std::string>& text) { return text ? text->size() : 0; }

std::size_t EstimatedSize(const Item& item) {
  const ItemFields& f = item.fields;
  return kItemOverhead + item.item_id.size() + item.user_id.size() + f.name.size() + f.category.size() +
         TextSize(f.season) + TextSize(f.color) + TextSize(f.brand) + TextSize(f.purchase_date) +
         TextSize(f.image_url);
}

void CursorMembers(JsonWriter& json, const std::optional<std::string>& next_cursor, bool has_more) {
  json.Key("nextCursor");
  if (next_cursor) {
    json.String(*next_cursor);
  } else {
    json.Null();
  }
  json.Key("hasMore").Bool(has_more);
}

}  // namespace

void WriteItem(JsonWriter& json, const Item& item) {
  json.BeginObject()
      .Member("itemId", item.item_id)
      .Member("userId", item.user_id)
      .Member("name", item.fields.name)
      .Member("category", item.fields.category)
      .OptionalMember("season", item.fields.season)
      .OptionalMember("color", item.fields.color)
      .OptionalMember("brand", item.fields.brand)
      .OptionalMember("purchaseDate", item.fields.purchase_date)
      .OptionalMember("imageUrl", item.fields.image_url);
  json.Key("sharedCount").Int(item.shared_count);
  json.Key("isPublic").Bool(item.is_public);
  TimestampMember(json, "createdAt", item.created_at_ms);
  TimestampMember(json, "updatedAt", item.updated_at_ms);
  json.EndObject();
}

void WriteActivity(JsonWriter& json, const Activity& activity) {
  json.BeginObject()
      .Member("activityId", activity.activity_id)
      .Member("activityType", activity.activity_type)
      .Member("itemId", activity.item_id)
      .Member("itemName", activity.item_name);
  TimestampMember(json, "timestamp", activity.timestamp_ms);
  // Metadata is written by the service itself, so it always parses; it is
  // parsed anyway (the feed is not a hot path), so that a row holding
  // anything else yields an empty object rather than a broken body.
  boost::system::error_code ec;
  boost::json::value metadata = boost::json::parse(activity.metadata_json, ec);
  json.Key("metadata").Raw(!ec && metadata.is_object() ? boost::json::serialize(metadata) : "{}");
  json.EndObject();
}

std::string ItemBody(const Item& item) {
  std::string body;
  body.reserve(EstimatedSize(item));
  JsonWriter json(body);
  WriteItem(json, item);
  return body;
}

std::string ItemPageBody(const std::vector<Item>& items, const std::optional<std::string>& next_cursor,
                         bool has_more) {
  std::size_t estimate = 128 + TextSize(next_cursor);
  for (const Item& item : items) estimate += EstimatedSize(item);
  std::string body;
  body.reserve(estimate);
  JsonWriter json(body);
  json.BeginObject().Key("items").BeginArray();
  for (const Item& item : items) WriteItem(json, item);
  json.EndArray();
  CursorMembers(json, next_cursor, has_more);
  json.EndObject();
  return body;
}

std::string ActivityPageBody(const std::vector<Activity>& activities,
                             const std::optional<std::string>& next_cursor, bool has_more) {
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("activities").BeginArray();
  for (const Activity& activity : activities) WriteActivity(json, activity);
  json.EndArray();
  CursorMembers(json, next_cursor, has_more);
  json.EndObject();
  return body;
}

}  // namespace wdrbe::api
