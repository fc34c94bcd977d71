#include "wdrbe/domain/image_format.hpp"

#include <gtest/gtest.h>

namespace wdrbe {
namespace {

using namespace std::string_view_literals;

TEST(ImageFormatTest, TheThreeTypesAreNamedCaseInsensitivelyWithParametersIgnored) {
  EXPECT_EQ(ImageFormatFromContentType("image/jpeg"), ImageFormat::kJpeg);
  EXPECT_EQ(ImageFormatFromContentType("IMAGE/PNG"), ImageFormat::kPng);
  EXPECT_EQ(ImageFormatFromContentType("image/webp; q=0.9"), ImageFormat::kWebp);
  EXPECT_EQ(ImageFormatFromContentType(" image/jpeg ;charset=binary"), ImageFormat::kJpeg);
  for (std::string_view other : {"", "image/jpg", "image/gif", "image/svg+xml", "application/json",
                                 "image/jpegx", "text/plain", "image/"}) {
    EXPECT_EQ(ImageFormatFromContentType(other), std::nullopt) << other;
  }
}

TEST(ImageFormatTest, EachFormatIsKnownByItsSignature) {
  EXPECT_EQ(SniffImageFormat("\xFF\xD8\xFF\xE0 rest"), ImageFormat::kJpeg);
  EXPECT_EQ(SniffImageFormat("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"sv), ImageFormat::kPng);
  EXPECT_EQ(SniffImageFormat("RIFF\x10\0\0\0WEBPVP8 "sv), ImageFormat::kWebp);
  EXPECT_EQ(SniffImageFormat("RIFF\x10\0\0\0WAVEfmt "sv), std::nullopt);  // another RIFF form
  EXPECT_EQ(SniffImageFormat("\xFF\xD8"), std::nullopt);                  // too short
  EXPECT_EQ(SniffImageFormat("GIF89a"), std::nullopt);
  EXPECT_EQ(SniffImageFormat("<svg xmlns="), std::nullopt);
  EXPECT_EQ(SniffImageFormat(""), std::nullopt);
}

TEST(ImageFormatTest, BytesAreDescribedForMessages) {
  EXPECT_EQ(DescribeImageBytes("\x89PNG\r\n\x1A\n...."), "PNG");
  EXPECT_EQ(DescribeImageBytes("%PDF-1.7"), "none of JPEG, PNG or WebP");
  EXPECT_EQ(ContentTypeOf(ImageFormat::kWebp), "image/webp");
}

}  // namespace
}  // namespace wdrbe
