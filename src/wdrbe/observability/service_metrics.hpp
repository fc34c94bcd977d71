// Every metric the service exposes on GET /metrics, registered once at
// start. The business counters keep the first implementation's names in
// their HELP text (ItemCreated, ShareEventsProcessed, ...) so dashboards can
// be mapped over; the metric names follow Prometheus conventions.
#pragma once

#include <string_view>

#include "wdrbe/observability/metrics.hpp"

namespace wdrbe::obs {

// At most this many item categories get a series of their own; further
// ones are counted as "other" (categories are user input).
inline constexpr std::size_t kMaxCategorySeries = 100;

struct ItemMetrics {
  CounterFamily& created;  // label: category
  Counter& created_idempotent;
  Counter& listed;
  Counter& searched;

  void Created(std::string_view category) { created.WithLabels({std::string(category)}).Inc(); }
};

struct ShareMetrics {
  Counter& enqueued;  // new events only
  Counter& replayed;  // answered from an earlier request with the same key
};

struct WorkerMetrics {
  Histogram& batch_size;
  Counter& processed;        // applied for the first time
  Counter& already_applied;  // redelivered after being applied: no effect
  Counter& item_not_found;
  Counter& successful;  // applied, already applied or item gone: acknowledged
  Counter& failed;      // attempts that failed (retried or dead-lettered)
  Counter& dead_lettered;
  Counter& settle_failures;  // batches whose settlement failed as a whole
};

struct StreamMetrics {
  Gauge& open;                 // activity streams open now
  Counter& events;             // events sent on them
  CounterFamily& disconnects;  // label: reason (kStreamEndReasons)
};

// Why an activity stream ended: the client closed it, stopped reading
// (slow_consumer), the server stopped (shutdown), or the store failed.
inline constexpr std::string_view kStreamEndReasons[] = {"client", "slow_consumer", "shutdown", "error"};

struct ImageMetrics {
  Counter& uploaded;        // photos stored (PUT answered 200)
  Counter& removed;         // DELETE /items/{id}/image answered 204
  CounterFamily& rejected;  // label: reason (kImageRejectReasons)
  Counter& bytes_stored;    // of both variants, after cleaning

  void Rejected(std::string_view reason) { rejected.WithLabels({std::string(reason)}).Inc(); }
};

// Why an upload was refused: not one of the three types (or bytes of
// another), or bytes that do not decode or are over the pixel limits.
inline constexpr std::string_view kImageRejectReasons[] = {"unsupported_type", "undecodable"};

struct QueueGauges {
  Gauge& depth;
  Gauge& dead_letters;
};

struct HttpMetrics {
  CounterFamily& requests;   // labels: route, method, status_class
  HistogramFamily& latency;  // labels: route, method, status_class
  Counter& unhandled_errors;
};

class ServiceMetrics {
 public:
  ServiceMetrics();

  Registry& registry() { return registry_; }

 private:
  Registry registry_;

 public:
  // Declared after registry_, which they live in.
  ItemMetrics items;
  ShareMetrics shares;
  WorkerMetrics worker;
  StreamMetrics streams;
  ImageMetrics images;
  QueueGauges queue;
  HttpMetrics http;
};

}  // namespace wdrbe::obs
