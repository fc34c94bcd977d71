#include "wdrbe/app/app.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>
#include <vector>

#include "wdrbe/api/activities_api.hpp"
#include "wdrbe/api/authenticate.hpp"
#include "wdrbe/api/items_api.hpp"
#include "wdrbe/api/ops_api.hpp"
#include "wdrbe/api/routes.hpp"
#include "wdrbe/api/shares_api.hpp"
#include "wdrbe/app/backends.hpp"
#include "wdrbe/app/secrets.hpp"
#include "wdrbe/auth/caching_token_verifier.hpp"
#include "wdrbe/auth/jwk.hpp"
#include "wdrbe/auth/jwks_cache.hpp"
#include "wdrbe/auth/jwks_fetch.hpp"
#include "wdrbe/auth/jwks_url.hpp"
#include "wdrbe/auth/jwt_verifier.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/usable_cpus.hpp"
#include "wdrbe/domain/activity_feed.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item_service.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/http/dispatcher.hpp"
#include "wdrbe/http/rate_limiter.hpp"
#include "wdrbe/http/server.hpp"
#include "wdrbe/observability/access_recorder.hpp"
#include "wdrbe/observability/log.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/observability/trace_id_random.hpp"
#include "wdrbe/worker/share_worker.hpp"

namespace wdrbe::app {
namespace {

// "127.0.0.1:8080", as the listening lines print it.
std::string HostPort(const boost::asio::ip::tcp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

struct App::Parts {
  // First, so that they are destroyed last: everything else may log or count.
  std::unique_ptr<obs::Logger> logger;
  std::unique_ptr<obs::ServiceMetrics> metrics;
  SystemClock clock;
  SecureRandom random;
  obs::TraceIdRandom trace_random{random};
  std::unique_ptr<UlidGenerator> ids;
  std::unique_ptr<CursorCodec> cursors;
  // RS256/ES256 keys (--jwks-file / --jwks-url), then the verifier that
  // uses them. Declared before `io` so that they outlive its handlers.
  std::shared_ptr<boost::asio::ssl::context> jwks_tls;
  std::unique_ptr<JwkSource> jwks;
  JwksCache* jwks_cache = nullptr;  // `jwks` when it refreshes from a URL
  std::unique_ptr<TokenVerifier> verifier;
  int threads = 1;
  boost::asio::io_context io;
  Backend backend;
  std::unique_ptr<ShareEventHandler> share_handler;
  std::unique_ptr<ShareWorker> worker;
  bool worker_enabled = true;
  bool worker_only = false;  // `wdrbe worker`: no API routes
  std::unique_ptr<ItemService> item_service;
  std::unique_ptr<ShareService> share_service;
  std::unique_ptr<ActivityFeed> activity_feed;
  std::unique_ptr<api::ItemsApi> items_api;
  std::unique_ptr<api::SharesApi> shares_api;
  std::unique_ptr<api::ActivitiesApi> activities_api;
  std::unique_ptr<api::OpsApi> ops_api;
  std::unique_ptr<http::RateLimiter> limiter;
  std::unique_ptr<obs::AccessRecorder> access_recorder;
  std::unique_ptr<http::Dispatcher> dispatcher;
  std::unique_ptr<http::HttpServer> server;
  // Set with --metrics-listen: /metrics on a listener of its own.
  std::unique_ptr<http::Dispatcher> metrics_dispatcher;
  std::unique_ptr<http::HttpServer> metrics_server;

  ~Parts() {
    if (backend.close) backend.close();
  }

  // The token verifier: HS256, JWKS keys, or both (at least one).
  Status WireVerifier(const JwtConfig& jwt);
  // The domain services and the share worker over the backend's ports.
  void WireServices(const ServeConfig& config, std::shared_ptr<const FaultInjector> faults);
  // Bearer tokens checked by `verifier`; none accepted by the worker alone.
  http::Authenticator Authenticator() const;
  // The API handlers, the routes and the dispatchers.
  void WireHttp(const ServeConfig& config, const ValidServeConfig& flags);
  // The listeners (the only step of the three that can fail).
  Status Bind(const ServeConfig& config, const ValidServeConfig& flags);
};

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

Result<std::unique_ptr<App>> App::Open(const ServeConfig& config) {
  auto flags = ValidateServeConfig(config);
  if (!flags.ok()) return flags.error();
  std::shared_ptr<const FaultInjector> faults;
  const char* faults_spec = std::getenv("WDRBE_FAULTS");
  if (faults_spec != nullptr && *faults_spec != '\0') {
    auto parsed = FaultInjector::Parse(faults_spec);
    if (!parsed.ok()) return parsed.error();
    faults = std::move(*parsed);
  }
  auto parts = std::make_unique<Parts>();
  parts->logger = std::make_unique<obs::Logger>(obs::LoggerOptions{.level = flags->log_level}, parts->clock);
  parts->metrics = std::make_unique<obs::ServiceMetrics>();
  if (faults) {
    parts->logger->Log(obs::LogLevel::kWarn, "fault injection is on (WDRBE_FAULTS): a testing aid",
                       {{"faults", std::string_view(faults_spec)}});
  }
  // Before the backend: a bad key source must stop the server before it
  // creates anything. The worker alone serves no route that takes a token.
  parts->worker_only = config.worker_only;
  if (!config.worker_only) {
    if (Status s = parts->WireVerifier(config.jwt); !s.ok()) return s.error();
  }
  auto backend = OpenBackend(config, BackendDependencies{parts->clock, parts->random, faults});
  if (!backend.ok()) return backend.error();
  parts->backend = std::move(*backend);
  if (parts->backend.register_metrics) parts->backend.register_metrics(parts->metrics->registry());
  auto cursor_key = config.cursor_key_file
                        ? LoadCursorKey(config.cursor_key_file, config.data_dir, parts->random)
                        : parts->backend.load_cursor_key();
  if (!cursor_key.ok()) return cursor_key.error();
  parts->cursors = std::make_unique<CursorCodec>(std::move(*cursor_key));

  parts->WireServices(config, faults);
  parts->WireHttp(config, *flags);
  if (Status s = parts->Bind(config, *flags); !s.ok()) return s.error();
  return std::unique_ptr<App>(new App(std::move(parts)));
}

Status App::Parts::WireVerifier(const JwtConfig& jwt) {
  const bool with_jwks = jwt.jwks_file || jwt.jwks_url;
  std::optional<std::string> secret;
  // With a JWKS, HS256 is on only when a secret is configured; a secret that
  // is configured but unusable (too short, unreadable) is an error either way.
  if (!with_jwks || JwtSecretConfigured(jwt.secret_file)) {
    auto loaded = LoadJwtSecret(jwt.secret_file);
    if (!loaded.ok() && !JwtSecretConfigured(jwt.secret_file)) {
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

void App::Parts::WireServices(const ServeConfig& config, std::shared_ptr<const FaultInjector> faults) {
  ItemStore& store = *backend.store;
  ShareQueue& queue = *backend.queue;
  ids = std::make_unique<UlidGenerator>(clock, random);
  share_handler = std::make_unique<ShareEventHandler>(store, backend.atomic_settler, clock, *ids);
  ShareWorkerOptions worker_options{config.worker_concurrency, config.worker_batch_size,
                                    std::int64_t{config.visibility_timeout_s} * 1000,
                                    RetryBackoff{config.retry_base_delay_ms, kMaxShareRetryDelayMs}};
  worker_enabled = config.worker_concurrency > 0;
  worker = std::make_unique<ShareWorker>(io, queue, *share_handler, random, std::move(faults), worker_options,
                                         metrics->worker, *logger);
  item_service = std::make_unique<ItemService>(store, clock, *ids, *cursors);
  share_service = std::make_unique<ShareService>(store, queue, backend.atomic_sender, clock, *ids,
                                                 [worker = worker.get()] { worker->Notify(); });
  activity_feed = std::make_unique<ActivityFeed>(store, *cursors);
}

http::Authenticator App::Parts::Authenticator() const {
  if (verifier) return api::MakeBearerAuthenticator(*verifier, clock);
  return [](const http::HttpRequest&) -> Result<Principal> {
    return Error::Unauthorized("this process serves no authenticated routes");
  };
}

void App::Parts::WireHttp(const ServeConfig& config, const ValidServeConfig& flags) {
  items_api = std::make_unique<api::ItemsApi>(*item_service, metrics->items);
  shares_api = std::make_unique<api::SharesApi>(*share_service, metrics->shares);
  activities_api = std::make_unique<api::ActivitiesApi>(*activity_feed);
  ops_api = std::make_unique<api::OpsApi>(
      *backend.store, *backend.queue, *backend.dead_letters,
      [worker = worker.get(), enabled = worker_enabled] {
        if (!enabled) return std::string("disabled");
        return std::string(worker->running() ? "running" : "stopped");
      },
      *metrics, clock);
  limiter = std::make_unique<http::RateLimiter>(
      clock, http::RateLimits{{config.rate_limit, config.burst},
                              {config.user_rate_limit, config.user_burst},
                              {config.anonymous_rate_limit, config.anonymous_burst}});
  using api::MetricsOnMainListener;
  const MetricsOnMainListener metrics_here = flags.metrics_listen    ? MetricsOnMainListener::kNone
                                             : config.metrics_public ? MetricsOnMainListener::kPublic
                                                                     : MetricsOnMainListener::kLoopbackOnly;
  http::Router routes =
      worker_only ? api::BuildWorkerRoutes(*ops_api, metrics_here)
                  : api::BuildRoutes(*items_api, *shares_api, *activities_api, *ops_api, metrics_here);
  std::vector<obs::RouteName> route_names;
  for (const http::Route& route : routes.routes()) {
    route_names.push_back({std::string(http::beast_http::to_string(route.method)), route.pattern});
  }
  access_recorder = std::make_unique<obs::AccessRecorder>(*logger, metrics->http, route_names);
  dispatcher = std::make_unique<http::Dispatcher>(std::move(routes), Authenticator(),
                                                  http::CorsPolicy(config.cors_origins), limiter.get(),
                                                  trace_random, access_recorder.get());
  if (flags.metrics_listen) {
    // Plain HTTP, unthrottled and unlogged: for the scraper on a private
    // interface, away from the public listener.
    metrics_dispatcher =
        std::make_unique<http::Dispatcher>(api::BuildMetricsRoutes(*ops_api), Authenticator(),
                                           http::CorsPolicy("*"), nullptr, trace_random, nullptr);
  }
}

Status App::Parts::Bind(const ServeConfig& config, const ValidServeConfig& flags) {
  threads = config.threads > 0 ? config.threads : UsableCpus();
  http::ServerOptions server_options;
  server_options.host = flags.listen.host;
  server_options.port = flags.listen.port;
  server_options.tls = {config.tls_cert_file, config.tls_key_file};
  server_options.max_connections = static_cast<std::size_t>(config.max_connections);
  server_options.single_threaded = threads == 1;
  auto bound = http::HttpServer::Bind(io, server_options, *dispatcher,
                                      [ids = ids.get()] { return ids->NextUnordered(); });
  if (!bound.ok()) return bound.error();
  server = std::move(*bound);
  obs::Registry& registry = metrics->registry();
  registry.AddGaugeFunction("wdrbe_http_connections_open", "Connections open on the main listener",
                            [s = server.get()] { return static_cast<double>(s->open_connections()); });
  registry.AddGaugeFunction("wdrbe_http_connections_max", "The cap on open connections (--max-connections)",
                            [s = server.get()] { return static_cast<double>(s->max_connections()); });
  registry.AddCounterFunction("wdrbe_http_connections_refused_total",
                              "Connections closed at once for being over --max-connections",
                              [s = server.get()] { return static_cast<double>(s->refused_connections()); });
  if (!flags.metrics_listen) return Status::Ok();
  http::ServerOptions metrics_options;
  metrics_options.host = flags.metrics_listen->host;
  metrics_options.port = flags.metrics_listen->port;
  auto metrics_bound = http::HttpServer::Bind(io, metrics_options, *metrics_dispatcher,
                                              [ids = ids.get()] { return ids->NextUnordered(); });
  if (!metrics_bound.ok()) return Error::Unavailable("--metrics-listen: " + metrics_bound.error().message);
  metrics_server = std::move(*metrics_bound);
  return Status::Ok();
}

int App::Run() {
  Parts& p = *parts_;
  boost::asio::signal_set signals(p.io, SIGTERM, SIGINT);
  signals.async_wait([&p](const boost::system::error_code& ec, int) {
    if (ec) return;
    p.logger->LogAlways(obs::LogLevel::kInfo,
                        "shutting down: finishing in-flight requests and share batches");
    if (p.metrics_server) p.metrics_server->Shutdown([] {});
    // Requests first (they may enqueue shares), then the worker's batches.
    p.server->Shutdown([&p] {
      if (!p.worker_enabled) return p.io.stop();
      p.worker->Stop([&p] { p.io.stop(); });
    });
  });
  p.server->Start();
  if (p.jwks_cache != nullptr) p.jwks_cache->Start();
  if (p.metrics_server) p.metrics_server->Start();
  if (p.worker_enabled) {
    // Leases of a previous run return at once (embedded), then the worker starts.
    boost::asio::co_spawn(
        p.io,
        [&p]() -> Task<void> {
          Status prepared = Status::Ok();
          if (p.backend.before_worker_starts) {
            // A named task: GCC 12 mishandles temporaries in a co_await operand.
            Task<Status> preparing = p.backend.before_worker_starts();
            prepared = co_await std::move(preparing);
          }
          if (!prepared.ok()) {
            p.logger->Log(obs::LogLevel::kWarn,
                          "could not release the leases of the previous run; they return after the "
                          "visibility timeout",
                          {{"error", prepared.error().message}});
          }
          p.worker->Start();
        },
        boost::asio::detached);
  }

  // Tools and tests find the port in this line's message.
  const auto endpoint = p.server->local_endpoint();
  const std::string url = std::string(p.server->serves_tls() ? "https://" : "http://") + HostPort(endpoint);
  p.logger->LogAlways(obs::LogLevel::kInfo,
                      std::string(p.worker_only ? "wdrbe worker" : "wdrbe") + " listening on " + url,
                      {{"backend", p.backend.description}, {"threads", std::int64_t{p.threads}}});
  if (p.metrics_server) {
    p.logger->LogAlways(obs::LogLevel::kInfo, "metrics listening on http://" +
                                                  HostPort(p.metrics_server->local_endpoint()) + "/metrics");
  }

  std::vector<std::thread> workers;
  for (int i = 1; i < p.threads; ++i) workers.emplace_back([&p] { p.io.run(); });
  p.io.run();
  for (auto& worker : workers) worker.join();
  // Every response is written; now let the store finish queued writes.
  p.backend.close();
  p.logger->LogAlways(obs::LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace wdrbe::app
