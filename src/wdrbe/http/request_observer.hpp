// What the dispatcher reports of each answered request, for the access log
// and the request metrics. Called on the connection's strand once the
// response is ready (before it is written); must be quick and not throw.
#pragma once

#include <string_view>

#include "wdrbe/http/types.hpp"
#include "wdrbe/observability/trace_context.hpp"

namespace wdrbe::http {

struct RequestRecord {
  std::string_view method;      // "GET"
  std::string_view path;        // the target without its query (queries may hold cursors)
  int route_index = -1;         // position in Router::routes(); -1 when no route matched
  int status = 0;               // 200, 404, ...
  double duration_seconds = 0;  // from a complete request to its response
  std::string_view request_id;
  const obs::TraceContext* trace = nullptr;  // null for transport errors
  std::string_view user_id;                  // "" unless authenticated
  std::string_view item_id;                  // the {itemId} of the route, if it has one
};

class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void OnRequest(const RequestRecord& record) = 0;
};

}  // namespace wdrbe::http
