#include "wdrbe/api/items_api.hpp"

#include "wdrbe/api/item_json.hpp"
#include "wdrbe/api/request_parsing.hpp"
#include "wdrbe/domain/item_validation.hpp"
#include "wdrbe/http/responses.hpp"
#include "wdrbe/tracing/traced_services.hpp"

namespace wdrbe::api {
namespace {

using http::ErrorResponse;
using http::JsonTextResponse;
using http::StatusCode;

// The parameters a list and a search share: limit, season, category and
// cursor, each checked as the contract says.
struct PageParameters {
  int limit = kDefaultPageSize;
  std::optional<std::string> season;
  std::optional<std::string> category;
  std::optional<std::string> cursor;
};

Result<PageParameters> ParsePageParameters(const http::RequestContext& context) {
  PageParameters parameters;
  auto limit = ParseLimit(context);
  if (!limit.ok()) return limit.error();
  parameters.limit = *limit;
  if (auto season = context.Query("season")) {
    parameters.season = NormaliseSeason(*season);
    if (!parameters.season) {
      return Error::BadRequest("season must be one of spring, summer, autumn (or fall), winter, all-season");
    }
  }
  if (auto category = context.Query("category")) {
    parameters.category = NormaliseCategoryFilter(*category);
    if (!parameters.category) return Error::BadRequest("category must be 1-100 characters");
  }
  auto cursor = ParseCursor(context);
  if (!cursor.ok()) return cursor.error();
  parameters.cursor = std::move(*cursor);
  return parameters;
}

}  // namespace

Task<http::HttpResponse> ItemsApi::Create(http::RequestContext& context) {
  if (Status s = RequireSelf(context); !s.ok()) co_return ErrorResponse(s.error(), context.request_id());
  auto body = ParseJsonBody(context);
  if (!body.ok()) co_return ErrorResponse(body.error(), context.request_id());
  auto input = ParseCreateItem(*body, context.Header("Idempotency-Key"));
  if (!input.ok()) co_return ErrorResponse(input.error(), context.request_id());

  tracing::StoreTracedService<ItemService> items(items_, spans_, context.trace());
  auto result = co_await items->Create(context.principal().user_id, std::move(*input));
  if (!result.ok()) co_return ErrorResponse(result.error(), context.request_id());

  const bool created = result->outcome == CreateOutcome::kCreated;
  if (created) {
    metrics_.Created(result->item.fields.category);
  } else if (result->outcome == CreateOutcome::kReplayed) {
    metrics_.created_idempotent.Inc();
  }
  auto response = JsonTextResponse(created ? StatusCode::created : StatusCode::ok, ItemBody(result->item));
  if (created) response.set(http::beast_http::field::location, "/items/" + result->item.item_id);
  co_return response;
}

Task<http::HttpResponse> ItemsApi::List(http::RequestContext& context) {
  if (Status s = RequireSelf(context); !s.ok()) co_return ErrorResponse(s.error(), context.request_id());
  auto parameters = ParsePageParameters(context);
  if (!parameters.ok()) co_return ErrorResponse(parameters.error(), context.request_id());
  ItemListRequest request{context.principal().user_id, std::move(parameters->season),
                          std::move(parameters->category), parameters->limit, std::move(parameters->cursor)};

  tracing::StoreTracedService<ItemService> items(items_, spans_, context.trace());
  auto page = co_await items->List(std::move(request));
  if (!page.ok()) co_return ErrorResponse(page.error(), context.request_id());

  metrics_.listed.Inc(page->items.size());
  co_return JsonTextResponse(StatusCode::ok, ItemPageBody(page->items, page->next_cursor, page->has_more));
}

Task<http::HttpResponse> ItemsApi::Search(http::RequestContext& context) {
  if (Status s = RequireSelf(context); !s.ok()) co_return ErrorResponse(s.error(), context.request_id());
  auto q = context.Query("q");
  if (!q) {
    co_return ErrorResponse(Error::BadRequest("q is required and must be 1-" +
                                              std::to_string(kMaxSearchQueryCharacters) + " characters"),
                            context.request_id());
  }
  auto parameters = ParsePageParameters(context);
  if (!parameters.ok()) co_return ErrorResponse(parameters.error(), context.request_id());
  ItemSearchRequest request{
      context.principal().user_id,     std::move(*q),     std::move(parameters->season),
      std::move(parameters->category), parameters->limit, std::move(parameters->cursor)};

  tracing::StoreTracedService<ItemService> items(items_, spans_, context.trace());
  auto page = co_await items->Search(std::move(request));
  if (!page.ok()) co_return ErrorResponse(page.error(), context.request_id());

  metrics_.searched.Inc();
  co_return JsonTextResponse(StatusCode::ok, ItemPageBody(page->items, page->next_cursor, page->has_more));
}

Task<http::HttpResponse> ItemsApi::Get(http::RequestContext& context) {
  tracing::StoreTracedService<ItemService> items(items_, spans_, context.trace());
  auto item = co_await items->Get(context.principal().user_id, std::string(context.PathParam("itemId")));
  if (!item.ok()) co_return ErrorResponse(item.error(), context.request_id());
  co_return JsonTextResponse(StatusCode::ok, ItemBody(*item));
}

Task<http::HttpResponse> ItemsApi::Update(http::RequestContext& context) {
  auto body = ParseJsonBody(context);
  if (!body.ok()) co_return ErrorResponse(body.error(), context.request_id());
  auto patch = ParseItemPatch(*body);
  if (!patch.ok()) co_return ErrorResponse(patch.error(), context.request_id());
  tracing::StoreTracedService<ItemService> items(items_, spans_, context.trace());
  auto item = co_await items->Update(context.principal().user_id, std::string(context.PathParam("itemId")),
                                     std::move(*patch));
  if (!item.ok()) co_return ErrorResponse(item.error(), context.request_id());
  co_return JsonTextResponse(StatusCode::ok, ItemBody(*item));
}

Task<http::HttpResponse> ItemsApi::Delete(http::RequestContext& context) {
  tracing::StoreTracedService<ItemService> items(items_, spans_, context.trace());
  Status status =
      co_await items->Delete(context.principal().user_id, std::string(context.PathParam("itemId")));
  if (!status.ok()) co_return ErrorResponse(status.error(), context.request_id());
  if (images_ != nullptr) {
    // The item is gone either way; photo files that failed to go now are
    // orphans no route can reach (the item's read rule finds no item).
    Status forgotten = co_await images_->ForgetDeletedItem(std::string(context.PathParam("itemId")));
    (void)forgotten;
  }
  co_return http::EmptyResponse(StatusCode::no_content);
}

}  // namespace wdrbe::api
