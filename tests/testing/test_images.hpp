// Real photos for tests, made with libvips: JPEG, PNG and WebP of a given
// size, optionally carrying the metadata the service must remove (EXIF with
// an orientation and an artist, XMP, a PNG text chunk), and what a test
// needs to read back (size, whether metadata survived).
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/domain/image_format.hpp"

namespace wdrbe::testing {

struct TestImageOptions {
  int width = 64;
  int height = 48;
  // EXIF orientation (1-8) and other metadata written into the file.
  int orientation = 0;  // 0: none
  bool with_metadata = false;
};

// An encoded image with a gradient (so encoders have something to keep).
std::string MakeTestImage(ImageFormat format, const TestImageOptions& options = {});

struct DecodedTestImage {
  int width = 0;
  int height = 0;
};

// The size of an encoded image; throws when it does not decode.
DecodedTestImage DecodeTestImage(std::string_view bytes);

// The metadata libvips finds in the encoded image (EXIF, XMP, IPTC, ICC,
// orientation, PNG text chunks), by field name, comma-separated; "" when none.
std::string MetadataIn(std::string_view bytes);

}  // namespace wdrbe::testing
