#include "wdrbe/api/pages_api.hpp"

#include "wdrbe/web/embedded_assets.hpp"

namespace wdrbe::api {

namespace {

http::StaticContent HtmlPage(std::string_view html) {
  http::StaticContent page = http::StaticContent::Of(html, "text/html; charset=utf-8");
  page.forbid_framing = true;
  return page;
}

}  // namespace

PagesApi::PagesApi()
    : openapi_(http::StaticContent::Of(web::OpenApiDocument(), "application/json")),
      docs_(HtmlPage(web::DocsPage())),
      docs_script_(http::StaticContent::Of(web::RedocBundle(), "text/javascript; charset=utf-8")),
      app_(HtmlPage(web::AppPage())),
      app_script_(http::StaticContent::Of(web::AppScript(), "text/javascript; charset=utf-8")),
      app_styles_(http::StaticContent::Of(web::AppStyles(), "text/css; charset=utf-8")) {}

Task<http::HttpResponse> PagesApi::OpenApi(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), openapi_);
}

Task<http::HttpResponse> PagesApi::Docs(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), docs_);
}

Task<http::HttpResponse> PagesApi::DocsScript(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), docs_script_);
}

Task<http::HttpResponse> PagesApi::App(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), app_);
}

Task<http::HttpResponse> PagesApi::AppScript(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), app_script_);
}

Task<http::HttpResponse> PagesApi::AppStyles(http::RequestContext& context) {
  co_return http::StaticResponse(context.request(), app_styles_);
}

}  // namespace wdrbe::api
