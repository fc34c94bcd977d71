#include "wdrbe/web/embedded_assets.hpp"

#include <cstddef>
#include <cstdint>

// Defined by the sources cmake/WebAssets.cmake generates: each file's bytes
// at `name`, their count at `name_size` (computed by the assembler, since
// subtracting the addresses of two objects is undefined in C++).
extern "C" {
extern const char wdrbe_asset_openapi_json[];
extern const std::uint64_t wdrbe_asset_openapi_json_size;
extern const char wdrbe_asset_docs_html[];
extern const std::uint64_t wdrbe_asset_docs_html_size;
extern const char wdrbe_asset_redoc_js[];
extern const std::uint64_t wdrbe_asset_redoc_js_size;
extern const char wdrbe_asset_app_html[];
extern const std::uint64_t wdrbe_asset_app_html_size;
extern const char wdrbe_asset_app_js[];
extern const std::uint64_t wdrbe_asset_app_js_size;
extern const char wdrbe_asset_app_css[];
extern const std::uint64_t wdrbe_asset_app_css_size;
}

namespace wdrbe::web {

namespace {

std::string_view Bytes(const char* data, std::uint64_t size) {
  return {data, static_cast<std::size_t>(size)};
}

}  // namespace

std::string_view OpenApiDocument() { return Bytes(wdrbe_asset_openapi_json, wdrbe_asset_openapi_json_size); }
std::string_view DocsPage() { return Bytes(wdrbe_asset_docs_html, wdrbe_asset_docs_html_size); }
std::string_view RedocBundle() { return Bytes(wdrbe_asset_redoc_js, wdrbe_asset_redoc_js_size); }
std::string_view AppPage() { return Bytes(wdrbe_asset_app_html, wdrbe_asset_app_html_size); }
std::string_view AppScript() { return Bytes(wdrbe_asset_app_js, wdrbe_asset_app_js_size); }
std::string_view AppStyles() { return Bytes(wdrbe_asset_app_css, wdrbe_asset_app_css_size); }

}  // namespace wdrbe::web
