// What a queue that follows the injected clock promises as the FakeClock
// moves: visibility timeouts that end, delays honoured to the millisecond,
// handles that go stale when their event is received again, and the
// deliveries that expire counted against max_receives.
#pragma once

#include <map>
#include <set>

#include "contract/contract_suites.hpp"
#include "wdrbe/queue/retry_backoff.hpp"

namespace wdrbe::contract {

TEST_P(ShareQueueTimingTest, TheFirstDeliveryStampsFirstReceivedAndLaterOnesKeepIt) {
  MustSendNew(kAlice, "itm_a");
  clock_.Advance(250);
  const std::int64_t first_received = clock_.NowMillis();

  const std::vector<ShareDelivery> first = Receive();
  clock_.Advance(kVisibilityMs);
  const std::vector<ShareDelivery> second = Receive();

  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].first_received_ms, first_received);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].first_received_ms, first_received);
}

TEST_P(ShareQueueTimingTest, ADeliveryHidesItsEventUntilTheVisibilityTimeoutEndsThenItComesBack) {
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> first = Receive();  // this consumer dies without a word
  ASSERT_EQ(first.size(), 1u);

  clock_.Advance(kVisibilityMs - 1);
  EXPECT_TRUE(Receive().empty());
  clock_.Advance(1);
  const std::vector<ShareDelivery> second = Receive();

  ASSERT_EQ(second.size(), 1u) << "visible again once the visibility timeout has passed";
  EXPECT_EQ(second[0].event, event);
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_NE(second[0].receipt_handle, first[0].receipt_handle);
  EXPECT_TRUE(Receive().empty()) << "hidden again by the second delivery";
}

TEST_P(ShareQueueTimingTest, AStaleHandleCanNeitherDeleteNorRetryAndTheCurrentOneStillDeletes) {
  MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> stale = Receive();  // a consumer that stalls past its timeout
  clock_.Advance(kVisibilityMs);
  const std::vector<ShareDelivery> current = Receive();
  ASSERT_EQ(stale.size(), 1u);
  ASSERT_EQ(current.size(), 1u);

  EXPECT_EQ(Delete(stale), std::vector<AckResult>{AckResult::kLeaseLost});
  EXPECT_EQ(Fail(stale), std::vector<RetryResult>{RetryResult::kLeaseLost});
  EXPECT_TRUE(Receive().empty()) << "a stale failure schedules no retry over the current delivery";

  EXPECT_EQ(Delete(current), std::vector<AckResult>{AckResult::kDeleted});
}

TEST_P(ShareQueueTimingTest, ReleasingAStaleHandleLeavesTheCurrentDeliveryAlone) {
  MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> stale = Receive();
  clock_.Advance(kVisibilityMs);
  const std::vector<ShareDelivery> current = Receive();
  ASSERT_EQ(current.size(), 1u);

  Release(stale);

  EXPECT_TRUE(Receive().empty()) << "the current delivery still hides the event";
  EXPECT_EQ(Delete(current), std::vector<AckResult>{AckResult::kDeleted});
}

TEST_P(ShareQueueTimingTest, ALateConsumerOfARedeliveredEventChangesNothing) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> late = Receive();
  clock_.Advance(kVisibilityMs);
  const std::vector<ShareDelivery> current = Receive();
  ASSERT_EQ(late.size(), 1u);
  ASSERT_EQ(current.size(), 1u);
  ASSERT_EQ(MustApply(current[0].event), ShareApplication::kApplied);
  ASSERT_EQ(Delete(current), std::vector<AckResult>{AckResult::kDeleted});

  // The first consumer wakes up and finishes its work too late.
  EXPECT_EQ(MustApply(late[0].event), ShareApplication::kAlreadyApplied);
  EXPECT_EQ(Delete(late), std::vector<AckResult>{AckResult::kLeaseLost});

  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
  EXPECT_EQ(SharedActivities(kAlice).size(), 1u);
}

