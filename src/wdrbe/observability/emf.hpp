// CloudWatch Embedded Metric Format: the contract's business metrics under
// the first implementation's names (ItemCreated, ItemCreated_{category},
// ..., FailedRecords), namespace Wdrbe, one dimension `service`, as JSON
// log lines that CloudWatch Logs turns into custom metrics. Nothing can
// scrape a Lambda function's /metrics; its log reaches CloudWatch anyway.
//
// The publisher reads the Prometheus counters of ServiceMetrics, the one
// place where anything is counted, and publishes what changed since its
// previous call: a Lambda function calls it once per invocation, serve and
// worker once per interval (EmfReporter), so no count is published twice
// and there is never a line per request. Metrics that did not change are
// left out, and nothing is written when nothing changed (alarms treat the
// missing data as zero).
//
// Cardinality is bounded by the counters: at most kMaxCategorySeries
// categories get an ItemCreated_{category} metric of their own, further
// ones count as ItemCreated_other; the only dimension is the service name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/observability/service_metrics.hpp"

namespace wdrbe::obs {

inline constexpr std::string_view kEmfNamespace = "Wdrbe";
inline constexpr std::string_view kEmfServiceDimension = "service";
// EMF's own limits: metric definitions per directive, values per metric.
// A change with more is spread over several documents.
inline constexpr std::size_t kEmfMaxMetricsPerDocument = 100;
inline constexpr std::size_t kEmfMaxValuesPerMetric = 100;

// A member of the document that is neither a metric nor a dimension (the
// Lambda request id, so a line can be found in CloudWatch Logs Insights).
// Keys must differ from the metric names and from "service".
struct EmfProperty {
  std::string_view key;
  std::string_view value;
};

class EmfPublisher {
 public:
  // `metrics` outlives the publisher; `service` is the dimension's value.
  // The first Take publishes everything counted since `metrics` was made.
  EmfPublisher(const ServiceMetrics& metrics, std::string service);

  // The EMF documents (each a JSON object on one line, without the
  // newline) of what changed since the previous call, stamped
  // `timestamp_ms` (Unix milliseconds); empty when nothing changed.
  // Thread-safe.
  std::vector<std::string> Take(std::int64_t timestamp_ms,
                                std::initializer_list<EmfProperty> properties = {});

 private:
  // One metric's values since the previous Take.
  struct Change {
    std::string name;
    std::vector<double> values;
  };
  std::vector<Change> CollectChanges();
  // The values of BatchSize: one per batch received.
  std::vector<double> BatchSizes();
  std::string Document(std::int64_t timestamp_ms, const std::vector<const Change*>& metrics,
                       std::size_t slice, std::initializer_list<EmfProperty> properties) const;

  const ServiceMetrics& metrics_;
  const std::string service_;
  std::mutex mutex_;
  // What the counters read at the previous Take; guarded by mutex_.
  std::map<std::string, std::uint64_t, std::less<>> published_;
  std::map<std::string, std::uint64_t, std::less<>> published_categories_;
  Histogram::Snapshot published_batches_;
};

}  // namespace wdrbe::obs
