// `wdrbe lambda api` on a Runtime API of the test's own: API Gateway REST
// proxy events (payload 1.0) for the routes, the refusals and the errors,
// answered with proxy responses from the same dispatcher `serve` uses; an
// event that is not API Gateway's fails its invocation; a start that
// cannot succeed is reported on the init error endpoint.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "testing/emf_documents.hpp"
#include "testing/http_client.hpp"
#include "testing/lambda_harness.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_images.hpp"
#include "wdrbe/base/base64.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

class LambdaApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new TempDir();
    harness_ = new LambdaHarness(
        LambdaHarnessOptions{.function = "api", .args = {"--data-dir", data_dir_->path().string()}});
  }
  static void TearDownTestSuite() {
    delete harness_;
    delete data_dir_;
  }

  static ProxyAnswer Call(const ApiEventSpec& spec) {
    return ReadProxyAnswer(harness_->Invoke(ApiGatewayEvent(spec)));
  }

  static ProxyAnswer CallAs(const std::string& user, ApiEventSpec spec) {
    spec.headers.emplace_back("Authorization", Bearer(MakeToken(user)));
    if (spec.body) spec.headers.emplace_back("Content-Type", "application/json");
    return Call(spec);
  }

  static std::string CreateItem(const std::string& user, std::string_view name) {
    const ProxyAnswer created = CallAs(
        user,
        {.method = "POST", .path = "/users/" + user + "/items", .body = json::serialize(ItemBody(name))});
    EXPECT_EQ(created.status, 201) << created.body;
    return std::string(created.Json().at("itemId").as_string());
  }

  static TempDir* data_dir_;
  static LambdaHarness* harness_;
};

TempDir* LambdaApiTest::data_dir_ = nullptr;
LambdaHarness* LambdaApiTest::harness_ = nullptr;

TEST_F(LambdaApiTest, HealthzIsAnsweredAsServeAnswersIt) {
  const ProxyAnswer answer = Call({});
  EXPECT_EQ(answer.status, 200);
  EXPECT_TRUE(JsonEquals(answer.Json(), json::parse(R"({"status":"ok"})")));
  EXPECT_FALSE(answer.base64);
  EXPECT_EQ(answer.Header("Content-Type"), "application/json");
  // No client id: API Gateway's request id names the request.
  EXPECT_EQ(answer.Header("X-Request-Id"), kGatewayRequestId);
  // API Gateway frames the answer: no length or connection of ours.
  EXPECT_EQ(answer.Header("Content-Length"), "");
  EXPECT_EQ(answer.Header("Connection"), "");
  EXPECT_TRUE(answer.multi_value_headers.empty());
}

TEST_F(LambdaApiTest, AValidClientRequestIdIsKept) {
  const ProxyAnswer answer = Call({.headers = {{"X-Request-Id", "client-id-42"}}});
  EXPECT_EQ(answer.Header("X-Request-Id"), "client-id-42");
}

TEST_F(LambdaApiTest, CreateGetAndListGoThroughTheSameRoutes) {
  const std::string user = "u-lambda-crud";
  const ProxyAnswer created = CallAs(
      user,
      {.method = "POST", .path = "/users/" + user + "/items", .body = json::serialize(ItemBody("Raincoat"))});
  ASSERT_EQ(created.status, 201) << created.body;
  const json::value item = created.Json();
  EXPECT_EQ(item.at("name").as_string(), "Raincoat");
  EXPECT_EQ(item.at("userId").as_string(), user);
  const std::string id(item.at("itemId").as_string());

  const ProxyAnswer got = CallAs(user, {.path = "/items/" + id});
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(JsonEquals(got.Json(), item));

  const ProxyAnswer listed = CallAs(user, {.path = "/users/" + user + "/items", .query = {{"limit", "5"}}});
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json::value page = listed.Json();
  const json::array& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(JsonEquals(items[0], item));

  // Another user's token sees no private item.
  EXPECT_EQ(CallAs("u-lambda-other", {.path = "/items/" + id}).status, 404);
}

