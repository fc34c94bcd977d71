#include "wdrbe/tracing/request_span_recorder.hpp"

#include <string>
#include <utility>

namespace wdrbe::tracing {

RequestSpanRecorder::RequestSpanRecorder(SpanSink& spans, const Clock& clock,
                                         std::vector<obs::RouteName> routes, http::RequestObserver* next)
    : spans_(spans), clock_(clock), routes_(std::move(routes)), next_(next) {}

void RequestSpanRecorder::OnRequest(const http::RequestRecord& record) {
  if (next_ != nullptr) next_->OnRequest(record);
  if (record.trace == nullptr || (record.trace->flags & 1) == 0) return;

  const bool routed =
      record.route_index >= 0 && static_cast<std::size_t>(record.route_index) < routes_.size();
  Span span;
  span.trace_id = record.trace->trace_id;
  span.span_id = record.trace->span_id;
  span.parent_span_id = record.trace->parent_id;
  span.name = std::string(record.method);
  if (routed) span.name += " " + routes_[static_cast<std::size_t>(record.route_index)].pattern;
  span.kind = SpanKind::kServer;
  span.end_unix_ns = clock_.NowNanos();
  span.start_unix_ns = span.end_unix_ns - static_cast<std::int64_t>(record.duration_seconds * 1e9);
  span.attributes = {
      {"http.request.method", std::string(record.method)},
      {"url.path", std::string(record.path)},
      {"http.response.status_code", std::int64_t{record.status}},
      {"wdrbe.request_id", std::string(record.request_id)},
  };
  if (routed) {
    span.attributes.push_back({"http.route", routes_[static_cast<std::size_t>(record.route_index)].pattern});
  }
  if (!record.user_id.empty()) span.attributes.push_back({"enduser.id", std::string(record.user_id)});
  if (!record.item_id.empty()) span.attributes.push_back({"wdrbe.item_id", std::string(record.item_id)});
  // A server span is an error for 5xx only (OpenTelemetry's HTTP rules).
  span.error = record.status >= 500;
  spans_.Submit(std::move(span));
}

}  // namespace wdrbe::tracing
