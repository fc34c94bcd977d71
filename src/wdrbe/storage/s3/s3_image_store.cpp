#include "wdrbe/storage/s3/s3_image_store.hpp"

namespace wdrbe::s3 {
namespace {

constexpr std::size_t kMaxItemIdLength = 128;

// The item id rule, checked again here because it is what keeps a key
// inside images/{itemId}/: no '/', no "..", nothing to encode.
Status CheckItemId(std::string_view item_id) {
  const bool allowed = !item_id.empty() && item_id.size() <= kMaxItemIdLength &&
                       item_id.find_first_not_of(
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                           "0123456789_-") == std::string_view::npos;
  if (allowed) return Status::Ok();
  return Error::Internal("S3 image store: an item id outside [A-Za-z0-9_-]{1,128}");
}

}  // namespace

std::string ImageObjectKey(std::string_view item_id, ImageVariant variant) {
  return "images/" + std::string(item_id) + "/" + std::string(ImageVariantName(variant));
}

Task<Status> S3ImageStore::PutImage(std::string item_id, ImageVariant variant, StoredImage image) {
  if (Status s = CheckItemId(item_id); !s.ok()) co_return s;
  if (image.etag.empty()) co_return Error::Internal("S3 image store: an image without an entity tag");
  aws::S3Object object;
  object.content_type = std::move(image.content_type);
  object.body = std::move(image.bytes);
  object.metadata.emplace_back(std::string(kEtagMetadata), std::move(image.etag));
  Task<Status> putting = clients_.PutS3Object(bucket_, ImageObjectKey(item_id, variant), std::move(object));
  co_return co_await std::move(putting);
}

Task<Result<StoredImage>> S3ImageStore::GetImage(std::string item_id, ImageVariant variant) {
  if (Status s = CheckItemId(item_id); !s.ok()) co_return s.error();
  const std::string key = ImageObjectKey(item_id, variant);
  Task<Result<aws::S3Object>> getting = clients_.GetS3Object(bucket_, key);
  Result<aws::S3Object> object = co_await std::move(getting);
  if (!object.ok()) co_return object.error();
  std::optional<std::string> etag = object->Metadata(kEtagMetadata);
  // Every object PutImage writes has one: this one was put by something else.
  if (!etag || etag->empty()) {
    co_return Error::Internal("S3 image store: s3://" + bucket_ + "/" + key + " has no x-amz-meta-" +
                              std::string(kEtagMetadata));
  }
  co_return StoredImage{std::move(object->content_type), std::move(object->body), std::move(*etag)};
}

Task<Status> S3ImageStore::DeleteImages(std::string item_id) {
  if (Status s = CheckItemId(item_id); !s.ok()) co_return s;
  // The original first: were the second delete to fail, what is left is a
  // thumbnail of a photo that is gone, which the next delete removes.
  for (const ImageVariant variant : {ImageVariant::kOriginal, ImageVariant::kThumbnail}) {
    Task<Status> deleting = clients_.DeleteS3Object(bucket_, ImageObjectKey(item_id, variant));
    if (Status s = co_await std::move(deleting); !s.ok()) co_return s;
  }
  co_return Status::Ok();
}

}  // namespace wdrbe::s3