TEST_F(LambdaApiTest, PatchDeleteAndTheActivityFeedGoThroughTheSameRoutes) {
  const std::string user = "u-lambda-patch";
  const std::string id = CreateItem(user, "Old name");
  const ProxyAnswer patched =
      CallAs(user, {.method = "PATCH", .path = "/items/" + id, .body = R"({"name":"New name"})"});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("name").as_string(), "New name");

  const ProxyAnswer feed = CallAs(user, {.path = "/users/" + user + "/activities"});
  ASSERT_EQ(feed.status, 200) << feed.body;
  const json::value activities = feed.Json();
  ASSERT_FALSE(activities.at("activities").as_array().empty());
  EXPECT_EQ(activities.at("activities").as_array()[0].at("itemId").as_string(), id);

  const ProxyAnswer deleted = CallAs(user, {.method = "DELETE", .path = "/items/" + id});
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(deleted.body, "");
  EXPECT_EQ(CallAs(user, {.path = "/items/" + id}).status, 404);
}

TEST_F(LambdaApiTest, TheActivityStreamIsRefusedAsNotImplementedAfterTheUsualChecks) {
  const std::string user = "u-lambda-stream";
  const ProxyAnswer stream = CallAs(user, {.path = "/users/" + user + "/activities/stream"});
  EXPECT_EQ(stream.status, 501) << stream.body;
  EXPECT_EQ(stream.Json().at("error").as_string(), "not_implemented");
  EXPECT_EQ(CallAs(user, {.path = "/users/someone-else/activities/stream"}).status, 403);
  EXPECT_EQ(Call({.path = "/users/" + user + "/activities/stream"}).status, 401);
}

TEST_F(LambdaApiTest, ReadyzHeadAndPreflightsAreAnsweredAsByServe) {
  const ProxyAnswer ready = Call({.path = "/readyz"});
  EXPECT_EQ(ready.status, 200) << ready.body;
  const ProxyAnswer head = Call({.method = "HEAD", .path = "/healthz"});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  const ProxyAnswer preflight =
      Call({.method = "OPTIONS",
            .path = "/users/u-lambda-cors/items",
            .headers = {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}}});
  EXPECT_EQ(preflight.status, 204) << preflight.body;
  EXPECT_NE(preflight.Header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
}

TEST_F(LambdaApiTest, ABase64BodyIsDecodedBeforeValidation) {
  const std::string user = "u-lambda-base64";
  const ProxyAnswer created = CallAs(user, {.method = "POST",
                                            .path = "/users/" + user + "/items",
                                            .body = json::serialize(ItemBody("Café scarf")),
                                            .base64 = true});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json().at("name").as_string(), "Café scarf");
}

TEST_F(LambdaApiTest, APhotoGoesInAsABase64BodyAndComesOutAsOne) {
  const std::string user = "u-lambda-photo";
  const std::string item_id = CreateItem(user, "Pictured");
  const std::string png = MakeTestImage(ImageFormat::kPng, {.width = 300, .height = 150});
  const ProxyAnswer put =
      Call({.method = "PUT",
            .path = "/items/" + item_id + "/image",
            .headers = {{"Authorization", Bearer(MakeToken(user))}, {"Content-Type", "image/png"}},
            .body = png,
            .base64 = true});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json().at("imageUrl").as_string(), "/items/" + item_id + "/image");
  const ProxyAnswer thumbnail = CallAs(user, {.path = "/items/" + item_id + "/image/thumbnail"});
  ASSERT_EQ(thumbnail.status, 200) << thumbnail.body;
  EXPECT_TRUE(thumbnail.base64) << "a binary body must reach API Gateway in base64";
  EXPECT_EQ(thumbnail.Header("Content-Type"), "image/png");
  const std::optional<std::string> bytes = Base64Decode(thumbnail.body);
  ASSERT_TRUE(bytes.has_value());
  const DecodedTestImage decoded = DecodeTestImage(*bytes);
  EXPECT_EQ(decoded.width, 256);
  EXPECT_EQ(decoded.height, 128);
}

