// ImageProcessor on libvips (vips_transform.hpp), on a BlockingPool of its
// own: an upload's decode and encodes (tens to hundreds of milliseconds of
// CPU) run on one of a few image workers, never on a network thread.
// Uploads beyond the workers wait in a bounded queue; one more is refused
// with kUnavailable (503 with Retry-After) rather than held, since each
// waiting upload holds its body.
#pragma once

#include <cstddef>
#include <memory>

#include "wdrbe/base/blocking_pool.hpp"
#include "wdrbe/domain/image_processor.hpp"

namespace wdrbe::images {

inline constexpr int kDefaultImageWorkers = 2;
inline constexpr std::size_t kDefaultMaxWaitingImages = 32;

class VipsImageProcessor final : public ImageProcessor {
 public:
  // Starts libvips and the workers; kInternal when libvips does not start.
  static Result<std::unique_ptr<VipsImageProcessor>> Start(
      int workers = kDefaultImageWorkers, std::size_t max_waiting = kDefaultMaxWaitingImages);

  Task<Result<CleanImage>> Clean(std::string bytes, ImageFormat format) override;

  // Uploads queued or being cleaned now (for /metrics).
  std::size_t InFlight() const { return pool_.InFlight(); }
  // Finishes the queued uploads and joins the workers. Idempotent.
  void Stop() { pool_.Stop(); }

 private:
  VipsImageProcessor(int workers, std::size_t max_waiting);

  BlockingPool pool_;
};

}  // namespace wdrbe::images
