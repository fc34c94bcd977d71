// The RequestObserver of `wdrbe serve`: one access log line (info) and the
// request metrics per answered request. The series of every route are
// looked up once, at construction, so recording takes no lock.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "wdrbe/http/request_observer.hpp"
#include "wdrbe/observability/log.hpp"
#include "wdrbe/observability/service_metrics.hpp"

namespace wdrbe::obs {

struct RouteName {
  std::string method;   // "GET"
  std::string pattern;  // "/items/{itemId}"
};

class AccessRecorder final : public http::RequestObserver {
 public:
  // `routes` in the order of Router::routes() (RequestRecord::route_index).
  AccessRecorder(Logger& logger, HttpMetrics& metrics, const std::vector<RouteName>& routes);

  void OnRequest(const http::RequestRecord& record) override;

 private:
  static constexpr std::size_t kStatusClasses = 5;  // 1xx..5xx
  struct Series {
    Counter* requests;
    Histogram* latency;
  };
  using RouteSeries = std::array<Series, kStatusClasses>;

  Series SeriesFor(const http::RequestRecord& record);

  Logger& logger_;
  HttpMetrics& metrics_;
  std::vector<RouteName> routes_;
  std::vector<RouteSeries> series_;  // one per route
};

}  // namespace wdrbe::obs
