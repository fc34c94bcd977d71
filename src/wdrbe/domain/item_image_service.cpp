#include "wdrbe/domain/item_image_service.hpp"

#include "wdrbe/base/crypto.hpp"
#include "wdrbe/domain/item_access.hpp"
#include "wdrbe/domain/item_validation.hpp"

namespace wdrbe {
namespace {

Error UnsupportedMediaType(std::string message) {
  return {ErrorCode::kUnsupportedMediaType, std::move(message), {}};
}

ItemPatch ImageUrlPatch(std::optional<std::string> url) {
  ItemPatch patch;
  patch.image_url = std::move(url);
  return patch;
}

}  // namespace

std::string ImageEntityTag(std::string_view bytes) {
  return "\"" + ToHex(Sha256(bytes)).substr(0, 32) + "\"";
}

std::string ItemImageService::ImageUrlOf(std::string_view item_id) const {
  return public_url_ + "/items/" + std::string(item_id) + "/image";
}

Status ItemImageService::RequireStore() const {
  if (images_ != nullptr) return Status::Ok();
  return Error{ErrorCode::kNotImplemented,
               "this deployment keeps no photos: start the server with --image-bucket",
               {}};
}

Task<Result<Item>> ItemImageService::Put(std::string user_id, std::string item_id,
                                         std::optional<std::string_view> content_type, std::string bytes) {
  if (Status s = RequireStore(); !s.ok()) co_return s.error();
  const std::optional<ImageFormat> format =
      content_type ? ImageFormatFromContentType(*content_type) : std::nullopt;
  if (!format) co_return UnsupportedMediaType("Content-Type must be image/jpeg, image/png or image/webp");
  if (bytes.empty()) co_return Error::BadRequest("the request has no image: the body is empty");
  if (SniffImageFormat(bytes) != format) {
    co_return UnsupportedMediaType("the body is not a " + std::string(DisplayNameOf(*format)) +
                                   " image: its bytes look like " + std::string(DescribeImageBytes(bytes)));
  }
  // The right to change the item is checked before the costly decode, and
  // again by the update that sets imageUrl (the item may change meanwhile).
  auto item = co_await items_.Get(user_id, item_id);
  if (!item.ok()) co_return item.error();
  if (Status s = CheckOwnerAccess(*item, user_id); !s.ok()) co_return s.error();

  auto clean = co_await processor_.Clean(std::move(bytes), *format);
  if (!clean.ok()) co_return clean.error();

  // Thumbnail first: a reader that finds the new original finds its
  // thumbnail. (Temporaries are named: GCC 12 mishandles some in a
  // co_await operand.)
  const std::string content_type_stored(ContentTypeOf(clean->format));
  std::string thumbnail_tag = ImageEntityTag(clean->thumbnail);
  StoredImage thumbnail{content_type_stored, std::move(clean->thumbnail), std::move(thumbnail_tag)};
  Status stored = co_await images_->PutImage(item_id, ImageVariant::kThumbnail, std::move(thumbnail));
  if (stored.ok()) {
    std::string original_tag = ImageEntityTag(clean->original);
    StoredImage original{content_type_stored, std::move(clean->original), std::move(original_tag)};
    stored = co_await images_->PutImage(item_id, ImageVariant::kOriginal, std::move(original));
  }
  if (!stored.ok()) co_return stored.error();

  ItemPatch set_url = ImageUrlPatch(ImageUrlOf(item_id));
  auto updated = co_await items_.Update(user_id, item_id, std::move(set_url));
  if (!updated.ok()) {
    // Deleted while the photo was being cleaned: its
    // files must not outlive it.
    if (updated.error().code == ErrorCode::kNotFound) {
      Status forgotten = co_await images_->DeleteImages(item_id);
      (void)forgotten;  // the item's delete removes them again, if this failed
    }
    co_return updated.error();
  }
  co_return updated;
}

Task<Status> ItemImageService::Remove(std::string user_id, std::string item_id) {
  if (Status s = RequireStore(); !s.ok()) co_return s;
  // The update checks the right to change the item (403/404) and clears
  // the URL first, so no item ever points at files that are gone.
  ItemPatch clear_url = ImageUrlPatch(std::nullopt);
  auto updated = co_await items_.Update(user_id, item_id, std::move(clear_url));
  if (!updated.ok()) co_return updated.error();
  co_return co_await images_->DeleteImages(std::move(item_id));
}

Task<Result<StoredImage>> ItemImageService::Get(std::string user_id, std::string item_id,
                                                ImageVariant variant) {
  if (Status s = RequireStore(); !s.ok()) co_return s.error();
  auto item = co_await items_.Get(std::move(user_id), item_id);
  if (!item.ok()) co_return item.error();
  // The item is the truth: a PATCH that pointed imageUrl elsewhere (or
  // cleared it) took the photo out of the item, whatever files remain. By
  // the path alone, so a changed --public-url keeps old photos served.
  const std::string own_path = "/items/" + item_id + "/image";
  if (!item->fields.image_url || !std::string_view(*item->fields.image_url).ends_with(own_path))
    co_return Error::NotFound("the item has no photo");
  auto image = co_await images_->GetImage(std::move(item_id), variant);
  if (!image.ok() && image.error().code == ErrorCode::kNotFound)
    co_return Error::NotFound("the item has no photo");
  co_return image;
}

Task<Status> ItemImageService::ForgetDeletedItem(std::string item_id) {
  if (images_ == nullptr || !IsValidItemId(item_id)) co_return Status::Ok();
  co_return co_await images_->DeleteImages(std::move(item_id));
}

}  // namespace wdrbe
