#include "wdrbe/storage/image_store.hpp"

namespace wdrbe {

std::string_view ImageVariantName(ImageVariant variant) {
  return variant == ImageVariant::kOriginal ? "original" : "thumbnail";
}

}  // namespace wdrbe
