// What only the SQS share queue promises, on fauxqs: the message format,
// poison messages, the explicit dead-lettering and its redrive, the redrive
// policy as the safety net, and the queues' set-up and checks.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "testing/aws_local_engines.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/queue/sqs/dead_letter_message.hpp"
#include "wdrbe/queue/sqs/queue_setup.hpp"
#include "wdrbe/queue/sqs/sqs_dead_letter_queue.hpp"
#include "wdrbe/queue/sqs/sqs_share_queue.hpp"

namespace wdrbe::sqs {
namespace {

using testing::AwsLocalEngines;
using testing::RunTask;

constexpr int kMaxReceives = 3;
constexpr char kTrace[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

class SqsQueueEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto clients = aws::AwsClients::Create(AwsLocalEngines::Get().Env(), clock_, random_);
    ASSERT_TRUE(clients.ok()) << clients.error().message;
    clients_ = std::move(*clients);
    name_ = AwsLocalEngines::UniqueName("sqs");
    Result<SqsQueues> queues = RunTask(EnsureQueues(*clients_, name_, kMaxReceives));
    ASSERT_TRUE(queues.ok()) << queues.error().message;
    queues_ = *queues;
    queue_ = std::make_unique<SqsShareQueue>(*clients_, queues_,
                                             SqsQueueOptions{.max_receives = kMaxReceives}, clock_);
    dead_letters_ = std::make_unique<SqsDeadLetterQueue>(*clients_, queues_,
                                                         SqsDeadLetterOptions{.list_wait_time_seconds = 0});
  }

  ShareEvent NewEvent(const std::string& id) {
    return ShareEvent{id, "usr_alice", "itm_a", 1'764'064'800'123, "req_" + id, kTrace};
  }

  void MustSend(const ShareEvent& event) {
    const Status sent = RunTask(queue_->Send(event));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
  }

  std::vector<ShareDelivery> Receive(std::int64_t visibility_ms = 30'000) {
    Result<std::vector<ShareDelivery>> received = RunTask(queue_->Receive(10, visibility_ms));
    EXPECT_TRUE(received.ok()) << received.error().message;
    return received.ok() ? *received : std::vector<ShareDelivery>{};
  }

  // One raw SQS call that must succeed.
  boost::json::value MustCall(const std::string& operation, boost::json::object request) {
    aws::AwsJsonOutcome outcome =
        RunTask(clients_->Call(aws::AwsService::kSqs, operation, std::move(request)));
    if (!outcome.ok()) {
      ADD_FAILURE() << operation << ": " << outcome.error().code << ": " << outcome.error().message;
      return {};
    }
    return outcome.value();
  }

  std::string Attribute(const std::string& queue_url, const std::string& name) {
    const boost::json::value answer = MustCall(
        "GetQueueAttributes", {{"QueueUrl", queue_url}, {"AttributeNames", boost::json::array{name}}});
    return std::string(answer.at("Attributes").at(name).as_string());
  }

  std::vector<DeadLetter> MustList() {
    Result<std::vector<DeadLetter>> letters = RunTask(dead_letters_->List());
    EXPECT_TRUE(letters.ok()) << letters.error().message;
    return letters.ok() ? *letters : std::vector<DeadLetter>{};
  }

  SystemClock clock_;
  SecureRandom random_;
  std::unique_ptr<aws::AwsClients> clients_;
  std::string name_;
  SqsQueues queues_;
  std::unique_ptr<SqsShareQueue> queue_;
  std::unique_ptr<SqsDeadLetterQueue> dead_letters_;
};

TEST_F(SqsQueueEngineTest, AnEventTravelsAsTheContractsJsonWithItsTraceContextAsAnAttribute) {
  MustSend(NewEvent("evt_1"));

  const boost::json::value answer =
      MustCall("ReceiveMessage",
               {{"QueueUrl", queues_.queue_url}, {"MessageAttributeNames", boost::json::array{"All"}}});

  const boost::json::value& message = answer.at("Messages").at(0);
  EXPECT_EQ(
      boost::json::parse(message.at("Body").as_string()),
      boost::json::parse(R"({"type":"SHARE_ITEM","eventId":"evt_1","userId":"usr_alice","itemId":"itm_a",
                                   "timestamp":"2025-11-25T10:00:00.123Z","requestId":"req_evt_1"})"));
  EXPECT_EQ(message.at("MessageAttributes").at("traceparent").at("StringValue").as_string(), kTrace);
}

TEST_F(SqsQueueEngineTest, TheEventAndItsTraceContextSurviveARoundTrip) {
  ShareEvent untraced = NewEvent("evt_2");
  untraced.trace_context.clear();
  MustSend(NewEvent("evt_1"));
  MustSend(untraced);

  const std::vector<ShareDelivery> received = Receive();

  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].event, NewEvent("evt_1"));
  EXPECT_EQ(received[1].event, untraced);
  EXPECT_EQ(received[0].receive_count, 1);
  EXPECT_GT(received[0].first_received_ms, 0);
}

