#include "wdrbe/domain/item.hpp"

namespace wdrbe {

void ItemPatch::ApplyTo(ItemFields& fields) const {
  if (name) fields.name = *name;
  if (category) fields.category = *category;
  if (season) fields.season = *season;
  if (color) fields.color = *color;
  if (brand) fields.brand = *brand;
  if (purchase_date) fields.purchase_date = *purchase_date;
  if (image_url) fields.image_url = *image_url;
}

}  // namespace wdrbe
