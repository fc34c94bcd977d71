// The server span of each answered request whose trace is sampled, named
// by OpenTelemetry's HTTP conventions ("POST /users/{userId}/items"), with
// the request's ids, then the next observer (the access log and the
// request metrics) as before. The span is the one the response's
// traceparent names, so a client's trace and the service's spans join.
#pragma once

#include <string>
#include <vector>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/http/request_observer.hpp"
#include "wdrbe/observability/access_recorder.hpp"
#include "wdrbe/tracing/span.hpp"

namespace wdrbe::tracing {

class RequestSpanRecorder final : public http::RequestObserver {
 public:
  // `routes` in the order of Router::routes(); `next` may be null. All
  // outlive the recorder.
  RequestSpanRecorder(SpanSink& spans, const Clock& clock, std::vector<obs::RouteName> routes,
                      http::RequestObserver* next);

  void OnRequest(const http::RequestRecord& record) override;

 private:
  SpanSink& spans_;
  const Clock& clock_;
  const std::vector<obs::RouteName> routes_;
  const std::vector<std::string> span_names_;  // per route: "{method} {pattern}"
  http::RequestObserver* next_;
};

}  // namespace wdrbe::tracing
