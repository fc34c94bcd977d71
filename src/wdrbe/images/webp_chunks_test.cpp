#include "wdrbe/images/webp_chunks.hpp"

#include <gtest/gtest.h>

namespace wdrbe::images {
namespace {

using namespace std::string_literals;

std::string Chunk(std::string fourcc, std::string payload) {
  std::string chunk = fourcc;
  const auto size = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) chunk.push_back(static_cast<char>((size >> (8 * i)) & 0xFF));
  chunk += payload;
  if (payload.size() % 2 == 1) chunk.push_back('\0');
  return chunk;
}

std::string Riff(const std::string& chunks) {
  std::string file = "RIFF";
  const auto size = static_cast<std::uint32_t>(chunks.size() + 4);
  for (int i = 0; i < 4; ++i) file.push_back(static_cast<char>((size >> (8 * i)) & 0xFF));
  return file + "WEBP" + chunks;
}

TEST(WebpChunksTest, MetadataChunksAndTheirFlagsGoAndTheImageStays) {
  // VP8X flags: ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04.
  const std::string vp8x = Chunk("VP8X", "\x3C\0\0\0\x0F\0\0\x0F\0\0"s);
  const std::string image = Chunk("VP8 ", "odd-sized frame");  // padded
  const std::string file = Riff(vp8x + Chunk("ICCP", "profile") + image + Chunk("EXIF", "GPS 51.5N") +
                                Chunk("XMP ", "<x:xmpmeta/>"));
  auto bare = WithoutWebpMetadataChunks(file);
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(*bare, Riff(Chunk("VP8X", "\x10\0\0\0\x0F\0\0\x0F\0\0"s) + image));
  EXPECT_EQ(bare->find("GPS"), std::string::npos);
}

TEST(WebpChunksTest, ASimpleFileIsUnchanged) {
  const std::string file = Riff(Chunk("VP8L", "lossless"));
  EXPECT_EQ(WithoutWebpMetadataChunks(file), file);
}

TEST(WebpChunksTest, AMalformedContainerIsRefused) {
  const std::string good = Riff(Chunk("VP8 ", "frame!"));
  EXPECT_FALSE(WithoutWebpMetadataChunks("RIFF\x04\0\0\0WAVE"s).has_value());
  EXPECT_FALSE(
      WithoutWebpMetadataChunks(good.substr(0, good.size() - 2)).has_value());  // RIFF size past the end
  std::string chunk_past_end = good;
  chunk_past_end[16] = '\x7F';  // the chunk claims more than the file holds
  EXPECT_FALSE(WithoutWebpMetadataChunks(chunk_past_end).has_value());
  EXPECT_FALSE(WithoutWebpMetadataChunks(Riff("VP8")).has_value());  // a torn chunk header
}

}  // namespace
}  // namespace wdrbe::images
