#include "wdrbe/app/app.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>
#include <thread>
#include <vector>

#include "wdrbe/api/activities_api.hpp"
#include "wdrbe/api/authenticate.hpp"
#include "wdrbe/api/items_api.hpp"
#include "wdrbe/api/ops_api.hpp"
#include "wdrbe/api/routes.hpp"
#include "wdrbe/app/secrets.hpp"
#include "wdrbe/auth/jwt_hs256.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/domain/activity_feed.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item_service.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/http/dispatcher.hpp"
#include "wdrbe/http/server.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe::app {
namespace {

constexpr char kDatabaseFile[] = "wdrbe.db";
constexpr char kLockFile[] = "serve.lock";

// Held for the life of the process so that two servers never share one
// data directory (the kernel drops the lock if the process dies).
Result<int> LockDataDir(const std::filesystem::path& data_dir) {
  const auto path = data_dir / kLockFile;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Unavailable("cannot open " + path.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error::Unavailable("another wdrbe serve is already using data directory " + data_dir.string());
  }
  return fd;
}

}  // namespace

struct App::Parts {
  int lock_fd = -1;
  std::filesystem::path data_dir;
  SystemClock clock;
  SecureRandom random;
  std::unique_ptr<UlidGenerator> ids;
  std::unique_ptr<CursorCodec> cursors;
  std::unique_ptr<TokenVerifier> verifier;
  std::unique_ptr<sqlite::SqliteItemStore> store;
  std::unique_ptr<ItemService> item_service;
  std::unique_ptr<ActivityFeed> activity_feed;
  std::unique_ptr<api::ItemsApi> items_api;
  std::unique_ptr<api::ActivitiesApi> activities_api;
  std::unique_ptr<api::OpsApi> ops_api;
  std::unique_ptr<http::Dispatcher> dispatcher;
  int threads = 1;
  boost::asio::io_context io;
  std::unique_ptr<http::HttpServer> server;

  ~Parts() {
    if (lock_fd >= 0) ::close(lock_fd);
  }
};

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

Result<std::unique_ptr<App>> App::Open(const ServeConfig& config) {
  if (config.jwt.jwks_file) {
    return Error::BadRequest(
        "--jwks-file (RS256/ES256) is not supported by this version; use HS256 with "
        "WDRBE_JWT_SECRET or --jwt-secret-file");
  }
  if (config.durability != "full" && config.durability != "normal") {
    return Error::BadRequest("--durability must be 'full' or 'normal'");
  }
  if (config.threads < 0 || config.read_connections < 1) {
    return Error::BadRequest("--threads must be >= 0 and --read-connections >= 1");
  }
  auto address = ParseListenAddress(config.listen);
  if (!address.ok()) return address.error();
  auto secret = LoadJwtSecret(config.jwt.secret_file);
  if (!secret.ok()) return secret.error();

  auto parts = std::make_unique<Parts>();
  const std::filesystem::path data_dir(config.data_dir);
  if (Status s = PrepareDataDir(data_dir); !s.ok()) return s.error();
  parts->data_dir = std::filesystem::absolute(data_dir);
  auto lock = LockDataDir(data_dir);
  if (!lock.ok()) return lock.error();
  parts->lock_fd = *lock;
  auto cursor_key = LoadOrCreateCursorKey(data_dir, parts->random);
  if (!cursor_key.ok()) return cursor_key.error();

  sqlite::StoreOptions store_options;
  store_options.path = (data_dir / kDatabaseFile).string();
  store_options.durability = config.durability == "full" ? sqlite::Connection::Durability::kFull
                                                         : sqlite::Connection::Durability::kNormal;
  store_options.read_connections = config.read_connections;
  auto store = sqlite::SqliteItemStore::Open(store_options);
  if (!store.ok()) return store.error();
  parts->store = std::move(*store);

  parts->ids = std::make_unique<UlidGenerator>(parts->clock, parts->random);
  parts->cursors = std::make_unique<CursorCodec>(std::move(*cursor_key));
  parts->verifier =
      std::make_unique<Hs256Verifier>(JwtOptions{std::move(*secret), config.jwt.issuer, config.jwt.audience});
  parts->item_service =
      std::make_unique<ItemService>(*parts->store, parts->clock, *parts->ids, *parts->cursors);
  parts->activity_feed = std::make_unique<ActivityFeed>(*parts->store, *parts->cursors);
  parts->items_api = std::make_unique<api::ItemsApi>(*parts->item_service);
  parts->activities_api = std::make_unique<api::ActivitiesApi>(*parts->activity_feed);
  parts->ops_api = std::make_unique<api::OpsApi>(*parts->store);
  parts->dispatcher = std::make_unique<http::Dispatcher>(
      api::BuildRoutes(*parts->items_api, *parts->activities_api, *parts->ops_api),
      api::MakeBearerAuthenticator(*parts->verifier, parts->clock));

  parts->threads = config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  http::ServerOptions server_options;
  server_options.host = address->host;
  server_options.port = address->port;
  auto server = http::HttpServer::Bind(parts->io, server_options, *parts->dispatcher,
                                       [ids = parts->ids.get()] { return ids->Next(); });
  if (!server.ok()) return server.error();
  parts->server = std::move(*server);
  return std::unique_ptr<App>(new App(std::move(parts)));
}

int App::Run() {
  Parts& p = *parts_;
  boost::asio::signal_set signals(p.io, SIGTERM, SIGINT);
  signals.async_wait([&p](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::cout << "wdrbe: shutting down: finishing in-flight requests" << std::endl;
    p.server->Shutdown([&p] { p.io.stop(); });
  });
  p.server->Start();

  const auto endpoint = p.server->local_endpoint();
  std::cout << "wdrbe listening on http://" << endpoint.address().to_string() << ":" << endpoint.port()
            << " (data in " << p.data_dir.string() << ", " << p.threads << " threads)" << std::endl;

  std::vector<std::thread> workers;
  for (int i = 1; i < p.threads; ++i) workers.emplace_back([&p] { p.io.run(); });
  p.io.run();
  for (auto& worker : workers) worker.join();
  // Every response is written; now let the store finish queued writes.
  p.store->Close();
  std::cout << "wdrbe: stopped" << std::endl;
  return 0;
}

}  // namespace wdrbe::app
