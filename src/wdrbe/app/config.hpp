// Configuration of `wdrbe serve` and the other commands. Every flag also
// reads from WDRBE_<FLAG> (see cli.cpp); defaults are the contract's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/observability/log.hpp"

namespace wdrbe::app {

struct JwtConfig {
  std::optional<std::string> secret_file;  // else secret_arn, else WDRBE_JWT_SECRET
  // --jwt-secret-arn: a Secrets Manager secret (its SecretString), read at start.
  std::optional<std::string> secret_arn;
  std::optional<std::string> issuer;
  std::optional<std::string> audience;
  // RS256/ES256 keys: a JWKS file read at start, or a URL fetched at start
  // and refreshed (at most one of the two).
  std::optional<std::string> jwks_file;
  std::optional<std::string> jwks_url;
  int jwks_refresh_s = 3600;  // --jwks-refresh: seconds between scheduled fetches of jwks_url
};

// Where `--backend aws` keeps things (contract: "Backends: embedded and
// AWS"). Region, credentials and endpoints come from the AWS variables.
struct AwsBackendConfig {
  std::string table = "WardrobeTable";                              // --table
  std::optional<std::string> queue_url = std::nullopt;              // --queue-url (required)
  std::optional<std::string> dead_letter_queue_url = std::nullopt;  // --dead-letter-queue-url (required)
  // --image-bucket: the S3 bucket of item photos (storage/s3). Optional:
  // without it the photo routes answer 503 and name the flag.
  std::optional<std::string> image_bucket = std::nullopt;
};

inline constexpr char kEmbeddedBackend[] = "embedded";
inline constexpr char kAwsBackend[] = "aws";

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  std::string backend = kEmbeddedBackend;  // embedded | aws
  std::string data_dir = "./wdrbe-data";   // the embedded backend's
  AwsBackendConfig aws{};
  // `wdrbe worker`: the share worker alone, with /healthz, /readyz and
  // /metrics on --listen and no API routes (AWS backend only).
  bool worker_only = false;
  JwtConfig jwt;
  // The key that signs list cursors; else <data_dir>/cursor.key. Servers
  // that share one key accept each other's cursors.
  std::optional<std::string> cursor_key_file;
  int threads = 0;                  // 0: one per usable CPU (base/usable_cpus.hpp)
  std::string durability = "full";  // full | normal
  int read_connections = 0;         // SQLite reader threads; 0: reads inline
  std::string cors_origins = "*";   // "*" or a comma-separated list of origins
  // The address clients reach the API at (https://api.example.com/prod):
  // the base of the imageUrl a photo upload sets. Without it, a path alone.
  std::optional<std::string> public_url;
  // HTTPS: both set, or neither (plain HTTP, for example behind a proxy).
  std::optional<std::string> tls_cert_file;  // PEM certificate chain
  std::optional<std::string> tls_key_file;   // PEM private key
  // Observability.
  std::string log_level = "info";             // debug | info | warn | error | off; access lines are info
  std::optional<std::string> metrics_listen;  // HOST:PORT for /metrics alone; else on --listen
  bool metrics_public = false;                // /metrics on --listen for every client, not only loopback ones
  // The business metrics as CloudWatch EMF log lines: once per interval in
  // serve and worker, once per invocation in Lambda (on by default there).
  bool metrics_emf = false;
  int metrics_emf_interval_s = 60;
  // The `service` of log lines and of the EMF dimension.
  std::string service_name = "wdrbe";
  // Connections open at once on --listen; over it new ones are closed.
  int max_connections = 10000;
  // The live activity stream: open streams at most (429 over), the idle
  // heartbeat, how long a write to a stream may stall before the stream is
  // dropped, and, on the AWS backend, how streams poll the activity index.
  int max_streams = 1000;
  int max_streams_per_user = 5;
  int stream_heartbeat_s = 15;
  int stream_write_timeout_s = 10;
  int stream_poll_interval_ms = 1000;
  int stream_settle_ms = 2000;
  // Throttling (requests per second, bucket size); 0 turns a limit off.
  double rate_limit = 500;
  double burst = 1000;
  double user_rate_limit = 50;
  double user_burst = 100;
  double anonymous_rate_limit = 20;  // per client address, for requests without a valid token
  double anonymous_burst = 40;
  // The in-process share worker.
  int worker_concurrency = 10;     // concurrent batches
  int worker_batch_size = 10;      // events per batch, 1-10
  int visibility_timeout_s = 30;   // a lease's length
  int max_receives = 3;            // deliveries before dead-lettering
  int retry_base_delay_ms = 1000;  // first retry after 0.5-1x this; doubles per attempt
};

