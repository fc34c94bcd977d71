#include "wdrbe/app/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "wdrbe/app/app.hpp"
#include "wdrbe/app/aws_backend.hpp"
#include "wdrbe/app/backup_command.hpp"
#include "wdrbe/app/config.hpp"
#include "wdrbe/app/dlq_command.hpp"
#include "wdrbe/app/lambda_command.hpp"
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
  command
      .add_option("--jwt-secret-arn", jwt.secret_arn,
                  "AWS Secrets Manager secret (ARN or name) whose text is the HS256 secret, read at start")
      ->envname("WDRBE_JWT_SECRET_ARN");
  command.add_option("--jwt-issuer", jwt.issuer, "Required `iss` claim")->envname("WDRBE_JWT_ISSUER");
  command.add_option("--jwt-audience", jwt.audience, "Required `aud` claim")->envname("WDRBE_JWT_AUDIENCE");
}

void AddBackendOptions(CLI::App& command, std::string& backend, AwsBackendConfig& aws) {
  command.add_option("--backend", backend, "embedded (SQLite in --data-dir) or aws (DynamoDB and SQS)")
      ->envname("WDRBE_BACKEND")
      ->capture_default_str();
  command.add_option("--table", aws.table, "aws: the DynamoDB table")
      ->envname("WDRBE_TABLE")
      ->capture_default_str();
  command
      .add_option("--queue-url", aws.queue_url,
                  "aws: the SQS queue of share events (wdrbe aws setup prints it)")
      ->envname("WDRBE_QUEUE_URL");
  command
      .add_option("--dead-letter-queue-url", aws.dead_letter_queue_url,
                  "aws: the queue's SQS dead-letter queue (wdrbe aws setup prints it)")
      ->envname("WDRBE_DEAD_LETTER_QUEUE_URL");
  command
      .add_option("--image-bucket", aws.image_bucket,
                  "aws: the S3 bucket of item photos (without it the photo routes answer 503)")
      ->envname("WDRBE_IMAGE_BUCKET");
}

int Fail(std::string_view command, const Error& error) {
  std::cerr << "wdrbe " << command << ": " << error.message << std::endl;
  return 1;
}

int RunServe(const ServeConfig& config) {
  const std::string_view command = config.worker_only ? "worker" : "serve";
  auto app = App::Open(config);
  if (!app.ok()) return Fail(command, app.error());
  return (*app)->Run();
}

int RunBackupCommand(const std::string& backend, const BackupOptions& options) {
  if (backend == kAwsBackend) {
    std::cerr << "wdrbe backup: with --backend aws the data is in DynamoDB, whose backups are its own: "
                 "point-in-time recovery (on for tables made by `wdrbe aws setup`; restore to any second of "
                 "the last 35 days with `aws dynamodb restore-table-to-point-in-time`) and on-demand backups "
                 "(`aws dynamodb create-backup --table-name TABLE --backup-name NAME`). Nothing was copied."
              << std::endl;
    return 1;
  }
  if (backend != kEmbeddedBackend) {
    return Fail("backup", Error::BadRequest("--backend must be 'embedded' or 'aws', got '" + backend + "'"));
  }
  return RunBackup(options);
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
  auto secret = LoadJwtSecret(options.jwt.secret_file, options.jwt.secret_arn);
  if (!secret.ok()) return Fail("token", secret.error());
  const std::int64_t now = SystemClock().NowMillis() / 1000;
  boost::json::object claims{{"sub", options.subject}, {"iat", now}, {"exp", now + options.ttl_s}};
  if (options.jwt.issuer) claims["iss"] = *options.jwt.issuer;
  if (options.jwt.audience) claims["aud"] = *options.jwt.audience;
  std::cout << SignHs256(claims, *secret) << std::endl;
  return 0;
}

