// Any bytes as a WebP container whose metadata chunks are to be removed
// (images/webp_chunks): never a crash or a read past the input, and what
// comes out is a well-formed container without EXIF, XMP or ICCP chunks,
// no longer than the input, that the function leaves as it is.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wdrbe/domain/image_format.hpp"
#include "wdrbe/images/webp_chunks.hpp"

namespace {

std::uint32_t Le32(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3])) << 24;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)wdrbe::SniffImageFormat(input);
  const auto bare = wdrbe::images::WithoutWebpMetadataChunks(input);
  if (!bare) return 0;
  if (bare->size() > input.size() || wdrbe::SniffImageFormat(*bare) != wdrbe::ImageFormat::kWebp)
    __builtin_trap();
  if (Le32(*bare, 4) + std::size_t{8} != bare->size()) __builtin_trap();
  for (std::size_t at = 12; at + 8 <= bare->size();) {
    const std::string_view fourcc = std::string_view(*bare).substr(at, 4);
    if (fourcc == "EXIF" || fourcc == "XMP " || fourcc == "ICCP") __builtin_trap();
    const std::size_t chunk = Le32(*bare, at + 4);
    at += 8 + chunk + (chunk & 1);
  }
  const auto again = wdrbe::images::WithoutWebpMetadataChunks(*bare);
  if (!again || *again != *bare) __builtin_trap();
  return 0;
}