TEST_F(LambdaApiTest, NoTokenIs401WithItsChallengeAndCors) {
  const ProxyAnswer answer = Call({.path = "/users/u-lambda-401/items"});
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.Json().at("error").as_string(), "unauthorized");
  EXPECT_EQ(answer.Json().at("requestId").as_string(), kGatewayRequestId);
  EXPECT_NE(answer.Header("WWW-Authenticate"), "");
  EXPECT_EQ(answer.Header("Access-Control-Allow-Origin"), "*");
}

TEST_F(LambdaApiTest, ABodyOverTheLimitIs413WithCors) {
  const std::string user = "u-lambda-413";
  const ProxyAnswer answer = CallAs(
      user, {.method = "POST", .path = "/users/" + user + "/items", .body = std::string(64 * 1024 + 1, 'x')});
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(answer.Json().at("error").as_string(), "payload_too_large");
  EXPECT_EQ(answer.Header("Access-Control-Allow-Origin"), "*");
}

TEST_F(LambdaApiTest, AHeaderBlockOverTheLimitIs431) {
  const ProxyAnswer answer = Call({.headers = {{"X-Padding", std::string(9 * 1024, 'p')}}});
  EXPECT_EQ(answer.status, 431);
}

TEST_F(LambdaApiTest, ABadCursorIs400InvalidCursor) {
  const std::string user = "u-lambda-cursor";
  const ProxyAnswer answer =
      CallAs(user, {.path = "/users/" + user + "/items", .query = {{"cursor", "not-a-cursor"}}});
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.Json().at("error").as_string(), "invalid_cursor");
}

TEST_F(LambdaApiTest, ARepeatedAuthorizationIsRefused) {
  const std::string user = "u-lambda-repeat";
  const ProxyAnswer answer =
      Call({.path = "/users/" + user + "/items",
            .headers = {{"Authorization", Bearer(MakeToken(user))},
                        {"Authorization", Bearer(MakeToken("u-lambda-someone-else"))}}});
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.Json().at("error").as_string(), "bad_request");
}

TEST_F(LambdaApiTest, AShareIsQueued) {
  const std::string user = "u-lambda-share";
  const std::string id = CreateItem(user, "Shared boots");
  const ProxyAnswer answer = CallAs(user, {.method = "POST", .path = "/items/" + id + "/share"});
  ASSERT_EQ(answer.status, 202) << answer.body;
  EXPECT_EQ(answer.Json().at("itemId").as_string(), id);
  EXPECT_EQ(answer.Json().at("status").as_string(), "queued");
  EXPECT_FALSE(answer.Json().at("eventId").as_string().empty());
}

TEST_F(LambdaApiTest, UnknownRoutesAndMethodsAreRefusedAsByServe) {
  EXPECT_EQ(Call({.path = "/nowhere"}).status, 404);
  EXPECT_EQ(Call({.method = "PUT", .path = "/healthz"}).status, 405);
}

TEST_F(LambdaApiTest, MetricsAreNotForApiGatewaysClients) {
  // Every API Gateway client is remote; /metrics stays loopback-only.
  EXPECT_EQ(Call({.path = "/metrics"}).status, 403);
}

TEST_F(LambdaApiTest, AnEventThatIsNotApiGatewaysFailsOnlyItsInvocation) {
  const RuntimeAnswer answer = harness_->Invoke(R"({"Records":[]})");
  EXPECT_EQ(answer.kind, RuntimeAnswer::Kind::kError);
  EXPECT_EQ(answer.error_type, "Runtime.InvalidEvent");
  const json::object error = json::parse(answer.body).as_object();
  EXPECT_NE(std::string(error.at("errorMessage").as_string()).find("API Gateway"), std::string::npos);
  EXPECT_EQ(error.at("errorType").as_string(), "Runtime.InvalidEvent");
  // The function goes on with the next one.
  EXPECT_EQ(Call({}).status, 200);
}

TEST_F(LambdaApiTest, EachInvocationLogsLambdasIdsAndAnAccessLine) {
  EXPECT_EQ(Call({.headers = {{"X-Request-Id", "logged-request"}}}).status, 200);
  const std::string trace = harness_->last_trace_id();
  const std::string output = harness_->Output();
  EXPECT_NE(output.find("\"xrayTraceId\":\"" + trace + "\""), std::string::npos) << output;
  EXPECT_NE(output.find("\"requestId\":\"logged-request\""), std::string::npos) << output;
}

