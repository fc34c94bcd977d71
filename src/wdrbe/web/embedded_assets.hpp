// The files built into the binary (cmake/WebAssets.cmake places their bytes
// in its read-only data), so that one binary serves its own description and
// documentation page with nothing installed beside it. Each view is valid
// for the life of the process.
#pragma once

#include <string_view>

namespace wdrbe::web {

// The OpenAPI 3.1 description of every route (web/assets/openapi.json).
std::string_view OpenApiDocument();
// The /docs page (web/assets/docs.html), which renders the description.
std::string_view DocsPage();
// Redoc's standalone bundle, the page's renderer, pinned in cmake/WebAssets.cmake.
std::string_view RedocBundle();
// The web wardrobe page (web/assets/app/): its HTML, script and styles.
std::string_view AppPage();
std::string_view AppScript();
std::string_view AppStyles();

}  // namespace wdrbe::web
