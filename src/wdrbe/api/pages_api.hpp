// The service describing itself: GET /openapi.json (the OpenAPI 3.1
// document of every route), GET /docs (a page that renders it) and the
// page's script. No token; each answers 304 to a matching If-None-Match.
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

 private:
  // Hashed once: the tags never change while the process runs.
  const http::StaticContent openapi_;
  const http::StaticContent docs_;
  const http::StaticContent docs_script_;
};

}  // namespace wdrbe::api
