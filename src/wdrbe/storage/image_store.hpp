// The item photo store: the port every image adapter implements (files
// under the data directory by default; an S3 bucket on the AWS backend).
// It holds two stored forms of an item's photo, the cleaned original and its
// thumbnail, each with its content type and entity tag. Item ids are unique
// across users, so an item id names its photos alone; who may see them is
// the item's rule, checked by the caller (domain/item_image_service).
// All methods are safe to call concurrently from any thread; the returned
// Task completes on the awaiting coroutine's executor.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe {

enum class ImageVariant { kOriginal, kThumbnail };

// "original" and "thumbnail": how adapters name a variant.
std::string_view ImageVariantName(ImageVariant variant);

struct StoredImage {
  std::string content_type;  // "image/jpeg", "image/png" or "image/webp"
  std::string bytes;
  // A strong entity tag, quoted ("\"3f2a...\""): changes whenever the
  // bytes do. Set by the caller of Put (a digest of the bytes); Get returns
  // what Put stored.
  std::string etag;
};

class ImageStore {
 public:
  virtual ~ImageStore() = default;

  // Stores (or replaces) one variant of the item's photo. Each Put is atomic
  // on its own: a concurrent Get sees the old image or the new one, whole.
  virtual Task<Status> PutImage(std::string item_id, ImageVariant variant, StoredImage image) = 0;
  // kNotFound when the item has no such image.
  virtual Task<Result<StoredImage>> GetImage(std::string item_id, ImageVariant variant) = 0;
  // Removes both variants; Ok when there were none.
  virtual Task<Status> DeleteImages(std::string item_id) = 0;
};

}  // namespace wdrbe
