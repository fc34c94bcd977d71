#include "wdrbe/api/activities_api.hpp"

#include "wdrbe/api/item_json.hpp"
#include "wdrbe/api/request_parsing.hpp"
#include "wdrbe/http/responses.hpp"
#include "wdrbe/tracing/traced_services.hpp"

namespace wdrbe::api {

Task<http::HttpResponse> ActivitiesApi::List(http::RequestContext& context) {
  if (Status s = RequireSelf(context); !s.ok())
    co_return http::ErrorResponse(s.error(), context.request_id());
  auto limit = ParseLimit(context);
  if (!limit.ok()) co_return http::ErrorResponse(limit.error(), context.request_id());
  auto cursor = ParseCursor(context);
  if (!cursor.ok()) co_return http::ErrorResponse(cursor.error(), context.request_id());

  tracing::StoreTracedService<ActivityFeed> feed(feed_, spans_, context.trace());
  auto page = co_await feed->List(context.principal().user_id, *limit, std::move(*cursor));
  if (!page.ok()) co_return http::ErrorResponse(page.error(), context.request_id());

  co_return http::JsonTextResponse(http::StatusCode::ok,
                                   ActivityPageBody(page->activities, page->next_cursor, page->has_more));
}

}  // namespace wdrbe::api
