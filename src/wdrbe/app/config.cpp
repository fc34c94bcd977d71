#include "wdrbe/app/config.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cmath>
#include <sstream>

#include "wdrbe/auth/jwks_url.hpp"
#include "wdrbe/worker/share_worker.hpp"

namespace wdrbe::app {
namespace {

// "1000000000" and "0.5" rather than "1000000000.000000" and "0.500000".
std::string Number(double value) {
  if (std::isfinite(value) && value == std::trunc(value) && std::abs(value) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  std::ostringstream out;
  out << value;
  return out.str();
}

Status IntInRange(std::string_view flag, int value, int min, int max, std::string_view meaning = {}) {
  if (value >= min && value <= max) return Status::Ok();
  std::string message = std::string(flag) + " must be " + std::to_string(min) + "-" + std::to_string(max);
  if (!meaning.empty()) message += " (" + std::string(meaning) + ")";
  return Error::BadRequest(message + ", got " + std::to_string(value));
}

// Written so that NaN, which every comparison rejects, is out of range too.
Status NumberInRange(std::string_view flag, double value, double min, double max,
                     std::string_view meaning = {}) {
  if (value >= min && value <= max) return Status::Ok();
  std::string message = std::string(flag) + " must be " + Number(min) + "-" + Number(max);
  if (!meaning.empty()) message += " (" + std::string(meaning) + ")";
  return Error::BadRequest(message + ", got " + Number(value));
}

Status NotEmptyIfSet(std::string_view flag, const std::optional<std::string>& value) {
  if (value && value->empty()) return Error::BadRequest(std::string(flag) + " must not be empty");
  return Status::Ok();
}

Status CheckJwks(const JwtConfig& jwt) {
  if (Status s = NotEmptyIfSet("--jwks-file", jwt.jwks_file); !s.ok()) return s;
  if (Status s = NotEmptyIfSet("--jwks-url", jwt.jwks_url); !s.ok()) return s;
  if (jwt.jwks_file && jwt.jwks_url) {
    return Error::BadRequest("--jwks-file and --jwks-url are exclusive: give one source of keys");
  }
  if (jwt.jwks_url) {
    if (auto url = ParseJwksUrl(*jwt.jwks_url); !url.ok()) return url.error();
  }
  return IntInRange("--jwks-refresh", jwt.jwks_refresh_s, kMinJwksRefreshSeconds, kMaxJwksRefreshSeconds,
                    "seconds");
}

// The numeric flags, in the order --help lists them.
Status CheckNumbers(const ServeConfig& config) {
  const Status checks[] = {
      IntInRange("--threads", config.threads, 0, kMaxThreads, "0: one per core"),
      IntInRange("--read-connections", config.read_connections, 0, kMaxReadConnections,
                 "0: reads run on the network threads"),
      NumberInRange("--rate-limit", config.rate_limit, 0, kMaxRequestsPerSecond, "requests/s; 0: off"),
      NumberInRange("--burst", config.burst, 1, kMaxRequestsPerSecond),
      NumberInRange("--user-rate-limit", config.user_rate_limit, 0, kMaxRequestsPerSecond,
                    "requests/s; 0: off"),
      NumberInRange("--user-burst", config.user_burst, 1, kMaxRequestsPerSecond),
      NumberInRange("--anonymous-rate-limit", config.anonymous_rate_limit, 0, kMaxRequestsPerSecond,
                    "requests/s per client address; 0: off"),
      NumberInRange("--anonymous-burst", config.anonymous_burst, 1, kMaxRequestsPerSecond),
      IntInRange("--max-connections", config.max_connections, 1, kMaxConnectionsLimit),
      IntInRange("--max-streams", config.max_streams, 1, kMaxConnectionsLimit),
      IntInRange("--max-streams-per-user", config.max_streams_per_user, 1, kMaxConnectionsLimit),
      IntInRange("--stream-heartbeat", config.stream_heartbeat_s, 1, kMaxStreamHeartbeatSeconds, "seconds"),
      IntInRange("--stream-write-timeout", config.stream_write_timeout_s, 1, kMaxStreamWriteTimeoutSeconds,
                 "seconds"),
      IntInRange("--stream-poll-interval", config.stream_poll_interval_ms, kMinStreamPollIntervalMs,
                 kMaxStreamPollIntervalMs, "milliseconds"),
      IntInRange("--stream-settle", config.stream_settle_ms, 0, kMaxStreamSettleMs, "milliseconds"),
      IntInRange("--worker-concurrency", config.worker_concurrency, 0, kMaxWorkerConcurrency,
                 "0: no worker in this process"),
      IntInRange("--worker-batch-size", config.worker_batch_size, 1, kMaxShareBatchSize),
      IntInRange("--visibility-timeout", config.visibility_timeout_s, 1, kMaxVisibilityTimeoutSeconds,
                 "seconds"),
      IntInRange("--max-receives", config.max_receives, 1, kMaxReceives),
      IntInRange("--retry-base-delay-ms", config.retry_base_delay_ms, 1, kMaxRetryBaseDelayMs),
      IntInRange("--metrics-emf-interval", config.metrics_emf_interval_s, 1, kMaxMetricsEmfIntervalSeconds,
                 "seconds"),
  };
  for (const Status& check : checks) {
    if (!check.ok()) return check;
  }
  return Status::Ok();
}

Status CheckServiceName(const std::string& name) {
  const bool allowed_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
  if (!name.empty() && name.size() <= kMaxServiceNameLength && allowed_chars) return Status::Ok();
  return Error::BadRequest("--service-name (or OTEL_SERVICE_NAME) must be 1-" +
                           std::to_string(kMaxServiceNameLength) + " characters of A-Z a-z 0-9 _ - ., got '" +
                           name + "'");
}

}  // namespace

Status CheckTableName(std::string_view flag, const std::string& name) {
  const bool allowed_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
  if (name.size() >= 3 && name.size() <= 255 && allowed_chars) return Status::Ok();
  return Error::BadRequest(std::string(flag) + " must be 3-255 characters of A-Z a-z 0-9 _ - . (a DynamoDB " +
                           "table name), got '" + name + "'");
}

Status CheckBucketName(std::string_view flag, const std::string& name) {
  const auto bad = [&](std::string_view why) {
    return Error::BadRequest(std::string(flag) + " must be an S3 bucket name (" +
                             std::to_string(kMinBucketNameLength) + "-" +
                             std::to_string(kMaxBucketNameLength) +
                             " characters of a-z 0-9 . -, starting and ending with a letter or digit): '" +
                             name + "' " + std::string(why));
  };
  if (name.size() < kMinBucketNameLength || name.size() > kMaxBucketNameLength)
    return bad("has the wrong length");
  const auto alphanumeric = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!std::all_of(name.begin(), name.end(),
                   [&](char c) { return alphanumeric(c) || c == '.' || c == '-'; })) {
    return bad("holds a character other than a-z 0-9 . - (no uppercase, no '_')");
  }
  if (!alphanumeric(name.front()) || !alphanumeric(name.back()))
    return bad("must start and end with a letter or digit");
  if (name.find("..") != std::string::npos) return bad("has two periods in a row");
  if (std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
      std::count(name.begin(), name.end(), '.') == 3) {
    return bad("looks like an IP address");
  }
  for (const std::string_view prefix : {"xn--", "sthree-"}) {
    if (name.starts_with(prefix))
      return bad("starts with a prefix S3 reserves (" + std::string(prefix) + ")");
  }
  for (const std::string_view suffix : {"-s3alias", "--ol-s3", ".mrap", "--x-s3"}) {
    if (name.ends_with(suffix)) return bad("ends with a suffix S3 reserves (" + std::string(suffix) + ")");
  }
  return Status::Ok();
}

Status CheckBackendFlags(const std::string& backend, const AwsBackendConfig& aws) {
  if (backend == kEmbeddedBackend) return Status::Ok();
  if (backend != kAwsBackend) {
    return Error::BadRequest("--backend must be 'embedded' or 'aws', got '" + backend + "'");
  }
  if (Status s = CheckTableName("--table", aws.table); !s.ok()) return s;
  const auto url_flag = [](std::string_view flag, const std::optional<std::string>& url) -> Status {
    if (!url || url->empty()) {
      return Error::BadRequest(std::string(flag) + " is required with --backend aws (`wdrbe aws setup` " +
                               "creates the queues and prints their URLs)");
    }
    if (url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0) {
      return Error::BadRequest(std::string(flag) + " must be an http(s) SQS queue URL, got '" + *url + "'");
    }
    return Status::Ok();
  };
  if (Status s = url_flag("--queue-url", aws.queue_url); !s.ok()) return s;
  if (Status s = url_flag("--dead-letter-queue-url", aws.dead_letter_queue_url); !s.ok()) return s;
  if (*aws.queue_url == *aws.dead_letter_queue_url) {
    return Error::BadRequest("--queue-url and --dead-letter-queue-url must name two different queues");
  }
  if (aws.image_bucket) return CheckBucketName("--image-bucket", *aws.image_bucket);
  return Status::Ok();
}

Result<ListenAddress> ParseListenAddress(std::string_view flag, const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Error::BadRequest(std::string(flag) + " must be HOST:PORT, got '" + text + "'");
  }
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return Error::BadRequest(std::string(flag) + " port must be 0-65535, got '" + port + "'");
  }
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

