// What DynamoDB's failures become: retryable ones and a missing table are
// kUnavailable, refusals kInternal, and a cancelled transaction is judged
// by its reasons' codes alone.
#include "wdrbe/storage/dynamodb/dynamodb_errors.hpp"

#include <gtest/gtest.h>

namespace wdrbe::dynamodb {
namespace {

aws::AwsError ServiceError(int status, std::string code, std::string message, bool retryable = false) {
  return aws::AwsError{status, std::move(code), std::move(message), retryable, false};
}

TEST(DynamoDbErrorsTest, AMissingTableIsUnavailableAndSaysWhatToRun) {
  const Error error = StoreError(ServiceError(400, "ResourceNotFoundException", "Cannot do operations"),
                                 "GetItem", "WardrobeTable");
  EXPECT_EQ(error.code, ErrorCode::kUnavailable);
  EXPECT_EQ(error.message, "DynamoDB table WardrobeTable does not exist: run wdrbe aws setup");
}

TEST(DynamoDbErrorsTest, ThrottlingServerErrorsAndNetworkFailuresAreUnavailable) {
  aws::AwsError throttled = ServiceError(400, "ProvisionedThroughputExceededException", "slow down", true);
  throttled.throttling = true;
  EXPECT_EQ(StoreError(throttled, "Query", "t").code, ErrorCode::kUnavailable);
  EXPECT_EQ(StoreError(ServiceError(500, "InternalServerError", "oops", true), "Query", "t").code,
            ErrorCode::kUnavailable);
  EXPECT_EQ(StoreError(ServiceError(0, "NetworkError", "connection refused", true), "Query", "t").code,
            ErrorCode::kUnavailable);
}

TEST(DynamoDbErrorsTest, ARefusedRequestIsInternalAndKeepsTheCodeForTheLogs) {
  const Error error =
      StoreError(ServiceError(400, "ValidationException", "Item size has exceeded"), "PutItem", "t");
  EXPECT_EQ(error.code, ErrorCode::kInternal);
  EXPECT_NE(error.message.find("ValidationException"), std::string::npos);
  EXPECT_NE(error.message.find("PutItem"), std::string::npos);
}

TEST(DynamoDbErrorsTest, ATransactionLostToOthersIsUnavailableAndOneRefusedIsInternal) {
  EXPECT_EQ(StoreError(ServiceError(400, "TransactionCanceledException",
                                    "Transaction cancelled, please refer cancellation reasons for specific "
                                    "reasons [TransactionConflict, None]"),
                       "TransactGetItems", "t")
                .code,
            ErrorCode::kUnavailable);
  EXPECT_EQ(StoreError(ServiceError(400, "TransactionCanceledException",
                                    "Transaction cancelled, please refer cancellation reasons for specific "
                                    "reasons [None, ValidationError]"),
                       "TransactWriteItems", "t")
                .code,
            ErrorCode::kInternal);
}

TEST(DynamoDbErrorsTest, CancellationCodesAreReadInRequestOrder) {
  EXPECT_EQ(
      CancellationCodesInMessage("Transaction cancelled, please refer cancellation reasons for specific "
                                 "reasons [ConditionalCheckFailed, None]"),
      (std::vector<std::string>{"ConditionalCheckFailed", "None"}));
  EXPECT_EQ(
      CancellationCodesInMessage("Transaction cancelled, please refer cancellation reasons for specific "
                                 "reasons [None, None, TransactionConflict]"),
      (std::vector<std::string>{"None", "None", "TransactionConflict"}));
  EXPECT_TRUE(CancellationCodesInMessage("Transaction cancelled").empty());
  EXPECT_TRUE(CancellationCodesInMessage("").empty());
}

// The structured reasons are the source; the message only stands in when an
// engine sends none, and a message whose wording changed cannot mislead.
TEST(DynamoDbErrorsTest, TheCancellationReasonsWinOverTheMessage) {
  aws::AwsError cancelled = ServiceError(400, "TransactionCanceledException", "Transaction cancelled [None]");
  cancelled.cancellation_codes = {"None", "ValidationError"};
  EXPECT_EQ(CancellationCodes(cancelled), (std::vector<std::string>{"None", "ValidationError"}));
  EXPECT_FALSE(IsContention(cancelled));
  EXPECT_EQ(StoreError(cancelled, "TransactWriteItems", "t").code, ErrorCode::kInternal);
  cancelled.cancellation_codes.clear();
  EXPECT_EQ(CancellationCodes(cancelled), std::vector<std::string>{"None"});
  EXPECT_TRUE(IsContention(cancelled));
}

TEST(DynamoDbErrorsTest, ContentionIsLostRacesAndThrottlingAndRejectionIsABadRequest) {
  EXPECT_EQ(ClassifyCancellation({"ConditionalCheckFailed", "None"}), CancellationKind::kContention);
  EXPECT_EQ(ClassifyCancellation({"None", "TransactionConflict"}), CancellationKind::kContention);
  EXPECT_EQ(ClassifyCancellation({"ThrottlingError"}), CancellationKind::kContention);
  EXPECT_EQ(ClassifyCancellation({}), CancellationKind::kContention);
  EXPECT_EQ(ClassifyCancellation({"None", "ValidationError"}), CancellationKind::kRejected);
  EXPECT_EQ(ClassifyCancellation({"ItemCollectionSizeLimitExceeded", "ConditionalCheckFailed"}),
            CancellationKind::kRejected);
}

TEST(DynamoDbErrorsTest, OnlyLostRacesAreContention) {
  EXPECT_TRUE(IsContention(ServiceError(400, "TransactionCanceledException",
                                        "Transaction cancelled, please refer cancellation reasons for "
                                        "specific reasons [None, ConditionalCheckFailed]")));
  EXPECT_TRUE(IsContention(ServiceError(400, "TransactionConflictException", "conflict")));
  EXPECT_FALSE(IsContention(ServiceError(400, "TransactionCanceledException",
                                         "Transaction cancelled, please refer cancellation reasons for "
                                         "specific reasons [ValidationError]")));
  EXPECT_FALSE(IsContention(ServiceError(400, "ConditionalCheckFailedException", "failed")));
  EXPECT_FALSE(IsContention(ServiceError(400, "ValidationException", "bad")));
}

}  // namespace
}  // namespace wdrbe::dynamodb
