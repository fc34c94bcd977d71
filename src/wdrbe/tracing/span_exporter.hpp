// OpenTelemetry's batch span processor with an OTLP/HTTP JSON exporter:
// finished spans wait in a bounded queue and a thread of its own posts them
// to the collector in batches (every schedule delay, or as soon as a batch
// is full). A request never waits for the collector: Submit encodes the
// span into a per-thread buffer, then takes a short lock and appends the
// text to the batch being filled, or drops the span and counts it when the
// queue is full (a collector that is down or slow). Queued spans are text,
// not objects: a batch is the document that will be posted, filled from its
// head on, so nothing is allocated per span (one buffer per batch, sized
// like the last) and the export thread posts the buffer as it is, without
// copying it. A batch the collector refuses or does not answer within the
// timeout is dropped and counted, never retried, so a dead collector costs
// one attempt per batch and nothing else.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/tracing/span.hpp"

namespace wdrbe::tracing {

struct SpanExporterOptions {
  aws::EndpointUrl endpoint;                       // the collector
  std::string target;                              // the path spans are posted to ("/v1/traces")
  std::string service_name;                        // the resource's service.name
  std::size_t max_queue = 2048;                    // OTEL_BSP_MAX_QUEUE_SIZE
  std::size_t max_batch = 512;                     // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::chrono::milliseconds schedule_delay{5000};  // OTEL_BSP_SCHEDULE_DELAY
  std::chrono::milliseconds timeout{10000};        // OTEL_EXPORTER_OTLP_TIMEOUT, per batch
};

class BatchSpanExporter final : public SpanSink {
 public:
  // Starts the export thread. Errors: a TLS context that cannot be made.
  static Result<std::unique_ptr<BatchSpanExporter>> Start(SpanExporterOptions options);
  // Stop()s.
  ~BatchSpanExporter() override;
  BatchSpanExporter(const BatchSpanExporter&) = delete;
  BatchSpanExporter& operator=(const BatchSpanExporter&) = delete;

  void Submit(const Span& span) override;

  // Waits until every span submitted before the call was exported or
  // dropped, at most `deadline`: a Lambda function may be frozen as soon
  // as it answers, with its spans still queued.
  void Flush(std::chrono::milliseconds deadline);

  // Exports what is queued (one attempt per batch, each within the
  // timeout) and stops the thread; later spans are dropped. Idempotent.
  void Stop();

  std::uint64_t exported() const;  // spans the collector accepted
  std::uint64_t dropped_queue_full() const;
  std::uint64_t dropped_export_failed() const;  // in batches that failed

 private:
  explicit BatchSpanExporter(SpanExporterOptions options);
  void Run();
  // Posts one batch; true when the collector answered 2xx.
  bool Export(std::string body);

  // Spans waiting to be posted together: the document's head, then their
  // objects, comma-separated (the tail is added when it is posted).
  struct PendingBatch {
    std::string document;
    std::size_t count = 0;
  };

  const SpanExporterOptions options_;
  const std::string document_head_;  // every batch's document starts with it
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable settled_;      // a batch was exported or dropped
  std::deque<PendingBatch> batches_;     // guarded by mutex_: the oldest first; the last one fills
  std::size_t last_document_bytes_ = 0;  // guarded by mutex_: the size of the last batch posted
  std::size_t queued_ = 0;               // guarded by mutex_: spans in batches_
  bool stopping_ = false;                // guarded by mutex_
  // Set (under mutex_) when a span found the queue full or the exporter
  // stopping, cleared when a batch leaves the queue; read without the lock
  // by Submit, so a stale read costs one encoding or one dropped span.
  std::atomic<bool> full_{false};
  bool flushing_ = false;                    // guarded by mutex_: export without waiting for a full batch
  std::uint64_t queued_total_ = 0;           // guarded by mutex_: spans ever queued
  std::uint64_t settled_total_ = 0;          // guarded by mutex_: of them, exported or dropped
  std::uint64_t exported_ = 0;               // guarded by mutex_
  std::uint64_t dropped_queue_full_ = 0;     // guarded by mutex_
  std::uint64_t dropped_export_failed_ = 0;  // guarded by mutex_
  struct Client;
  std::unique_ptr<Client> client_;  // used by the export thread only
  std::thread thread_;
};

}  // namespace wdrbe::tracing
