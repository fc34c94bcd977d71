#include "wdrbe/app/services.hpp"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/api/authenticate.hpp"
#include "wdrbe/api/routes.hpp"
#include "wdrbe/app/backends.hpp"
#include "wdrbe/app/secrets.hpp"
#include "wdrbe/auth/caching_token_verifier.hpp"
#include "wdrbe/auth/jwk.hpp"
#include "wdrbe/auth/jwks_fetch.hpp"
#include "wdrbe/auth/jwks_url.hpp"
#include "wdrbe/auth/jwt_verifier.hpp"
#include "wdrbe/storage/polling_activity_watcher.hpp"
#include "wdrbe/tracing/tracing_config.hpp"

namespace wdrbe::app {

Services::~Services() {
  if (backend.close) backend.close();
}

Result<std::unique_ptr<Services>> Services::Open(const ServeConfig& config, const ValidServeConfig& flags,
                                                 ProcessRole role) {
  std::shared_ptr<const FaultInjector> faults;
  const char* faults_spec = std::getenv("WDRBE_FAULTS");
  if (faults_spec != nullptr && *faults_spec != '\0') {
    auto parsed = FaultInjector::Parse(faults_spec);
    if (!parsed.ok()) return parsed.error();
    faults = std::move(*parsed);
  }
  auto s = std::make_unique<Services>();
  s->role = role;
  s->faults = faults;
  // A Lambda function serves one event at a time and may be frozen as soon
  // as it answers: its lines are written before the answer, by the thread
  // that logs them, rather than handed to a writer thread.
  const bool in_lambda = role == ProcessRole::kLambdaApi || role == ProcessRole::kLambdaWorker;
  s->logger = std::make_unique<obs::Logger>(
      obs::LoggerOptions{.level = flags.log_level, .service = config.service_name, .synchronous = in_lambda},
      s->clock);
  s->metrics = std::make_unique<obs::ServiceMetrics>();
  if (config.metrics_emf) {
    s->emf = std::make_unique<obs::EmfPublisher>(*s->metrics, config.service_name);
    // A Lambda function publishes after each invocation instead.
    if (!in_lambda) {
      s->emf_reporter =
          std::make_unique<obs::EmfReporter>(s->io.get_executor(), *s->emf, *s->logger, s->clock,
                                             std::chrono::seconds(config.metrics_emf_interval_s));
    }
  }
  if (Status st = s->WireTracing(config); !st.ok()) return st.error();
  if (faults) {
    s->logger->Log(obs::LogLevel::kWarn, "fault injection is on (WDRBE_FAULTS): a testing aid",
                   {{"faults", std::string_view(faults_spec)}});
  }
  // Before the backend: a bad key source must stop the process before it
  // creates anything. The share worker serves no route that takes a token.
  if (role == ProcessRole::kServe || role == ProcessRole::kLambdaApi) {
    if (Status st = s->WireVerifier(config.jwt); !st.ok()) return st.error();
  }
  auto backend = OpenBackend(config, BackendDependencies{s->clock, s->random, faults});
  if (!backend.ok()) return backend.error();
  s->backend = std::move(*backend);
  if (s->backend.register_metrics) s->backend.register_metrics(s->metrics->registry());
  auto cursor_key = config.cursor_key_file ? LoadCursorKey(config.cursor_key_file, config.data_dir, s->random)
                                           : s->backend.load_cursor_key();
  if (!cursor_key.ok()) return cursor_key.error();
  s->cursors = std::make_unique<CursorCodec>(std::move(*cursor_key));

  s->WireServices(config);
  if (role != ProcessRole::kLambdaWorker) {
    if (Status st = s->WireHttp(config, flags); !st.ok()) return st.error();
  }
  return s;
}

Status Services::WireTracing(const ServeConfig& config) {
  auto tracing = tracing::TracingConfigFromEnvironment(config.service_name, std::getenv);
  if (!tracing.ok()) return tracing.error();
  if (!tracing->has_value()) return Status::Ok();
  const std::string collector = (*tracing)->exporter.endpoint.PoolKey() + (*tracing)->exporter.target;
  auto exporter = tracing::BatchSpanExporter::Start(std::move((*tracing)->exporter));
  if (!exporter.ok()) return Error::BadRequest("OTEL_EXPORTER_OTLP_ENDPOINT: " + exporter.error().message);
  spans = std::move(*exporter);
  sampler = (*tracing)->sampler;
  obs::Registry& registry = metrics->registry();
  registry.AddCounterFunction("wdrbe_trace_spans_exported_total", "Spans the OTLP collector accepted",
                              [s = spans.get()] { return static_cast<double>(s->exported()); });
  registry.AddCounterFunction("wdrbe_trace_spans_dropped_total",
                              "Spans dropped because the export queue was full (a slow or absent collector)",
                              [s = spans.get()] { return static_cast<double>(s->dropped_queue_full()); });
  registry.AddCounterFunction("wdrbe_trace_spans_export_failed_total",
                              "Spans in batches the collector refused or did not answer in time (dropped)",
                              [s = spans.get()] { return static_cast<double>(s->dropped_export_failed()); });
  logger->Log(obs::LogLevel::kInfo, "exporting spans over OTLP/HTTP",
              {{"collector", collector}, {"sampler", sampler->Describe()}});
  return Status::Ok();
}

Status Services::WireVerifier(const JwtConfig& jwt) {
  const bool with_jwks = jwt.jwks_file || jwt.jwks_url;
  std::optional<std::string> secret;
  // With a JWKS, HS256 is on only when a secret is configured; a secret that
  // is configured but unusable (too short, unreadable) is an error either way.
  if (!with_jwks || JwtSecretConfigured(jwt.secret_file, jwt.secret_arn)) {
    auto loaded = LoadJwtSecret(jwt.secret_file, jwt.secret_arn);
    if (!loaded.ok() && !JwtSecretConfigured(jwt.secret_file, jwt.secret_arn)) {
      // Neither HS256 nor a JWKS: say how to configure either.
      return Error::BadRequest(loaded.error().message +
                               "; or, for RS256/ES256 tokens, pass --jwks-file PATH or --jwks-url URL");
    }
    if (!loaded.ok()) return loaded.error();
    secret = std::move(*loaded);
  }
  if (jwt.jwks_file) {
    auto document = ReadJwksFile(*jwt.jwks_file);
    if (!document.ok()) return document.error();
    auto keys = ParseJwkSet(*document);
    if (!keys.ok()) return Error::BadRequest("--jwks-file " + *jwt.jwks_file + ": " + keys.error().message);
    for (const std::string& skipped : keys->skipped) {
      logger->Log(obs::LogLevel::kWarn, "JWKS key skipped",
                  {{"source", *jwt.jwks_file}, {"reason", skipped}});
    }
    jwks = std::make_unique<FixedJwkSource>(std::move(*keys));
  } else if (jwt.jwks_url) {
    auto url = ParseJwksUrl(*jwt.jwks_url);
    if (!url.ok()) return url.error();
    jwks_tls = MakeJwksTlsContext();
    JwksFetch fetch = [url = std::move(*url), tls = jwks_tls]() { return FetchJwks(url, *tls); };
    JwksCacheOptions options{std::chrono::seconds(jwt.jwks_refresh_s), kUnknownKidRefreshInterval,
                             *jwt.jwks_url};
    auto cache = JwksCache::Open(io, std::move(fetch), clock, *logger, std::move(options));
    if (!cache.ok()) return Error::Unavailable("--jwks-url: " + cache.error().message);
    jwks_cache = cache->get();
    jwks = std::move(*cache);
  }
  verifier = std::make_unique<CachingTokenVerifier>(
      std::make_unique<JwtVerifier>(
          JwtVerifierOptions{std::move(secret), ClaimRules{jwt.issuer, jwt.audience}, jwks.get()}),
      jwks.get());
  return Status::Ok();
}

void Services::WireServices(const ServeConfig& config) {
  ItemStore& store = *backend.store;
  ShareQueue& queue = *backend.queue;
  ids = std::make_unique<UlidGenerator>(clock, random);
  // Lambda's deliveries are not the queue port's: apply them, and let the
  // event source mapping delete them.
  share_handler = std::make_unique<ShareEventHandler>(
      store, role == ProcessRole::kLambdaWorker ? nullptr : backend.atomic_settler, clock, *ids);
  ShareWorkerOptions worker_options{config.worker_concurrency, config.worker_batch_size,
                                    std::int64_t{config.visibility_timeout_s} * 1000,
                                    RetryBackoff{config.retry_base_delay_ms, kMaxShareRetryDelayMs}};
  // In Lambda the event source mapping receives; the process never polls.
  worker_enabled =
      config.worker_concurrency > 0 && (role == ProcessRole::kServe || role == ProcessRole::kWorker);
  worker = std::make_unique<ShareWorker>(io, queue, *share_handler, random, faults, worker_options,
                                         metrics->worker, *logger);
  if (spans) worker->SetTracing(Spans(config));
  item_service = std::make_unique<ItemService>(store, clock, *ids, *cursors);
  share_service = std::make_unique<ShareService>(store, queue, backend.atomic_sender, clock, *ids,
                                                 [worker = worker.get()] { worker->Notify(); });
  activity_feed = std::make_unique<ActivityFeed>(store, *cursors);
}

tracing::SpanTarget Services::Spans(const ServeConfig& config) {
  return tracing::SpanTarget{.spans = spans.get(),
                             .clock = &clock,
                             .random = &trace_random,
                             .backend = config.backend == kEmbeddedBackend ? tracing::SpanBackend::kEmbedded
                                                                           : tracing::SpanBackend::kAws};
}

http::Authenticator Services::Authenticator() const {
  if (verifier) return api::MakeBearerAuthenticator(*verifier, clock);
  return [](const http::HttpRequest&) -> Result<Principal> {
    return Error::Unauthorized("this process serves no authenticated routes");
  };
}

void Services::WireStreams(const ServeConfig& config) {
  stream_slots = std::make_unique<api::StreamSlots>(
      api::StreamLimits{static_cast<std::size_t>(config.max_streams),
                        static_cast<std::size_t>(config.max_streams_per_user)},
      &metrics->streams.open);
  // A Lambda function answers one event and may be frozen: no stream can
  // stay open there, and the route says so.
  ActivityWatcher* watcher = nullptr;
  if (role == ProcessRole::kServe) {
    watcher = backend.activity_watcher;
    if (watcher == nullptr) {
      polling_activity_watcher = std::make_unique<PollingActivityWatcher>(
          *backend.store, clock,
          ActivityPollingOptions{std::chrono::milliseconds(config.stream_poll_interval_ms),
                                 std::chrono::milliseconds(config.stream_settle_ms)});
      watcher = polling_activity_watcher.get();
    }
  }
  activity_stream_api = std::make_unique<api::ActivityStreamApi>(
      watcher, *stream_slots, metrics->streams, std::chrono::seconds(config.stream_heartbeat_s));
}

Status Services::WireHttp(const ServeConfig& config, const ValidServeConfig& flags) {
  if (role != ProcessRole::kWorker) {
    auto processor = images::VipsImageProcessor::Start();
    if (!processor.ok()) return processor.error();
    image_processor = std::move(*processor);
    metrics->registry().AddGaugeFunction(
        "wdrbe_image_uploads_in_flight", "Photo uploads being cleaned or waiting for an image worker",
        [p = image_processor.get()] { return static_cast<double>(p->InFlight()); });
    item_images =
        std::make_unique<ItemImageService>(*item_service, backend.images, *image_processor, flags.public_url);
    images_api = std::make_unique<api::ImagesApi>(*item_images, metrics->images);
  }
  items_api =
      std::make_unique<api::ItemsApi>(*item_service, metrics->items, Spans(config), item_images.get());
  shares_api = std::make_unique<api::SharesApi>(*share_service, metrics->shares, Spans(config));
  activities_api = std::make_unique<api::ActivitiesApi>(*activity_feed, Spans(config));
  WireStreams(config);
  ops_api = std::make_unique<api::OpsApi>(
      *backend.store, *backend.queue, *backend.dead_letters,
      [worker = worker.get(), enabled = worker_enabled] {
        if (!enabled) return std::string("disabled");
        return std::string(worker->running() ? "running" : "stopped");
      },
      *metrics, clock);
  if (role != ProcessRole::kWorker) pages_api = std::make_unique<api::PagesApi>();
  // Behind API Gateway, its throttling (per stage and method) applies instead.
  if (role != ProcessRole::kLambdaApi) {
    limiter = std::make_unique<http::RateLimiter>(
        clock, http::RateLimits{{config.rate_limit, config.burst},
                                {config.user_rate_limit, config.user_burst},
                                {config.anonymous_rate_limit, config.anonymous_burst}});
  }
  using api::MetricsOnMainListener;
  const MetricsOnMainListener metrics_here = flags.metrics_listen    ? MetricsOnMainListener::kNone
                                             : config.metrics_public ? MetricsOnMainListener::kPublic
                                                                     : MetricsOnMainListener::kLoopbackOnly;
  http::Router routes = role == ProcessRole::kWorker
                            ? api::BuildWorkerRoutes(*ops_api, metrics_here)
                            : api::BuildRoutes(*items_api, *shares_api, *activities_api, *activity_stream_api,
                                               *images_api, *ops_api, *pages_api, metrics_here);
  std::vector<obs::RouteName> route_names;
  for (const http::Route& route : routes.routes()) {
    route_names.push_back({std::string(http::beast_http::to_string(route.method)), route.pattern});
  }
  access_recorder = std::make_unique<obs::AccessRecorder>(*logger, metrics->http, route_names);
  http::RequestObserver* observer = access_recorder.get();
  if (spans) {
    span_recorder =
        std::make_unique<tracing::RequestSpanRecorder>(*spans, clock, route_names, access_recorder.get());
    observer = span_recorder.get();
  }
  dispatcher = std::make_unique<http::Dispatcher>(std::move(routes), Authenticator(),
                                                  http::CorsPolicy(config.cors_origins), limiter.get(),
                                                  trace_random, observer, sampler ? &*sampler : nullptr);
  if (flags.metrics_listen) {
    // Plain HTTP, unthrottled and unlogged: for the scraper on a private
    // interface, away from the public listener.
    metrics_dispatcher =
        std::make_unique<http::Dispatcher>(api::BuildMetricsRoutes(*ops_api), Authenticator(),
                                           http::CorsPolicy("*"), nullptr, trace_random, nullptr);
  }
  return Status::Ok();
}

}  // namespace wdrbe::app
