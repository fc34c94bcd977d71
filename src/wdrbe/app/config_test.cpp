// ValidateServeConfig: which `serve` configurations start, and what the
// refusal of each bad flag says.
#include "wdrbe/app/config.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace wdrbe::app {
namespace {

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// One bad setting and what its error must mention.
struct BadFlag {
  std::string label;
  std::function<void(ServeConfig&)> spoil;
  std::vector<std::string> mentions;  // the flag first, then the allowed values and what was given
};

TEST(ValidateServeConfigTest, TheDefaultsAreValid) {
  auto valid = ValidateServeConfig(ServeConfig{});
  ASSERT_TRUE(valid.ok()) << valid.error().message;
  EXPECT_EQ(valid->listen.host, "127.0.0.1");
  EXPECT_EQ(valid->listen.port, 8080);
  EXPECT_FALSE(valid->metrics_listen.has_value());
  EXPECT_EQ(valid->log_level, obs::LogLevel::kInfo);
}

TEST(ValidateServeConfigTest, ItParsesTheTextualFlags) {
  ServeConfig config;
  config.listen = "[::1]:0";
  config.metrics_listen = "0.0.0.0:9464";
  config.log_level = "warn";
  auto valid = ValidateServeConfig(config);
  ASSERT_TRUE(valid.ok()) << valid.error().message;
  EXPECT_EQ(valid->listen.host, "::1");
  EXPECT_EQ(valid->listen.port, 0);
  ASSERT_TRUE(valid->metrics_listen.has_value());
  EXPECT_EQ(valid->metrics_listen->host, "0.0.0.0");
  EXPECT_EQ(valid->metrics_listen->port, 9464);
  EXPECT_EQ(valid->log_level, obs::LogLevel::kWarn);
}

TEST(ValidateServeConfigTest, AJwksSourceIsAFileOrAnHttpsUrlOrAnHttpLoopbackUrl) {
  for (const std::string url :
       {"https://issuer.example/.well-known/jwks.json", "https://issuer.example:8443/keys?v=2",
        "http://127.0.0.1:8080/jwks.json", "http://127.9.9.9/jwks.json", "http://[::1]:9000/jwks",
        "http://LocalHost:9000/jwks"}) {
    SCOPED_TRACE(url);
    ServeConfig config;
    config.jwt.jwks_url = url;
    auto valid = ValidateServeConfig(config);
    EXPECT_TRUE(valid.ok()) << valid.error().message;
  }
  ServeConfig file;
  file.jwt.jwks_file = "keys.json";
  auto valid = ValidateServeConfig(file);
  EXPECT_TRUE(valid.ok()) << valid.error().message;
}

TEST(ValidateServeConfigTest, EveryBoundIsInclusive) {
  ServeConfig lowest;
  lowest.threads = 0;
  lowest.read_connections = 0;
  lowest.rate_limit = 0;
  lowest.burst = 1;
  lowest.user_rate_limit = 0;
  lowest.user_burst = 1;
  lowest.worker_concurrency = 0;
  lowest.worker_batch_size = 1;
  lowest.visibility_timeout_s = 1;
  lowest.max_receives = 1;
  lowest.retry_base_delay_ms = 1;
  lowest.durability = "normal";
  lowest.jwt.jwks_refresh_s = kMinJwksRefreshSeconds;
  lowest.metrics_emf_interval_s = 1;
  lowest.service_name = "w";
  auto low = ValidateServeConfig(lowest);
  EXPECT_TRUE(low.ok()) << low.error().message;

  ServeConfig highest;
  highest.threads = kMaxThreads;
  highest.read_connections = kMaxReadConnections;
  highest.rate_limit = kMaxRequestsPerSecond;
  highest.burst = kMaxRequestsPerSecond;
  highest.user_rate_limit = kMaxRequestsPerSecond;
  highest.user_burst = kMaxRequestsPerSecond;
  highest.anonymous_rate_limit = kMaxRequestsPerSecond;
  highest.anonymous_burst = kMaxRequestsPerSecond;
  highest.max_connections = kMaxConnectionsLimit;
  highest.worker_concurrency = kMaxWorkerConcurrency;
  highest.worker_batch_size = 10;
  highest.visibility_timeout_s = kMaxVisibilityTimeoutSeconds;
  highest.max_receives = kMaxReceives;
  highest.retry_base_delay_ms = kMaxRetryBaseDelayMs;
  highest.jwt.jwks_refresh_s = kMaxJwksRefreshSeconds;
  highest.metrics_emf_interval_s = kMaxMetricsEmfIntervalSeconds;
  highest.service_name = std::string(kMaxServiceNameLength, 'w');
  auto high = ValidateServeConfig(highest);
  EXPECT_TRUE(high.ok()) << high.error().message;
}

TEST(ValidateServeConfigTest, EachBadFlagIsRefusedByName) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<BadFlag> cases = {
      {"empty jwks file", [](ServeConfig& c) { c.jwt.jwks_file = ""; }, {"--jwks-file", "must not be empty"}},
      {"empty jwks url", [](ServeConfig& c) { c.jwt.jwks_url = ""; }, {"--jwks-url", "must not be empty"}},
      {"jwks file and url",
       [](ServeConfig& c) {
         c.jwt.jwks_file = "keys.json";
         c.jwt.jwks_url = "https://issuer.example/jwks.json";
       },
       {"--jwks-file and --jwks-url", "exclusive"}},
      {"jwks url not a url",
       [](ServeConfig& c) { c.jwt.jwks_url = "keys.json"; },
       {"--jwks-url", "absolute URL"}},
      {"jwks url over ftp",
       [](ServeConfig& c) { c.jwt.jwks_url = "ftp://issuer.example/jwks.json"; },
       {"--jwks-url", "https"}},
      {"jwks url over http to a remote host",
       [](ServeConfig& c) { c.jwt.jwks_url = "http://issuer.example/jwks.json"; },
       {"--jwks-url", "loopback"}},
      {"jwks url over http to a private address",
       [](ServeConfig& c) { c.jwt.jwks_url = "http://10.0.0.1/jwks.json"; },
       {"--jwks-url", "loopback"}},
      {"jwks url with user info",
       [](ServeConfig& c) { c.jwt.jwks_url = "https://user:pw@issuer.example/jwks.json"; },
       {"--jwks-url", "user info"}},
      {"jwks refresh of 0",
       [](ServeConfig& c) { c.jwt.jwks_refresh_s = 0; },
       {"--jwks-refresh", "1-604800", "got 0"}},
      {"jwks refresh over a week",
       [](ServeConfig& c) { c.jwt.jwks_refresh_s = kMaxJwksRefreshSeconds + 1; },
       {"--jwks-refresh", "got 604801"}},
      {"empty issuer", [](ServeConfig& c) { c.jwt.issuer = ""; }, {"--jwt-issuer", "must not be empty"}},
      {"empty audience",
       [](ServeConfig& c) { c.jwt.audience = ""; },
       {"--jwt-audience", "must not be empty"}},
      {"empty data dir", [](ServeConfig& c) { c.data_dir = ""; }, {"--data-dir", "must not be empty"}},
      {"durability",
       [](ServeConfig& c) { c.durability = "fast"; },
       {"--durability", "'full' or 'normal'", "'fast'"}},
      {"negative threads", [](ServeConfig& c) { c.threads = -1; }, {"--threads", "0-1024", "got -1"}},
      {"too many threads", [](ServeConfig& c) { c.threads = kMaxThreads + 1; }, {"--threads", "got 1025"}},
      {"negative readers",
       [](ServeConfig& c) { c.read_connections = -1; },
       {"--read-connections", "0-64", "got -1"}},
      {"too many readers", [](ServeConfig& c) { c.read_connections = 65; }, {"--read-connections", "got 65"}},
      {"negative rate", [](ServeConfig& c) { c.rate_limit = -5; }, {"--rate-limit", "0: off", "got -5"}},
      {"NaN rate", [nan](ServeConfig& c) { c.rate_limit = nan; }, {"--rate-limit", "got nan"}},
      {"infinite rate",
       [](ServeConfig& c) { c.rate_limit = std::numeric_limits<double>::infinity(); },
       {"--rate-limit", "got inf"}},
      {"empty burst", [](ServeConfig& c) { c.burst = 0.5; }, {"--burst", "got 0.5"}},
      {"negative user rate", [](ServeConfig& c) { c.user_rate_limit = -1; }, {"--user-rate-limit", "got -1"}},
      {"empty user burst", [](ServeConfig& c) { c.user_burst = 0; }, {"--user-burst", "got 0"}},
      {"negative anonymous rate",
       [](ServeConfig& c) { c.anonymous_rate_limit = -1; },
       {"--anonymous-rate-limit", "per client address", "got -1"}},
      {"empty anonymous burst",
       [](ServeConfig& c) { c.anonymous_burst = 0; },
       {"--anonymous-burst", "got 0"}},
      {"no connections",
       [](ServeConfig& c) { c.max_connections = 0; },
       {"--max-connections", "1-1000000", "got 0"}},
      {"too many connections",
       [](ServeConfig& c) { c.max_connections = kMaxConnectionsLimit + 1; },
       {"--max-connections", "got 1000001"}},
      {"metrics public and on a listener of their own",
       [](ServeConfig& c) {
         c.metrics_public = true;
         c.metrics_listen = "127.0.0.1:9464";
       },
       {"--metrics-public and --metrics-listen"}},
      {"negative worker concurrency",
       [](ServeConfig& c) { c.worker_concurrency = -1; },
       {"--worker-concurrency", "0-64", "got -1"}},
      {"too much worker concurrency",
       [](ServeConfig& c) { c.worker_concurrency = 65; },
       {"--worker-concurrency", "got 65"}},
      {"empty batches",
       [](ServeConfig& c) { c.worker_batch_size = 0; },
       {"--worker-batch-size", "1-10", "got 0"}},
      {"oversized batches",
       [](ServeConfig& c) { c.worker_batch_size = 11; },
       {"--worker-batch-size", "got 11"}},
      {"no lease",
       [](ServeConfig& c) { c.visibility_timeout_s = 0; },
       {"--visibility-timeout", "1-43200", "got 0"}},
      {"negative lease",
       [](ServeConfig& c) { c.visibility_timeout_s = -30; },
       {"--visibility-timeout", "got -30"}},
      {"no deliveries", [](ServeConfig& c) { c.max_receives = 0; }, {"--max-receives", "1-100", "got 0"}},
      {"negative backoff",
       [](ServeConfig& c) { c.retry_base_delay_ms = -1; },
       {"--retry-base-delay-ms", "1-600000", "got -1"}},
      {"log level",
       [](ServeConfig& c) { c.log_level = "verbose"; },
       {"--log-level", "debug, info", "'verbose'"}},
      {"listen without port", [](ServeConfig& c) { c.listen = "localhost"; }, {"--listen", "HOST:PORT"}},
      {"listen port too big", [](ServeConfig& c) { c.listen = "127.0.0.1:65536"; }, {"--listen", "0-65535"}},
      {"metrics listen",
       [](ServeConfig& c) { c.metrics_listen = "127.0.0.1:port"; },
       {"--metrics-listen", "0-65535", "'port'"}},
      {"no emf interval",
       [](ServeConfig& c) { c.metrics_emf_interval_s = 0; },
       {"--metrics-emf-interval", "1-3600", "got 0"}},
      {"emf interval over an hour",
       [](ServeConfig& c) { c.metrics_emf_interval_s = 3601; },
       {"--metrics-emf-interval", "got 3601"}},
      {"empty service name",
       [](ServeConfig& c) { c.service_name = ""; },
       {"--service-name", "1-100", "got ''"}},
      {"service name with a space",
       [](ServeConfig& c) { c.service_name = "wdrbe api"; },
       {"--service-name", "A-Z a-z 0-9 _ - .", "'wdrbe api'"}},
      {"service name too long",
       [](ServeConfig& c) { c.service_name = std::string(101, 's'); },
       {"--service-name", "1-100"}},
  };
  for (const BadFlag& bad : cases) {
    SCOPED_TRACE(bad.label);
    ServeConfig config;
    bad.spoil(config);
    auto valid = ValidateServeConfig(config);
    ASSERT_FALSE(valid.ok());
    EXPECT_EQ(valid.error().code, ErrorCode::kBadRequest);
    const std::string& message = valid.error().message;
    EXPECT_EQ(message.rfind(bad.mentions.front(), 0), 0u) << "the error starts with the flag: " << message;
    for (const std::string& mention : bad.mentions) EXPECT_TRUE(Contains(message, mention)) << message;
  }
}