// The EMF documents the invocation just made wrote (validated), summed.
std::map<std::string, double> InvocationMetrics(const LambdaHarness& harness) {
  const auto documents = EmfDocuments(harness.Output(), harness.last_request_id());
  EXPECT_LE(documents.size(), 1u) << "one flush per invocation";
  for (const auto& document : documents) {
    ExpectValidEmf(document);
    EXPECT_EQ(document.at("service").as_string(), "wdrbe");
    EXPECT_EQ(document.at("xrayTraceId").as_string(), harness.last_trace_id());
  }
  return EmfSums(documents);
}

TEST_F(LambdaApiTest, EachInvocationPublishesItsBusinessMetricsAsEmf) {
  using Counts = std::map<std::string, double>;
  const std::string user = "u-lambda-emf";
  const std::string items = "/users/" + user + "/items";
  const std::string body = json::serialize(ItemBody("Duffel coat", "emf-coats"));
  ASSERT_EQ(CallAs(user, {.method = "POST", .path = items, .body = body}).status, 201);
  EXPECT_EQ(InvocationMetrics(*harness_), (Counts{{"ItemCreated", 1}, {"ItemCreated_emf-coats", 1}}));

  const ApiEventSpec keyed{
      .method = "POST", .path = items, .headers = {{"Idempotency-Key", "emf-key-1"}}, .body = body};
  const ProxyAnswer created = CallAs(user, keyed);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(InvocationMetrics(*harness_), (Counts{{"ItemCreated", 1}, {"ItemCreated_emf-coats", 1}}));
  ASSERT_EQ(CallAs(user, keyed).status, 200) << "a replay";
  EXPECT_EQ(InvocationMetrics(*harness_), (Counts{{"ItemCreatedIdempotent", 1}}));

  ASSERT_EQ(CallAs(user, {.path = items}).status, 200);
  EXPECT_EQ(InvocationMetrics(*harness_), (Counts{{"ItemsListed", 2}}));

  const std::string id(created.Json().at("itemId").as_string());
  ASSERT_EQ(CallAs(user, {.method = "POST", .path = "/items/" + id + "/share"}).status, 202);
  EXPECT_EQ(InvocationMetrics(*harness_), (Counts{{"ShareEventsEnqueued", 1}}));

  // Nothing counted, nothing written.
  ASSERT_EQ(Call({}).status, 200);
  EXPECT_TRUE(EmfDocuments(harness_->Output(), harness_->last_request_id()).empty());
}

// Creates an item through `harness`, which must answer 201.
void CreateThrough(LambdaHarness& harness, const std::string& user) {
  const RuntimeAnswer answer = harness.Invoke(ApiGatewayEvent(
      {.method = "POST",
       .path = "/users/" + user + "/items",
       .headers = {{"Authorization", Bearer(MakeToken(user))}, {"Content-Type", "application/json"}},
       .body = json::serialize(ItemBody("Beret", "hats"))}));
  ASSERT_EQ(ReadProxyAnswer(answer).status, 201);
}

