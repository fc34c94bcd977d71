// The ImageStore on one S3 bucket (the AWS backend's, --image-bucket).
//
// Layout: each variant of an item's photo is one object,
//
//   images/{itemId}/original     images/{itemId}/thumbnail
//
// whose Content-Type is the image's content type and whose user metadata
// x-amz-meta-wdrbe-etag holds the image's entity tag exactly as the caller
// gave it (S3's own ETag is an MD5 in S3's format, and not the API's). A
// PutObject replaces an object whole and a GetObject reads one whole
// version with its metadata, so a Get racing a Put sees the old image or
// the new one, never a mix.
//
// Limits: an image's bytes at most aws::kMaxS3ObjectBytes (kPayloadTooLarge
// over); item ids of [A-Za-z0-9_-]{1,128} (anything else is kInternal: the
// caller validated the id, and a key must never be built from another).
// Errors otherwise as aws/s3_errors.hpp maps them.
//
// Thread-safe; `clients` must outlive the store. The IAM permissions it
// needs: s3:PutObject, s3:GetObject, s3:DeleteObject on
// arn:aws:s3:::{bucket}/images/*, and s3:ListBucket on arn:aws:s3:::{bucket},
// without which S3 answers 403 instead of 404 for a photo that is not there.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/storage/image_store.hpp"

namespace wdrbe::s3 {

// The user metadata that carries StoredImage::etag (without "x-amz-meta-").
inline constexpr std::string_view kEtagMetadata = "wdrbe-etag";

// "images/{item_id}/original" or "images/{item_id}/thumbnail".
std::string ImageObjectKey(std::string_view item_id, ImageVariant variant);

class S3ImageStore final : public ImageStore {
 public:
  S3ImageStore(aws::AwsClients& clients, std::string bucket)
      : clients_(clients), bucket_(std::move(bucket)) {}

  const std::string& bucket() const { return bucket_; }

  Task<Status> PutImage(std::string item_id, ImageVariant variant, StoredImage image) override;
  Task<Result<StoredImage>> GetImage(std::string item_id, ImageVariant variant) override;
  Task<Status> DeleteImages(std::string item_id) override;

 private:
  aws::AwsClients& clients_;
  const std::string bucket_;
};

}  // namespace wdrbe::s3
