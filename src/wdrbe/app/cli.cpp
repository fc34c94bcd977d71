#include "wdrbe/app/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "wdrbe/app/app.hpp"
#include "wdrbe/app/backup_command.hpp"
#include "wdrbe/app/config.hpp"
#include "wdrbe/app/dlq_command.hpp"
#include "wdrbe/app/secrets.hpp"
#include "wdrbe/auth/jwt_hs256.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/worker/share_worker.hpp"

namespace wdrbe::app {
namespace {

// Token lifetimes `wdrbe token` accepts (development and tests).
constexpr std::int64_t kDefaultTokenTtlSeconds = 3600;
constexpr std::int64_t kMaxTokenTtlSeconds = 30LL * 24 * 3600;

void AddJwtOptions(CLI::App& command, JwtConfig& jwt) {
  command
      .add_option("--jwt-secret-file", jwt.secret_file,
                  "File holding the HS256 secret (else WDRBE_JWT_SECRET)")
      ->envname("WDRBE_JWT_SECRET_FILE");
  command.add_option("--jwt-issuer", jwt.issuer, "Required `iss` claim")->envname("WDRBE_JWT_ISSUER");
  command.add_option("--jwt-audience", jwt.audience, "Required `aud` claim")->envname("WDRBE_JWT_AUDIENCE");
}

int Fail(std::string_view command, const Error& error) {
  std::cerr << "wdrbe " << command << ": " << error.message << std::endl;
  return 1;
}

int RunServe(const ServeConfig& config) {
  auto app = App::Open(config);
  if (!app.ok()) return Fail("serve", app.error());
  return (*app)->Run();
}

struct TokenOptions {
  JwtConfig jwt;
  std::string subject;
  std::int64_t ttl_s = kDefaultTokenTtlSeconds;
};

int RunToken(const TokenOptions& options) {
  if (!IsValidSubject(options.subject)) {
    return Fail("token", Error::BadRequest("--sub must be 1-128 characters of UTF-8, no control characters"));
  }
  if (options.ttl_s < 1 || options.ttl_s > kMaxTokenTtlSeconds) {
    return Fail("token",
                Error::BadRequest("--ttl must be 1-" + std::to_string(kMaxTokenTtlSeconds) + " seconds"));
  }
  auto secret = LoadJwtSecret(options.jwt.secret_file);
  if (!secret.ok()) return Fail("token", secret.error());
  const std::int64_t now = SystemClock().NowMillis() / 1000;
  boost::json::object claims{{"sub", options.subject}, {"iat", now}, {"exp", now + options.ttl_s}};
  if (options.jwt.issuer) claims["iss"] = *options.jwt.issuer;
  if (options.jwt.audience) claims["aud"] = *options.jwt.audience;
  std::cout << SignHs256(claims, *secret) << std::endl;
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App cli{"wdrbe: the wardrobe items service"};
  cli.require_subcommand(1);

  // Only types are checked while parsing: ValidateServeConfig (config.cpp)
  // owns every bound, so the flags and a ServeConfig built in code agree.
  ServeConfig serve;
  CLI::App* serve_cmd = cli.add_subcommand("serve", "Run the whole service (API, store) in this process");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on")
      ->envname("WDRBE_LISTEN")
      ->capture_default_str();
  serve_cmd->add_option("--data-dir", serve.data_dir, "Directory of the embedded store")
      ->envname("WDRBE_DATA_DIR")
      ->capture_default_str();
  AddJwtOptions(*serve_cmd, serve.jwt);
  serve_cmd
      ->add_option("--cursor-key-file", serve.cursor_key_file,
                   "File of the key that signs list cursors, >= 32 bytes (else <data-dir>/cursor.key); "
                   "servers sharing it accept each other's cursors")
      ->envname("WDRBE_CURSOR_KEY_FILE");
  serve_cmd
      ->add_option("--jwks-file", serve.jwt.jwks_file,
                   "JWKS document of RS256/ES256 keys, read at start (else --jwks-url)")
      ->envname("WDRBE_JWKS_FILE");
  serve_cmd
      ->add_option("--jwks-url", serve.jwt.jwks_url,
                   "JWKS URL (https, or http to a loopback address), fetched at start and refreshed")
      ->envname("WDRBE_JWKS_URL");
  serve_cmd
      ->add_option("--jwks-refresh", serve.jwt.jwks_refresh_s,
                   "Seconds between fetches of --jwks-url, " + std::to_string(kMinJwksRefreshSeconds) + "-" +
                       std::to_string(kMaxJwksRefreshSeconds))
      ->envname("WDRBE_JWKS_REFRESH")
      ->capture_default_str();
  serve_cmd
      ->add_option("--threads", serve.threads,
                   "Network threads, 0-" + std::to_string(kMaxThreads) + " (0: one per core)")
      ->envname("WDRBE_THREADS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--durability", serve.durability,
                   "full: fsync every commit; normal: may lose the last "
                   "moments of writes on power loss")
      ->envname("WDRBE_DURABILITY")
      ->capture_default_str();
  serve_cmd
      ->add_option("--read-connections", serve.read_connections,
                   "SQLite reader threads, 1-" + std::to_string(kMaxReadConnections))
      ->envname("WDRBE_READ_CONNECTIONS")
      ->capture_default_str();

  serve_cmd->add_option("--rate-limit", serve.rate_limit, "Requests/s for the whole server (0: off)")
      ->envname("WDRBE_RATE_LIMIT")
      ->capture_default_str();
  serve_cmd->add_option("--burst", serve.burst, "Bucket size of the server-wide limit (>= 1)")
      ->envname("WDRBE_BURST")
      ->capture_default_str();
  serve_cmd->add_option("--user-rate-limit", serve.user_rate_limit, "Requests/s per user (0: off)")
      ->envname("WDRBE_USER_RATE_LIMIT")
      ->capture_default_str();
  serve_cmd->add_option("--user-burst", serve.user_burst, "Bucket size of each user's limit (>= 1)")
      ->envname("WDRBE_USER_BURST")
      ->capture_default_str();
  serve_cmd
      ->add_option("--anonymous-rate-limit", serve.anonymous_rate_limit,
                   "Requests/s per client address for requests without a valid token (0: off)")
      ->envname("WDRBE_ANONYMOUS_RATE_LIMIT")
      ->capture_default_str();
  serve_cmd
      ->add_option("--anonymous-burst", serve.anonymous_burst,
                   "Bucket size of each client address's limit (>= 1)")
      ->envname("WDRBE_ANONYMOUS_BURST")
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections", serve.max_connections,
                   "Connections open at once on --listen, 1-" + std::to_string(kMaxConnectionsLimit) +
                       "; over it new ones are closed at once")
      ->envname("WDRBE_MAX_CONNECTIONS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--cors-origins", serve.cors_origins,
                   "Origins allowed by CORS: * or a comma-separated list (a list echoes the matching origin)")
      ->envname("WDRBE_CORS_ORIGINS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--tls-cert", serve.tls_cert_file, "PEM certificate chain: serve HTTPS (with --tls-key)")
      ->envname("WDRBE_TLS_CERT");
  serve_cmd->add_option("--tls-key", serve.tls_key_file, "PEM private key of --tls-cert")
      ->envname("WDRBE_TLS_KEY");
  serve_cmd
      ->add_option("--log-level", serve.log_level,
                   "Least level logged: debug, info (one access line per request), warn, error or off")
      ->envname("WDRBE_LOG_LEVEL")
      ->capture_default_str();
  serve_cmd
      ->add_option("--metrics-listen", serve.metrics_listen,
                   "HOST:PORT of a separate listener for /metrics (else /metrics is served on --listen)")
      ->envname("WDRBE_METRICS_LISTEN");
  serve_cmd
      ->add_flag("--metrics-public", serve.metrics_public,
                 "Serve /metrics on --listen to every client (else only to loopback clients)")
      ->envname("WDRBE_METRICS_PUBLIC");
  serve_cmd
      ->add_option("--worker-concurrency", serve.worker_concurrency,
                   "Share batches processed concurrently, 0-" + std::to_string(kMaxWorkerConcurrency) +
                       " (0: no worker in this process)")
      ->envname("WDRBE_WORKER_CONCURRENCY")
      ->capture_default_str();
  serve_cmd
      ->add_option("--worker-batch-size", serve.worker_batch_size,
                   "Share events per batch, 1-" + std::to_string(kMaxShareBatchSize))
      ->envname("WDRBE_WORKER_BATCH_SIZE")
      ->capture_default_str();
  serve_cmd
      ->add_option("--visibility-timeout", serve.visibility_timeout_s,
                   "Seconds a received share event stays leased to its worker, 1-" +
                       std::to_string(kMaxVisibilityTimeoutSeconds))
      ->envname("WDRBE_VISIBILITY_TIMEOUT")
      ->capture_default_str();
  serve_cmd
      ->add_option(
          "--max-receives", serve.max_receives,
          "Deliveries of a share event before it is dead-lettered, 1-" + std::to_string(kMaxReceives))
      ->envname("WDRBE_MAX_RECEIVES")
      ->capture_default_str();
  serve_cmd
      ->add_option("--retry-base-delay-ms", serve.retry_base_delay_ms,
                   "Backoff before the first retry of a failed share event, 1-" +
                       std::to_string(kMaxRetryBaseDelayMs) + " (doubles per attempt)")
      ->envname("WDRBE_RETRY_BASE_DELAY_MS")
      ->capture_default_str();

