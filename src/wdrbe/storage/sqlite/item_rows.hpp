// SQL for items and activities, and the mapping between rows and domain
// values. Every function runs on the connection it is given, on that
// connection's own thread; none starts or ends a transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/storage/item_store.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

// Every column of an item row, in the order ReadItem reads them.
inline constexpr char kItemColumns[] =
    "item_id, user_id, name, category, season, color, brand, purchase_date, image_url, shared_count, "
    "is_public, created_at, updated_at";
// kItemColumns, each led by "`table`." (for a query that joins items).
std::string ItemColumnsOf(std::string_view table);
// The item in kItemColumns's columns of `row`, starting at column `first`.
Item ReadItem(const Statement& row, int first = 0);

// The item, or nullopt when there is no row.
Result<std::optional<Item>> LoadItem(Connection& db, const std::string& item_id);
// These three keep the search index (search_rows) in step, in the same
// transaction.
Status InsertItem(Connection& db, const Item& item);
// Writes every editable field, the counters and updated_at of `item`.
Status SaveItem(Connection& db, const Item& item);
Status DeleteItemRow(Connection& db, const std::string& item_id);
// Writes sharedCount, isPublic and updatedAt of `item`. Sets no indexed
// column, so SQLite rewrites no index entry (SaveItem would rewrite all four).
Status SaveShareCounters(Connection& db, const Item& item);

Status InsertActivity(Connection& db, const Activity& activity);

Result<ItemPage> QueryItems(Connection& db, const ListItemsQuery& query);
Result<ActivityPage> QueryActivities(Connection& db, const ListActivitiesQuery& query);

}  // namespace wdrbe::sqlite