TEST_F(SqsQueueEngineTest, APoisonMessageIsDeadLetteredWithAClearErrorAndNeverReturned) {
  const boost::json::value sent =
      MustCall("SendMessage", {{"QueueUrl", queues_.queue_url}, {"MessageBody", R"({"hello":"world"})"}});
  MustSend(NewEvent("evt_ok"));

  const std::vector<ShareDelivery> received = Receive(1000);

  ASSERT_EQ(received.size(), 1u) << "the good event of the batch is delivered";
  EXPECT_EQ(received[0].event.event_id, "evt_ok");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // every lease of the batch has ended
  const std::vector<ShareDelivery> again = Receive();
  ASSERT_EQ(again.size(), 1u) << "the poison message does not come back";
  EXPECT_EQ(again[0].event.event_id, "evt_ok");
  const std::vector<DeadLetter> letters = MustList();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].event.event_id, sent.at("MessageId").as_string()) << "listed under its MessageId";
  EXPECT_EQ(letters[0].last_error, "the message body is not a share event: \"type\" is not \"SHARE_ITEM\"");
  EXPECT_EQ(letters[0].attempts, 1);
}

TEST_F(SqsQueueEngineTest, AnExplicitDeadLetterKeepsItsLastErrorAndAttemptsAndItsRedriveIsReceivedOnceAnew) {
  MustSend(NewEvent("evt_1"));
  for (int attempt = 1; attempt <= kMaxReceives; ++attempt) {
    const std::vector<ShareDelivery> received = Receive();
    ASSERT_EQ(received.size(), 1u);
    const RetryResult expected =
        attempt < kMaxReceives ? RetryResult::kRetryScheduled : RetryResult::kDeadLettered;
    Result<std::vector<RetryResult>> retried = RunTask(
        queue_->Retry({FailedDelivery{received[0].receipt_handle, "failure " + std::to_string(attempt), 0}}));
    ASSERT_TRUE(retried.ok()) << retried.error().message;
    ASSERT_EQ(*retried, std::vector<RetryResult>{expected});
  }

  Result<std::optional<DeadLetter>> letter = RunTask(dead_letters_->Get("evt_1"));
  ASSERT_TRUE(letter.ok()) << letter.error().message;
  ASSERT_TRUE(letter->has_value());
  EXPECT_EQ((*letter)->event, NewEvent("evt_1"));
  EXPECT_EQ((*letter)->last_error, "failure 3");
  EXPECT_EQ((*letter)->attempts, kMaxReceives);
  EXPECT_GT((*letter)->first_seen_ms, 0);
  EXPECT_GE((*letter)->dead_lettered_ms, (*letter)->first_seen_ms);
  EXPECT_TRUE(Receive().empty()) << "a dead letter is not delivered";

  ASSERT_TRUE(RunTask(dead_letters_->Redrive("evt_1")).ok());

  const std::vector<ShareDelivery> redriven = Receive();
  ASSERT_EQ(redriven.size(), 1u);
  EXPECT_EQ(redriven[0].event, NewEvent("evt_1"));
  EXPECT_EQ(redriven[0].receive_count, 1) << "a new message: a fresh receive count";
  EXPECT_TRUE(Receive().empty());
  EXPECT_TRUE(MustList().empty());
}

TEST_F(SqsQueueEngineTest, ADeliveryWhoseWorkerDiedReachesTheDeadLettersByTheRedrivePolicy) {
  MustSend(NewEvent("evt_1"));
  for (int delivery = 1; delivery <= kMaxReceives; ++delivery) {
    const std::vector<ShareDelivery> received = Receive(1000);  // and never settled
    ASSERT_EQ(received.size(), 1u) << "delivery " << delivery;
    EXPECT_EQ(received[0].receive_count, delivery);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  }

  EXPECT_TRUE(Receive().empty()) << "the receive after the last one moves it";

  const std::vector<DeadLetter> letters = MustList();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].event, NewEvent("evt_1"));
  EXPECT_EQ(letters[0].last_error, kStoppedWorkerError);
  EXPECT_EQ(letters[0].attempts, kMaxReceives);
  EXPECT_EQ(MustList().size(), 1u) << "a listing consumes nothing";
}

TEST_F(SqsQueueEngineTest, AReleasedDeliveryIsVisibleAtOnceButSqsCountsIt) {
  MustSend(NewEvent("evt_1"));
  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 1u);

  ASSERT_TRUE(RunTask(queue_->Release({received[0].receipt_handle})).ok());

  const std::vector<ShareDelivery> again = Receive();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 2) << "SQS cannot take back a receive (uncounted_release is false)";
}