TEST(LambdaApiLimitsTest, AResponseOverLambdasPayloadLimitIsReportedAsResponseSizeTooLarge) {
  TempDir data_dir;
  // A limit that a page of items passes and /healthz does not reach.
  LambdaHarness harness(LambdaHarnessOptions{
      .function = "api", .args = {"--data-dir", data_dir.path().string()}, .max_response_bytes = 1500});
  const std::string user = "too-large-user";
  const auto call = [&](ApiEventSpec spec) {
    spec.headers.emplace_back("Authorization", Bearer(MakeToken(user)));
    if (spec.body) spec.headers.emplace_back("Content-Type", "application/json");
    return harness.Invoke(ApiGatewayEvent(spec));
  };
  for (int i = 0; i < 10; ++i) {
    const RuntimeAnswer created = call({.method = "POST",
                                        .path = "/users/" + user + "/items",
                                        .body = json::serialize(ItemBody("Item " + std::to_string(i)))});
    ASSERT_EQ(ReadProxyAnswer(created).status, 201) << created.body;
  }
  const RuntimeAnswer page = call({.path = "/users/" + user + "/items"});
  EXPECT_EQ(page.kind, RuntimeAnswer::Kind::kError) << page.body;
  EXPECT_EQ(page.error_type, "Function.ResponseSizeTooLarge");
  const json::object error = json::parse(page.body).as_object();
  EXPECT_EQ(error.at("errorType").as_string(), "Function.ResponseSizeTooLarge");
  EXPECT_NE(std::string(error.at("errorMessage").as_string()).find("larger than Lambda accepts"),
            std::string::npos);
  // The function goes on with the next invocation.
  EXPECT_EQ(ReadProxyAnswer(call({.path = "/healthz"})).status, 200);
}

TEST(LambdaApiEmfTest, TheServiceNameIsTheDimensionAndEmfCanBeTurnedOff) {
  const std::string user = "u-lambda-emf-flags";
  {
    TempDir data_dir;
    LambdaHarness named(LambdaHarnessOptions{.function = "api",
                                             .args = {"--data-dir", data_dir.path().string()},
                                             .env = {{"WDRBE_SERVICE_NAME", "wdrbe-api-staging"}}});
    CreateThrough(named, user);
    const auto documents = EmfDocuments(named.Output(), named.last_request_id());
    ASSERT_EQ(documents.size(), 1u) << named.Output();
    EXPECT_EQ(documents.front().at("service").as_string(), "wdrbe-api-staging");
    EXPECT_NE(named.Output().find("\"service\":\"wdrbe-api-staging\",\"message\""), std::string::npos)
        << "log lines name the same service";
  }
  TempDir data_dir;
  LambdaHarness quiet(LambdaHarnessOptions{
      .function = "api", .args = {"--data-dir", data_dir.path().string(), "--no-metrics-emf"}});
  CreateThrough(quiet, user);
  EXPECT_TRUE(EmfDocuments(quiet.Output()).empty()) << quiet.Output();
}

TEST(LambdaApiMetricsTest, MetricsPublicServesMetricsToApiGatewaysClients) {
  TempDir data_dir;
  LambdaHarness api(LambdaHarnessOptions{
      .function = "api", .args = {"--data-dir", data_dir.path().string(), "--metrics-public"}});
  const ProxyAnswer answer = ReadProxyAnswer(api.Invoke(ApiGatewayEvent({.path = "/metrics"})));
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_NE(answer.body.find("wdrbe_http_requests_total"), std::string::npos) << answer.body;
}

TEST(LambdaApiStartTest, AStartWithoutAJwtSecretIsReportedAsAnInitError) {
  TempDir data_dir;
  LambdaHarness harness(LambdaHarnessOptions{
      .function = "api", .args = {"--data-dir", data_dir.path().string()}, .jwt_secret = std::nullopt});
  const std::optional<RuntimeAnswer> error = harness.WaitForInitError();
  EXPECT_TRUE(harness.exit_status().ExitedWith(1)) << harness.exit_status() << "\n" << harness.Output();
  ASSERT_TRUE(error.has_value()) << harness.Output();
  EXPECT_EQ(error->error_type, "Runtime.InitError");
  const json::object body = json::parse(error->body).as_object();
  EXPECT_NE(std::string(body.at("errorMessage").as_string()).find("WDRBE_JWT_SECRET"), std::string::npos)
      << error->body;
}

TEST(LambdaApiStartTest, OutsideLambdaItSaysWhatToRunInstead) {
  const ProcessOutcome outcome = RunToExit({"lambda", "api"}, std::string(kTestJwtSecret));
  EXPECT_TRUE(outcome.status.ExitedWith(1)) << outcome.status;
  EXPECT_NE(outcome.output.find("AWS_LAMBDA_RUNTIME_API"), std::string::npos) << outcome.output;
}

}  // namespace
}  // namespace wdrbe::testing
