#include "wdrbe/observability/access_recorder.hpp"

#include <algorithm>

namespace wdrbe::obs {
namespace {

constexpr std::array<std::string_view, 5> kStatusClassNames = {"1xx", "2xx", "3xx", "4xx", "5xx"};
// Requests that match no route are counted under this route label; their
// method is kept only when it is a standard one (any other verb is
// "other"), so a scan of random paths and verbs adds no series.
constexpr char kUnmatchedRoute[] = "unmatched";
constexpr std::array<std::string_view, 9> kStandardMethods = {"GET",    "HEAD",    "POST",  "PUT",    "PATCH",
                                                              "DELETE", "OPTIONS", "TRACE", "CONNECT"};

std::size_t StatusClassIndex(int status) {
  return static_cast<std::size_t>(std::clamp(status / 100, 1, 5) - 1);
}

LogLevel LevelFor(int status) {
  if (status >= 500) return LogLevel::kError;
  return LogLevel::kInfo;
}

}  // namespace

AccessRecorder::AccessRecorder(Logger& logger, HttpMetrics& metrics, const std::vector<RouteName>& routes)
    : logger_(logger), metrics_(metrics), routes_(routes) {
  series_.reserve(routes_.size());
  for (const RouteName& route : routes_) {
    RouteSeries& by_class = series_.emplace_back();
    for (std::size_t i = 0; i < kStatusClasses; ++i) {
      const LabelValues labels = {route.pattern, route.method, std::string(kStatusClassNames[i])};
      by_class[i] = Series{&metrics_.requests.WithLabels(labels), &metrics_.latency.WithLabels(labels)};
    }
  }
}

AccessRecorder::Series AccessRecorder::SeriesFor(const http::RequestRecord& record) {
  const std::size_t status_class = StatusClassIndex(record.status);
  if (record.route_index >= 0 && static_cast<std::size_t>(record.route_index) < series_.size()) {
    return series_[static_cast<std::size_t>(record.route_index)][status_class];
  }
  const bool standard =
      std::find(kStandardMethods.begin(), kStandardMethods.end(), record.method) != kStandardMethods.end();
  const LabelValues labels = {kUnmatchedRoute, standard ? std::string(record.method) : "other",
                              std::string(kStatusClassNames[status_class])};
  return Series{&metrics_.requests.WithLabels(labels), &metrics_.latency.WithLabels(labels)};
}

void AccessRecorder::OnRequest(const http::RequestRecord& record) {
  const Series series = SeriesFor(record);
  series.requests->Inc();
  series.latency->Observe(record.duration_seconds);
  if (record.status == 500) metrics_.unhandled_errors.Inc();

  const LogLevel level = LevelFor(record.status);
  if (!logger_.Enabled(level)) return;
  const bool routed =
      record.route_index >= 0 && static_cast<std::size_t>(record.route_index) < routes_.size();
  const std::string_view route = routed ? routes_[static_cast<std::size_t>(record.route_index)].pattern
                                        : std::string_view(kUnmatchedRoute);
  const std::string_view trace_id = record.trace != nullptr ? std::string_view(record.trace->trace_id) : "";
  const std::string_view span_id = record.trace != nullptr ? std::string_view(record.trace->span_id) : "";
  logger_.Log(level, "request",
              {{"requestId", record.request_id},
               {"traceId", trace_id},
               {"spanId", span_id},
               {"method", record.method},
               {"route", route},
               {"path", record.path},
               {"status", std::int64_t{record.status}},
               {"durationMs", record.duration_seconds * 1000.0},
               {"userId", record.user_id},
               {"itemId", record.item_id}});
}

}  // namespace wdrbe::obs
