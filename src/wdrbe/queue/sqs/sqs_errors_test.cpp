#include "wdrbe/queue/sqs/sqs_errors.hpp"

#include <gtest/gtest.h>

namespace wdrbe::sqs {
namespace {

TEST(SqsErrorsTest, AMissingQueueSaysToRunAwsSetup) {
  for (const char* code : {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}) {
    const aws::AwsError missing{400, code, "The specified queue does not exist.", false, false};

    EXPECT_TRUE(IsMissingQueue(missing)) << code;
    const Error error = ToError(missing, "SendMessage", "http://sqs.local/000000000000/shares");
    EXPECT_EQ(error.code, ErrorCode::kUnavailable);
    EXPECT_EQ(error.message,
              "SQS queue URL does not exist: run wdrbe aws setup (http://sqs.local/000000000000/shares)");
  }
}

TEST(SqsErrorsTest, ThrottlingServerErrorsAndNetworkFailuresAreUnavailable) {
  const std::vector<aws::AwsError> transient = {
      {400, "ThrottlingException", "slow down", true, true},
      {500, "InternalError", "oops", true, false},
      {503, "", "", false, false},
      {0, "", "connection refused", true, false},
  };
  for (const aws::AwsError& failure : transient) {
    const Error error = ToError(failure, "ReceiveMessage", "u");
    EXPECT_EQ(error.code, ErrorCode::kUnavailable) << failure.code << failure.http_status;
    EXPECT_NE(error.message.find("SQS ReceiveMessage failed"), std::string::npos) << error.message;
  }
}

TEST(SqsErrorsTest, ARequestSqsRefusedIsInternal) {
  const Error error = ToError(
      {400, "InvalidParameterValue", "Value 11 for parameter MaxNumberOfMessages is invalid.", false, false},
      "ReceiveMessage", "u");

  EXPECT_EQ(error.code, ErrorCode::kInternal);
  EXPECT_EQ(error.message,
            "SQS ReceiveMessage failed: InvalidParameterValue: Value 11 for parameter MaxNumberOfMessages is "
            "invalid.");
}

TEST(SqsErrorsTest, TheAnswersToAHandleWhoseLeaseEndedAreALostLease) {
  EXPECT_TRUE(IsLostLease("ReceiptHandleIsInvalid", "The input receipt handle is invalid."));
  EXPECT_TRUE(IsLostLease("AWS.SimpleQueueService.MessageNotInflight", ""));
  EXPECT_TRUE(IsLostLease("MessageNotInflight", ""));
  EXPECT_TRUE(
      IsLostLease("InvalidParameterValue",
                  "Value abc for parameter ReceiptHandle is invalid. Reason: Message does not exist or is "
                  "not available for visibility timeout change."));
  EXPECT_FALSE(
      IsLostLease("InvalidParameterValue", "Value 50000 for parameter VisibilityTimeout is invalid."));
  EXPECT_FALSE(IsLostLease("InternalError", "ReceiptHandle"));
}

}  // namespace
}  // namespace wdrbe::sqs
