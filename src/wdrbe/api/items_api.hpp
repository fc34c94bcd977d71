// Handlers of the items resource: parse the request, call ItemService,
// render. No storage, crypto or queue work happens here.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/item_image_service.hpp"
#include "wdrbe/domain/item_service.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/tracing/span_target.hpp"

namespace wdrbe::api {

class ItemsApi {
 public:
  // `spans`: where the spans of sampled requests' store calls go (none
  // while its sink is null).
  // `images` (optional): the photos a deleted item leaves, removed with it.
  ItemsApi(ItemService& items, obs::ItemMetrics& metrics, tracing::SpanTarget spans = {},
           ItemImageService* images = nullptr)
      : items_(items), metrics_(metrics), spans_(spans), images_(images) {}

  Task<http::HttpResponse> Create(http::RequestContext& context);  // POST /users/{userId}/items
  Task<http::HttpResponse> List(http::RequestContext& context);    // GET /users/{userId}/items
  Task<http::HttpResponse> Search(http::RequestContext& context);  // GET /users/{userId}/items/search
  Task<http::HttpResponse> Get(http::RequestContext& context);     // GET /items/{itemId}
  Task<http::HttpResponse> Update(http::RequestContext& context);  // PATCH /items/{itemId}
  Task<http::HttpResponse> Delete(http::RequestContext& context);  // DELETE /items/{itemId}

 private:
  ItemService& items_;
  obs::ItemMetrics& metrics_;
  const tracing::SpanTarget spans_;
  ItemImageService* const images_;
};

}  // namespace wdrbe::api
