#include "wdrbe/api/images_api.hpp"

#include "wdrbe/api/item_json.hpp"
#include "wdrbe/http/responses.hpp"
#include "wdrbe/http/static_content.hpp"

namespace wdrbe::api {
namespace {

using http::ErrorResponse;
using http::StatusCode;
namespace beast_http = http::beast_http;

// A photo is the user's: shared caches must not keep it, and a browser
// revalidates it with its ETag (a new upload changes the tag).
constexpr std::string_view kImageCacheControl = "private, no-cache";

bool NamesTag(const http::HttpRequest& request, std::string_view etag) {
  // Several If-None-Match lines are one comma-separated list (RFC 9110 5.3).
  const auto [first, last] = request.equal_range(beast_http::field::if_none_match);
  for (auto it = first; it != last; ++it) {
    if (http::IfNoneMatchMatches(it->value(), etag)) return true;
  }
  return false;
}

}  // namespace

Task<http::HttpResponse> ImagesApi::Put(http::RequestContext& context) {
  auto item = co_await images_.Put(context.principal().user_id, std::string(context.PathParam("itemId")),
                                   context.Header("Content-Type"), context.request().body());
  if (!item.ok()) {
    if (item.error().code == ErrorCode::kUnsupportedMediaType) metrics_.Rejected("unsupported_type");
    if (item.error().code == ErrorCode::kBadRequest) metrics_.Rejected("undecodable");
    co_return ErrorResponse(item.error(), context.request_id());
  }
  metrics_.uploaded.Inc();
  co_return http::JsonTextResponse(StatusCode::ok, ItemBody(*item));
}

Task<http::HttpResponse> ImagesApi::Remove(http::RequestContext& context) {
  Status removed =
      co_await images_.Remove(context.principal().user_id, std::string(context.PathParam("itemId")));
  if (!removed.ok()) co_return ErrorResponse(removed.error(), context.request_id());
  metrics_.removed.Inc();
  co_return http::EmptyResponse(StatusCode::no_content);
}

Task<http::HttpResponse> ImagesApi::Original(http::RequestContext& context) {
  return Serve(context, ImageVariant::kOriginal);
}

Task<http::HttpResponse> ImagesApi::Thumbnail(http::RequestContext& context) {
  return Serve(context, ImageVariant::kThumbnail);
}

Task<http::HttpResponse> ImagesApi::Serve(http::RequestContext& context, ImageVariant variant) {
  auto image =
      co_await images_.Get(context.principal().user_id, std::string(context.PathParam("itemId")), variant);
  if (!image.ok()) co_return ErrorResponse(image.error(), context.request_id());
  const bool unchanged = NamesTag(context.request(), image->etag);
  http::HttpResponse response{unchanged ? StatusCode::not_modified : StatusCode::ok, 11};
  response.set(beast_http::field::etag, image->etag);
  response.set(beast_http::field::cache_control, kImageCacheControl);
  response.set("X-Content-Type-Options", "nosniff");
  if (!unchanged) {
    response.set(beast_http::field::content_type, image->content_type);
    response.body() = std::move(image->bytes);
  }
  co_return response;
}

}  // namespace wdrbe::api
