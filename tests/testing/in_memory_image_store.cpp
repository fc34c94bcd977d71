#include "testing/in_memory_image_store.hpp"

namespace wdrbe::testing {

Task<Status> InMemoryImageStore::PutImage(std::string item_id, ImageVariant variant, StoredImage image) {
  const std::lock_guard lock(mutex_);
  images_[{std::move(item_id), variant}] = std::move(image);
  co_return Status::Ok();
}

Task<Result<StoredImage>> InMemoryImageStore::GetImage(std::string item_id, ImageVariant variant) {
  const std::lock_guard lock(mutex_);
  const auto it = images_.find({item_id, variant});
  if (it == images_.end()) {
    co_return Error::NotFound("no " + std::string(ImageVariantName(variant)) + " image of " + item_id);
  }
  co_return it->second;
}

Task<Status> InMemoryImageStore::DeleteImages(std::string item_id) {
  const std::lock_guard lock(mutex_);
  images_.erase({item_id, ImageVariant::kOriginal});
  images_.erase({item_id, ImageVariant::kThumbnail});
  co_return Status::Ok();
}

}  // namespace wdrbe::testing
