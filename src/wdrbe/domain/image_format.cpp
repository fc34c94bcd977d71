#include "wdrbe/domain/image_format.hpp"

#include <cctype>

namespace wdrbe {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view ContentTypeOf(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "image/jpeg";
    case ImageFormat::kPng:
      return "image/png";
    case ImageFormat::kWebp:
      return "image/webp";
  }
  return "application/octet-stream";
}

std::string_view DisplayNameOf(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kWebp:
      return "WebP";
  }
  return "image";
}

std::optional<ImageFormat> ImageFormatFromContentType(std::string_view content_type) {
  const std::string_view media_type = TrimSpaces(content_type.substr(0, content_type.find(';')));
  for (ImageFormat format : {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp}) {
    if (EqualsIgnoringCase(media_type, ContentTypeOf(format))) return format;
  }
  return std::nullopt;
}

std::optional<ImageFormat> SniffImageFormat(std::string_view bytes) {
  // JPEG: SOI then the first marker's 0xFF. PNG: its 8-byte signature.
  // WebP: a RIFF container whose form type is WEBP.
  if (bytes.starts_with("\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (bytes.starts_with("\x89PNG\r\n\x1A\n")) return ImageFormat::kPng;
  if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP")
    return ImageFormat::kWebp;
  return std::nullopt;
}

std::string_view DescribeImageBytes(std::string_view bytes) {
  if (auto format = SniffImageFormat(bytes)) return DisplayNameOf(*format);
  return "none of JPEG, PNG or WebP";
}

}  // namespace wdrbe
