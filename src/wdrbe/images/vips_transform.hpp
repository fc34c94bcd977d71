// The synchronous libvips work of one upload: decode with the format's own
// loader (never a guessed one), refuse images over the pixel limits before
// their pixels are decoded, turn them upright by their EXIF orientation,
// convert to sRGB with their embedded profile, then encode the original
// and a thumbnail in the same format with every piece of metadata
// stripped. Runs on an image worker thread (vips_image_processor.hpp);
// libvips must have been started (StartVips).
#pragma once

#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/image_processor.hpp"

namespace wdrbe::images {

// The cleaned original is refused above this (a few-megabyte upload of many
// pixels can re-encode much larger); documented in docs/api.md.
inline constexpr std::size_t kMaxStoredImageBytes = 8 * 1024 * 1024;

// Starts libvips once per process with the settings the service relies on:
// one libvips thread per operation (the worker pool is the parallelism),
// no operation cache (uploads never repeat), untrusted loaders blocked,
// and no run-time generated code. Thread-safe; later calls return the first call's outcome.
Status StartVips();

// kBadRequest when the bytes do not decode as `format`, or are over the
// limits of image_processor.hpp. `bytes` must begin with the format's
// signature.
Result<CleanImage> CleanWithVips(std::string_view bytes, ImageFormat format);

}  // namespace wdrbe::images
