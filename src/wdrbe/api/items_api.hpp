// Handlers of the items resource: parse the request, call ItemService,
// render. No storage, crypto or queue work happens here.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/item_service.hpp"
#include "wdrbe/http/request_context.hpp"

namespace wdrbe::api {

class ItemsApi {
 public:
  explicit ItemsApi(ItemService& items) : items_(items) {}

  Task<http::HttpResponse> Create(http::RequestContext& context);  // POST /users/{userId}/items
  Task<http::HttpResponse> List(http::RequestContext& context);    // GET /users/{userId}/items
  Task<http::HttpResponse> Get(http::RequestContext& context);     // GET /items/{itemId}
  Task<http::HttpResponse> Update(http::RequestContext& context);  // PATCH /items/{itemId}
  Task<http::HttpResponse> Delete(http::RequestContext& context);  // DELETE /items/{itemId}

 private:
  ItemService& items_;
};

}  // namespace wdrbe::api