TEST_P(ShareQueueTimingTest, ADeletedEventIsNeverDeliveredAgain) {
  MustSendNew(kAlice, "itm_a");
  ASSERT_EQ(Delete(Receive()), std::vector<AckResult>{AckResult::kDeleted});

  clock_.Advance(kVisibilityMs + RetryBackoff{}.max_delay_ms);

  EXPECT_TRUE(Receive().empty());
}

TEST_P(ShareQueueTimingTest, ASendWithADelayIsReceivedExactlyWhenTheDelayHasPassed) {
  const ShareEvent event = NewEvent(kAlice, "itm_a");
  MustSend(event, 1500);

  clock_.Advance(1499);
  EXPECT_TRUE(Receive().empty());
  clock_.Advance(1);
  const std::vector<ShareDelivery> received = Receive();

  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].event, event);
}

// The worker's way: each failed delivery waits RetryDelayMs(backoff,
// receive_count, random); the queue must bring each back exactly then.
TEST_P(ShareQueueTimingTest, EachRetryIsReceivedExactlyAfterItsOwnDelayUntilTheLastDeadLetters) {
  constexpr int kEvents = 10;  // the most one Receive hands out
  const RetryBackoff backoff;
  for (int i = 0; i < kEvents; ++i) MustSendNew(kAlice, "itm_a");
  std::vector<ShareDelivery> received = Receive(kEvents);
  ASSERT_EQ(received.size(), static_cast<std::size_t>(kEvents));

  for (int attempt = 1; attempt < kMaxReceives; ++attempt) {
    SCOPED_TRACE(::testing::Message() << "after failed delivery " << attempt);
    const std::int64_t failed_at = clock_.NowMillis();
    std::map<std::int64_t, std::multiset<std::string>> due;  // when -> the events due then
    for (const ShareDelivery& delivery : received) {
      const std::int64_t delay = RetryDelayMs(backoff, delivery.receive_count, RandomBits());
      ASSERT_EQ(Fail({delivery}, "boom", delay), std::vector<RetryResult>{RetryResult::kRetryScheduled});
      due[failed_at + delay].insert(delivery.event.event_id);
    }

    received.clear();
    for (const auto& [when, event_ids] : due) {
      clock_.Set(when - 1);
      EXPECT_TRUE(Receive(kEvents).empty()) << "1 ms before " << when - failed_at << " ms";
      clock_.Set(when);
      const std::vector<ShareDelivery> back = Receive(kEvents);
      const std::vector<std::string> ids = EventIdsOf(back);
      EXPECT_EQ(std::multiset<std::string>(ids.begin(), ids.end()), event_ids)
          << "at " << when - failed_at << " ms";
      for (const ShareDelivery& delivery : back) EXPECT_EQ(delivery.receive_count, attempt + 1);
      received.insert(received.end(), back.begin(), back.end());
    }
    ASSERT_EQ(received.size(), static_cast<std::size_t>(kEvents));
  }

  EXPECT_EQ(Fail(received), std::vector<RetryResult>(kEvents, RetryResult::kDeadLettered));
  clock_.Advance(kVisibilityMs + backoff.max_delay_ms);
  EXPECT_TRUE(Receive().empty()) << "dead letters are not delivered";
  EXPECT_EQ(MustListDeadLetters().size(), static_cast<std::size_t>(kEvents));
}

TEST_P(ShareQueueTimingTest, AnExpiredDeliveryCountsAgainstMaxReceives) {
  MustSendNew(kAlice, "itm_a");
  std::vector<ShareDelivery> received;
  for (int delivery = 1; delivery <= kMaxReceives; ++delivery) {
    received = Receive();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].receive_count, delivery);
    if (delivery < kMaxReceives) clock_.Advance(kVisibilityMs);  // the consumer died
  }

  EXPECT_EQ(Fail(received), std::vector<RetryResult>{RetryResult::kDeadLettered})
      << "the failure of the last allowed delivery dead-letters";
  EXPECT_EQ(MustListDeadLetters().size(), 1u);
}

}  // namespace wdrbe::contract
