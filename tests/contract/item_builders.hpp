// Items and patches spelled the way the store suites read best.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/item.hpp"

namespace wdrbe::contract {

using PatchField = std::optional<std::optional<std::string>>;
inline PatchField SetTo(std::string value) { return PatchField(std::in_place, std::move(value)); }
inline PatchField Cleared() { return PatchField(std::in_place, std::nullopt); }

// An ItemPatch field by field: Patch().Name("x").Color(Cleared()).
class Patch {
 public:
  Patch& Name(std::string value) {
    patch_.name = std::move(value);
    return *this;
  }
  Patch& Category(std::string value) {
    patch_.category = std::move(value);
    return *this;
  }
  Patch& Season(PatchField value) {
    patch_.season = std::move(value);
    return *this;
  }
  Patch& Color(PatchField value) {
    patch_.color = std::move(value);
    return *this;
  }
  Patch& Brand(PatchField value) {
    patch_.brand = std::move(value);
    return *this;
  }
  Patch& PurchaseDate(PatchField value) {
    patch_.purchase_date = std::move(value);
    return *this;
  }
  Patch& ImageUrl(PatchField value) {
    patch_.image_url = std::move(value);
    return *this;
  }
  operator ItemPatch() const { return patch_; }  // NOLINT: implicit by design

 private:
  ItemPatch patch_;
};

inline ItemFields Fields(std::string name, std::string category,
                         std::optional<std::string> season = std::nullopt) {
  ItemFields fields;
  fields.name = std::move(name);
  fields.category = std::move(category);
  fields.season = std::move(season);
  return fields;
}

inline ItemFields EveryField() {
  return ItemFields{"Navy Blazer",
                    "outerwear",
                    "autumn",
                    "navy",
                    "Acme",
                    "2025-10-01",
                    "https://img.example.com/itm_blazer.jpg"};
}

// prefix + n, zero-padded to four digits, so that ids sort in the order of n.
inline std::string Numbered(std::string_view prefix, int n) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04d", n);
  return std::string(prefix) + digits;
}

inline std::vector<std::string> IdsOf(const std::vector<Item>& items) {
  std::vector<std::string> ids;
  for (const Item& item : items) ids.push_back(item.item_id);
  return ids;
}

inline std::vector<std::string> IdsOf(const std::vector<Activity>& activities) {
  std::vector<std::string> ids;
  for (const Activity& activity : activities) ids.push_back(activity.activity_id);
  return ids;
}

}  // namespace wdrbe::contract
