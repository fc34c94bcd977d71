// What an upload becomes: the same format, the pixels upright, no metadata
// left (EXIF with GPS and orientation, XMP, PNG text), a thumbnail that
// fits in 256x256 without enlarging a small photo, and a clear refusal of
// damaged bytes and of images over the pixel limits.
#include "wdrbe/images/vips_transform.hpp"

#include <gtest/gtest.h>

#include "testing/test_images.hpp"

namespace wdrbe::images {
namespace {

using testing::DecodeTestImage;
using testing::MakeTestImage;
using testing::MetadataIn;
using testing::TestImageOptions;

class VipsTransformTest : public ::testing::TestWithParam<ImageFormat> {};

TEST_P(VipsTransformTest, KeepsTheFormatAndStripsEveryPieceOfMetadata) {
  const std::string upload = MakeTestImage(GetParam(), {.width = 120, .height = 80, .with_metadata = true});
  ASSERT_NE(MetadataIn(upload), "") << "the test image should carry metadata";
  auto clean = CleanWithVips(upload, GetParam());
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  EXPECT_EQ(clean->format, GetParam());
  EXPECT_EQ(SniffImageFormat(clean->original), GetParam());
  EXPECT_EQ(SniffImageFormat(clean->thumbnail), GetParam());
  EXPECT_EQ(MetadataIn(clean->original), "");
  EXPECT_EQ(MetadataIn(clean->thumbnail), "");
  EXPECT_EQ(clean->original.find("test camera"), std::string::npos);
  EXPECT_EQ(clean->original.find("51.5N"), std::string::npos);
  const auto decoded = DecodeTestImage(clean->original);
  EXPECT_EQ(decoded.width, 120);
  EXPECT_EQ(decoded.height, 80);
}

TEST_P(VipsTransformTest, TheThumbnailFitsInTheSquareAndKeepsTheAspect) {
  auto clean = CleanWithVips(MakeTestImage(GetParam(), {.width = 1000, .height = 500}), GetParam());
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  const auto thumbnail = DecodeTestImage(clean->thumbnail);
  EXPECT_EQ(thumbnail.width, kThumbnailSide);
  EXPECT_EQ(thumbnail.height, kThumbnailSide / 2);
  auto tall = CleanWithVips(MakeTestImage(GetParam(), {.width = 300, .height = 900}), GetParam());
  ASSERT_TRUE(tall.ok());
  const auto tall_thumbnail = DecodeTestImage(tall->thumbnail);
  EXPECT_EQ(tall_thumbnail.height, kThumbnailSide);
  EXPECT_NEAR(tall_thumbnail.width, kThumbnailSide / 3, 1);
}

TEST_P(VipsTransformTest, ASmallPhotoIsNotEnlarged) {
  auto clean = CleanWithVips(MakeTestImage(GetParam(), {.width = 100, .height = 50}), GetParam());
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  const auto thumbnail = DecodeTestImage(clean->thumbnail);
  EXPECT_EQ(thumbnail.width, 100);
  EXPECT_EQ(thumbnail.height, 50);
}

TEST_P(VipsTransformTest, TruncatedOrDamagedBytesAreABadRequest) {
  const std::string whole = MakeTestImage(GetParam(), {.width = 200, .height = 200});
  for (const std::string& bytes : {whole.substr(0, whole.size() / 2), whole.substr(0, 16),
                                   whole.substr(0, 12) + std::string(4000, '\x55')}) {
    auto clean = CleanWithVips(bytes, GetParam());
    ASSERT_FALSE(clean.ok()) << bytes.size() << " bytes";
    EXPECT_EQ(clean.error().code, ErrorCode::kBadRequest);
    EXPECT_NE(clean.error().message.find(std::string(DisplayNameOf(GetParam()))), std::string::npos)
        << clean.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, VipsTransformTest,
                         ::testing::Values(ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp),
                         [](const ::testing::TestParamInfo<ImageFormat>& format) {
                           return std::string(DisplayNameOf(format.param));
                         });

TEST(VipsTransformLimitsTest, AnImageOverTheSideLimitIsRefused) {
  // WebP's own format stops at 16383 px a side, below the service's limit.
  for (ImageFormat format : {ImageFormat::kJpeg, ImageFormat::kPng}) {
    auto clean = CleanWithVips(MakeTestImage(format, {.width = kMaxImageSide + 1, .height = 2}), format);
    ASSERT_FALSE(clean.ok()) << DisplayNameOf(format);
    EXPECT_EQ(clean.error().code, ErrorCode::kBadRequest);
    EXPECT_NE(clean.error().message.find("16385x2 pixels"), std::string::npos) << clean.error().message;
  }
}

TEST(VipsTransformLimitsTest, AnImageOverFiftyMegapixelsIsRefused) {
  auto clean =
      CleanWithVips(MakeTestImage(ImageFormat::kPng, {.width = 7100, .height = 7100}), ImageFormat::kPng);
  ASSERT_FALSE(clean.ok());
  EXPECT_EQ(clean.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(clean.error().message.find("7100x7100"), std::string::npos) << clean.error().message;
  EXPECT_NE(clean.error().message.find("50 megapixels"), std::string::npos) << clean.error().message;
}

TEST(VipsTransformOrientationTest, TheOrientationIsAppliedToThePixelsAndThenDropped) {
  // 6: the camera was turned a quarter clockwise; upright, width and height swap.
  const std::string upload = MakeTestImage(ImageFormat::kJpeg, {.width = 40, .height = 20, .orientation = 6});
  auto clean = CleanWithVips(upload, ImageFormat::kJpeg);
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  EXPECT_EQ(clean->width, 20);
  EXPECT_EQ(clean->height, 40);
  const auto decoded = DecodeTestImage(clean->original);
  EXPECT_EQ(decoded.width, 20);
  EXPECT_EQ(decoded.height, 40);
  EXPECT_EQ(MetadataIn(clean->original), "");
}

TEST(VipsTransformFormatTest, BytesOfAnotherFormatDoNotDecodeAsTheDeclaredOne) {
  // The caller checks signatures first; the loader is still the declared
  // format's own, never one guessed from the bytes.
  auto clean = CleanWithVips(MakeTestImage(ImageFormat::kPng), ImageFormat::kJpeg);
  ASSERT_FALSE(clean.ok());
  EXPECT_EQ(clean.error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace wdrbe::images