TEST(ParseListenAddressTest, ErrorsNameTheFlagTheyWereGiven) {
  auto parsed = ParseListenAddress("--metrics-listen", "9464");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "--metrics-listen must be HOST:PORT, got '9464'");
  parsed = ParseListenAddress("--listen", "127.0.0.1:-1");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "--listen port must be 0-65535, got '-1'");
}

}  // namespace
}  // namespace wdrbe::app

namespace wdrbe::app {
namespace {

ServeConfig AwsConfig() {
  ServeConfig config;
  config.backend = kAwsBackend;
  config.aws.queue_url = "https://sqs.eu-west-1.amazonaws.com/123456789012/wdrbe-share-events";
  config.aws.dead_letter_queue_url =
      "https://sqs.eu-west-1.amazonaws.com/123456789012/wdrbe-share-events-dlq";
  return config;
}

TEST(ValidateServeConfigTest, TheAwsBackendNeedsBothQueueUrls) {
  EXPECT_TRUE(ValidateServeConfig(AwsConfig()).ok());

  ServeConfig no_queue = AwsConfig();
  no_queue.aws.queue_url.reset();
  auto refused = ValidateServeConfig(no_queue);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBadRequest);
  EXPECT_TRUE(Contains(refused.error().message, "--queue-url is required with --backend aws"));
  EXPECT_TRUE(Contains(refused.error().message, "wdrbe aws setup"));

