// AWS's JSON protocols: DynamoDB's JSON 1.0, SQS's JSON protocol and
// Secrets Manager's JSON 1.1. A call is a signed POST of a JSON document to
// the service endpoint's "/", with
//
//   Content-Type: application/x-amz-json-1.0 (Secrets Manager: 1.1)
//   X-Amz-Target: DynamoDB_20120810.<Operation> | AmazonSQS.<Operation> | secretsmanager.<Operation>
//
// answered with a JSON document, or an error: a JSON body whose "__type"
// names the error ("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"),
// and for SQS an x-amzn-query-error header with the code the query API
// used ("AWS.SimpleQueueService.NonExistentQueue;Sender").
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wdrbe/aws/aws_config.hpp"
#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/aws/http_client.hpp"
#include "wdrbe/aws/retry_policy.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe::aws {

inline constexpr std::string_view kAmzJsonContentType = "application/x-amz-json-1.0";
inline constexpr std::string_view kAmzJson11ContentType = "application/x-amz-json-1.1";

// The Content-Type of `service`'s JSON protocol.
std::string_view JsonContentType(AwsService service);

// A failed call: the service's error, or a transport failure (status 0).
struct AwsError {
  int http_status = 0;      // 0: no answer (network failure, timeout)
  std::string code;         // "ConditionalCheckFailedException", "AWS.SimpleQueueService.NonExistentQueue"
  std::string message;      // the service's message, or what failed
  bool retryable = false;   // throttling, 5xx, transient code or network failure
  bool throttling = false;  // the service asked to slow down (a retryable kind)
  // DynamoDB's TransactionCanceledException: the code of each reason in its
  // CancellationReasons, in the request's item order ("None" for the items
  // that passed); empty for every other error.
  std::vector<std::string> cancellation_codes{};

  friend bool operator==(const AwsError&, const AwsError&) = default;
};

// A call's answer: the parsed JSON document or an AwsError.
class [[nodiscard]] AwsJsonOutcome {
 public:
  AwsJsonOutcome(boost::json::value value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  AwsJsonOutcome(AwsError error) : state_(std::move(error)) {}            // NOLINT: implicit by design
  bool ok() const { return state_.index() == 0; }
  const boost::json::value& value() const { return std::get<0>(state_); }
  const AwsError& error() const { return std::get<1>(state_); }

 private:
  std::variant<boost::json::value, AwsError> state_;
};

// "DynamoDB_20120810.GetItem", "AmazonSQS.SendMessage",
// "secretsmanager.GetSecretValue". STS does not speak these protocols.
std::string JsonTarget(AwsService service, std::string_view operation);

// The signed request of one attempt: Host, Content-Type, X-Amz-Target,
// X-Amz-Date, X-Amz-Security-Token (temporary credentials), Authorization.
HttpRequest BuildJsonRequest(const EndpointUrl& endpoint, AwsService service, std::string_view region,
                             std::string_view operation, std::string body, const Credentials& credentials,
                             std::int64_t now_ms);

// The AwsError of a non-2xx answer. The code is x-amzn-query-error's (up to
// ';') when present, else "__type"'s (after the last '#'), else
// x-amzn-ErrorType's (up to ':'); the message is "message" or "Message".
AwsError ParseJsonError(const HttpResponse& response);

struct JsonServiceTarget {
  AwsService service = AwsService::kDynamoDb;
  EndpointUrl endpoint;
  std::string region;
  std::chrono::milliseconds attempt_timeout = kDefaultHttpTimeout;  // each attempt's deadline
};

// Calls one service with the standard retry policy (retry_policy.hpp):
// each attempt fetches credentials, signs anew and waits the backoff
// before a retry. Thread-safe: Call may be awaited concurrently from any
// thread of the HttpClient's io_context; the retry token bucket is shared
// by all calls of one client. The references must outlive it.
class AwsJsonClient {
 public:
  AwsJsonClient(HttpClient& http, CredentialsProvider& credentials, const Clock& clock, RandomSource& random,
                JsonServiceTarget target, RetryOptions retry = {})
      : http_(http),
        credentials_(credentials),
        clock_(clock),
        random_(random),
        target_(std::move(target)),
        retry_(retry) {}

  Task<AwsJsonOutcome> Call(std::string_view operation, const boost::json::object& request);

  const RetryTokenBucket& retry_bucket() const { return bucket_; }

 private:
  Task<AwsJsonOutcome> Attempt(std::string_view operation, const std::string& body);

  HttpClient& http_;
  CredentialsProvider& credentials_;
  const Clock& clock_;
  RandomSource& random_;
  const JsonServiceTarget target_;
  const RetryOptions retry_;
  RetryTokenBucket bucket_;
};

}  // namespace wdrbe::aws
