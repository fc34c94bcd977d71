#include "wdrbe/storage/dynamodb/row_loads.hpp"

namespace wdrbe::dynamodb {

Result<std::optional<StoredItem>> ReadOptionalItem(const std::optional<boost::json::object>& row) {
  if (!row) return std::optional<StoredItem>();
  Result<StoredItem> item = ReadItemRow(*row);
  if (!item.ok()) return item.error();
  return std::optional<StoredItem>(std::move(*item));
}

Result<LoadedKeyRecord> ReadKeyRecord(const std::optional<boost::json::object>& row, std::int64_t now_ms) {
  LoadedKeyRecord loaded;
  if (!row) return loaded;
  Result<IdempotencyRecord> record = ReadIdempotencyRow(*row);
  if (!record.ok()) return record.error();
  loaded.stored_created_at_ms = record->created_at_ms;
  if (IsLive(*record, now_ms)) loaded.live = std::move(*record);
  return loaded;
}

Result<bool> ReadAppliedMarker(const std::optional<boost::json::object>& row) {
  if (!row) return false;
  // A row under the marker's key that is no marker is damage, not "applied".
  Result<std::int64_t> applied_at = ReadAppliedAt(*row);
  if (!applied_at.ok()) return applied_at.error();
  return true;
}

}  // namespace wdrbe::dynamodb
