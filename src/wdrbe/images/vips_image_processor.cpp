#include "wdrbe/images/vips_image_processor.hpp"

#include <vips/vips.h>

#include "wdrbe/images/vips_transform.hpp"

namespace wdrbe::images {

// libvips keeps per-thread buffers that only vips_thread_shutdown releases.
VipsImageProcessor::VipsImageProcessor(int workers, std::size_t max_waiting)
    : pool_("the image workers", workers, max_waiting, [] { vips_thread_shutdown(); }) {}

Result<std::unique_ptr<VipsImageProcessor>> VipsImageProcessor::Start(int workers, std::size_t max_waiting) {
  if (workers < 1) return Error::BadRequest("the image processor needs at least one worker");
  if (Status started = StartVips(); !started.ok()) return started.error();
  return std::unique_ptr<VipsImageProcessor>(new VipsImageProcessor(workers, max_waiting));
}

Task<Result<CleanImage>> VipsImageProcessor::Clean(std::string bytes, ImageFormat format) {
  // The bytes move into the work, and go when it ends.
  auto shared = std::make_shared<std::string>(std::move(bytes));
  return pool_.Run<Result<CleanImage>>([shared, format] {
    Result<CleanImage> clean = CleanWithVips(*shared, format);
    shared->clear();
    shared->shrink_to_fit();
    return clean;
  });
}

}  // namespace wdrbe::images