// The flags of `serve` and `worker`. Only types are checked while parsing:
// ValidateServeConfig (config.cpp) owns every bound, so the flags and a
// ServeConfig built in code agree.
// Where the data is, and how it is kept: `serve`, `worker` and `lambda`.
void AddStoreOptions(CLI::App& command, ServeConfig& config) {
  AddBackendOptions(command, config.backend, config.aws);
  command.add_option("--data-dir", config.data_dir, "Directory of the embedded store")
      ->envname("WDRBE_DATA_DIR")
      ->capture_default_str();
  command
      .add_option("--durability", config.durability,
                  "full: fsync every commit; normal: may lose the last "
                  "moments of writes on power loss")
      ->envname("WDRBE_DURABILITY")
      ->capture_default_str();
  command
      .add_option("--read-connections", config.read_connections,
                  "SQLite reader threads, 0-" + std::to_string(kMaxReadConnections) +
                      " (0: each network thread reads with a connection of its own)")
      ->envname("WDRBE_READ_CONNECTIONS")
      ->capture_default_str();
  command
      .add_option("--cursor-key-file", config.cursor_key_file,
                  "File of the key that signs list cursors, >= 32 bytes (else <data-dir>/cursor.key, or with "
                  "--backend aws a key kept in the table); "
                  "servers sharing it accept each other's cursors")
      ->envname("WDRBE_CURSOR_KEY_FILE");
}

// How bearer tokens are checked: `serve` and `lambda api`.
void AddAuthOptions(CLI::App& command, ServeConfig& config) {
  AddJwtOptions(command, config.jwt);
  command
      .add_option("--jwks-file", config.jwt.jwks_file,
                  "JWKS document of RS256/ES256 keys, read at start (else --jwks-url)")
      ->envname("WDRBE_JWKS_FILE");
  command
      .add_option("--jwks-url", config.jwt.jwks_url,
                  "JWKS URL (https, or http to a loopback address), fetched at start and refreshed")
      ->envname("WDRBE_JWKS_URL");
  command
      .add_option("--jwks-refresh", config.jwt.jwks_refresh_s,
                  "Seconds between fetches of --jwks-url, " + std::to_string(kMinJwksRefreshSeconds) + "-" +
                      std::to_string(kMaxJwksRefreshSeconds))
      ->envname("WDRBE_JWKS_REFRESH")
      ->capture_default_str();
}

void AddCorsOptions(CLI::App& command, ServeConfig& config) {
  command
      .add_option("--cors-origins", config.cors_origins,
                  "Origins allowed by CORS: * or a comma-separated list (a list echoes the matching origin)")
      ->envname("WDRBE_CORS_ORIGINS")
      ->capture_default_str();
}

void AddPublicUrlOption(CLI::App& command, ServeConfig& config) {
  command
      .add_option(
          "--public-url", config.public_url,
          "The address clients reach the API at (https://api.example.com/prod): the base of the imageUrl "
          "a photo upload sets (else a path alone)")
      ->envname("WDRBE_PUBLIC_URL");
}

void AddLogOptions(CLI::App& command, ServeConfig& config) {
  command
      .add_option("--log-level", config.log_level,
                  "Least level logged: debug, info (one access line per request), warn, error or off")
      ->envname("WDRBE_LOG_LEVEL")
      ->capture_default_str();
}

// EMF and the service name; `emf_by_default` for the Lambda functions,
// whose /metrics nothing can scrape.
void AddMetricsEmfOptions(CLI::App& command, ServeConfig& config, bool emf_by_default) {
  config.metrics_emf = emf_by_default;
  // OpenTelemetry's variable names the service when WDRBE_SERVICE_NAME and
  // the flag do not.
  if (const char* otel_name = std::getenv("OTEL_SERVICE_NAME"); otel_name != nullptr && *otel_name != '\0') {
    config.service_name = otel_name;
  }
  command
      .add_option("--service-name", config.service_name,
                  "The service of log lines and of the EMF metrics' `service` dimension (else "
                  "OTEL_SERVICE_NAME)")
      ->envname("WDRBE_SERVICE_NAME")
      ->capture_default_str();
  command
      .add_flag("--metrics-emf,!--no-metrics-emf", config.metrics_emf,
                emf_by_default ? "Write the business metrics as CloudWatch EMF log lines once per invocation "
                                 "(on by default; --no-metrics-emf turns it off)"
                               : "Write the business metrics as CloudWatch EMF log lines once per "
                                 "--metrics-emf-interval, beside /metrics")
      ->envname("WDRBE_METRICS_EMF")
      ->capture_default_str();
  if (emf_by_default) return;
  command
      .add_option("--metrics-emf-interval", config.metrics_emf_interval_s,
                  "Seconds between two EMF publications, 1-" + std::to_string(kMaxMetricsEmfIntervalSeconds))
      ->envname("WDRBE_METRICS_EMF_INTERVAL")
      ->capture_default_str();
}