  TokenOptions token;
  CLI::App* token_cmd = cli.add_subcommand("token", "Mint an HS256 token with the configured secret");
  token_cmd->add_option("--sub", token.subject, "User id (the `sub` claim)")->required();
  token_cmd->add_option("--ttl", token.ttl_s, "Lifetime in seconds")->capture_default_str();
  AddJwtOptions(*token_cmd, token.jwt);

  DlqOptions dlq;
  CLI::App* dlq_cmd =
      cli.add_subcommand("dlq", "Dead-letter queue: list | show ID | redrive ID | redrive --all");
  dlq_cmd->add_option("--data-dir", dlq.data_dir, "Directory of the embedded store")
      ->envname("WDRBE_DATA_DIR")
      ->capture_default_str();
  dlq_cmd->add_option("action", dlq.action, "list, show or redrive")
      ->required()
      ->check(CLI::IsMember({"list", "show", "redrive"}));
  dlq_cmd->add_option("event_id", dlq.event_id, "The dead letter's event id (show, redrive)");
  dlq_cmd->add_flag("--all", dlq.all, "redrive: every dead letter");

  BackupOptions backup;
  CLI::App* backup_cmd =
      cli.add_subcommand("backup", "Consistent online copy of the store into a new directory");
  backup_cmd->add_option("--data-dir", backup.data_dir, "Directory of the embedded store")
      ->envname("WDRBE_DATA_DIR")
      ->capture_default_str();
  backup_cmd->add_option("destination", backup.destination, "New directory for the copy")->required();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  if (*serve_cmd) return RunServe(serve);
  if (*token_cmd) return RunToken(token);
  if (*dlq_cmd) return RunDlq(dlq);
  if (*backup_cmd) return RunBackup(backup);
  return 1;
}

}  // namespace wdrbe::app
