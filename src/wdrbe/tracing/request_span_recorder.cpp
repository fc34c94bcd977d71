#include "wdrbe/tracing/request_span_recorder.hpp"

#include <array>
#include <string>
#include <utility>

namespace wdrbe::tracing {
namespace {

std::vector<std::string> SpanNames(const std::vector<obs::RouteName>& routes) {
  std::vector<std::string> names;
  names.reserve(routes.size());
  for (const obs::RouteName& route : routes) names.push_back(route.method + " " + route.pattern);
  return names;
}

}  // namespace

RequestSpanRecorder::RequestSpanRecorder(SpanSink& spans, const Clock& clock,
                                         std::vector<obs::RouteName> routes, http::RequestObserver* next)
    : spans_(spans),
      clock_(clock),
      routes_(std::move(routes)),
      span_names_(SpanNames(routes_)),
      next_(next) {}

void RequestSpanRecorder::OnRequest(const http::RequestRecord& record) {
  if (next_ != nullptr) next_->OnRequest(record);
  if (record.trace == nullptr || (record.trace->flags & 1) == 0) return;

  const obs::RouteName* route =
      record.route_index >= 0 && static_cast<std::size_t>(record.route_index) < routes_.size()
          ? &routes_[static_cast<std::size_t>(record.route_index)]
          : nullptr;
  // "{method} {route}", or the method alone when no route matched
  // (OpenTelemetry's HTTP rules). A HEAD answered by a GET route is named
  // for what was asked.
  std::string other_name;
  std::string_view name = record.method;
  if (route != nullptr) {
    if (record.method == route->method) {
      name = span_names_[static_cast<std::size_t>(record.route_index)];
    } else {
      other_name = std::string(record.method) + " " + route->pattern;
      name = other_name;
    }
  }

  std::array<SpanAttribute, 7> attributes;
  std::size_t count = 0;
  attributes[count++] = {"http.request.method", record.method};
  attributes[count++] = {"url.path", record.path};
  attributes[count++] = {"http.response.status_code", std::int64_t{record.status}};
  attributes[count++] = {"wdrbe.request_id", record.request_id};
  if (route != nullptr) attributes[count++] = {"http.route", std::string_view(route->pattern)};
  if (!record.user_id.empty()) attributes[count++] = {"enduser.id", record.user_id};
  if (!record.item_id.empty()) attributes[count++] = {"wdrbe.item_id", record.item_id};

  Span span;
  span.trace_id = record.trace->trace_id;
  span.span_id = record.trace->span_id;
  span.parent_span_id = record.trace->parent_id;
  span.name = name;
  span.kind = SpanKind::kServer;
  span.end_unix_ns = clock_.NowNanos();
  span.start_unix_ns = span.end_unix_ns - static_cast<std::int64_t>(record.duration_seconds * 1e9);
  span.attributes = std::span(attributes.data(), count);
  // A server span is an error for 5xx only (OpenTelemetry's HTTP rules).
  span.error = record.status >= 500;
  spans_.Submit(span);
}

}  // namespace wdrbe::tracing
