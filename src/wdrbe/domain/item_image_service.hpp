// The photo use cases behind PUT, DELETE and GET /items/{id}/image: who may
// change or see an item's photo (the item's own rules, item_access.hpp), the
// order that keeps the item and its photo files consistent, and the URL an
// item's imageUrl gets. Decoding is ImageProcessor's; storage ImageStore's.
// Thread-safe; every dependency is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/image_processor.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/domain/item_service.hpp"
#include "wdrbe/storage/image_store.hpp"

namespace wdrbe {

class ItemImageService {
 public:
  // `images` null: this deployment keeps no photos, and every call answers
  // kNotImplemented naming the missing setting. `public_url`: the base of
  // the imageUrl the service sets ("" for a path alone, else an absolute
  // http(s) URL without a trailing slash).
  ItemImageService(ItemService& items, ImageStore* images, ImageProcessor& processor, std::string public_url)
      : items_(items), images_(images), processor_(processor), public_url_(std::move(public_url)) {}

  // Checks the declared type (kUnsupportedMediaType), the bytes' signature
  // (kUnsupportedMediaType), the caller's right to change the item
  // (kForbidden, kNotFound), then cleans the photo (kBadRequest when it
  // does not decode), stores both variants and points the item's imageUrl
  // at them. The item as it is now.
  Task<Result<Item>> Put(std::string user_id, std::string item_id,
                         std::optional<std::string_view> content_type, std::string bytes);
  // Clears the item's imageUrl and removes its photo files; Ok when it had none.
  Task<Status> Remove(std::string user_id, std::string item_id);
  // The photo if `user_id` may read the item; kNotFound otherwise, and
  // when the item has no photo.
  Task<Result<StoredImage>> Get(std::string user_id, std::string item_id, ImageVariant variant);
  // Removes the photo files of an item that was just deleted.
  Task<Status> ForgetDeletedItem(std::string item_id);

  // The imageUrl of an item whose photo the service keeps.
  std::string ImageUrlOf(std::string_view item_id) const;

 private:
  Status RequireStore() const;

  ItemService& items_;
  ImageStore* const images_;
  ImageProcessor& processor_;
  const std::string public_url_;
};

// The strong entity tag of stored bytes: part of their SHA-256, quoted.
std::string ImageEntityTag(std::string_view bytes);

}  // namespace wdrbe
