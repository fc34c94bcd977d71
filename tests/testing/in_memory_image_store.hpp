// An ImageStore in memory: proof that the image contract asks nothing of
// an engine, and a test double for the photo routes.
// Thread-safe: every method takes mutex_. Every Task completes at once.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "wdrbe/storage/image_store.hpp"

namespace wdrbe::testing {

class InMemoryImageStore final : public ImageStore {
 public:
  Task<Status> PutImage(std::string item_id, ImageVariant variant, StoredImage image) override;
  Task<Result<StoredImage>> GetImage(std::string item_id, ImageVariant variant) override;
  Task<Status> DeleteImages(std::string item_id) override;

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, ImageVariant>, StoredImage> images_;  // guarded by mutex_
};

}  // namespace wdrbe::testing
