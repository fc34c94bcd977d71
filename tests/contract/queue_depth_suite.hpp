// Depths, where the queue declares them exact: the share queue counts the
// events waiting or in flight, the dead-letter queue its dead letters.
#pragma once

#include "contract/contract_suites.hpp"

namespace wdrbe::contract {

TEST_P(QueueDepthTest, AnEmptyBackendHasNothingQueuedOrDead) {
  EXPECT_EQ(MustQueueDepth(), 0);
  EXPECT_EQ(MustDeadLetterDepth(), 0);
}

TEST_P(QueueDepthTest, TheQueueCountsEventsWaitingAndInFlightUntilDeleted) {
  for (int i = 0; i < 5; ++i) MustSendNew(kAlice, "itm_a");
  MustSend(NewEvent(kAlice, "itm_a"), 60'000);
  EXPECT_EQ(MustQueueDepth(), 6) << "a delayed event is waiting too";

  const std::vector<ShareDelivery> received = Receive(3);
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(MustQueueDepth(), 6) << "events in flight are still in the queue";

  Release({received[0]});
  EXPECT_EQ(Fail({received[1]}), std::vector<RetryResult>{RetryResult::kRetryScheduled});
  EXPECT_EQ(MustQueueDepth(), 6);
  EXPECT_EQ(Delete({received[2]}), std::vector<AckResult>{AckResult::kDeleted});
  EXPECT_EQ(MustQueueDepth(), 5);
}

TEST_P(QueueDepthTest, DeadLetteringMovesAnEventFromOneDepthToTheOtherAndARedriveMovesItBack) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_b");
  MustDeadLetterNew(kAlice, "itm_c");
  MustSendNew(kAlice, "itm_a");
  EXPECT_EQ(MustQueueDepth(), 1);
  EXPECT_EQ(MustDeadLetterDepth(), 2);

  ASSERT_TRUE(Succeeded(RunTask(dead_letters().Redrive(dead.event_id))));
  EXPECT_EQ(MustQueueDepth(), 2);
  EXPECT_EQ(MustDeadLetterDepth(), 1);

  ASSERT_TRUE(Succeeded(RunTask(dead_letters().RedriveAll())));
  EXPECT_EQ(MustQueueDepth(), 3);
  EXPECT_EQ(MustDeadLetterDepth(), 0);
}

TEST_P(QueueDepthTest, ARefusedRedriveMovesNothing) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_a");
  ASSERT_TRUE(Succeeded(RunTask(dead_letters().Redrive(dead.event_id))));

  EXPECT_TRUE(FailedWith(RunTask(dead_letters().Redrive(dead.event_id)), ErrorCode::kNotFound));

  EXPECT_EQ(MustQueueDepth(), 1) << "queued once";
  EXPECT_EQ(MustDeadLetterDepth(), 0);
}

}  // namespace wdrbe::contract
