// How loaded rows count for a decision: an expired idempotency record,
// whatever DynamoDB's late TTL deletion left is absent; an applied marker
// counts while it exists.
#include "wdrbe/storage/dynamodb/row_loads.hpp"

#include <gtest/gtest.h>

namespace wdrbe::dynamodb {
namespace {

TEST(RowLoadsTest, AnExpiredKeyRecordIsAbsentToTheDecisionButKeptForTheCondition) {
  const IdempotencyRecord record{"fp", "itm_1", 1000, true};
  const std::optional<boost::json::object> row =
      IdempotencyRow("usr_a", IdempotentOperation::kCreateItem, "k", record);
  Result<LoadedKeyRecord> live = ReadKeyRecord(row, 1000 + kIdempotencyWindowMs - 1);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->live, record);
  EXPECT_EQ(live->stored_created_at_ms, 1000);
  Result<LoadedKeyRecord> expired = ReadKeyRecord(row, 1000 + kIdempotencyWindowMs);
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE(expired->live);
  EXPECT_EQ(expired->stored_created_at_ms, 1000);
  Result<LoadedKeyRecord> absent = ReadKeyRecord(std::nullopt, 0);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->live);
  EXPECT_FALSE(absent->stored_created_at_ms);
}

TEST(RowLoadsTest, AnAppliedMarkerCountsForAsLongAsItExists) {
  EXPECT_TRUE(*ReadAppliedMarker(AppliedShareRow("evt_1", 1000)));
  EXPECT_FALSE(*ReadAppliedMarker(std::nullopt));
  boost::json::object damaged = AppliedShareRow("evt_1", 1000);
  damaged.erase(kAppliedAtAttr);
  EXPECT_FALSE(ReadAppliedMarker(damaged).ok());
}

}  // namespace
}  // namespace wdrbe::dynamodb
