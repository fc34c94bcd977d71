#include "wdrbe/app/app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <string>
#include <thread>
#include <vector>

#include "wdrbe/app/services.hpp"
#include "wdrbe/base/usable_cpus.hpp"
#include "wdrbe/http/server.hpp"

namespace wdrbe::app {
namespace {

// "127.0.0.1:8080", as the listening lines print it.
std::string HostPort(const boost::asio::ip::tcp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

struct App::Parts {
  // First, so that it outlives the listeners that call into it.
  std::unique_ptr<Services> services;
  int threads = 1;
  std::unique_ptr<http::HttpServer> server;
  // Set with --metrics-listen: /metrics on a listener of its own.
  std::unique_ptr<http::HttpServer> metrics_server;

  // The listeners (they bind here, so "address in use" stops the start).
  Status Bind(const ServeConfig& config, const ValidServeConfig& flags);
};

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

Result<std::unique_ptr<App>> App::Open(const ServeConfig& config) {
  auto flags = ValidateServeConfig(config);
  if (!flags.ok()) return flags.error();
  auto parts = std::make_unique<Parts>();
  auto services =
      Services::Open(config, *flags, config.worker_only ? ProcessRole::kWorker : ProcessRole::kServe);
  if (!services.ok()) return services.error();
  parts->services = std::move(*services);
  if (Status s = parts->Bind(config, *flags); !s.ok()) return s.error();
  return std::unique_ptr<App>(new App(std::move(parts)));
}

Status App::Parts::Bind(const ServeConfig& config, const ValidServeConfig& flags) {
  Services& s = *services;
  threads = config.threads > 0 ? config.threads : UsableCpus();
  http::ServerOptions server_options;
  server_options.host = flags.listen.host;
  server_options.port = flags.listen.port;
  server_options.tls = {config.tls_cert_file, config.tls_key_file};
  server_options.max_connections = static_cast<std::size_t>(config.max_connections);
  server_options.stream_write_timeout = std::chrono::seconds(config.stream_write_timeout_s);
  server_options.single_threaded = threads == 1;
  auto bound = http::HttpServer::Bind(s.io, server_options, *s.dispatcher,
                                      [ids = s.ids.get()] { return ids->NextUnordered(); });
  if (!bound.ok()) return bound.error();
  server = std::move(*bound);
  obs::Registry& registry = s.metrics->registry();
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
  auto metrics_bound = http::HttpServer::Bind(s.io, metrics_options, *s.metrics_dispatcher,
                                              [ids = s.ids.get()] { return ids->NextUnordered(); });
  if (!metrics_bound.ok()) return Error::Unavailable("--metrics-listen: " + metrics_bound.error().message);
  metrics_server = std::move(*metrics_bound);
  return Status::Ok();
}

int App::Run() {
  Parts& p = *parts_;
  Services& s = *p.services;
  boost::asio::signal_set signals(s.io, SIGTERM, SIGINT);
  signals.async_wait([&p, &s](const boost::system::error_code& ec, int) {
    if (ec) return;
    s.logger->LogAlways(obs::LogLevel::kInfo,
                        "shutting down: finishing in-flight requests and share batches");
    if (p.metrics_server) p.metrics_server->Shutdown([] {});
    // Requests first (they may enqueue shares), then the worker's batches.
    p.server->Shutdown([&p, &s] {
      if (!s.worker_enabled) return s.io.stop();
      s.worker->Stop([&p, &s] { s.io.stop(); });
    });
  });
  p.server->Start();
  if (s.jwks_cache != nullptr) s.jwks_cache->Start();
  if (p.metrics_server) p.metrics_server->Start();
  if (s.emf_reporter) s.emf_reporter->Start();
  if (s.worker_enabled) {
    // Leases of a previous run return at once (embedded), then the worker starts.
    boost::asio::co_spawn(
        s.io,
        [&p, &s]() -> Task<void> {
          Status prepared = Status::Ok();
          if (s.backend.before_worker_starts) {
            // A named task: GCC 12 mishandles temporaries in a co_await operand.
            Task<Status> preparing = s.backend.before_worker_starts();
            prepared = co_await std::move(preparing);
          }
          if (!prepared.ok()) {
            s.logger->Log(obs::LogLevel::kWarn,
                          "could not release the leases of the previous run; they return after the "
                          "visibility timeout",
                          {{"error", prepared.error().message}});
          }
          s.worker->Start();
        },
        boost::asio::detached);
  }

  // Tools and tests find the port in this line's message.
  const auto endpoint = p.server->local_endpoint();
  const std::string url = std::string(p.server->serves_tls() ? "https://" : "http://") + HostPort(endpoint);
  s.logger->LogAlways(
      obs::LogLevel::kInfo,
      std::string((s.role == ProcessRole::kWorker) ? "wdrbe worker" : "wdrbe") + " listening on " + url,
      {{"backend", s.backend.description}, {"threads", std::int64_t{p.threads}}});
  if (p.metrics_server) {
    s.logger->LogAlways(obs::LogLevel::kInfo, "metrics listening on http://" +
                                                  HostPort(p.metrics_server->local_endpoint()) + "/metrics");
  }

  std::vector<std::thread> workers;
  for (int i = 1; i < p.threads; ++i) workers.emplace_back([&p, &s] { s.io.run(); });
  s.io.run();
  for (auto& worker : workers) worker.join();
  // Every response is written; now let the store finish queued writes.
  s.backend.close();
  // The counts of the last, partial interval.
  if (s.emf_reporter) s.emf_reporter->Publish();
  // The spans still queued, each batch within the export timeout.
  if (s.spans) s.spans->Stop();
  s.logger->LogAlways(obs::LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace wdrbe::app
