// The pages the service serves itself: GET /openapi.json (the OpenAPI 3.1
// document of every route), GET /docs (a page that renders it) and its
// script, and the web wardrobe page (GET /) with its script and styles.
// No token; each answers 304 to a matching If-None-Match.
#pragma once

#include "wdrbe/base/task.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/http/static_content.hpp"

namespace wdrbe::api {

class PagesApi {
 public:
  PagesApi();

  Task<http::HttpResponse> OpenApi(http::RequestContext& context);     // GET /openapi.json
  Task<http::HttpResponse> Docs(http::RequestContext& context);        // GET /docs
  Task<http::HttpResponse> DocsScript(http::RequestContext& context);  // GET /docs/redoc.standalone.js
  Task<http::HttpResponse> App(http::RequestContext& context);         // GET /
  Task<http::HttpResponse> AppScript(http::RequestContext& context);   // GET /app.js
  Task<http::HttpResponse> AppStyles(http::RequestContext& context);   // GET /app.css

 private:
  // Hashed once: the tags never change while the process runs.
  const http::StaticContent openapi_;
  const http::StaticContent docs_;
  const http::StaticContent docs_script_;
  const http::StaticContent app_;
  const http::StaticContent app_script_;
  const http::StaticContent app_styles_;
};

}  // namespace wdrbe::api
