// What SendMessage carries besides the event, checked on the wire against
// a loopback SQS double (the local SQS engine accepts and drops message
// system attributes, so it cannot show them): the share's traceparent as a
// message attribute, and the same trace as X-Ray's AWSTraceHeader, which
// Lambda's SQS event source mapping continues.
#include "wdrbe/queue/sqs/sqs_share_queue.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "testing/loopback_http_server.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe::sqs {
namespace {

using testing::CannedResponse;
using testing::LoopbackHttpServer;
using testing::RecordedRequest;

class SqsShareQueueSendTest : public ::testing::Test {
 protected:
  // The SendMessage request the queue posted for `event`.
  boost::json::object SentRequest(const ShareEvent& event) {
    LoopbackHttpServer sqs([](const RecordedRequest&) {
      return CannedResponse{200,
                            {{"Content-Type", "application/x-amz-json-1.0"}},
                            R"({"MessageId":"5fea7756-0ea4-451a-a703-a558b933e274"})"};
    });
    auto clients = aws::AwsClients::Create(
        aws::Environment({{"AWS_REGION", "eu-west-1"},
                          {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                          {"AWS_SECRET_ACCESS_KEY", "secret"},
                          {"AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + std::to_string(sqs.port())}}),
        clock_, random_, aws::AwsClientsOptions{.retry = {.max_attempts = 1}});
    EXPECT_TRUE(clients.ok());
    if (!clients.ok()) return {};
    SqsShareQueue queue(**clients, SqsQueues{kQueueUrl, kQueueUrl + std::string("-dlq")}, SqsQueueOptions{},
                        clock_);
    const Status sent = testing::RunTask(queue.Send(event));
    EXPECT_TRUE(sent.ok()) << sent.error().message;
    const auto requests = sqs.Requests();
    EXPECT_EQ(requests.size(), 1u);
    if (requests.size() != 1) return {};
    EXPECT_EQ(requests[0].Header("X-Amz-Target"), "AmazonSQS.SendMessage");
    return boost::json::parse(requests[0].body).as_object();
  }

  static ShareEvent Event(std::string trace_context) {
    return ShareEvent{"01JDSENTEVENT0000000000001", "usr_a", "itm_a", 1'764'064'800'123, "req_1",
                      std::move(trace_context)};
  }

  static constexpr char kQueueUrl[] = "http://127.0.0.1/000000000000/wdrbe-share";
  SystemClock clock_;
  SecureRandom random_;
};

TEST_F(SqsShareQueueSendTest, ASharesTraceTravelsAsTraceparentAndAsXRaysTraceHeader) {
  const boost::json::object request =
      SentRequest(Event("00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01"));
  EXPECT_EQ(request.at("QueueUrl"), kQueueUrl);
  EXPECT_EQ(request.at("MessageAttributes").at("traceparent").at("StringValue"),
            "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01");
  const boost::json::value& header = request.at("MessageSystemAttributes").at("AWSTraceHeader");
  EXPECT_EQ(header.at("DataType"), "String");
  EXPECT_EQ(header.at("StringValue"),
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
}

TEST_F(SqsShareQueueSendTest, AnUnsampledTraceSaysSoAndAnEventWithoutATraceSendsNone) {
  const boost::json::object unsampled =
      SentRequest(Event("00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00"));
  EXPECT_EQ(unsampled.at("MessageSystemAttributes").at("AWSTraceHeader").at("StringValue"),
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0");
  const boost::json::object untraced = SentRequest(Event(""));
  EXPECT_FALSE(untraced.contains("MessageAttributes"));
  EXPECT_FALSE(untraced.contains("MessageSystemAttributes"));
  // An event's traceparent that does not parse is kept as it came (the
  // worker ignores it alike) but says nothing to X-Ray.
  const boost::json::object malformed = SentRequest(Event("not-a-traceparent"));
  EXPECT_TRUE(malformed.contains("MessageAttributes"));
  EXPECT_FALSE(malformed.contains("MessageSystemAttributes"));
}

}  // namespace
}  // namespace wdrbe::sqs
