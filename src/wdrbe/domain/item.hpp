// The wardrobe item and the inputs that create or change one. Plain data:
// validation lives in item_validation, persistence behind storage/item_store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wdrbe {

// The fields a client edits. Strings are already trimmed and normalised
// (season lower-case, `fall` stored as `autumn`).
struct ItemFields {
  std::string name;
  std::string category;
  std::optional<std::string> season;
  std::optional<std::string> color;
  std::optional<std::string> brand;
  std::optional<std::string> purchase_date;  // YYYY-MM-DD
  std::optional<std::string> image_url;
  friend bool operator==(const ItemFields&, const ItemFields&) = default;
};

struct Item {
  std::string item_id;
  std::string user_id;
  ItemFields fields;
  std::int64_t shared_count = 0;
  bool is_public = false;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  friend bool operator==(const Item&, const Item&) = default;
};

// A validated POST /users/{userId}/items body.
struct CreateItemInput {
  std::optional<std::string> item_id;  // absent: the server makes a ULID
  ItemFields fields;
  std::optional<std::string> idempotency_key;  // from the body or the header
};

// A validated PATCH body. For optional fields the outer optional says
// "present in the body"; an inner nullopt means "clear it".
struct ItemPatch {
  std::optional<std::string> name;
  std::optional<std::string> category;
  std::optional<std::optional<std::string>> season;
  std::optional<std::optional<std::string>> color;
  std::optional<std::optional<std::string>> brand;
  std::optional<std::optional<std::string>> purchase_date;
  std::optional<std::optional<std::string>> image_url;

  // Applies the present fields to `fields`.
  void ApplyTo(ItemFields& fields) const;
};

}  // namespace wdrbe
