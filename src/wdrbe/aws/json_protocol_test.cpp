#include "wdrbe/aws/json_protocol.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "testing/fake_clock.hpp"
#include "testing/loopback_http_server.hpp"

namespace wdrbe::aws {
namespace {

using testing::CannedResponse;
using testing::LoopbackHttpServer;
using testing::RecordedRequest;

HttpResponse Answer(int status, std::string body, HeaderList headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

TEST(ParseJsonErrorTest, TheCodeComesFromTypeWithoutItsNamespace) {
  const AwsError error = ParseJsonError(
      Answer(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
                  R"("message":"The conditional request failed"})"));
  EXPECT_EQ(error, (AwsError{400, "ConditionalCheckFailedException", "The conditional request failed", false,
                             false}));
}

TEST(ParseJsonErrorTest, ThrottlingAndServerErrorsAreRetryable) {
  const AwsError throttled = ParseJsonError(Answer(
      400,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow"})"));
  EXPECT_TRUE(throttled.retryable);
  EXPECT_TRUE(throttled.throttling);
  const AwsError internal = ParseJsonError(
      Answer(500, R"({"__type":"com.amazon.coral.service#InternalFailure","Message":"oops"})"));
  EXPECT_EQ(internal.code, "InternalFailure");
  EXPECT_EQ(internal.message, "oops");
  EXPECT_TRUE(internal.retryable);
  EXPECT_FALSE(internal.throttling);
  const AwsError gateway = ParseJsonError(Answer(502, "<html>Bad Gateway</html>"));
  EXPECT_TRUE(gateway.retryable);
  EXPECT_EQ(gateway.message, "<html>Bad Gateway</html>");
}

TEST(ParseJsonErrorTest, ACancelledTransactionKeepsItsReasonsInRequestOrder) {
  const AwsError error = ParseJsonError(Answer(
      400, R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",)"
           R"("message":"Transaction cancelled, please refer cancellation reasons for specific reasons )"
           R"([None, ConditionalCheckFailed, None]","CancellationReasons":[{"Code":"None"},)"
           R"({"Code":"ConditionalCheckFailed","Message":"The conditional request failed"},{}]})"));
  EXPECT_EQ(error.code, "TransactionCanceledException");
  EXPECT_EQ(error.cancellation_codes, (std::vector<std::string>{"None", "ConditionalCheckFailed", "None"}));
  EXPECT_FALSE(error.retryable);
  const AwsError other = ParseJsonError(
      Answer(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"bad"})"));
  EXPECT_TRUE(other.cancellation_codes.empty());
}

TEST(ParseJsonErrorTest, SqsQueryErrorHeaderGivesTheCode) {
  const AwsError missing = ParseJsonError(Answer(
      400,
      R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})",
      {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"}}));
  EXPECT_EQ(missing.code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(missing.message, "The specified queue does not exist.");
  EXPECT_FALSE(missing.retryable);
  const AwsError throttled = ParseJsonError(
      Answer(400, R"({"__type":"com.amazonaws.sqs#RequestThrottled","message":"Rate exceeded"})",
             {{"x-amzn-query-error", "RequestThrottled;Sender"}}));
  EXPECT_TRUE(throttled.throttling);
  const AwsError by_header = ParseJsonError(
      Answer(400, "", {{"x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/"}}));
  EXPECT_EQ(by_header.code, "ValidationException");
}

TEST(BuildJsonRequestTest, SetsTheProtocolHeadersAndSigns) {
  const EndpointUrl endpoint = *ParseEndpointUrl("https://sqs.eu-west-1.amazonaws.com");
  const HttpRequest request =
      BuildJsonRequest(endpoint, AwsService::kSqs, "eu-west-1", "SendMessage", R"({"QueueUrl":"q"})",
                       Credentials{"AKID", "SECRET", "TOKEN", std::nullopt}, 1764064800000);
  HttpResponse as_headers{0, request.headers, ""};  // reuse the case-insensitive lookup
  EXPECT_EQ(as_headers.Header("Host"), "sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(as_headers.Header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(as_headers.Header("X-Amz-Target"), "AmazonSQS.SendMessage");
  EXPECT_EQ(as_headers.Header("X-Amz-Date"), "20251125T100000Z");
  EXPECT_EQ(as_headers.Header("X-Amz-Security-Token"), "TOKEN");
  EXPECT_TRUE(
      as_headers.Header("Authorization")
          ->starts_with("AWS4-HMAC-SHA256 Credential=AKID/20251125/eu-west-1/sqs/aws4_request, "
                        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
                        "Signature="));
  EXPECT_EQ(request.body, R"({"QueueUrl":"q"})");
  EXPECT_EQ(JsonTarget(AwsService::kDynamoDb, "Query"), "DynamoDB_20120810.Query");
}

// Zero jitter: retries happen at once, so tests do not wait.
class ZeroRandom final : public RandomSource {
 public:
  void Fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), 0); }
};

class AwsJsonClientTest : public ::testing::Test {
 protected:
  AwsJsonOutcome Call(AwsJsonClient& client, std::string_view operation, const boost::json::object& request) {
    std::optional<AwsJsonOutcome> slot;
    boost::asio::co_spawn(io, Store(client.Call(operation, request), slot), [](std::exception_ptr failure) {
      if (failure) std::rethrow_exception(failure);
    });
    io.restart();
    io.run();
    return std::move(*slot);
  }
  static Task<void> Store(Task<AwsJsonOutcome> task, std::optional<AwsJsonOutcome>& slot) {
    AwsJsonOutcome outcome = co_await std::move(task);
    slot.emplace(std::move(outcome));
  }
  AwsJsonClient Client(const LoopbackHttpServer& server, AwsService service = AwsService::kDynamoDb) {
    return AwsJsonClient(
        *http, credentials, clock, random,
        JsonServiceTarget{service, *ParseEndpointUrl("http://127.0.0.1:" + std::to_string(server.port())),
                          "eu-west-1", std::chrono::milliseconds(5000)});
  }

  boost::asio::io_context io;
  std::unique_ptr<HttpClient> http = HttpClient::Create(io).value();
  const Credentials kKeys{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt};
  StaticCredentialsProvider credentials{kKeys, "test"};
  testing::FakeClock clock;
  ZeroRandom random;
};

TEST_F(AwsJsonClientTest, PostsASignedRequestTheServerCanVerify) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    return CannedResponse{
        200, {{"Content-Type", "application/x-amz-json-1.0"}}, R"({"Item":{"PK":{"S":"ITEM#1"}}})"};
  });
  AwsJsonClient client = Client(server);
  const AwsJsonOutcome outcome = Call(client, "GetItem", {{"TableName", "WardrobeTable"}});
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome.value().at("Item").at("PK").at("S").as_string(), "ITEM#1");

  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& seen = requests[0];
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/");
  EXPECT_EQ(seen.Header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(seen.Header("X-Amz-Target"), "DynamoDB_20120810.GetItem");
  EXPECT_EQ(boost::json::parse(seen.body), boost::json::parse(R"({"TableName":"WardrobeTable"})"));

  // Verify as the service would: sign what arrived with the same key and
  // time, and compare with the Authorization header that came.
  SignableRequest received{"POST", seen.target, {}, {}, seen.body};
  for (const std::string name : {"Host", "Content-Type", "X-Amz-Target"}) {
    received.headers.emplace_back(name, seen.Header(name));
  }
  const SigV4Signature expected = SignRequest(received, kKeys, {"eu-west-1", "dynamodb"}, clock.NowMillis());
  EXPECT_EQ(seen.Header("X-Amz-Date"), FormatAmzDate(clock.NowMillis()));
  EXPECT_EQ(seen.Header("Authorization"), expected.authorization);
  EXPECT_NE(expected.signed_headers.find("x-amz-target"), std::string::npos);
}

TEST_F(AwsJsonClientTest, RetriesAServerErrorAndThrottlingThenSucceeds) {
  std::atomic<int> calls{0};
  LoopbackHttpServer server([&](const RecordedRequest&) {
    switch (++calls) {
      case 1:
        return CannedResponse{500, {}, R"({"__type":"com.amazon.coral.service#InternalFailure"})"};
      case 2:
        return CannedResponse{
            400, {}, R"({"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"})"};
      default:
        return CannedResponse{200, {}, R"({"MessageId":"m-1"})"};
    }
  });
  AwsJsonClient client = Client(server, AwsService::kSqs);
  const AwsJsonOutcome outcome = Call(client, "SendMessage", {{"QueueUrl", "q"}});
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome.value().at("MessageId").as_string(), "m-1");
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].Header("X-Amz-Target"), "AmazonSQS.SendMessage");
  // Two retries cost 2 x 5 tokens; the success refunded the last one.
  EXPECT_EQ(client.retry_bucket().Available(), kRetryQuota - kRetryCost);
}

