// The photo formats the service takes, and how a format is recognised: by
// the Content-Type a client declares and by the signature the bytes begin
// with. Both must agree before any decoder sees the bytes, so a decoder is
// only ever run on the format it was chosen for.
#pragma once

#include <optional>
#include <string_view>

namespace wdrbe {

enum class ImageFormat { kJpeg, kPng, kWebp };

// "image/jpeg", "image/png", "image/webp".
std::string_view ContentTypeOf(ImageFormat format);
// "JPEG", "PNG", "WebP": for messages.
std::string_view DisplayNameOf(ImageFormat format);

// The format a Content-Type value names (case-insensitive, parameters such
// as "; q=1" ignored); nullopt for any other type.
std::optional<ImageFormat> ImageFormatFromContentType(std::string_view content_type);

// The format whose signature `bytes` begins with; nullopt when none does.
std::optional<ImageFormat> SniffImageFormat(std::string_view bytes);

// What the bytes look like, for a message when they are not the declared
// format: a format's name, or "none of JPEG, PNG or WebP".
std::string_view DescribeImageBytes(std::string_view bytes);

}  // namespace wdrbe
