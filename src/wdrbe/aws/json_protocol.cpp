#include "wdrbe/aws/json_protocol.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "wdrbe/aws/sigv4.hpp"

namespace wdrbe::aws {
namespace {

std::string JsonString(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace

std::string JsonTarget(AwsService service, std::string_view operation) {
  std::string_view prefix = "DynamoDB_20120810.";
  if (service == AwsService::kSqs) prefix = "AmazonSQS.";
  if (service == AwsService::kSecretsManager) prefix = "secretsmanager.";
  return std::string(prefix) + std::string(operation);
}

std::string_view JsonContentType(AwsService service) {
  return service == AwsService::kSecretsManager ? kAmzJson11ContentType : kAmzJsonContentType;
}

HttpRequest BuildJsonRequest(const EndpointUrl& endpoint, AwsService service, std::string_view region,
                             std::string_view operation, std::string body, const Credentials& credentials,
                             std::int64_t now_ms) {
  SignableRequest signable;
  signable.method = "POST";
  signable.path = endpoint.base_path + "/";
  signable.headers = {{"Host", endpoint.HostHeader()},
                      {"Content-Type", std::string(JsonContentType(service))},
                      {"X-Amz-Target", JsonTarget(service, operation)}};
  signable.payload = std::move(body);
  (void)SignRequest(signable, credentials,
                    SigningScope{std::string(region), std::string(SigningName(service))}, now_ms);
  HttpRequest request;
  request.method = "POST";
  request.target = "/";  // the client prefixes the endpoint's base path
  request.headers = std::move(signable.headers);
  request.body = std::move(signable.payload);
  return request;
}

AwsError ParseJsonError(const HttpResponse& response) {
  AwsError error;
  error.http_status = response.status;
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  const boost::json::object empty;
  const boost::json::object& object = !ec && body.is_object() ? body.get_object() : empty;

  std::string type_code = JsonString(object, "__type");
  if (const std::size_t hash = type_code.rfind('#'); hash != std::string::npos) type_code.erase(0, hash + 1);
  if (type_code.empty()) {
    type_code = response.Header("x-amzn-ErrorType").value_or("");
    type_code = type_code.substr(0, type_code.find(':'));
  }
  std::string query_code = response.Header("x-amzn-query-error").value_or("");
  query_code = query_code.substr(0, query_code.find(';'));
  error.code = !query_code.empty() ? query_code : type_code;

  error.message = JsonString(object, "message");
  if (error.message.empty()) error.message = JsonString(object, "Message");
  if (error.message.empty() && ec) error.message = response.body.substr(0, 200);
  if (const auto* reasons = object.if_contains("CancellationReasons");
      reasons != nullptr && reasons->is_array()) {
    for (const boost::json::value& reason : reasons->get_array()) {
      const std::string code = reason.is_object() ? JsonString(reason.get_object(), "Code") : std::string();
      error.cancellation_codes.push_back(code.empty() ? "None" : code);
    }
  }

  // Either name may be the one the retry policy knows (SQS's JSON
  // "__type" and its query code differ).
  const FailureKind by_type = ClassifyErrorResponse(response.status, type_code);
  const FailureKind by_query = ClassifyErrorResponse(response.status, query_code);
  error.throttling = by_type == FailureKind::kThrottling || by_query == FailureKind::kThrottling;
  error.retryable =
      error.throttling || by_type != FailureKind::kNotRetryable || by_query != FailureKind::kNotRetryable;
  return error;
}

Task<AwsJsonOutcome> AwsJsonClient::Attempt(std::string_view operation, const std::string& body) {
  Task<Result<Credentials>> fetching = credentials_.Fetch();
  Result<Credentials> credentials = co_await std::move(fetching);
  if (!credentials.ok())
    co_return AwsError{0, "CredentialsUnavailable", credentials.error().message, false, false};
  HttpRequest request = BuildJsonRequest(target_.endpoint, target_.service, target_.region, operation, body,
                                         *credentials, clock_.NowMillis());
  request.timeout = target_.attempt_timeout;
  Task<Result<HttpResponse>> sending = http_.Send(target_.endpoint, std::move(request));
  Result<HttpResponse> response = co_await std::move(sending);
  if (!response.ok()) {
    const bool too_large = response.error().code == ErrorCode::kPayloadTooLarge;
    co_return AwsError{0, too_large ? "ResponseTooLarge" : "NetworkError", response.error().message,
                       !too_large, false};
  }
  if (response->status < 200 || response->status >= 300) co_return ParseJsonError(*response);
  if (response->body.empty()) co_return boost::json::value(boost::json::object());
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(response->body, ec);
  if (ec)
    co_return AwsError{response->status, "UnparsableResponse", "the answer is not JSON: " + ec.message(),
                       false, false};
  co_return parsed;
}

Task<AwsJsonOutcome> AwsJsonClient::Call(std::string_view operation, const boost::json::object& request) {
  const std::string body = boost::json::serialize(request);
  RetryState retry(bucket_, random_, retry_);
  while (true) {
    Task<AwsJsonOutcome> attempt = Attempt(operation, body);
    AwsJsonOutcome outcome = co_await std::move(attempt);
    if (outcome.ok()) {
      retry.OnSuccess();
      co_return outcome;
    }
    const AwsError& error = outcome.error();
    FailureKind kind = FailureKind::kNotRetryable;
    if (error.throttling) {
      kind = FailureKind::kThrottling;
    } else if (error.retryable) {
      kind = error.http_status == 0 ? FailureKind::kNetwork : FailureKind::kTransient;
    }
    const std::optional<std::int64_t> delay_ms = retry.NextDelayMs(kind);
    if (!delay_ms) co_return outcome;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                    std::chrono::milliseconds(*delay_ms));
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)ec;
  }
}

}  // namespace wdrbe::aws