TEST_F(AwsJsonClientTest, GivesUpAfterThreeAttemptsWithTheLastError) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    return CannedResponse{
        400, {}, R"({"__type":"x#ThrottlingException","message":"Rate of requests exceeds"})"};
  });
  AwsJsonClient client = Client(server);
  const AwsJsonOutcome outcome = Call(client, "Query", {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "ThrottlingException");
  EXPECT_TRUE(outcome.error().retryable);
  EXPECT_EQ(server.Requests().size(), 3u);
}

TEST_F(AwsJsonClientTest, AClientErrorIsReturnedAtOnce) {
  LoopbackHttpServer server([](const RecordedRequest&) {
    return CannedResponse{400, {}, R"({"__type":"x#ConditionalCheckFailedException","message":"no"})"};
  });
  AwsJsonClient client = Client(server);
  const AwsJsonOutcome outcome = Call(client, "PutItem", {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error(), (AwsError{400, "ConditionalCheckFailedException", "no", false, false}));
  EXPECT_EQ(server.Requests().size(), 1u);
}

TEST_F(AwsJsonClientTest, ANetworkFailureIsRetryableWithStatusZero) {
  std::uint16_t port = 0;
  {
    LoopbackHttpServer gone([](const RecordedRequest&) { return CannedResponse{}; });
    port = gone.port();
  }
  AwsJsonClient client(
      *http, credentials, clock, random,
      JsonServiceTarget{AwsService::kDynamoDb, *ParseEndpointUrl("http://127.0.0.1:" + std::to_string(port)),
                        "eu-west-1", std::chrono::milliseconds(2000)});
  const AwsJsonOutcome outcome = Call(client, "GetItem", {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().http_status, 0);
  EXPECT_TRUE(outcome.error().retryable);
  EXPECT_EQ(client.retry_bucket().Available(), kRetryQuota - 2 * kTimeoutRetryCost);
}

}  // namespace
}  // namespace wdrbe::aws
