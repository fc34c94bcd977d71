// Handler of POST /items/{itemId}/share.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/http/request_context.hpp"

namespace wdrbe::api {

class SharesApi {
 public:
  explicit SharesApi(ShareService& shares) : shares_(shares) {}

  Task<http::HttpResponse> Share(http::RequestContext& context);

 private:
  ShareService& shares_;
};

}  // namespace wdrbe::api
