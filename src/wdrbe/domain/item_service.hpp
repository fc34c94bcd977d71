// The item use cases behind the HTTP API: create/upsert, get, update,
// delete, list. Holds the rules that are not storage's: read visibility,
// server-made ids, idempotency fingerprints, cursor scopes and limits.
// Thread-safe; every dependency is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

struct ItemListRequest {
  std::string user_id;
  std::optional<std::string> season;    // normalised
  std::optional<std::string> category;  // trimmed
  int limit = kDefaultPageSize;
  std::optional<std::string> cursor;  // as the client sent it
};

struct ItemSearchRequest {
  std::string user_id;
  std::string q;                        // as the client sent it
  std::optional<std::string> season;    // normalised
  std::optional<std::string> category;  // trimmed
  int limit = kDefaultPageSize;
  std::optional<std::string> cursor;  // as the client sent it
};

struct ItemListPage {
  std::vector<Item> items;
  std::optional<std::string> next_cursor;  // set exactly when has_more
  bool has_more = false;
};

class ItemService {
 public:
  ItemService(ItemStore& store, const Clock& clock, UlidGenerator& ids, const CursorCodec& cursors)
      : store_(store), clock_(clock), ids_(ids), cursors_(cursors) {}

  Task<Result<CreateItemResult>> Create(std::string user_id, CreateItemInput input);
  // The item if `user_id` may read it; kNotFound otherwise.
  Task<Result<Item>> Get(std::string user_id, std::string item_id);
  Task<Result<Item>> Update(std::string user_id, std::string item_id, ItemPatch patch);
  Task<Status> Delete(std::string user_id, std::string item_id);
  Task<Result<ItemListPage>> List(ItemListRequest request);
  // kBadRequest for a `q` that ParseSearchTerms refuses.
  Task<Result<ItemListPage>> Search(ItemSearchRequest request);

  ItemStore& store() const { return store_; }
  // This service on another store (one that records spans around `store()`).
  ItemService WithStore(ItemStore& store) const { return ItemService(store, clock_, ids_, cursors_); }

 private:
  ItemStore& store_;
  const Clock& clock_;
  UlidGenerator& ids_;
  const CursorCodec& cursors_;
};

// The scope a list cursor is bound to: route, user and filters.
std::string ItemListCursorScope(std::string_view user_id, const std::optional<std::string>& season,
                                const std::optional<std::string>& category);
// The scope a search cursor is bound to: a list's scope, and the terms.
std::string ItemSearchCursorScope(std::string_view user_id, const std::vector<std::string>& terms,
                                  const std::optional<std::string>& season,
                                  const std::optional<std::string>& category);

}  // namespace wdrbe
