#include "wdrbe/storage/dynamodb/item_attributes.hpp"

#include "wdrbe/storage/dynamodb/attribute_value.hpp"

namespace wdrbe::dynamodb {
namespace {

Error Unreadable(const char* entity, const char* attribute) {
  return Error::Internal(std::string("DynamoDB ") + entity + " row without a valid " + attribute);
}

void PutKey(boost::json::object& row, const RowKey& key) {
  row[kPk] = StringValue(key.pk);
  row[kSk] = StringValue(key.sk);
}

// The attributes both item rows carry.
boost::json::object ItemAttributes(const Item& item) {
  boost::json::object row;
  row[kItemIdAttr] = StringValue(item.item_id);
  row[kUserIdAttr] = StringValue(item.user_id);
  row[kNameAttr] = StringValue(item.fields.name);
  row[kCategoryAttr] = StringValue(item.fields.category);
  PutOptionalString(row, kSeasonAttr, item.fields.season);
  PutOptionalString(row, kColorAttr, item.fields.color);
  PutOptionalString(row, kBrandAttr, item.fields.brand);
  PutOptionalString(row, kPurchaseDateAttr, item.fields.purchase_date);
  PutOptionalString(row, kImageUrlAttr, item.fields.image_url);
  row[kSharedCountAttr] = NumberValue(item.shared_count);
  row[kIsPublicAttr] = BoolValue(item.is_public);
  row[kCreatedAtAttr] = NumberValue(item.created_at_ms);
  row[kUpdatedAtAttr] = NumberValue(item.updated_at_ms);
  return row;
}

void PutIndexKey(boost::json::object& row, const IndexSpec& index, std::string pk, std::string sk) {
  row[index.pk] = StringValue(pk);
  row[index.sk] = StringValue(sk);
}

}  // namespace

boost::json::object KeyAttributes(const RowKey& key) {
  boost::json::object row;
  PutKey(row, key);
  return row;
}

boost::json::object ItemMetadataRow(const Item& item, std::int64_t version) {
  boost::json::object row = ItemAttributes(item);
  PutKey(row, ItemMetadataKey(item.item_id));
  row[kEntityType] = StringValue(kItemEntity);
  row[kVersionAttr] = NumberValue(version);
  return row;
}

boost::json::object UserItemRow(const Item& item) {
  boost::json::object row = ItemAttributes(item);
  PutKey(row, UserItemKey(item.user_id, item.item_id));
  row[kEntityType] = StringValue(kUserItemEntity);
  const std::string sort_key = ItemSortKey(item.created_at_ms, item.item_id);
  const std::optional<std::string> no_filter;
  PutIndexKey(row, kAllItemsIndex, ItemListPartitionFor(item.user_id, no_filter, no_filter).pk, sort_key);
  const std::optional<std::string> category = item.fields.category;
  PutIndexKey(row, kCategoryIndex, ItemListPartitionFor(item.user_id, no_filter, category).pk, sort_key);
  if (item.fields.season) {
    PutIndexKey(row, kSeasonIndex, ItemListPartitionFor(item.user_id, item.fields.season, no_filter).pk,
                sort_key);
    PutIndexKey(row, kSeasonCategoryIndex,
                ItemListPartitionFor(item.user_id, item.fields.season, category).pk, sort_key);
  }
  return row;
}

Result<StoredItem> ReadItemRow(const boost::json::object& row) {
  StoredItem stored;
  Item& item = stored.item;
  auto item_id = ReadString(row, kItemIdAttr);
  auto user_id = ReadString(row, kUserIdAttr);
  auto name = ReadString(row, kNameAttr);
  auto category = ReadString(row, kCategoryAttr);
  auto shared_count = ReadNumber(row, kSharedCountAttr);
  auto is_public = ReadBool(row, kIsPublicAttr);
  auto created_at = ReadNumber(row, kCreatedAtAttr);
  auto updated_at = ReadNumber(row, kUpdatedAtAttr);
  if (!item_id) return Unreadable("item", kItemIdAttr);
  if (!user_id) return Unreadable("item", kUserIdAttr);
  if (!name) return Unreadable("item", kNameAttr);
  if (!category) return Unreadable("item", kCategoryAttr);
  if (!shared_count) return Unreadable("item", kSharedCountAttr);
  if (!is_public) return Unreadable("item", kIsPublicAttr);
  if (!created_at) return Unreadable("item", kCreatedAtAttr);
  if (!updated_at) return Unreadable("item", kUpdatedAtAttr);
  item.item_id = std::move(*item_id);
  item.user_id = std::move(*user_id);
  item.fields.name = std::move(*name);
  item.fields.category = std::move(*category);
  item.fields.season = ReadString(row, kSeasonAttr);
  item.fields.color = ReadString(row, kColorAttr);
  item.fields.brand = ReadString(row, kBrandAttr);
  item.fields.purchase_date = ReadString(row, kPurchaseDateAttr);
  item.fields.image_url = ReadString(row, kImageUrlAttr);
  item.shared_count = *shared_count;
  item.is_public = *is_public;
  item.created_at_ms = *created_at;
  item.updated_at_ms = *updated_at;
  stored.version = ReadNumber(row, kVersionAttr).value_or(0);
  return stored;
}

boost::json::object ActivityRow(const Activity& activity) {
  boost::json::object row;
  PutKey(row, ActivityKey(activity.user_id, activity.activity_id));
  row[kEntityType] = StringValue(kActivityEntity);
  row[kActivityIdAttr] = StringValue(activity.activity_id);
  row[kUserIdAttr] = StringValue(activity.user_id);
  row[kActivityTypeAttr] = StringValue(activity.activity_type);
  row[kItemIdAttr] = StringValue(activity.item_id);
  row[kItemNameAttr] = StringValue(activity.item_name);
  row[kTimestampAttr] = NumberValue(activity.timestamp_ms);
  row[kMetadataAttr] = StringValue(activity.metadata_json);
  PutIndexKey(row, kActivityIndex, ActivityFeedPartition(activity.user_id),
              ActivitySortKey(activity.timestamp_ms, activity.activity_id));
  return row;
}

Result<Activity> ReadActivityRow(const boost::json::object& row) {
  auto activity_id = ReadString(row, kActivityIdAttr);
  auto user_id = ReadString(row, kUserIdAttr);
  auto type = ReadString(row, kActivityTypeAttr);
  auto item_id = ReadString(row, kItemIdAttr);
  auto item_name = ReadString(row, kItemNameAttr);
  auto timestamp = ReadNumber(row, kTimestampAttr);
  auto metadata = ReadString(row, kMetadataAttr);
  if (!activity_id) return Unreadable("activity", kActivityIdAttr);
  if (!user_id) return Unreadable("activity", kUserIdAttr);
  if (!type) return Unreadable("activity", kActivityTypeAttr);
  if (!item_id) return Unreadable("activity", kItemIdAttr);
  if (!item_name) return Unreadable("activity", kItemNameAttr);
  if (!timestamp) return Unreadable("activity", kTimestampAttr);
  if (!metadata) return Unreadable("activity", kMetadataAttr);
  return Activity{std::move(*activity_id), std::move(*user_id), std::move(*type),    std::move(*item_id),
                  std::move(*item_name),   *timestamp,          std::move(*metadata)};
}

boost::json::object IdempotencyRow(const std::string& user_id, IdempotentOperation operation,
                                   const std::string& key, const IdempotencyRecord& record) {
  boost::json::object row;
  PutKey(row, IdempotencyKey(user_id, operation, key));
  row[kEntityType] = StringValue(kIdempotencyEntity);
  row[kFingerprintAttr] = StringValue(record.fingerprint);
  row[kOutcomeIdAttr] = StringValue(record.outcome_id);
  row[kCreatedAtMsAttr] = NumberValue(record.created_at_ms);
  row[kCompletedAttr] = BoolValue(record.completed);
  row[kExpiresAtAttr] = NumberValue(ExpiresAtSeconds(record.created_at_ms + kIdempotencyWindowMs));
  return row;
}

Result<IdempotencyRecord> ReadIdempotencyRow(const boost::json::object& row) {
  auto fingerprint = ReadString(row, kFingerprintAttr);
  auto outcome_id = ReadString(row, kOutcomeIdAttr);
  auto created_at = ReadNumber(row, kCreatedAtMsAttr);
  auto completed = ReadBool(row, kCompletedAttr);
  if (!fingerprint) return Unreadable("idempotency", kFingerprintAttr);
  if (!outcome_id) return Unreadable("idempotency", kOutcomeIdAttr);
  if (!created_at) return Unreadable("idempotency", kCreatedAtMsAttr);
  if (!completed) return Unreadable("idempotency", kCompletedAttr);
  return IdempotencyRecord{std::move(*fingerprint), std::move(*outcome_id), *created_at, *completed};
}

boost::json::object AppliedShareRow(const std::string& event_id, std::int64_t applied_ms) {
  boost::json::object row;
  PutKey(row, AppliedShareKey(event_id));
  row[kEntityType] = StringValue(kAppliedShareEntity);
  row[kAppliedAtAttr] = NumberValue(applied_ms);
  return row;
}

Result<std::int64_t> ReadAppliedAt(const boost::json::object& row) {
  auto applied_at = ReadNumber(row, kAppliedAtAttr);
  if (!applied_at) return Unreadable("applied share", kAppliedAtAttr);
  return *applied_at;
}

}  // namespace wdrbe::dynamodb
