// The embedded search index: an FTS5 table beside the items, written in
// the same transaction as every insert, save and delete of an item
// (item_rows calls these; migration 5 creates the
// tables and indexes the items already there), so a search never finds a deleted item or
// misses a committed one.
//
// Each item is one FTS5 row whose rowid (its "doc") orders the user's
// items newest first: the creation time in milliseconds shifted left 16
// bits, plus a sequence number among the items created in the same
// millisecond. Every token carries a 16-hex-digit tag of its owner, so a
// user's terms and prefixes are a user's own: a search reads that user's
// doclists only, in doc order, and stops once a page is full (terms are
// searched by at most their first 6 characters, which prefix indexes
// cover; search_rows.cpp says why). The tokens
// are the domain's search words (search_words.hpp), which is what makes a
// match here exactly a MatchTier match on the other backends.
#pragma once

#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/storage/item_store.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

// Adds the new `item` to the index.
Status IndexForSearch(Connection& db, const Item& item);
// Rewrites the row of a saved `item` (its doc, and so its place, stays).
Status ReindexForSearch(Connection& db, const Item& item);
// Removes the item's row; none is not an error.
Status UnindexForSearch(Connection& db, const std::string& item_id);

// Indexes every item of the items table, oldest first (the migration that
// creates the index, on a database that has items already).
Status IndexEveryItemForSearch(Connection& db);

Result<SearchPage> QuerySearch(Connection& db, const SearchItemsQuery& query);

}  // namespace wdrbe::sqlite
