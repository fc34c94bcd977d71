#include "wdrbe/observability/service_metrics.hpp"

#include <iterator>

namespace wdrbe::obs {
namespace {

std::vector<double> BatchSizeBuckets() { return {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; }

const std::vector<std::string> kRequestLabels = {"route", "method", "status_class"};
// Route templates x methods x 5 status classes, plus unmatched requests.
constexpr std::size_t kMaxRequestSeries = 200;

}  // namespace

ServiceMetrics::ServiceMetrics()
    : items{registry_.AddCounterFamily("wdrbe_item_created_total",
                                       "Items created (ItemCreated; per category: ItemCreated_{category}). "
                                       "Categories beyond the first 100 are counted as \"other\".",
                                       {"category"}, kMaxCategorySeries),
            registry_.AddCounter("wdrbe_item_created_idempotent_total",
                                 "Creates answered from an earlier request with the same Idempotency-Key "
                                 "(ItemCreatedIdempotent)"),
            registry_.AddCounter("wdrbe_items_listed_total", "Items returned by list requests (ItemsListed)"),
            registry_.AddCounter("wdrbe_item_searches_total", "Search requests answered with a page")},
      shares{registry_.AddCounter("wdrbe_share_events_enqueued_total",
                                  "Share events enqueued: shares accepted with 202, Idempotency-Key replays "
                                  "excluded (ShareEventsEnqueued)"),
             registry_.AddCounter("wdrbe_share_idempotent_total",
                                  "Shares answered 202 from an earlier request with the same Idempotency-Key "
                                  "(nothing enqueued)")},
      worker{
          registry_.AddHistogram("wdrbe_worker_batch_size", "Share events per batch received (BatchSize)",
                                 BatchSizeBuckets()),
          registry_.AddCounter("wdrbe_share_events_processed_total",
                               "Share events applied: sharedCount + 1 and an ItemShared activity "
                               "(ShareEventsProcessed)"),
          registry_.AddCounter("wdrbe_share_events_already_applied_total",
                               "Redelivered share events that had been applied already (no effect)"),
          registry_.AddCounter("wdrbe_item_not_found_total",
                               "Share events whose item was deleted: acknowledged, no effect (ItemNotFound)"),
          registry_.AddCounter("wdrbe_worker_successful_records_total",
                               "Share events acknowledged: applied, already applied or item gone "
                               "(SuccessfulRecords)"),
          registry_.AddCounter("wdrbe_worker_failed_records_total",
                               "Share event attempts that failed, then retried or dead-lettered "
                               "(FailedRecords)"),
          registry_.AddCounter("wdrbe_worker_dead_lettered_total",
                               "Share events moved to the dead-letter queue"),
          registry_.AddCounter("wdrbe_worker_settle_failures_total",
                               "Batches whose settlement failed as a whole (their leases expire and the "
                               "events return)")},
      streams{
          registry_.AddGauge("wdrbe_activity_streams_open", "Activity streams open now"),
          registry_.AddCounter("wdrbe_activity_stream_events_total", "Events sent on activity streams"),
          registry_.AddCounterFamily("wdrbe_activity_stream_disconnects_total",
                                     "Activity streams ended, by reason: client (it closed), slow_consumer "
                                     "(it stopped reading), shutdown, error (the store failed)",
                                     {"reason"}, std::size(kStreamEndReasons))},
      images{
          registry_.AddCounter("wdrbe_images_uploaded_total",
                               "Item photos stored (PUT /items/{id}/image: 200)"),
          registry_.AddCounter("wdrbe_images_removed_total",
                               "Item photos removed (DELETE /items/{id}/image)"),
          registry_.AddCounterFamily("wdrbe_image_uploads_rejected_total",
                                     "Photo uploads refused, by reason: unsupported_type (415), undecodable "
                                     "(400: damaged, or over the pixel limits)",
                                     {"reason"}, std::size(kImageRejectReasons)),
          registry_.AddCounter("wdrbe_image_bytes_stored_total",
                               "Bytes of cleaned photos and thumbnails stored")},
      queue{registry_.AddGauge("wdrbe_share_queue_depth", "Share events waiting or leased (read at scrape)"),
            registry_.AddGauge("wdrbe_share_dead_letters",
                               "Share events in the dead-letter queue (read at scrape)")},
      http{registry_.AddCounterFamily("wdrbe_http_requests_total",
                                      "HTTP requests by route template, method and status class",
                                      kRequestLabels, kMaxRequestSeries),
           registry_.AddHistogramFamily("wdrbe_http_request_duration_seconds",
                                        "Time from a complete request to its response, by route template, "
                                        "method and status class",
                                        kRequestLabels, LatencyBucketsSeconds(), kMaxRequestSeries),
           registry_.AddCounter("wdrbe_unhandled_errors_total",
                                "Requests answered 500 internal_error (UnhandledErrors)")} {
  AddProcessMetrics(registry_);
  // Every reason from the start, at 0: a dashboard sees a rate, not a gap.
  for (std::string_view reason : kStreamEndReasons) streams.disconnects.WithLabels({std::string(reason)});
  for (std::string_view reason : kImageRejectReasons) images.rejected.WithLabels({std::string(reason)});
}

}  // namespace wdrbe::obs
