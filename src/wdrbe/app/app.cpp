#include "wdrbe/app/app.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
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
#include "wdrbe/auth/jwt_hs256.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
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
  std::filesystem::path data_dir;
  SystemClock clock;
  SecureRandom random;
  obs::TraceIdRandom trace_random{random};
  std::unique_ptr<UlidGenerator> ids;
  std::unique_ptr<CursorCodec> cursors;
  std::unique_ptr<TokenVerifier> verifier;
  int threads = 1;
  boost::asio::io_context io;
  Backend backend;
  std::unique_ptr<ShareEventHandler> share_handler;
  std::unique_ptr<ShareWorker> worker;
  bool worker_enabled = true;
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
  auto secret = LoadJwtSecret(config.jwt.secret_file);
  if (!secret.ok()) return secret.error();

  auto parts = std::make_unique<Parts>();
  parts->logger = std::make_unique<obs::Logger>(obs::LoggerOptions{.level = flags->log_level}, parts->clock);
  parts->metrics = std::make_unique<obs::ServiceMetrics>();
  if (faults) {
    parts->logger->Log(obs::LogLevel::kWarn, "fault injection is on (WDRBE_FAULTS): a testing aid",
                       {{"faults", std::string_view(faults_spec)}});
  }
  const std::filesystem::path data_dir(config.data_dir);
  parts->data_dir = std::filesystem::absolute(data_dir);
  auto backend = OpenBackend(config, BackendDependencies{parts->clock, parts->random, faults});
  if (!backend.ok()) return backend.error();
  parts->backend = std::move(*backend);
  ItemStore& store = *parts->backend.store;
  ShareQueue& queue = *parts->backend.queue;
  auto cursor_key = LoadCursorKey(config.cursor_key_file, data_dir, parts->random);
  if (!cursor_key.ok()) return cursor_key.error();

  parts->ids = std::make_unique<UlidGenerator>(parts->clock, parts->random);
  parts->share_handler = std::make_unique<ShareEventHandler>(store, parts->backend.atomic_settler, parts->clock, *parts->ids);
  ShareWorkerOptions worker_options{config.worker_concurrency, config.worker_batch_size,
                                    std::int64_t{config.visibility_timeout_s} * 1000,
                                    RetryBackoff{config.retry_base_delay_ms, kMaxShareRetryDelayMs}};
  parts->worker_enabled = config.worker_concurrency > 0;
  parts->worker = std::make_unique<ShareWorker>(parts->io, queue, *parts->share_handler, parts->random, faults,
                                                worker_options, parts->metrics->worker, *parts->logger);
  parts->cursors = std::make_unique<CursorCodec>(std::move(*cursor_key));
  parts->verifier =
      std::make_unique<Hs256Verifier>(JwtOptions{std::move(*secret), config.jwt.issuer, config.jwt.audience});
  parts->item_service =
      std::make_unique<ItemService>(store, parts->clock, *parts->ids, *parts->cursors);
  parts->share_service = std::make_unique<ShareService>(store, queue, parts->clock, *parts->ids,
                                                        [worker = parts->worker.get()] { worker->Notify(); });
  parts->activity_feed = std::make_unique<ActivityFeed>(store, *parts->cursors);
  parts->items_api = std::make_unique<api::ItemsApi>(*parts->item_service, parts->metrics->items);
  parts->shares_api = std::make_unique<api::SharesApi>(*parts->share_service, parts->metrics->shares);
  parts->activities_api = std::make_unique<api::ActivitiesApi>(*parts->activity_feed);
  parts->ops_api = std::make_unique<api::OpsApi>(
      store, queue, *parts->backend.dead_letters,
      [worker = parts->worker.get(), enabled = config.worker_concurrency > 0] {
        if (!enabled) return std::string("disabled");
        return std::string(worker->running() ? "running" : "stopped");
      },
      *parts->metrics);
  parts->limiter = std::make_unique<http::RateLimiter>(
      parts->clock, http::RateLimit{config.rate_limit, std::max(1.0, config.burst)},
      http::RateLimit{config.user_rate_limit, std::max(1.0, config.user_burst)});
  http::Router routes = api::BuildRoutes(*parts->items_api, *parts->shares_api, *parts->activities_api,
                                         *parts->ops_api, /*with_metrics=*/!flags->metrics_listen);
  std::vector<obs::RouteName> route_names;
  for (const http::Route& route : routes.routes()) {
    route_names.push_back({std::string(http::beast_http::to_string(route.method)), route.pattern});
  }
  parts->access_recorder =
      std::make_unique<obs::AccessRecorder>(*parts->logger, parts->metrics->http, route_names);
  parts->dispatcher = std::make_unique<http::Dispatcher>(
      std::move(routes), api::MakeBearerAuthenticator(*parts->verifier, parts->clock),
      http::CorsPolicy(config.cors_origins), parts->limiter.get(), parts->trace_random,
      parts->access_recorder.get());

  parts->threads = config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  http::ServerOptions server_options;
  server_options.host = flags->listen.host;
  server_options.port = flags->listen.port;
  server_options.tls = {config.tls_cert_file, config.tls_key_file};
  auto server = http::HttpServer::Bind(parts->io, server_options, *parts->dispatcher,
                                       [ids = parts->ids.get()] { return ids->Next(); });
  if (!server.ok()) return server.error();
  parts->server = std::move(*server);
  if (flags->metrics_listen) {
    // Plain HTTP, unthrottled and unlogged: for the scraper on a private
    // interface, away from the public listener.
    parts->metrics_dispatcher =
        std::make_unique<http::Dispatcher>(api::BuildMetricsRoutes(*parts->ops_api),
                                           api::MakeBearerAuthenticator(*parts->verifier, parts->clock),
                                           http::CorsPolicy("*"), nullptr, parts->trace_random, nullptr);
    http::ServerOptions metrics_options;
    metrics_options.host = flags->metrics_listen->host;
    metrics_options.port = flags->metrics_listen->port;
    auto metrics_server = http::HttpServer::Bind(parts->io, metrics_options, *parts->metrics_dispatcher,
                                                 [ids = parts->ids.get()] { return ids->Next(); });
    if (!metrics_server.ok())
      return Error::Unavailable("--metrics-listen: " + metrics_server.error().message);
    parts->metrics_server = std::move(*metrics_server);
  }
  return std::unique_ptr<App>(new App(std::move(parts)));
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
  p.logger->LogAlways(obs::LogLevel::kInfo, "wdrbe listening on " + url,
                      {{"dataDir", p.data_dir.string()}, {"threads", std::int64_t{p.threads}}});
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
