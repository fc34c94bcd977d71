#include "wdrbe/api/pages_api.hpp"

#include "wdrbe/web/embedded_assets.hpp"

namespace wdrbe::api {

PagesApi::PagesApi()
    : openapi_(http::StaticContent::Of(web::OpenApiDocument(), "application/json")),
      docs_(http::StaticContent::Of(web::DocsPage(), "text/html; charset=utf-8")),
      docs_script_(http::StaticContent::Of(web::RedocBundle(), "text/javascript; charset=utf-8")) {}

Task<http::HttpResponse> PagesApi::OpenApi(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), openapi_);
}

Task<http::HttpResponse> PagesApi::Docs(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), docs_);
}

Task<http::HttpResponse> PagesApi::DocsScript(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), docs_script_);
}

}  // namespace wdrbe::api
