#include "wdrbe/images/webp_chunks.hpp"

#include <cstdint>

namespace wdrbe::images {
namespace {

constexpr std::size_t kRiffHeaderBytes = 12;  // "RIFF", size, "WEBP"
constexpr std::size_t kChunkHeaderBytes = 8;  // FourCC, size
// VP8X flags: ICC profile, EXIF and XMP present.
constexpr unsigned char kMetadataFlags = 0x20 | 0x08 | 0x04;

std::uint32_t ReadLittleEndian32(std::string_view bytes) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[3])) << 24;
}

void WriteLittleEndian32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

bool IsMetadataChunk(std::string_view fourcc) {
  return fourcc == "EXIF" || fourcc == "XMP " || fourcc == "ICCP";
}

}  // namespace

std::optional<std::string> WithoutWebpMetadataChunks(std::string_view webp) {
  if (webp.size() < kRiffHeaderBytes || !webp.starts_with("RIFF") || webp.substr(8, 4) != "WEBP")
    return std::nullopt;
  const std::size_t riff_end = std::size_t{ReadLittleEndian32(webp.substr(4, 4))} + 8;
  if (riff_end > webp.size() || riff_end < kRiffHeaderBytes) return std::nullopt;
  std::string out(webp.substr(0, kRiffHeaderBytes));
  std::size_t at = kRiffHeaderBytes;
  while (at < riff_end) {
    if (riff_end - at < kChunkHeaderBytes) return std::nullopt;
    const std::string_view fourcc = webp.substr(at, 4);
    const std::size_t size = ReadLittleEndian32(webp.substr(at + 4, 4));
    // Chunks are padded to an even size.
    const std::size_t whole = kChunkHeaderBytes + size + (size & 1);
    if (whole > riff_end - at) return std::nullopt;
    if (!IsMetadataChunk(fourcc)) {
      const std::size_t start = out.size();
      out.append(webp.substr(at, whole));
      if (fourcc == "VP8X" && size >= 1) {
        out[start + kChunkHeaderBytes] =
            static_cast<char>(static_cast<unsigned char>(out[start + kChunkHeaderBytes]) &
                              static_cast<unsigned char>(~kMetadataFlags));
      }
    }
    at += whole;
  }
  WriteLittleEndian32(out, 4, static_cast<std::uint32_t>(out.size() - 8));
  return out;
}

}  // namespace wdrbe::images
