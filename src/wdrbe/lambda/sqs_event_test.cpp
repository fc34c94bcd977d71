#include "wdrbe/lambda/sqs_event.hpp"

#include <gtest/gtest.h>

namespace wdrbe::lambda {
namespace {

TEST(SqsEventTest, ReadsEveryRecordInOrder) {
  auto records = ParseSqsEvent(R"({"Records": [
    {"messageId": "m1", "receiptHandle": "h1", "body": "b1", "eventSource": "aws:sqs",
     "attributes": {"ApproximateReceiveCount": "3", "ApproximateFirstReceiveTimestamp": "1764583200100"},
     "messageAttributes": {"traceparent": {"stringValue": "00-aa-bb-01", "dataType": "String"}}},
    {"messageId": "m2", "body": "b2"}]})");
  ASSERT_TRUE(records.ok()) << records.error().message;
  ASSERT_EQ(records->size(), 2u);
  const SqsRecord& first = (*records)[0];
  EXPECT_EQ(first.message_id, "m1");
  EXPECT_EQ(first.receipt_handle, "h1");
  EXPECT_EQ(first.body, "b1");
  EXPECT_EQ(first.receive_count, 3);
  EXPECT_EQ(first.first_received_ms, 1764583200100);
  EXPECT_EQ(first.traceparent, "00-aa-bb-01");
  const SqsRecord& second = (*records)[1];
  EXPECT_EQ(second.message_id, "m2");
  EXPECT_EQ(second.receive_count, 0);
  EXPECT_EQ(second.traceparent, "");
}

TEST(SqsEventTest, RefusesWhatIsNotAnSqsEvent) {
  for (const char* bad :
       {"", "{}", R"({"Records": {}})", R"({"Records": [1]})", R"({"Records": [{}]})",
        R"({"Records": [{"messageId": ""}]})", R"({"Records": [{"messageId": "m", "body": 1}]})",
        R"({"Records": [{"messageId": "m", "eventSource": "aws:kinesis"}]})"}) {
    auto records = ParseSqsEvent(bad);
    EXPECT_FALSE(records.ok()) << bad;
  }
}

TEST(SqsEventTest, BatchItemFailuresNameEachFailedRecord) {
  EXPECT_EQ(BatchItemFailures({}), R"({"batchItemFailures":[]})");
  EXPECT_EQ(BatchItemFailures({"m1", "m2"}),
            R"({"batchItemFailures":[{"itemIdentifier":"m1"},{"itemIdentifier":"m2"}]})");
}

}  // namespace
}  // namespace wdrbe::lambda
