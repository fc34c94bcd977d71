#include "wdrbe/images/vips_transform.hpp"

#include <glib.h>

#include <string>
#include <vips/vips8>
// After vips8, which defines what it needs; vips.h does not include it.
#include <vips/vector.h>

#include "wdrbe/images/webp_chunks.hpp"

namespace wdrbe::images {
namespace {

using vips::VError;
using vips::VImage;

constexpr int kOriginalQuality = 90;
constexpr int kThumbnailQuality = 80;

// A blob over `bytes` without a copy; libvips does not own it.
class BorrowedBlob {
 public:
  explicit BorrowedBlob(std::string_view bytes) : blob_(vips_blob_new(nullptr, bytes.data(), bytes.size())) {}
  ~BorrowedBlob() { vips_area_unref(reinterpret_cast<VipsArea*>(blob_)); }
  BorrowedBlob(const BorrowedBlob&) = delete;
  BorrowedBlob& operator=(const BorrowedBlob&) = delete;
  VipsBlob* get() const { return blob_; }

 private:
  VipsBlob* blob_;
};

VImage Load(const BorrowedBlob& blob, ImageFormat format) {
  // Fail on real errors (truncation included), not on warnings that
  // cameras commonly leave in their files.
  auto options = [] { return VImage::option()->set("fail_on", VIPS_FAIL_ON_ERROR); };
  switch (format) {
    case ImageFormat::kJpeg:
      return VImage::jpegload_buffer(blob.get(), options());
    case ImageFormat::kPng:
      return VImage::pngload_buffer(blob.get(), options());
    case ImageFormat::kWebp:
      return VImage::webpload_buffer(blob.get(), options());
  }
  throw VError("unknown format");
}

// The pixels as a browser shows them, in sRGB, so that dropping the
// colour profile changes no colour.
VImage Upright(const VImage& decoded) {
  VImage image = decoded.autorot();
  if (image.get_typeof(VIPS_META_ICC_NAME) != 0) {
    image = image.icc_transform("srgb", VImage::option()->set("embedded", true));
  } else if (image.interpretation() == VIPS_INTERPRETATION_CMYK) {
    image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  }
  return image;
}

// The pixels alone. Every metadata field goes, not only those a saver's
// "strip" knows of: libvips 8.14's WebP saver keeps EXIF despite "strip".
// (Header properties such as width and format are not metadata and stay.)
VImage WithoutMetadata(const VImage& image) {
  VImage bare = image.copy();
  gchar** fields = vips_image_get_fields(bare.get_image());
  for (gchar** field = fields; *field != nullptr; ++field) vips_image_remove(bare.get_image(), *field);
  g_strfreev(fields);
  return bare;
}

std::string Encode(const VImage& image, ImageFormat format, int quality) {
  void* buffer = nullptr;
  std::size_t size = 0;
  // "strip" drops EXIF (GPS included), XMP, IPTC, comments and the
  // profile: nothing but the pixels leaves the server.
  switch (format) {
    case ImageFormat::kJpeg:
      image.write_to_buffer(
          ".jpg", &buffer, &size,
          VImage::option()->set("Q", quality)->set("strip", true)->set("optimize_coding", true));
      break;
    case ImageFormat::kPng:
      image.write_to_buffer(".png", &buffer, &size, VImage::option()->set("strip", true));
      break;
    case ImageFormat::kWebp:
      image.write_to_buffer(".webp", &buffer, &size, VImage::option()->set("Q", quality)->set("strip", true));
      break;
  }
  std::string bytes(static_cast<const char*>(buffer), size);
  g_free(buffer);
  if (format == ImageFormat::kWebp) {
    auto bare = WithoutWebpMetadataChunks(bytes);
    if (!bare) throw VError("the WebP encoder's output is not a WebP container");
    return std::move(*bare);
  }
  return bytes;
}

Error Undecodable(ImageFormat format) {
  return Error::BadRequest("the body does not decode as a " + std::string(DisplayNameOf(format)) +
                           " image (damaged or truncated)");
}

}  // namespace

Status StartVips() {
  static const Status started = [] {
    if (vips_init("wdrbe") != 0) {
      std::string reason = vips_error_buffer();
      vips_error_clear();
      return Status(Error::Internal("libvips did not start: " + reason));
    }
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_block_untrusted_set(TRUE);
    // No run-time code generation (liborc's JIT needs writable, executable
    // memory, which the systemd unit's MemoryDenyWriteExecute forbids, and
    // is attack surface the photo path does not need).
    vips_vector_set_enabled(FALSE);
    // libvips warns about every damaged upload on stderr; the service
    // answers 400 for those, and its log is JSON lines.
    g_log_set_handler(
        "VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO),
        [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
    return Status::Ok();
  }();
  return started;
}

Result<CleanImage> CleanWithVips(std::string_view bytes, ImageFormat format) {
  const BorrowedBlob blob(bytes);
  try {
    // Loading reads the header only; the pixels are decoded when used.
    VImage decoded = Load(blob, format);
    const long long width = decoded.width();
    const long long height = decoded.height();
    if (width > kMaxImageSide || height > kMaxImageSide || width * height > kMaxImagePixels) {
      return Error::BadRequest("the image is " + std::to_string(width) + "x" + std::to_string(height) +
                               " pixels; at most " + std::to_string(kMaxImageSide) + " on a side and " +
                               std::to_string(kMaxImagePixels / 1'000'000) + " megapixels are accepted");
    }
    // Decoded once, in memory: the original and the thumbnail both read it.
    VImage upright = WithoutMetadata(Upright(decoded).copy_memory());
    CleanImage clean;
    clean.format = format;
    clean.width = upright.width();
    clean.height = upright.height();
    clean.original = Encode(upright, format, kOriginalQuality);
    if (clean.original.size() > kMaxStoredImageBytes) {
      return Error::BadRequest("the cleaned photo would be larger than " +
                               std::to_string(kMaxStoredImageBytes / (1024 * 1024)) +
                               " MiB; upload it with fewer pixels");
    }
    VImage thumbnail = upright.thumbnail_image(
        kThumbnailSide, VImage::option()->set("height", kThumbnailSide)->set("size", VIPS_SIZE_DOWN));
    clean.thumbnail = Encode(thumbnail, format, kThumbnailQuality);
    return clean;
  } catch (const VError&) {
    vips_error_clear();
    return Undecodable(format);
  }
}

}  // namespace wdrbe::images
