#include "wdrbe/storage/sqlite/item_rows.hpp"

#include <algorithm>
#include <string_view>

#include "wdrbe/storage/sqlite/search_rows.hpp"

namespace wdrbe::sqlite {
namespace {

// Builds the one query shape per filter combination. Each shape is a range
// scan of the matching index: equality on the leading columns, then the
// (created_at, item_id) keyset bound, in index order reversed.
std::string ItemsQuerySql(const ListItemsQuery& query) {
  std::string sql = std::string("SELECT ") + kItemColumns + " FROM items WHERE user_id = ?1";
  if (query.season) sql += " AND season = ?2";
  if (query.category) sql += " AND category = ?3";
  if (query.after) sql += " AND (created_at, item_id) < (?4, ?5)";
  sql += " ORDER BY created_at DESC, item_id DESC LIMIT ?6";
  return sql;
}

}  // namespace

std::string ItemColumnsOf(std::string_view table) {
  std::string columns;
  const std::string_view all = kItemColumns;
  for (std::size_t at = 0; at < all.size();) {
    const std::size_t end = std::min(all.find(',', at), all.size());
    if (!columns.empty()) columns += ", ";
    columns += table;
    columns += '.';
    columns += all.substr(at, end - at);
    at = all.find_first_not_of(", ", end);
  }
  return columns;
}

Item ReadItem(const Statement& row, int first) {
  Item item;
  item.item_id = row.ColumnText(first + 0);
  item.user_id = row.ColumnText(first + 1);
  item.fields.name = row.ColumnText(first + 2);
  item.fields.category = row.ColumnText(first + 3);
  item.fields.season = row.ColumnOptionalText(first + 4);
  item.fields.color = row.ColumnOptionalText(first + 5);
  item.fields.brand = row.ColumnOptionalText(first + 6);
  item.fields.purchase_date = row.ColumnOptionalText(first + 7);
  item.fields.image_url = row.ColumnOptionalText(first + 8);
  item.shared_count = row.ColumnInt(first + 9);
  item.is_public = row.ColumnInt(first + 10) != 0;
  item.created_at_ms = row.ColumnInt(first + 11);
  item.updated_at_ms = row.ColumnInt(first + 12);
  return item;
}

Result<std::optional<Item>> LoadItem(Connection& db, const std::string& item_id) {
  auto stmt = db.Prepare(std::string("SELECT ") + kItemColumns + " FROM items WHERE item_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, item_id);
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kDone) return std::optional<Item>();
  return std::optional<Item>(ReadItem(**stmt));
}

Status InsertItem(Connection& db, const Item& item) {
  auto stmt = db.Prepare(std::string("INSERT INTO items (") + kItemColumns +
                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)
      ->Bind(1, item.item_id)
      .Bind(2, item.user_id)
      .Bind(3, item.fields.name)
      .Bind(4, item.fields.category)
      .BindOptional(5, item.fields.season)
      .BindOptional(6, item.fields.color)
      .BindOptional(7, item.fields.brand)
      .BindOptional(8, item.fields.purchase_date)
      .BindOptional(9, item.fields.image_url)
      .Bind(10, item.shared_count)
      .Bind(11, std::int64_t{item.is_public ? 1 : 0})
      .Bind(12, item.created_at_ms)
      .Bind(13, item.updated_at_ms);
  if (Status s = (*stmt)->Run(); !s.ok()) return s;
  return IndexForSearch(db, item);
}

Status SaveItem(Connection& db, const Item& item) {
  auto stmt = db.Prepare(
      "UPDATE items SET name = ?2, category = ?3, season = ?4, color = ?5, brand = ?6, purchase_date = ?7, "
      "image_url = ?8, shared_count = ?9, is_public = ?10, updated_at = ?11 WHERE item_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)
      ->Bind(1, item.item_id)
      .Bind(2, item.fields.name)
      .Bind(3, item.fields.category)
      .BindOptional(4, item.fields.season)
      .BindOptional(5, item.fields.color)
      .BindOptional(6, item.fields.brand)
      .BindOptional(7, item.fields.purchase_date)
      .BindOptional(8, item.fields.image_url)
      .Bind(9, item.shared_count)
      .Bind(10, std::int64_t{item.is_public ? 1 : 0})
      .Bind(11, item.updated_at_ms);
  if (Status s = (*stmt)->Run(); !s.ok()) return s;
  return ReindexForSearch(db, item);
}

Status SaveShareCounters(Connection& db, const Item& item) {
  auto stmt =
      db.Prepare("UPDATE items SET shared_count = ?2, is_public = ?3, updated_at = ?4 WHERE item_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)
      ->Bind(1, item.item_id)
      .Bind(2, item.shared_count)
      .Bind(3, std::int64_t{item.is_public ? 1 : 0})
      .Bind(4, item.updated_at_ms);
  return (*stmt)->Run();
}

Status DeleteItemRow(Connection& db, const std::string& item_id) {
  auto stmt = db.Prepare("DELETE FROM items WHERE item_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, item_id);
  if (Status s = (*stmt)->Run(); !s.ok()) return s;
  return UnindexForSearch(db, item_id);
}

Status InsertActivity(Connection& db, const Activity& activity) {
  // The single writer numbers each user's activities in commit order (the
  // stream's order, activity_stream_rows.hpp); the max is one index probe.
  auto stmt = db.Prepare(
      "INSERT INTO activities (activity_id, user_id, activity_type, item_id, item_name, ts, metadata, seq) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "(SELECT COALESCE(MAX(seq), 0) + 1 FROM activities WHERE user_id = ?2))");
  if (!stmt.ok()) return stmt.error();
  (*stmt)
      ->Bind(1, activity.activity_id)
      .Bind(2, activity.user_id)
      .Bind(3, activity.activity_type)
      .Bind(4, activity.item_id)
      .Bind(5, activity.item_name)
      .Bind(6, activity.timestamp_ms)
      .Bind(7, activity.metadata_json);
  if (Status s = (*stmt)->Run(); !s.ok()) return s;
  db.NoteNewActivity(activity.user_id);
  return Status::Ok();
}

Result<ItemPage> QueryItems(Connection& db, const ListItemsQuery& query) {
  auto stmt = db.Prepare(ItemsQuerySql(query));
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.Bind(1, query.user_id);
  if (query.season) s.Bind(2, *query.season);
  if (query.category) s.Bind(3, *query.category);
  if (query.after) s.Bind(4, query.after->sort_ms).Bind(5, query.after->id);
  // One row more than the page tells, exactly, whether another page exists.
  s.Bind(6, std::int64_t{query.limit + 1});
  if (query.limit < 1) return Error::BadRequest("limit must be positive");
  ItemPage page;
  page.items.reserve(static_cast<std::size_t>(query.limit));
  for (;;) {
    auto step = s.Step();
    if (!step.ok()) return step.error();
    if (*step == Statement::StepResult::kDone) break;
    if (static_cast<int>(page.items.size()) == query.limit) {
      page.has_more = true;
      break;
    }
    page.items.push_back(ReadItem(s));
  }
  return page;
}

Result<ActivityPage> QueryActivities(Connection& db, const ListActivitiesQuery& query) {
  if (query.limit < 1) return Error::BadRequest("limit must be positive");
  std::string sql =
      "SELECT activity_id, user_id, activity_type, item_id, item_name, ts, metadata FROM activities "
      "WHERE user_id = ?1";
  if (query.oldest_first) {
    if (query.after) sql += " AND (ts, activity_id) > (?2, ?3)";
    sql += " ORDER BY ts, activity_id LIMIT ?4";
  } else {
    if (query.after) sql += " AND (ts, activity_id) < (?2, ?3)";
    sql += " ORDER BY ts DESC, activity_id DESC LIMIT ?4";
  }
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.Bind(1, query.user_id);
  if (query.after) s.Bind(2, query.after->sort_ms).Bind(3, query.after->id);
  s.Bind(4, std::int64_t{query.limit + 1});
  ActivityPage page;
  for (;;) {
    auto step = s.Step();
    if (!step.ok()) return step.error();
    if (*step == Statement::StepResult::kDone) break;
    if (static_cast<int>(page.activities.size()) == query.limit) {
      page.has_more = true;
      break;
    }
    page.activities.push_back(Activity{s.ColumnText(0), s.ColumnText(1), s.ColumnText(2), s.ColumnText(3),
                                       s.ColumnText(4), s.ColumnInt(5), s.ColumnText(6)});
  }
  return page;
}

}  // namespace wdrbe::sqlite
