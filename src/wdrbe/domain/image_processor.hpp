// The port that turns an uploaded photo into what the service stores: the
// pixels alone (no EXIF, GPS, XMP or colour profile), upright, re-encoded
// in their own format, and a thumbnail. The adapter (images/) decodes with
// a real image library on threads of its own, so network threads never
// decode.
#pragma once

#include <cstddef>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/image_format.hpp"

namespace wdrbe {

// Limits every upload is held to; each is documented in docs/api.md.
inline constexpr std::size_t kMaxImageUploadBytes = 5 * 1024 * 1024;
inline constexpr long long kMaxImagePixels = 50'000'000;
inline constexpr int kMaxImageSide = 16384;
// The thumbnail fits in a square of this side; smaller photos keep their size.
inline constexpr int kThumbnailSide = 256;

struct CleanImage {
  ImageFormat format = ImageFormat::kJpeg;
  std::string original;   // re-encoded, metadata removed
  std::string thumbnail;  // same format, fits in kThumbnailSide square
  int width = 0;          // of the original, after orientation
  int height = 0;
};

class ImageProcessor {
 public:
  virtual ~ImageProcessor() = default;
  // `bytes` must already begin with `format`'s signature. kBadRequest when
  // they do not decode or exceed the pixel limits (the message says which);
  // kUnavailable when too many uploads are waiting to be decoded.
  virtual Task<Result<CleanImage>> Clean(std::string bytes, ImageFormat format) = 0;
};

}  // namespace wdrbe
