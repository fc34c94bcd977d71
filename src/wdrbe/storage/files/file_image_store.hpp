// ImageStore in a directory of the embedded data directory: one file per
// photo variant, `<itemId>.original` and `<itemId>.thumbnail` (item ids
// are [A-Za-z0-9_-], safe as file names), each a short header line for the
// content type and the entity tag, then the bytes. Files are replaced by
// rename, so a reader always gets a whole photo, and are fsync'ed like the
// database. The file work runs on threads of its own (a 5 MiB write must
// not stall a network thread).
#pragma once

#include <filesystem>
#include <memory>

#include "wdrbe/base/blocking_pool.hpp"
#include "wdrbe/storage/image_store.hpp"

namespace wdrbe {

inline constexpr char kImagesDirectory[] = "images";

class FileImageStore final : public ImageStore {
 public:
  // Creates `dir` (0700) when absent. kUnavailable when it cannot.
  static Result<std::unique_ptr<FileImageStore>> Open(std::filesystem::path dir);

  Task<Status> PutImage(std::string item_id, ImageVariant variant, StoredImage image) override;
  Task<Result<StoredImage>> GetImage(std::string item_id, ImageVariant variant) override;
  Task<Status> DeleteImages(std::string item_id) override;

  // Finishes the file work in flight; later calls fail with kUnavailable.
  void Close() { pool_.Stop(); }

 private:
  explicit FileImageStore(std::filesystem::path dir);
  std::filesystem::path PathOf(std::string_view item_id, ImageVariant variant) const;

  const std::filesystem::path dir_;
  BlockingPool pool_;
};

// The file format, apart from the file system (for tests and tools).
std::string EncodeImageFile(const StoredImage& image);
// kInternal when `file` is not one EncodeImageFile wrote.
Result<StoredImage> DecodeImageFile(std::string file);

}  // namespace wdrbe