  ServeConfig no_dead_letters = AwsConfig();
  no_dead_letters.aws.dead_letter_queue_url = "";
  refused = ValidateServeConfig(no_dead_letters);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.error().message, "--dead-letter-queue-url is required"));

  ServeConfig same = AwsConfig();
  same.aws.dead_letter_queue_url = same.aws.queue_url;
  refused = ValidateServeConfig(same);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.error().message, "two different queues"));

  ServeConfig not_a_url = AwsConfig();
  not_a_url.aws.queue_url = "wdrbe-share-events";
  refused = ValidateServeConfig(not_a_url);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.error().message, "must be an http(s) SQS queue URL"));
}

TEST(ValidateServeConfigTest, TheBackendIsEmbeddedOrAws) {
  ServeConfig config;
  config.backend = "dynamo";
  auto refused = ValidateServeConfig(config);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.error().message, "--backend must be 'embedded' or 'aws', got 'dynamo'"));
  // The AWS flags mean nothing to the embedded backend and are not judged.
  ServeConfig embedded;
  embedded.aws.table = "x";
  EXPECT_TRUE(ValidateServeConfig(embedded).ok());
}

TEST(ValidateServeConfigTest, TableNamesFollowDynamoDbsRule) {
  for (const std::string& good :
       std::vector<std::string>{"WardrobeTable", "abc", "a.b-c_d", std::string(255, 't')}) {
    ServeConfig config = AwsConfig();
    config.aws.table = good;
    EXPECT_TRUE(ValidateServeConfig(config).ok()) << good;
  }
  for (const std::string& bad :
       std::vector<std::string>{"ab", "with space", "sl/ash", "", std::string(256, 't')}) {
    ServeConfig config = AwsConfig();
    config.aws.table = bad;
    auto refused = ValidateServeConfig(config);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_TRUE(Contains(refused.error().message, "--table must be 3-255 characters")) << bad;
  }
}

