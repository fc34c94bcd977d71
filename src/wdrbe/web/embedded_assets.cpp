#include "wdrbe/web/embedded_assets.hpp"

#include <cstddef>

// Defined by the sources cmake/WebAssets.cmake generates: each file's bytes
// lie between `name` and `name_end`.
extern "C" {
extern const char wdrbe_asset_openapi_json[];
extern const char wdrbe_asset_openapi_json_end[];
extern const char wdrbe_asset_docs_html[];
extern const char wdrbe_asset_docs_html_end[];
extern const char wdrbe_asset_redoc_js[];
extern const char wdrbe_asset_redoc_js_end[];
}

namespace wdrbe::web {

namespace {

std::string_view Between(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

std::string_view OpenApiDocument() { return Between(wdrbe_asset_openapi_json, wdrbe_asset_openapi_json_end); }
std::string_view DocsPage() { return Between(wdrbe_asset_docs_html, wdrbe_asset_docs_html_end); }
std::string_view RedocBundle() { return Between(wdrbe_asset_redoc_js, wdrbe_asset_redoc_js_end); }

}  // namespace wdrbe::web
