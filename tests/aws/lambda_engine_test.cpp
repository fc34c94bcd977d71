// The two Lambda functions end to end on the local engines (DynamoDB Local
// and fauxqs): the API function accepts a share and enqueues it on SQS; the
// test receives the message as Lambda's event source mapping would and
// hands it to the worker function, once and then again (a redelivery); the
// item is shared exactly once. Both functions run as real processes against
// the test's Runtime API (testing/lambda_harness.hpp).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "aws/aws_setup_command.hpp"
#include "testing/aws_local_engines.hpp"
#include "testing/http_client.hpp"
#include "testing/lambda_harness.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/observability/trace_context.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

class LambdaEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resources_ = MustSetUp(AwsLocalEngines::UniqueName("table"), AwsLocalEngines::UniqueName("lambda"));
    auto clients = aws::AwsClients::Create(AwsLocalEngines::Get().Env(), clock_, random_);
    ASSERT_TRUE(clients.ok()) << clients.error().message;
    clients_ = std::move(*clients);
  }

  std::unique_ptr<LambdaHarness> Start(const std::string& function) {
    return std::make_unique<LambdaHarness>(
        LambdaHarnessOptions{.function = function, .args = BackendArgs(resources_), .env = EngineEnv()});
  }

  // What the event source mapping hands the worker: the queue's messages
  // (waiting for the first up to 10 s), as the records of one SQS event.
  std::vector<json::object> ReceiveRecords() {
    for (int attempt = 0; attempt < 10; ++attempt) {
      aws::AwsJsonOutcome answer =
          RunTask(clients_->Call(aws::AwsService::kSqs, "ReceiveMessage",
                                 {{"QueueUrl", resources_.queue_url},
                                  {"MaxNumberOfMessages", 10},
                                  {"WaitTimeSeconds", 1},
                                  {"VisibilityTimeout", 30},
                                  {"MessageSystemAttributeNames", json::array{"ApproximateReceiveCount"}},
                                  {"MessageAttributeNames", json::array{"All"}}}));
      if (!answer.ok()) {
        ADD_FAILURE() << answer.error().code << ": " << answer.error().message;
        return {};
      }
      const json::value* messages = answer.value().as_object().if_contains("Messages");
      if (messages == nullptr || messages->as_array().empty()) continue;
      std::vector<json::object> records;
      for (const json::value& message : messages->as_array()) {
        const json::object& m = message.as_object();
        std::string traceparent;
        if (const json::value* attributes = m.if_contains("MessageAttributes")) {
          if (const json::value* trace = attributes->as_object().if_contains("traceparent")) {
            traceparent = std::string(trace->at("StringValue").as_string());
          }
        }
        records.push_back(SqsRecord({.message_id = std::string(m.at("MessageId").as_string()),
                                     .receipt_handle = std::string(m.at("ReceiptHandle").as_string()),
                                     .body = std::string(m.at("Body").as_string()),
                                     .receive_count = 1,
                                     .traceparent = traceparent}));
      }
      return records;
    }
    ADD_FAILURE() << "no message on " << resources_.queue_url;
    return {};
  }

  SystemClock clock_;
  SecureRandom random_;
  SetUpResources resources_;
  std::unique_ptr<aws::AwsClients> clients_;
};

TEST_F(LambdaEngineTest, AShareTheApiFunctionQueuedIsAppliedOnceByTheWorkerFunction) {
  const std::string user = "u-lambda-engines";
  const std::string token = MakeToken(user);
  std::unique_ptr<LambdaHarness> api = Start("api");
  auto call = [&](ApiEventSpec spec) {
    spec.headers.emplace_back("Authorization", Bearer(token));
    if (spec.body) spec.headers.emplace_back("Content-Type", "application/json");
    return ReadProxyAnswer(api->Invoke(ApiGatewayEvent(spec)));
  };
  const ProxyAnswer created = call(
      {.method = "POST", .path = "/users/" + user + "/items", .body = json::serialize(ItemBody("Parka"))});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string item_id(created.Json().at("itemId").as_string());
  const ProxyAnswer shared =
      call({.method = "POST",
            .path = "/items/" + item_id + "/share",
            .headers = {{"traceparent", "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}});
  ASSERT_EQ(shared.status, 202) << shared.body;
  const std::string event_id(shared.Json().at("eventId").as_string());
  // The invocation's sampled X-Ray trace won over the client's traceparent.
  const std::string trace_id = obs::TraceIdFromAmznTraceId(api->last_trace_id()).value_or("");
  ASSERT_EQ(trace_id.size(), 32u);

  const std::vector<json::object> records = ReceiveRecords();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(std::string(records[0].at("body").as_string()).find(event_id), std::string::npos);
  std::unique_ptr<LambdaHarness> worker = Start("worker");
  const std::string batch = SqsEvent(records);
  for (int delivery = 1; delivery <= 2; ++delivery) {
    SCOPED_TRACE("delivery " + std::to_string(delivery));
    const RuntimeAnswer answer = worker->Invoke(batch);
    ASSERT_EQ(answer.kind, RuntimeAnswer::Kind::kResponse) << answer.body << "\n" << worker->Output();
    EXPECT_EQ(json::parse(answer.body), json::parse(R"({"batchItemFailures":[]})"));
  }
  const std::string log = worker->Output();
  EXPECT_NE(log.find("share event applied"), std::string::npos) << log;
  EXPECT_NE(log.find("share event already applied"), std::string::npos) << log;
  // The trace of the request that shared it reaches the worker's lines.
  EXPECT_NE(log.find("\"traceId\":\"" + trace_id + "\""), std::string::npos) << log;

  const ProxyAnswer item = call({.path = "/items/" + item_id});
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_EQ(item.Json().at("sharedCount").as_int64(), 1);
  EXPECT_TRUE(item.Json().at("isPublic").as_bool());
  const ProxyAnswer feed = call({.path = "/users/" + user + "/activities", .query = {{"limit", "100"}}});
  ASSERT_EQ(feed.status, 200) << feed.body;
  int shares = 0;
  const json::value activities = feed.Json();
  for (const json::value& activity : activities.at("activities").as_array()) {
    if (activity.at("activityType").as_string() == "ItemShared") ++shares;
  }
  EXPECT_EQ(shares, 1);
}

}  // namespace
}  // namespace wdrbe::testing
