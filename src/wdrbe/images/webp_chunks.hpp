// Removing the metadata chunks of a WebP file: EXIF, XMP and ICC profile,
// and their flags in the VP8X header. libvips 8.14's WebP saver writes a
// fresh EXIF chunk even when told to strip, so the service takes the chunks
// out of what it encoded (RIFF container, Google's "WebP Container
// Specification").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wdrbe::images {

// The same image without EXIF, XMP or ICCP chunks; nullopt when `webp` is
// not a well-formed WebP RIFF container (chunk sizes past its end, say).
std::optional<std::string> WithoutWebpMetadataChunks(std::string_view webp);

}  // namespace wdrbe::images