TEST_F(SqsQueueEngineTest, RetryAndReleaseSeeALeaseThatEndedAndChangeNothing) {
  MustSend(NewEvent("evt_1"));
  const std::vector<ShareDelivery> expired = Receive(1000);
  ASSERT_EQ(expired.size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const std::vector<ShareDelivery> current = Receive();
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].receive_count, 2);

  Result<std::vector<RetryResult>> retried =
      RunTask(queue_->Retry({FailedDelivery{expired[0].receipt_handle, "late", 0}}));
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(*retried, std::vector<RetryResult>{RetryResult::kLeaseLost});
  ASSERT_TRUE(RunTask(queue_->Release({expired[0].receipt_handle})).ok());

  EXPECT_TRUE(Receive().empty()) << "the event is still its current holder's";
  Result<std::vector<AckResult>> deleted = RunTask(queue_->Delete({current[0].receipt_handle}));
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, std::vector<AckResult>{AckResult::kDeleted});
  retried = RunTask(queue_->Retry({FailedDelivery{current[0].receipt_handle, "after delete", 0}}));
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(*retried, std::vector<RetryResult>{RetryResult::kLeaseLost})
      << "a deleted delivery's lease is over";
}

TEST_F(SqsQueueEngineTest, LongPollingWaitsForAMessageAndAnswersNoneAfterTheWait) {
  SqsShareQueue polling(*clients_, queues_,
                        SqsQueueOptions{.max_receives = kMaxReceives, .wait_time_seconds = 1}, clock_);
  const auto started = std::chrono::steady_clock::now();

  Result<std::vector<ShareDelivery>> none = RunTask(polling.Receive(10, 30'000));

  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
  MustSend(NewEvent("evt_1"));
  Result<std::vector<ShareDelivery>> one = RunTask(polling.Receive(10, 30'000));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
}

TEST_F(SqsQueueEngineTest, ADelayIsWholeSecondsAndAtMost900) {
  const Status too_long = RunTask(queue_->Send(NewEvent("evt_late"), 900'001));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kBadRequest);

  ASSERT_TRUE(RunTask(queue_->Send(NewEvent("evt_1"), 300)).ok());  // a whole second

  EXPECT_TRUE(Receive().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(Receive().size(), 1u);
}

TEST_F(SqsQueueEngineTest, EnsureQueuesTwiceIsSafeAndSetsTheRedrivePolicy) {
  Result<SqsQueues> again = RunTask(EnsureQueues(*clients_, name_, kMaxReceives));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, queues_);
  const std::string dead_letter_arn = Attribute(queues_.dead_letter_queue_url, "QueueArn");
  EXPECT_EQ(Attribute(queues_.dead_letter_queue_url, "MessageRetentionPeriod"), "1209600");
  boost::json::value policy = boost::json::parse(Attribute(queues_.queue_url, "RedrivePolicy"));
  EXPECT_EQ(policy.at("deadLetterTargetArn").as_string(), dead_letter_arn);
  EXPECT_EQ(policy.at("maxReceiveCount").to_number<int>(), kMaxReceives);

  Result<SqsQueues> changed = RunTask(EnsureQueues(*clients_, name_, 5));

  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(*changed, queues_) << "the queues are kept";
  policy = boost::json::parse(Attribute(queues_.queue_url, "RedrivePolicy"));
  EXPECT_EQ(policy.at("maxReceiveCount").to_number<int>(), 5) << "their redrive policy is set";
}

TEST_F(SqsQueueEngineTest, EnsureQueuesRefusesWhatSqsWouldRefuse) {
  EXPECT_EQ(RunTask(EnsureQueues(*clients_, "no spaces", 3)).error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(RunTask(EnsureQueues(*clients_, std::string(77, 'q'), 3)).error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(RunTask(EnsureQueues(*clients_, name_, 0)).error().code, ErrorCode::kBadRequest);
}

TEST_F(SqsQueueEngineTest, CheckQueuesFindsBothAndOnAMissingOneSaysToRunAwsSetup) {
  EXPECT_TRUE(RunTask(CheckQueues(*clients_, queues_)).ok());
  SqsQueues missing = queues_;
  missing.dead_letter_queue_url += "-gone";

  const Status checked = RunTask(CheckQueues(*clients_, missing));

  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(checked.error().message.find("wdrbe aws setup"), std::string::npos) << checked.error().message;
}

TEST_F(SqsQueueEngineTest, SendingToADeletedQueueIsUnavailable) {
  MustCall("DeleteQueue", {{"QueueUrl", queues_.queue_url}});

  const Status sent = RunTask(queue_->Send(NewEvent("evt_1")));

  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(sent.error().message.find("run wdrbe aws setup"), std::string::npos) << sent.error().message;
}

}  // namespace
}  // namespace wdrbe::sqs
