#include "testing/test_images.hpp"

#include <glib.h>

#include <stdexcept>
#include <vips/vips8>

#include "wdrbe/images/vips_transform.hpp"

namespace wdrbe::testing {
namespace {

using vips::VImage;

VImage Gradient(int width, int height) {
  // Three bands of ramps: red across, green down, blue constant.
  VImage x = VImage::xyz(width, height)[0] * (255.0 / std::max(1, width - 1));
  VImage y = VImage::xyz(width, height)[1] * (255.0 / std::max(1, height - 1));
  VImage blue = (x * 0.0) + 128.0;
  return x.bandjoin(y)
      .bandjoin(blue)
      .cast(VIPS_FORMAT_UCHAR)
      .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

}  // namespace

std::string MakeTestImage(ImageFormat format, const TestImageOptions& options) {
  if (Status started = images::StartVips(); !started.ok()) throw std::runtime_error(started.error().message);
  VImage image = Gradient(options.width, options.height).copy_memory();
  if (options.orientation != 0) image.set(VIPS_META_ORIENTATION, options.orientation);
  if (options.with_metadata) {
    image.set("exif-ifd0-Artist", "a test camera's owner");
    const std::string xmp =
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/></x:xmpmeta>";
    // A copy: the image keeps the blob after `xmp` is gone.
    vips_image_set_blob_copy(image.get_image(), VIPS_META_XMP_NAME, xmp.data(), xmp.size());
    image.set("png-comment-0-Comment", "taken at 51.5N 0.1W");
  }
  void* buffer = nullptr;
  std::size_t size = 0;
  const char* suffix = format == ImageFormat::kJpeg ? ".jpg" : format == ImageFormat::kPng ? ".png" : ".webp";
  image.write_to_buffer(suffix, &buffer, &size);
  std::string bytes(static_cast<const char*>(buffer), size);
  g_free(buffer);
  return bytes;
}

DecodedTestImage DecodeTestImage(std::string_view bytes) {
  if (Status started = images::StartVips(); !started.ok()) throw std::runtime_error(started.error().message);
  VImage image = VImage::new_from_buffer(bytes.data(), bytes.size(), "");
  return {image.width(), image.height()};
}

std::string MetadataIn(std::string_view bytes) {
  if (Status started = images::StartVips(); !started.ok()) throw std::runtime_error(started.error().message);
  VImage image = VImage::new_from_buffer(bytes.data(), bytes.size(), "");
  std::string found;
  gchar** fields = vips_image_get_fields(image.get_image());
  for (gchar** field = fields; *field != nullptr; ++field) {
    const std::string_view name(*field);
    if (name.starts_with("exif-") || name.starts_with("xmp-") || name.starts_with("iptc-") ||
        name.starts_with("icc-") || name.starts_with("png-comment-") || name == VIPS_META_ORIENTATION) {
      if (!found.empty()) found += ",";
      found += name;
    }
  }
  g_strfreev(fields);
  return found;
}

}  // namespace wdrbe::testing
