// Records every response the tests' HttpClient receives, so that a check
// after the suite (tools/openapi/check-responses.mjs) can hold each one to
// the service's OpenAPI description. Off unless WDRBE_TEST_RESPONSE_LOG_DIR
// names a directory: then each test process appends one JSON line per
// response to <dir>/<pid>.jsonl (format: tools/openapi/README.md).
// Thread-safe.
#pragma once

#include "testing/http_client.hpp"

namespace wdrbe::testing {

void RecordResponse(const Request& request, const Response& response);

}  // namespace wdrbe::testing