namespace {

// Room for "/items/" + the longest item id + "/image" within an imageUrl's
// 2048 characters.
constexpr std::size_t kMaxPublicUrlLength = 1800;

Result<std::string> CheckPublicUrl(const std::string& text) {
  const auto refuse = [&](std::string why) {
    return Error::BadRequest(
        "--public-url must be an absolute http or https URL with a host and no query or "
        "fragment, at most " +
        std::to_string(kMaxPublicUrlLength) + " characters (" + why + "), got '" + text + "'");
  };
  if (text.size() > kMaxPublicUrlLength) return refuse("too long");
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url) return refuse("not an absolute URL");
  if (url->scheme_id() != boost::urls::scheme::http && url->scheme_id() != boost::urls::scheme::https)
    return refuse("another scheme");
  if (url->host().empty()) return refuse("no host");
  if (url->has_userinfo()) return refuse("credentials in it");
  if (url->has_query() || url->has_fragment()) return refuse("a query or fragment");
  std::string base = text;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace

Result<ValidServeConfig> ValidateServeConfig(const ServeConfig& config) {
  if (Status s = CheckJwks(config.jwt); !s.ok()) return s.error();
  // An empty issuer or audience would demand an empty claim: a typo, never a policy.
  if (Status s = NotEmptyIfSet("--jwt-issuer", config.jwt.issuer); !s.ok()) return s.error();
  if (Status s = NotEmptyIfSet("--jwt-audience", config.jwt.audience); !s.ok()) return s.error();
  if (Status s = CheckBackendFlags(config.backend, config.aws); !s.ok()) return s.error();
  if (config.worker_only && config.backend != kAwsBackend) {
    return Error::BadRequest(
        "wdrbe worker needs --backend aws: the embedded backend's worker runs inside wdrbe serve (one "
        "process "
        "per data directory)");
  }
  if (config.worker_only && config.worker_concurrency == 0) {
    return Error::BadRequest("--worker-concurrency must be 1-" + std::to_string(kMaxWorkerConcurrency) +
                             " for wdrbe worker, got 0");
  }
  if (config.data_dir.empty()) return Error::BadRequest("--data-dir must not be empty");
  if (config.durability != "full" && config.durability != "normal") {
    return Error::BadRequest("--durability must be 'full' or 'normal', got '" + config.durability + "'");
  }
  if (Status s = CheckNumbers(config); !s.ok()) return s.error();

  ValidServeConfig valid;
  const auto log_level = obs::ParseLogLevel(config.log_level);
  if (!log_level) {
    return Error::BadRequest("--log-level must be debug, info, warn, error or off, got '" + config.log_level +
                             "'");
  }
  valid.log_level = *log_level;
  if (config.public_url) {
    auto public_url = CheckPublicUrl(*config.public_url);
    if (!public_url.ok()) return public_url.error();
    valid.public_url = std::move(*public_url);
  }
  if (Status s = CheckServiceName(config.service_name); !s.ok()) return s.error();
  auto listen = ParseListenAddress("--listen", config.listen);
  if (!listen.ok()) return listen.error();
  valid.listen = std::move(*listen);
  if (config.metrics_listen && config.metrics_public) {
    return Error::BadRequest(
        "--metrics-public and --metrics-listen exclude each other: with --metrics-listen, /metrics is served "
        "only on its own listener");
  }
  if (config.metrics_listen) {
    auto metrics_listen = ParseListenAddress("--metrics-listen", *config.metrics_listen);
    if (!metrics_listen.ok()) return metrics_listen.error();
    valid.metrics_listen = std::move(*metrics_listen);
  }
  return valid;
}

}  // namespace wdrbe::app
