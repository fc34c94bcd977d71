#include "wdrbe/storage/files/file_image_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wdrbe/storage/private_files.hpp"

namespace wdrbe {
namespace {

constexpr std::string_view kFileMagic = "wdrbe-image/1\n";
constexpr int kFileThreads = 2;
constexpr std::size_t kMaxWaitingFileWork = 64;
// No stored photo is near this; a bigger file is not one of ours.
constexpr off_t kMaxImageFileBytes = 64 * 1024 * 1024;

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Error::NotFound("no such photo");
    return Error::Unavailable("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  struct stat info {};
  std::string bytes;
  bool ok = ::fstat(fd, &info) == 0 && info.st_size <= kMaxImageFileBytes;
  if (ok) {
    bytes.resize(static_cast<std::size_t>(info.st_size));
    std::size_t done = 0;
    while (ok && done < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        ok = false;
      else
        done += static_cast<std::size_t>(n);
    }
  }
  const std::string error = ok ? "" : std::strerror(errno);
  ::close(fd);
  if (!ok) return Error::Unavailable("cannot read " + path.string() + ": " + error);
  return bytes;
}

}  // namespace

std::string EncodeImageFile(const StoredImage& image) {
  std::string file;
  file.reserve(kFileMagic.size() + image.content_type.size() + image.etag.size() + 2 + image.bytes.size());
  file += kFileMagic;
  file += image.content_type;
  file += '\n';
  file += image.etag;
  file += '\n';
  file += image.bytes;
  return file;
}

Result<StoredImage> DecodeImageFile(std::string file) {
  const auto corrupt = [] { return Error::Internal("a stored photo file is damaged"); };
  if (!std::string_view(file).starts_with(kFileMagic)) return corrupt();
  const std::size_t type_end = file.find('\n', kFileMagic.size());
  if (type_end == std::string::npos) return corrupt();
  const std::size_t tag_end = file.find('\n', type_end + 1);
  if (tag_end == std::string::npos) return corrupt();
  StoredImage image;
  image.content_type = file.substr(kFileMagic.size(), type_end - kFileMagic.size());
  image.etag = file.substr(type_end + 1, tag_end - type_end - 1);
  file.erase(0, tag_end + 1);
  image.bytes = std::move(file);
  return image;
}

Result<std::unique_ptr<FileImageStore>> FileImageStore::Open(std::filesystem::path dir) {
  if (Status created = CreatePrivateDirectory(dir); !created.ok()) return created.error();
  return std::unique_ptr<FileImageStore>(new FileImageStore(std::move(dir)));
}

FileImageStore::FileImageStore(std::filesystem::path dir)
    : dir_(std::move(dir)), pool_("the photo file workers", kFileThreads, kMaxWaitingFileWork) {}

std::filesystem::path FileImageStore::PathOf(std::string_view item_id, ImageVariant variant) const {
  return dir_ / (std::string(item_id) + "." + std::string(ImageVariantName(variant)));
}

Task<Status> FileImageStore::PutImage(std::string item_id, ImageVariant variant, StoredImage image) {
  auto file = std::make_shared<const std::string>(EncodeImageFile(image));
  return pool_.Run<Status>(
      [path = PathOf(item_id, variant), file] { return ReplaceFileAtomically(path, *file); });
}

Task<Result<StoredImage>> FileImageStore::GetImage(std::string item_id, ImageVariant variant) {
  return pool_.Run<Result<StoredImage>>([path = PathOf(item_id, variant)]() -> Result<StoredImage> {
    auto file = ReadWholeFile(path);
    if (!file.ok()) return file.error();
    return DecodeImageFile(std::move(*file));
  });
}

Task<Status> FileImageStore::DeleteImages(std::string item_id) {
  return pool_.Run<Status>([original = PathOf(item_id, ImageVariant::kOriginal),
                            thumbnail = PathOf(item_id, ImageVariant::kThumbnail)]() -> Status {
    // The original first: GetImage of it is what says a photo exists.
    for (const auto* path : {&original, &thumbnail}) {
      if (::unlink(path->c_str()) != 0 && errno != ENOENT) {
        return Error::Unavailable("cannot remove " + path->string() + ": " + std::strerror(errno));
      }
    }
    return Status::Ok();
  });
}

}  // namespace wdrbe
