// Handlers of an item's photo: upload, remove, and the photo and its
// thumbnail. Parse, call ItemImageService, render; no decoding or storage
// work happens here.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/item_image_service.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/observability/service_metrics.hpp"

namespace wdrbe::api {

class ImagesApi {
 public:
  ImagesApi(ItemImageService& images, obs::ImageMetrics& metrics) : images_(images), metrics_(metrics) {}

  Task<http::HttpResponse> Put(http::RequestContext& context);        // PUT /items/{itemId}/image
  Task<http::HttpResponse> Remove(http::RequestContext& context);     // DELETE /items/{itemId}/image
  Task<http::HttpResponse> Original(http::RequestContext& context);   // GET /items/{itemId}/image
  Task<http::HttpResponse> Thumbnail(http::RequestContext& context);  // GET .../image/thumbnail

 private:
  Task<http::HttpResponse> Serve(http::RequestContext& context, ImageVariant variant);

  ItemImageService& images_;
  obs::ImageMetrics& metrics_;
};

}  // namespace wdrbe::api