// The bounds ValidateServeConfig enforces, named once; --help and the docs
// state the same.
inline constexpr int kMaxThreads = 1024;
inline constexpr int kMaxReadConnections = 64;
inline constexpr int kMaxWorkerConcurrency = 64;
inline constexpr int kMaxVisibilityTimeoutSeconds = 12 * 3600;  // SQS's ceiling
inline constexpr int kMaxReceives = 100;
inline constexpr int kMaxRetryBaseDelayMs = 600'000;
inline constexpr double kMaxRequestsPerSecond = 1e9;  // rates and bursts alike
inline constexpr int kMaxConnectionsLimit = 1'000'000;
// --jwks-refresh: 1 s is for tests (every tick fetches); a week is the most
// a rotated-out key should stay trusted when no unknown kid forces a fetch.
inline constexpr int kMinJwksRefreshSeconds = 1;
inline constexpr int kMaxJwksRefreshSeconds = 7 * 24 * 3600;
inline constexpr int kMaxMetricsEmfIntervalSeconds = 3600;
// The activity stream: the contract asks for a heartbeat at least every
// 15 s; a stall of five minutes is a client gone; a poll faster than 100 ms
// per stream is a read bill, slower than a minute is no longer live; a
// settle of a minute covers any clock skew worth running with.
inline constexpr int kMaxStreamHeartbeatSeconds = 15;
inline constexpr int kMaxStreamWriteTimeoutSeconds = 300;
inline constexpr int kMinStreamPollIntervalMs = 100;
inline constexpr int kMaxStreamPollIntervalMs = 60'000;
inline constexpr int kMaxStreamSettleMs = 60'000;
// --service-name: 1-100 of [A-Za-z0-9._-] (a CloudWatch dimension value and
// a log field, so nothing that needs quoting in either).
inline constexpr std::size_t kMaxServiceNameLength = 100;

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// DynamoDB's rule for table names: 3-255 of [A-Za-z0-9_.-].
Status CheckTableName(std::string_view flag, const std::string& name);

// S3's rule for bucket names: 3-63 characters of lowercase letters, digits,
// '.' and '-', starting and ending with a letter or digit, no "..", not an
// IPv4 address, none of S3's reserved prefixes (xn--, sthree-) or suffixes
// (-s3alias, --ol-s3, .mrap, --x-s3). Errors name `flag`.
inline constexpr std::size_t kMinBucketNameLength = 3;
inline constexpr std::size_t kMaxBucketNameLength = 63;
Status CheckBucketName(std::string_view flag, const std::string& name);

// The --backend flags: a known backend, and for aws a valid table name,
// both queue URLs and, when given, a valid --image-bucket. Errors name the
// flag and what to do.
Status CheckBackendFlags(const std::string& backend, const AwsBackendConfig& aws);

// Parses HOST:PORT (IPv6 as [addr]:port); errors name `flag`.
Result<ListenAddress> ParseListenAddress(std::string_view flag, const std::string& text);

// What the textual flags of a valid ServeConfig mean, parsed once.
struct ValidServeConfig {
  ListenAddress listen;
  std::string public_url;  // without a trailing slash; "" when not set
  std::optional<ListenAddress> metrics_listen;
  obs::LogLevel log_level = obs::LogLevel::kInfo;
};

// Checks every flag of `serve` that can be judged without touching files or
// the network, so that a misconfigured server stops before it creates
// anything. The error (BadRequest) names the first offending flag, its
// allowed values and what was given.
Result<ValidServeConfig> ValidateServeConfig(const ServeConfig& config);

}  // namespace wdrbe::app
