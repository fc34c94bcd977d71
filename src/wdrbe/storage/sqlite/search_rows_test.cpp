// The embedded search index beyond the contract suites: a database made
// before search existed gets its items indexed by the migration, and items
// created in one millisecond keep distinct places.
#include "wdrbe/storage/sqlite/search_rows.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/storage/sqlite/migrations.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe::sqlite {
namespace {

using wdrbe::testing::RunTask;

std::unique_ptr<Connection> MustOpen(const std::string& path) {
  auto connection = Connection::Open(path, Connection::Mode::kReadWrite, Connection::Durability::kFull);
  if (!connection.ok()) throw std::runtime_error("open: " + connection.error().message);
  return std::move(*connection);
}

void MustExec(Connection& db, const std::string& sql) {
  if (Status s = db.Exec(sql); !s.ok()) throw std::runtime_error(sql + ": " + s.error().message);
}

std::vector<std::string> SearchIds(SqliteItemStore& store, const std::string& user_id, std::string_view q) {
  SearchItemsQuery query;
  query.user_id = user_id;
  query.terms = *ParseSearchTerms(q);
  query.limit = 100;
  Result<SearchPage> page = RunTask(store.SearchItems(std::move(query)));
  if (!page.ok()) throw std::runtime_error("search: " + page.error().message);
  std::vector<std::string> ids;
  for (const Item& item : page->items) ids.push_back(item.item_id);
  return ids;
}

TEST(SearchMigrationTest, ADatabaseFromBeforeSearchHasItsItemsIndexedWhenOpened) {
  wdrbe::testing::TempDir dir;
  const std::string path = (dir.path() / "wdrbe.db").string();
  {
    // The schema of version 4: everything but the search tables, with
    // items written as that version wrote them (no index rows).
    std::unique_ptr<Connection> db = MustOpen(path);
    ASSERT_TRUE(ApplyMigrationsUpTo(*db, 4).ok());
    MustExec(
        *db,
        "INSERT INTO items (item_id, user_id, name, category, season, color, brand, created_at, updated_at) "
        "VALUES ('itm_old', 'usr_a', 'Navy Blazer', 'outerwear', 'autumn', NULL, 'Acme', 1000, 1000),"
        "       ('itm_new', 'usr_a', 'Navy parka', 'outerwear', 'winter', NULL, NULL, 2000, 2000),"
        "       ('itm_same_ms', 'usr_a', 'Robe d''été', 'dresses', NULL, 'navy', NULL, 2000, 2000),"
        "       ('itm_bob', 'usr_b', 'Navy hat', 'accessories', NULL, NULL, NULL, 1500, 1500);");
  }
  auto store = SqliteItemStore::Open(StoreOptions{path, Connection::Durability::kFull, 0});
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(SearchIds(**store, "usr_a", "navy"),
            (std::vector<std::string>{"itm_new", "itm_old", "itm_same_ms"}));
  EXPECT_EQ(SearchIds(**store, "usr_a", "ete"), (std::vector<std::string>{"itm_same_ms"}));
  EXPECT_EQ(SearchIds(**store, "usr_a", "acme"), (std::vector<std::string>{"itm_old"}));
  EXPECT_EQ(SearchIds(**store, "usr_b", "navy"), (std::vector<std::string>{"itm_bob"}));
  (*store)->Close();

  std::unique_ptr<Connection> db = MustOpen(path);
  auto version = db->Prepare("SELECT MAX(version) FROM schema_migrations");
  ASSERT_TRUE(version.ok());
  ASSERT_TRUE((*version)->Step().ok());
  EXPECT_EQ((*version)->ColumnInt(0), LatestSchemaVersion());
  auto docs = db->Prepare(
      "SELECT doc FROM item_search_docs WHERE item_id IN ('itm_new', 'itm_same_ms') ORDER BY doc");
  ASSERT_TRUE(docs.ok());
  std::vector<std::int64_t> values;
  while (*(*docs)->Step() == Statement::StepResult::kRow) values.push_back((*docs)->ColumnInt(0));
  EXPECT_EQ(values, (std::vector<std::int64_t>{std::int64_t{2000} << 16, (std::int64_t{2000} << 16) + 1}))
      << "two items of one millisecond: consecutive docs of that millisecond";
}

}  // namespace
}  // namespace wdrbe::sqlite
