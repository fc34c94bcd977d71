// The service of one process, wired once for every way the binary runs it:
// the logger and metrics, the token verifier, the backend's ports, the
// domain services, the share worker and the HTTP dispatcher. `serve` and
// `worker` (app.cpp) put listeners in front of it; `lambda api` and
// `lambda worker` (lambda_command.cpp) feed it Lambda invocations. Opening
// does every fallible step (secrets, key sources, the backend, the cursor
// key), so a misconfigured process stops before it serves anything.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>

#include "wdrbe/api/activities_api.hpp"
#include "wdrbe/api/activity_stream_api.hpp"
#include "wdrbe/api/images_api.hpp"
#include "wdrbe/api/items_api.hpp"
#include "wdrbe/api/ops_api.hpp"
#include "wdrbe/api/pages_api.hpp"
#include "wdrbe/api/shares_api.hpp"
#include "wdrbe/api/stream_slots.hpp"
#include "wdrbe/app/backend.hpp"
#include "wdrbe/app/config.hpp"
#include "wdrbe/auth/jwks_cache.hpp"
#include "wdrbe/auth/token_verifier.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/activity_feed.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item_image_service.hpp"
#include "wdrbe/domain/item_service.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/http/dispatcher.hpp"
#include "wdrbe/http/rate_limiter.hpp"
#include "wdrbe/images/vips_image_processor.hpp"
#include "wdrbe/observability/access_recorder.hpp"
#include "wdrbe/observability/emf.hpp"
#include "wdrbe/observability/emf_reporter.hpp"
#include "wdrbe/observability/log.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/observability/trace_id_random.hpp"
#include "wdrbe/tracing/request_span_recorder.hpp"
#include "wdrbe/tracing/sampler.hpp"
#include "wdrbe/tracing/share_span.hpp"
#include "wdrbe/tracing/span_exporter.hpp"
#include "wdrbe/worker/share_worker.hpp"

namespace wdrbe::app {

// What the process is, which decides the parts it gets.
enum class ProcessRole {
  kServe,         // every route, throttled; the share worker unless --worker-concurrency 0
  kWorker,        // the share worker, with /healthz, /readyz and /metrics
  kLambdaApi,     // every route, unthrottled (API Gateway throttles); no share worker
  kLambdaWorker,  // the share handler alone: SQS batches arrive as invocations
};

struct Services {
  static Result<std::unique_ptr<Services>> Open(const ServeConfig& config, const ValidServeConfig& flags,
                                                ProcessRole role);
  ~Services();

  ProcessRole role = ProcessRole::kServe;
  // First, so that they are destroyed last: everything else may log or count.
  std::unique_ptr<obs::Logger> logger;
  std::unique_ptr<obs::ServiceMetrics> metrics;
  // With --metrics-emf: the business metrics as EMF log lines.
  std::unique_ptr<obs::EmfPublisher> emf;
  // With an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT): spans go there,
  // sampled by `sampler`.
  std::unique_ptr<tracing::BatchSpanExporter> spans;
  std::optional<tracing::Sampler> sampler;
  SystemClock clock;
  SecureRandom random;
  std::shared_ptr<const FaultInjector> faults;  // WDRBE_FAULTS, when set
  obs::TraceIdRandom trace_random{random};
  std::unique_ptr<UlidGenerator> ids;
  std::unique_ptr<CursorCodec> cursors;
  // RS256/ES256 keys (--jwks-file / --jwks-url), then the verifier that
  // uses them. Declared before `io` so that they outlive its handlers.
  std::shared_ptr<boost::asio::ssl::context> jwks_tls;
  std::unique_ptr<JwkSource> jwks;
  JwksCache* jwks_cache = nullptr;  // `jwks` when it refreshes from a URL
  std::unique_ptr<TokenVerifier> verifier;
  boost::asio::io_context io;
  // serve and worker with --metrics-emf: publishes `emf` every interval.
  std::unique_ptr<obs::EmfReporter> emf_reporter;
  Backend backend;
  std::unique_ptr<ShareEventHandler> share_handler;
  std::unique_ptr<ShareWorker> worker;
  bool worker_enabled = false;  // the worker runs in this process
  std::unique_ptr<ItemService> item_service;
  std::unique_ptr<ShareService> share_service;
  std::unique_ptr<ActivityFeed> activity_feed;
  // Photos: the decoder's workers and the use cases (serve and lambda api).
  std::unique_ptr<images::VipsImageProcessor> image_processor;
  std::unique_ptr<ItemImageService> item_images;
  std::unique_ptr<api::ItemsApi> items_api;
  std::unique_ptr<api::SharesApi> shares_api;
  std::unique_ptr<api::ActivitiesApi> activities_api;
  std::unique_ptr<api::ImagesApi> images_api;
  // Live activity streams: the caps, and the watcher when the backend has
  // none of its own (it polls the store).
  std::unique_ptr<api::StreamSlots> stream_slots;
  std::unique_ptr<ActivityWatcher> polling_activity_watcher;
  std::unique_ptr<api::ActivityStreamApi> activity_stream_api;
  std::unique_ptr<api::OpsApi> ops_api;
  std::unique_ptr<api::PagesApi> pages_api;
  std::unique_ptr<http::RateLimiter> limiter;
  std::unique_ptr<obs::AccessRecorder> access_recorder;
  // With `spans`: each request's server span, then the access recorder.
  std::unique_ptr<tracing::RequestSpanRecorder> span_recorder;
  // Null for kLambdaWorker, which serves no HTTP.
  std::unique_ptr<http::Dispatcher> dispatcher;
  // Set with --metrics-listen: /metrics for a listener of its own.
  std::unique_ptr<http::Dispatcher> metrics_dispatcher;

  // Where spans go (nowhere without `spans`), and of which backend.
  tracing::SpanTarget Spans(const ServeConfig& config);

 private:
  // The span exporter and sampler, when the environment names a collector.
  Status WireTracing(const ServeConfig& config);
  // The token verifier: HS256, JWKS keys, or both (at least one).
  Status WireVerifier(const JwtConfig& jwt);
  // The domain services and the share worker over the backend's ports.
  void WireServices(const ServeConfig& config);
  // Bearer tokens checked by `verifier`; none accepted without one.
  http::Authenticator Authenticator() const;
  // The API handlers, the routes and the dispatchers.
  Status WireHttp(const ServeConfig& config, const ValidServeConfig& flags);
  // The activity stream's caps, watcher and API (for WireHttp).
  void WireStreams(const ServeConfig& config);
};

}  // namespace wdrbe::app