TEST(ValidateServeConfigTest, TheImageBucketIsOptionalAndFollowsS3sNamingRule) {
  EXPECT_FALSE(AwsConfig().aws.image_bucket) << "photos are off unless a bucket is named";
  for (const std::string& good : std::vector<std::string>{"abc", "wdrbe-photos", "photos.example.com", "0-9",
                                                          std::string(63, 'b'), "192.168.5.4x"}) {
    ServeConfig config = AwsConfig();
    config.aws.image_bucket = good;
    const auto valid = ValidateServeConfig(config);
    EXPECT_TRUE(valid.ok()) << good << ": " << valid.error().message;
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "has the wrong length"},
      {"ab", "has the wrong length"},
      {std::string(64, 'b'), "has the wrong length"},
      {"Photos", "a character other than a-z 0-9 . -"},
      {"wdrbe_photos", "a character other than a-z 0-9 . -"},
      {"wdrbe photos", "a character other than a-z 0-9 . -"},
      {"-photos", "start and end with a letter or digit"},
      {"photos.", "start and end with a letter or digit"},
      {"a..b", "two periods in a row"},
      {"192.168.5.4", "looks like an IP address"},
      {"xn--photos", "prefix S3 reserves"},
      {"photos-s3alias", "suffix S3 reserves"},
  };
  for (const auto& [name, why] : bad) {
    ServeConfig config = AwsConfig();
    config.aws.image_bucket = name;
    auto refused = ValidateServeConfig(config);
    ASSERT_FALSE(refused.ok()) << name;
    EXPECT_EQ(refused.error().code, ErrorCode::kBadRequest);
    EXPECT_TRUE(Contains(refused.error().message, "--image-bucket must be an S3 bucket name"))
        << refused.error().message;
    EXPECT_TRUE(Contains(refused.error().message, "'" + name + "'")) << refused.error().message;
    EXPECT_TRUE(Contains(refused.error().message, why)) << refused.error().message;
  }
  // Like the table and queues, the embedded backend does not judge it.
  ServeConfig embedded;
  embedded.aws.image_bucket = "Not A Bucket";
  EXPECT_TRUE(ValidateServeConfig(embedded).ok());
}

TEST(ValidateServeConfigTest, TheWorkerAloneNeedsTheAwsBackendAndAtLeastOneLoop) {
  ServeConfig embedded;
  embedded.worker_only = true;
  auto refused = ValidateServeConfig(embedded);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.error().message, "wdrbe worker needs --backend aws"));

  ServeConfig idle = AwsConfig();
  idle.worker_only = true;
  idle.worker_concurrency = 0;
  refused = ValidateServeConfig(idle);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.error().message, "--worker-concurrency must be 1-"));

  ServeConfig worker = AwsConfig();
  worker.worker_only = true;
  EXPECT_TRUE(ValidateServeConfig(worker).ok());
}

}  // namespace
}  // namespace wdrbe::app