void AddServeOptions(CLI::App& command, ServeConfig& config) {
  command.add_option("--listen", config.listen, "HOST:PORT to listen on")
      ->envname("WDRBE_LISTEN")
      ->capture_default_str();
  AddStoreOptions(command, config);
  AddAuthOptions(command, config);
  AddCorsOptions(command, config);
  AddPublicUrlOption(command, config);
  AddLogOptions(command, config);
  command
      .add_option(
          "--threads", config.threads,
          "Network threads, 0-" + std::to_string(kMaxThreads) + " (0: one per CPU the process may use)")
      ->envname("WDRBE_THREADS")
      ->capture_default_str();

  command.add_option("--rate-limit", config.rate_limit, "Requests/s for the whole server (0: off)")
      ->envname("WDRBE_RATE_LIMIT")
      ->capture_default_str();
  command.add_option("--burst", config.burst, "Bucket size of the server-wide limit (>= 1)")
      ->envname("WDRBE_BURST")
      ->capture_default_str();
  command.add_option("--user-rate-limit", config.user_rate_limit, "Requests/s per user (0: off)")
      ->envname("WDRBE_USER_RATE_LIMIT")
      ->capture_default_str();
  command.add_option("--user-burst", config.user_burst, "Bucket size of each user's limit (>= 1)")
      ->envname("WDRBE_USER_BURST")
      ->capture_default_str();
  command
      .add_option("--anonymous-rate-limit", config.anonymous_rate_limit,
                  "Requests/s per client address for requests without a valid token (0: off)")
      ->envname("WDRBE_ANONYMOUS_RATE_LIMIT")
      ->capture_default_str();
  command
      .add_option("--anonymous-burst", config.anonymous_burst,
                  "Bucket size of each client address's limit (>= 1)")
      ->envname("WDRBE_ANONYMOUS_BURST")
      ->capture_default_str();
  command
      .add_option("--max-connections", config.max_connections,
                  "Connections open at once on --listen, 1-" + std::to_string(kMaxConnectionsLimit) +
                      "; over it new ones are closed at once")
      ->envname("WDRBE_MAX_CONNECTIONS")
      ->capture_default_str();
  command
      .add_option("--max-streams", config.max_streams,
                  "Activity streams open at once on this server; over it 429")
      ->envname("WDRBE_MAX_STREAMS")
      ->capture_default_str();
  command
      .add_option("--max-streams-per-user", config.max_streams_per_user,
                  "Activity streams one user may hold open; over it 429")
      ->envname("WDRBE_MAX_STREAMS_PER_USER")
      ->capture_default_str();
  command
      .add_option("--stream-heartbeat", config.stream_heartbeat_s,
                  "Seconds of silence after which a stream sends a comment line, 1-15")
      ->envname("WDRBE_STREAM_HEARTBEAT")
      ->capture_default_str();
  command
      .add_option("--stream-write-timeout", config.stream_write_timeout_s,
                  "Seconds a write to a stream may stall (a client not reading) before it is dropped")
      ->envname("WDRBE_STREAM_WRITE_TIMEOUT")
      ->capture_default_str();
  command
      .add_option("--stream-poll-interval", config.stream_poll_interval_ms,
                  "aws: milliseconds between reads of a streaming user's activities")
      ->envname("WDRBE_STREAM_POLL_INTERVAL")
      ->capture_default_str();
  command
      .add_option(
          "--stream-settle", config.stream_settle_ms,
          "aws: milliseconds an activity waits before streaming (covers write latency and clock skew)")
      ->envname("WDRBE_STREAM_SETTLE")
      ->capture_default_str();
  command
      .add_option("--tls-cert", config.tls_cert_file, "PEM certificate chain: serve HTTPS (with --tls-key)")
      ->envname("WDRBE_TLS_CERT");
  command.add_option("--tls-key", config.tls_key_file, "PEM private key of --tls-cert")
      ->envname("WDRBE_TLS_KEY");
  command
      .add_option("--metrics-listen", config.metrics_listen,
                  "HOST:PORT of a separate listener for /metrics (else /metrics is served on --listen)")
      ->envname("WDRBE_METRICS_LISTEN");
  command
      .add_flag("--metrics-public", config.metrics_public,
                "Serve /metrics on --listen to every client (else only to loopback clients)")
      ->envname("WDRBE_METRICS_PUBLIC");
  AddMetricsEmfOptions(command, config, false);
  command
      .add_option("--worker-concurrency", config.worker_concurrency,
                  "Share batches processed concurrently, 0-" + std::to_string(kMaxWorkerConcurrency) +
                      " (0: no worker in this process)")
      ->envname("WDRBE_WORKER_CONCURRENCY")
      ->capture_default_str();
  command
      .add_option("--worker-batch-size", config.worker_batch_size,
                  "Share events per batch, 1-" + std::to_string(kMaxShareBatchSize))
      ->envname("WDRBE_WORKER_BATCH_SIZE")
      ->capture_default_str();
  command
      .add_option("--visibility-timeout", config.visibility_timeout_s,
                  "Seconds a received share event stays leased to its worker, 1-" +
                      std::to_string(kMaxVisibilityTimeoutSeconds))
      ->envname("WDRBE_VISIBILITY_TIMEOUT")
      ->capture_default_str();
  command
      .add_option("--max-receives", config.max_receives,
                  "Deliveries of a share event before it is dead-lettered, 1-" + std::to_string(kMaxReceives))
      ->envname("WDRBE_MAX_RECEIVES")
      ->capture_default_str();
  command
      .add_option("--retry-base-delay-ms", config.retry_base_delay_ms,
                  "Backoff before the first retry of a failed share event, 1-" +
                      std::to_string(kMaxRetryBaseDelayMs) + " (doubles per attempt)")
      ->envname("WDRBE_RETRY_BASE_DELAY_MS")
      ->capture_default_str();
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App cli{"wdrbe: the wardrobe items service"};
  cli.require_subcommand(1);

  ServeConfig serve;
  CLI::App* serve_cmd = cli.add_subcommand("serve", "Run the whole service (API, store) in this process");
  AddServeOptions(*serve_cmd, serve);

  ServeConfig worker;
  worker.worker_only = true;
  CLI::App* worker_cmd = cli.add_subcommand(
      "worker",
      "Run the share worker alone (--backend aws), with /healthz, /readyz and /metrics on --listen");
  AddServeOptions(*worker_cmd, worker);

  // The two functions of the AWS deployment (deploy/aws): flags and
  // WDRBE_* variables as for serve, where they mean something in Lambda.
  ServeConfig lambda_api;
  ServeConfig lambda_worker;
  CLI::App* lambda_cmd = cli.add_subcommand(
      "lambda",
      "Run as an AWS Lambda function (container image), on the Runtime API at AWS_LAMBDA_RUNTIME_API");
  lambda_cmd->require_subcommand(1);
  CLI::App* lambda_api_cmd =
      lambda_cmd->add_subcommand("api",
                                 "API Gateway REST proxy events (payload 1.0): every route of serve, "
                                 "unthrottled (API Gateway throttles)");
  AddStoreOptions(*lambda_api_cmd, lambda_api);
  AddAuthOptions(*lambda_api_cmd, lambda_api);
  AddCorsOptions(*lambda_api_cmd, lambda_api);
  AddPublicUrlOption(*lambda_api_cmd, lambda_api);
  AddLogOptions(*lambda_api_cmd, lambda_api);
  lambda_api_cmd
      ->add_flag(
          "--metrics-public", lambda_api.metrics_public,
          "Serve /metrics to every client (else it answers 403: API Gateway's clients are never loopback)")
      ->envname("WDRBE_METRICS_PUBLIC");
  AddMetricsEmfOptions(*lambda_api_cmd, lambda_api, true);
  CLI::App* lambda_worker_cmd = lambda_cmd->add_subcommand(
      "worker", "SQS events of share events, answered with batchItemFailures (ReportBatchItemFailures)");
  AddStoreOptions(*lambda_worker_cmd, lambda_worker);
  AddLogOptions(*lambda_worker_cmd, lambda_worker);
  AddMetricsEmfOptions(*lambda_worker_cmd, lambda_worker, true);

  TokenOptions token;
  CLI::App* token_cmd = cli.add_subcommand("token", "Mint an HS256 token with the configured secret");
  token_cmd->add_option("--sub", token.subject, "User id (the `sub` claim)")->required();
  token_cmd->add_option("--ttl", token.ttl_s, "Lifetime in seconds")->capture_default_str();
  AddJwtOptions(*token_cmd, token.jwt);

  DlqOptions dlq;
  CLI::App* dlq_cmd =
      cli.add_subcommand("dlq", "Dead-letter queue: list | show ID | redrive ID | redrive --all");
  AddBackendOptions(*dlq_cmd, dlq.backend.backend, dlq.backend.aws);
  dlq_cmd->add_option("--data-dir", dlq.backend.data_dir, "Directory of the embedded store")
      ->envname("WDRBE_DATA_DIR")
      ->capture_default_str();
  dlq_cmd->add_option("action", dlq.action, "list, show or redrive")
      ->required()
      ->check(CLI::IsMember({"list", "show", "redrive"}));
  dlq_cmd->add_option("event_id", dlq.event_id, "The dead letter's event id (show, redrive)");
  dlq_cmd->add_flag("--all", dlq.all, "redrive: every dead letter");

  BackupOptions backup;
  std::string backup_backend = kEmbeddedBackend;
  AwsBackendConfig backup_aws;  // accepted so that one environment serves every command
  CLI::App* backup_cmd =
      cli.add_subcommand("backup", "Consistent online copy of the store into a new directory");
  AddBackendOptions(*backup_cmd, backup_backend, backup_aws);
  backup_cmd->add_option("--data-dir", backup.data_dir, "Directory of the embedded store")
      ->envname("WDRBE_DATA_DIR")
      ->capture_default_str();
  backup_cmd->add_option("destination", backup.destination, "New directory for the copy")->required();

  AwsSetupOptions aws_setup;
  CLI::App* aws_cmd = cli.add_subcommand("aws", "The AWS backend's resources: setup");
  aws_cmd->require_subcommand(1);
  CLI::App* aws_setup_cmd = aws_cmd->add_subcommand(
      "setup",
      "Create what is missing: the DynamoDB table and indexes, the SQS queue and its DLQ, the S3 bucket "
      "of photos when --image-bucket is given; print them");
  aws_setup_cmd->add_option("--table", aws_setup.table, "The DynamoDB table")
      ->envname("WDRBE_TABLE")
      ->capture_default_str();
  aws_setup_cmd->add_option("--queue-name", aws_setup.queue_name, "The SQS queue (its DLQ is NAME-dlq)")
      ->envname("WDRBE_QUEUE_NAME")
      ->capture_default_str();
  aws_setup_cmd
      ->add_option("--image-bucket", aws_setup.image_bucket, "The S3 bucket of item photos (optional)")
      ->envname("WDRBE_IMAGE_BUCKET");
  aws_setup_cmd
      ->add_option(
          "--max-receives", aws_setup.max_receives,
          "Receives of a share event before SQS moves it to the DLQ, 1-" + std::to_string(kMaxReceives))
      ->envname("WDRBE_MAX_RECEIVES")
      ->capture_default_str();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  if (*serve_cmd) return RunServe(serve);
  if (*worker_cmd) return RunServe(worker);
  if (*lambda_api_cmd) return RunLambda(LambdaFunction::kApi, lambda_api);
  if (*lambda_worker_cmd) return RunLambda(LambdaFunction::kWorker, lambda_worker);
  if (*aws_setup_cmd) return RunAwsSetup(aws_setup);
  if (*token_cmd) return RunToken(token);
  if (*dlq_cmd) return RunDlq(dlq);
  if (*backup_cmd) return RunBackupCommand(backup_backend, backup);
  return 1;
}

}  // namespace wdrbe::app
