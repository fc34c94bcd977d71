#include "wdrbe/api/routes.hpp"

namespace wdrbe::api {

namespace {

auto Bind(auto* api, auto method) {
  return [api, method](http::RequestContext& context) { return (api->*method)(context); };
}

}  // namespace

http::Router BuildRoutes(ItemsApi& items, SharesApi& shares, ActivitiesApi& activities,
                         ActivityStreamApi& streams, ImagesApi& images, OpsApi& ops, PagesApi& pages,
                         MetricsOnMainListener metrics) {
  using http::Access;
  using http::Verb;
  http::Router router;
  const auto bind = [](auto* api, auto method) { return Bind(api, method); };
  // clang-format off
  router.Add(Verb::get,     "/healthz",                      Access::kPublic,        bind(&ops, &OpsApi::Healthz));
  router.Add(Verb::get,     "/readyz",                       Access::kPublic,        bind(&ops, &OpsApi::Readyz));
  router.Add(Verb::post,    "/users/{userId}/items",         Access::kAuthenticated, bind(&items, &ItemsApi::Create));
  router.Add(Verb::get,     "/users/{userId}/items",         Access::kAuthenticated, bind(&items, &ItemsApi::List));
  router.Add(Verb::get,     "/users/{userId}/items/search",  Access::kAuthenticated, bind(&items, &ItemsApi::Search));
  router.Add(Verb::get,     "/users/{userId}/activities",    Access::kAuthenticated, bind(&activities, &ActivitiesApi::List));
  router.Add(Verb::get,     "/users/{userId}/activities/stream", Access::kAuthenticatedOrQueryToken,
             bind(&streams, &ActivityStreamApi::Stream));
  router.Add(Verb::get,     "/items/{itemId}",               Access::kAuthenticated, bind(&items, &ItemsApi::Get));
  router.Add(Verb::patch,   "/items/{itemId}",               Access::kAuthenticated, bind(&items, &ItemsApi::Update));
  router.Add(Verb::delete_, "/items/{itemId}",               Access::kAuthenticated, bind(&items, &ItemsApi::Delete));
  router.Add(Verb::post,    "/items/{itemId}/share",         Access::kAuthenticated, bind(&shares, &SharesApi::Share));
  router.Add(Verb::put,     "/items/{itemId}/image",         Access::kAuthenticated, bind(&images, &ImagesApi::Put),
             kMaxImageUploadBytes);
  router.Add(Verb::delete_, "/items/{itemId}/image",         Access::kAuthenticated, bind(&images, &ImagesApi::Remove));
  router.Add(Verb::get,     "/items/{itemId}/image",         Access::kAuthenticated, bind(&images, &ImagesApi::Original));
  router.Add(Verb::get,     "/items/{itemId}/image/thumbnail", Access::kAuthenticated,
             bind(&images, &ImagesApi::Thumbnail));
  router.Add(Verb::get,     "/openapi.json",                 Access::kAnonymous,     bind(&pages, &PagesApi::OpenApi));
  router.Add(Verb::get,     "/docs",                         Access::kAnonymous,     bind(&pages, &PagesApi::Docs));
  router.Add(Verb::get,     "/docs/redoc.standalone.js",     Access::kAnonymous,     bind(&pages, &PagesApi::DocsScript));
  router.Add(Verb::get,     "/",                             Access::kAnonymous,     bind(&pages, &PagesApi::App));
  router.Add(Verb::get,     "/app.js",                       Access::kAnonymous,     bind(&pages, &PagesApi::AppScript));
  router.Add(Verb::get,     "/app.css",                      Access::kAnonymous,     bind(&pages, &PagesApi::AppStyles));
  // clang-format on
  if (metrics != MetricsOnMainListener::kNone) {
    const Access access = metrics == MetricsOnMainListener::kPublic ? Access::kPublic : Access::kLoopback;
    router.Add(Verb::get, "/metrics", access, bind(&ops, &OpsApi::Metrics));
  }
  return router;
}

http::Router BuildWorkerRoutes(OpsApi& ops, MetricsOnMainListener metrics) {
  http::Router router;
  router.Add(http::Verb::get, "/healthz", http::Access::kPublic, Bind(&ops, &OpsApi::Healthz));
  router.Add(http::Verb::get, "/readyz", http::Access::kPublic, Bind(&ops, &OpsApi::Readyz));
  if (metrics != MetricsOnMainListener::kNone) {
    const auto access =
        metrics == MetricsOnMainListener::kPublic ? http::Access::kPublic : http::Access::kLoopback;
    router.Add(http::Verb::get, "/metrics", access, Bind(&ops, &OpsApi::Metrics));
  }
  return router;
}

http::Router BuildMetricsRoutes(OpsApi& ops) {
  http::Router router;
  router.Add(http::Verb::get, "/metrics", http::Access::kPublic, Bind(&ops, &OpsApi::Metrics));
  router.Add(http::Verb::get, "/healthz", http::Access::kPublic, Bind(&ops, &OpsApi::Healthz));
  return router;
}

}  // namespace wdrbe::api
