// Who may change an item. One rule for PATCH, DELETE and share: the owner
// may; another user learns that a public item exists (403) but nothing about
// a private one (404, exactly as for an item that does not exist).
#pragma once

#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/item.hpp"

namespace wdrbe {

inline Status CheckOwnerAccess(const Item& item, std::string_view user_id) {
  if (item.user_id == user_id) return Status::Ok();
  if (item.is_public) return Error{ErrorCode::kForbidden, "only the owner may change this item", {}};
  return Error::NotFound("item not found");
}

// Read access for GET /items/{id}: the owner, or anyone when public.
inline bool CanRead(const Item& item, std::string_view user_id) {
  return item.is_public || item.user_id == user_id;
}

}  // namespace wdrbe
