// `wdrbe lambda worker` on a Runtime API of the test's own: SQS events of
// share events, answered with the records that failed (batchItemFailures),
// each event applied once however often its record is delivered. The items
// are made and checked by `wdrbe serve` on the same data (its own worker
// off), which is stopped while the function runs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "testing/emf_documents.hpp"
#include "testing/http_client.hpp"
#include "testing/lambda_harness.hpp"
#include "testing/test_server.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/queue/sqs/share_message.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

json::object Record(const std::string& message_id, const std::string& body, int receive_count = 1) {
  return SqsRecord({.message_id = message_id,
                    .receipt_handle = "AQEB" + message_id,
                    .body = body,
                    .receive_count = receive_count,
                    .traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"});
}

std::string ShareBody(const std::string& event_id, const std::string& user, const std::string& item) {
  ShareEvent event;
  event.event_id = event_id;
  event.user_id = user;
  event.item_id = item;
  event.timestamp_ms = 1764583200000;
  event.request_id = "req-" + event_id;
  return sqs::ShareEventBody(event);
}

json::value Answered(const RuntimeAnswer& answer) {
  EXPECT_EQ(answer.kind, RuntimeAnswer::Kind::kResponse) << answer.body;
  return json::parse(answer.body);
}

class LambdaWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.data_dir = data_dir_.path();
    options.extra_args = {"--worker-concurrency", "0"};
    server_ = TestServer::Start(options);
  }

  // The function on the same data as the server, which stops meanwhile.
  std::unique_ptr<LambdaHarness> StartWorker() {
    EXPECT_TRUE(server_->Stop().ExitedWith(0));
    return std::make_unique<LambdaHarness>(
        LambdaHarnessOptions{.function = "worker", .args = {"--data-dir", data_dir_.path().string()}});
  }

  TempDir data_dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(LambdaWorkerTest, OnlyThePoisonRecordIsReportedAndARedeliveryChangesNothing) {
  std::string item_id;
  std::string gone_id;
  {
    ApiClient client(server_->port(), "u-lambda-worker");
    item_id = std::string(client.MustCreate(ItemBody("Wool coat")).at("itemId").as_string());
    gone_id = std::string(client.MustCreate(ItemBody("Lost glove")).at("itemId").as_string());
    ASSERT_EQ(client.DeleteItem(gone_id).status, 204);
  }
  const std::string share = ShareBody("01JDLAMBDAWORKER0000000001", "u-lambda-worker", item_id);
  {
    std::unique_ptr<LambdaHarness> worker = StartWorker();
    const json::value first = Answered(worker->Invoke(SqsEvent({
        Record("msg-share", share),
        Record("msg-poison", "this is not a share event"),
        Record("msg-gone", ShareBody("01JDLAMBDAWORKER0000000002", "u-lambda-worker", gone_id)),
    })));
    EXPECT_TRUE(JsonEquals(first, json::parse(R"({"batchItemFailures":[{"itemIdentifier":"msg-poison"}]})")))
        << worker->Output();
    // The invocation's worker figures, as EMF under the contract's names.
    const auto first_metrics = EmfDocuments(worker->Output(), worker->last_request_id());
    ASSERT_EQ(first_metrics.size(), 1u) << "one flush per invocation: " << worker->Output();
    ExpectValidEmf(first_metrics.front());
    EXPECT_EQ(EmfValues(first_metrics)["BatchSize"], std::vector<double>{3});
    const std::map<std::string, double> first_counts = {{"BatchSize", 3},
                                                        {"FailedRecords", 1},
                                                        {"ItemNotFound", 1},
                                                        {"ShareEventsProcessed", 1},
                                                        {"SuccessfulRecords", 2}};
    EXPECT_EQ(EmfSums(first_metrics), first_counts);
    // SQS delivers the share again (a lost acknowledgement, say).
    const json::value again = Answered(worker->Invoke(SqsEvent({Record("msg-share", share, 2)})));
    EXPECT_TRUE(JsonEquals(again, json::parse(R"({"batchItemFailures":[]})")));
    // Acknowledged, but not processed a second time.
    const std::map<std::string, double> again_counts = {{"BatchSize", 1}, {"SuccessfulRecords", 1}};
    EXPECT_EQ(EmfSums(EmfDocuments(worker->Output(), worker->last_request_id())), again_counts);
    const std::string output = worker->Output();
    EXPECT_NE(output.find("share event applied"), std::string::npos) << output;
    EXPECT_NE(output.find("share event already applied"), std::string::npos) << output;
    EXPECT_NE(output.find("\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\""), std::string::npos) << output;
    EXPECT_TRUE(worker->Stop().ExitedWith(0)) << worker->Output();
  }
  server_->Restart();
  ApiClient client(server_->port(), "u-lambda-worker");
  const Response item = client.GetItem(item_id);
  ASSERT_EQ(item.status, 200) << item;
  EXPECT_EQ(item.Json().at("sharedCount").as_int64(), 1);
  EXPECT_TRUE(item.Json().at("isPublic").as_bool());
  int shared_activities = 0;
  const Response activities = client.ListActivities({{"limit", "100"}});
  ASSERT_EQ(activities.status, 200) << activities;
  for (const json::value& activity : activities.Json().at("activities").as_array()) {
    if (activity.at("activityType").as_string() == "ItemShared") ++shared_activities;
  }
  EXPECT_EQ(shared_activities, 1);
}

TEST_F(LambdaWorkerTest, AnInjectedProcessingFaultFailsOnlyThatItemsRecord) {
  std::string faulty_id;
  std::string healthy_id;
  {
    ApiClient client(server_->port(), "u-lambda-fault");
    faulty_id = std::string(client.MustCreate(ItemBody("Faulty")).at("itemId").as_string());
    healthy_id = std::string(client.MustCreate(ItemBody("Healthy")).at("itemId").as_string());
  }
  EXPECT_TRUE(server_->Stop().ExitedWith(0));
  LambdaHarness worker(LambdaHarnessOptions{.function = "worker",
                                            .args = {"--data-dir", data_dir_.path().string()},
                                            .env = {{"WDRBE_FAULTS", "worker.process@" + faulty_id + "=1"}}});
  const json::value answer = Answered(worker.Invoke(SqsEvent({
      Record("msg-faulty", ShareBody("01JDLAMBDAFAULT00000000001", "u-lambda-fault", faulty_id)),
      Record("msg-healthy", ShareBody("01JDLAMBDAFAULT00000000002", "u-lambda-fault", healthy_id)),
  })));
  EXPECT_TRUE(JsonEquals(answer, json::parse(R"({"batchItemFailures":[{"itemIdentifier":"msg-faulty"}]})")))
      << worker.Output();
  const std::map<std::string, double> counts = {
      {"BatchSize", 2}, {"FailedRecords", 1}, {"ShareEventsProcessed", 1}, {"SuccessfulRecords", 1}};
  EXPECT_EQ(EmfSums(EmfDocuments(worker.Output(), worker.last_request_id())), counts);
  EXPECT_NE(worker.Output().find("injected fault: worker.process"), std::string::npos) << worker.Output();
}

TEST_F(LambdaWorkerTest, AnEventThatIsNotSqsFailsTheInvocation) {
  std::unique_ptr<LambdaHarness> worker = StartWorker();
  const RuntimeAnswer answer = worker->Invoke(R"({"httpMethod":"GET","path":"/healthz"})");
  EXPECT_EQ(answer.kind, RuntimeAnswer::Kind::kError);
  EXPECT_EQ(answer.error_type, "Runtime.InvalidEvent");
  // An empty batch acknowledges nothing and fails nothing.
  const json::value empty = Answered(worker->Invoke(R"({"Records":[]})"));
  EXPECT_TRUE(JsonEquals(empty, json::parse(R"({"batchItemFailures":[]})")));
}

}  // namespace
}  // namespace wdrbe::testing
