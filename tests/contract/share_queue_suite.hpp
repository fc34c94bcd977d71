// The ShareQueue contract (queue/share_queue.hpp) that every engine keeps on
// its own clock: what is received and in which order, that a delivery hides
// its event, acknowledgements, retries, releases, dead-lettering after
// max_receives, and stale handles. What needs a clock the test moves is in
// share_queue_timing_suite.hpp; exact depths in queue_depth_suite.hpp.
#pragma once

#include <set>
#include <thread>

#include "contract/contract_suites.hpp"

namespace wdrbe::contract {

TEST_P(ShareQueueTest, TheQueueDeclaresTheCapabilitiesItsBackendClaims) {
  const QueueCapabilities declared = GetParam().queue_capabilities;
  EXPECT_EQ(queue().capabilities().exact_depth, declared.exact_depth);
  EXPECT_EQ(queue().capabilities().injected_clock, declared.injected_clock);
  EXPECT_EQ(queue().capabilities().detects_stale_handles, declared.detects_stale_handles);
  EXPECT_EQ(queue().capabilities().uncounted_release, declared.uncounted_release);
  EXPECT_EQ(queue().capabilities().full_failure_history, declared.full_failure_history);
  EXPECT_EQ(queue().capabilities().deduplicated_sends, declared.deduplicated_sends);
}

// --- Send and Receive ----------------------------------------------------------------------

TEST_P(ShareQueueTest, AnEmptyQueueReceivesNothing) { EXPECT_TRUE(Receive().empty()); }

TEST_P(ShareQueueTest, ReceiveHandsOutTheOldestFirstUpToMaxWithEachEventWhole) {
  std::vector<ShareEvent> sent;
  for (int i = 0; i < 5; ++i) {
    sent.push_back(MustSendNew(kAlice, "itm_a"));
    clock_.Advance(1);
  }

  const std::vector<ShareDelivery> first = Receive(3);
  ASSERT_EQ(first.size(), 3u);
  std::set<std::string> handles;
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].event, sent[i]) << "the event travels whole (request id, trace context), oldest first";
    EXPECT_EQ(first[i].receive_count, 1);
    handles.insert(first[i].receipt_handle);
  }
  EXPECT_EQ(handles.size(), 3u) << "every delivery has its own receipt handle";
  const std::vector<ShareDelivery> rest = Receive(10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].event, sent[3]);
  EXPECT_EQ(rest[1].event, sent[4]);
  EXPECT_TRUE(Receive(10).empty());
}

TEST_P(ShareQueueTest, TheQueueKnowsNothingOfItemsAndDeliversAnyEvent) {
  const ShareEvent event = MustSendNew(kBob, "itm_that_no_store_holds");

  const std::vector<ShareDelivery> received = Receive();

  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].event, event);
}

TEST_P(ShareQueueTest, AReceivedEventIsHiddenFromOtherReceivers) {
  MustSendNew(kAlice, "itm_a");
  ASSERT_EQ(Receive().size(), 1u);

  EXPECT_TRUE(Receive().empty()) << "in flight: invisible until its visibility timeout ends";
}

TEST_P(ShareQueueTest, AnEventSentWithADelayIsNotReceivedAtOnce) {
  MustSend(NewEvent(kAlice, "itm_a"), 60'000);

  EXPECT_TRUE(Receive().empty());
}

TEST_P(ShareQueueTest, ConcurrentReceivesNeverHandOneEventOutTwice) {
  std::set<std::string> sent;
  for (int i = 0; i < 24; ++i) sent.insert(MustSendNew(kAlice, "itm_a").event_id);
  std::vector<Task<Result<std::vector<ShareDelivery>>>> receives;
  for (int i = 0; i < 4; ++i) receives.push_back(queue().Receive(10, kVisibilityMs));

  std::multiset<std::string> received;
  for (const auto& batch : RunAll(std::move(receives))) {
    ASSERT_TRUE(Succeeded(batch));
    EXPECT_LE(batch->size(), 10u);
    for (const ShareDelivery& delivery : *batch) received.insert(delivery.event.event_id);
  }

  EXPECT_EQ(received.size(), sent.size());
  EXPECT_EQ(std::set<std::string>(received.begin(), received.end()), sent)
      << "each event received exactly once";
}

TEST_P(ShareQueueTest, ReceivesFromManyThreadsAtOnceNeverHandOneEventOutTwice) {
  constexpr int kThreads = 4;
  constexpr int kEvents = 40;
  std::set<std::string> sent;
  for (int i = 0; i < kEvents; ++i) sent.insert(MustSendNew(kAlice, "itm_a").event_id);
  std::vector<std::vector<std::string>> received(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, &ids = received[t]] {
      for (int receives = 0; receives < kEvents; ++receives) {  // bounded, should the queue repeat itself
        Result<std::vector<ShareDelivery>> batch = RunTask(queue().Receive(3, kVisibilityMs));
        if (!batch.ok() || batch->empty()) return;
        for (const ShareDelivery& delivery : *batch) ids.push_back(delivery.event.event_id);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::multiset<std::string> all;
  for (const auto& ids : received) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), sent.size());
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), sent) << "each event received exactly once";
}

// --- Delete ------------------------------------------------------------------------------

TEST_P(ShareQueueTest, ADeletedEventLeavesTheQueue) {
  MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 1u);

  EXPECT_EQ(Delete(received), std::vector<AckResult>{AckResult::kDeleted});

  EXPECT_TRUE(Receive().empty());
}

TEST_P(ShareQueueStaleHandleTest, ADeletedEventLeavesTheQueueAndItsHandleGoesStale) {
  MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 1u);

  EXPECT_EQ(Delete(received), std::vector<AckResult>{AckResult::kDeleted});

  EXPECT_EQ(Delete(received), std::vector<AckResult>{AckResult::kLeaseLost}) << "the event is gone";
  EXPECT_EQ(Fail(received), std::vector<RetryResult>{RetryResult::kLeaseLost});
  EXPECT_TRUE(Receive().empty());
}

TEST_P(ShareQueueTest, AnEventSentAgainAfterItWasDeletedIsDeliveredAgain) {
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  ASSERT_EQ(Delete(Receive()), std::vector<AckResult>{AckResult::kDeleted});

  MustSend(event);

  const std::vector<ShareDelivery> again = Receive();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].event, event);
  EXPECT_EQ(again[0].receive_count, 1);
}

TEST_P(ShareQueueStaleHandleTest, ConcurrentDeletesOfOneDeliveryDeleteItOnce) {
  MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 1u);
  std::vector<Task<Result<std::vector<AckResult>>>> deletes;
  for (int i = 0; i < 3; ++i) deletes.push_back(queue().Delete(HandlesOf(received)));

  int deleted = 0;
  for (const auto& results : RunAll(std::move(deletes))) {
    ASSERT_TRUE(Succeeded(results));
    ASSERT_EQ(results->size(), 1u);
    deleted += (*results)[0] == AckResult::kDeleted ? 1 : 0;
  }
  EXPECT_EQ(deleted, 1);
}

TEST_P(ShareQueueTest, AHandleNobodyHoldsChangesNothing) {
  MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> held = Receive();
  ASSERT_EQ(held.size(), 1u);
  ShareDelivery made_up = held[0];
  made_up.receipt_handle = "a-receipt-handle-nobody-holds";
  ShareDelivery tampered = held[0];
  tampered.receipt_handle += "x";

  EXPECT_EQ(Delete({made_up, tampered}),
            (std::vector<AckResult>{AckResult::kLeaseLost, AckResult::kLeaseLost}));
  EXPECT_EQ(Fail({made_up, tampered}),
            (std::vector<RetryResult>{RetryResult::kLeaseLost, RetryResult::kLeaseLost}));
  Release({made_up, tampered});

  EXPECT_TRUE(Receive().empty()) << "the event is still its holder's";
  EXPECT_EQ(Delete(held), std::vector<AckResult>{AckResult::kDeleted});
}

TEST_P(ShareQueueTest, OneStaleHandleNeverAffectsItsBatchMates) {
  std::vector<ShareEvent> sent;
  for (const char* item : {"itm_1", "itm_2", "itm_3", "itm_4"}) sent.push_back(MustSendNew(kAlice, item));
  const std::vector<ShareDelivery> batch = Receive();
  ASSERT_EQ(batch.size(), 4u);
  ShareDelivery forged = batch[0];
  forged.receipt_handle = "a-receipt-handle-nobody-holds";

  EXPECT_EQ(Delete({batch[0], forged, batch[2]}),
            (std::vector<AckResult>{AckResult::kDeleted, AckResult::kLeaseLost, AckResult::kDeleted}));
  EXPECT_EQ(Fail({batch[1], forged}),
            (std::vector<RetryResult>{RetryResult::kRetryScheduled, RetryResult::kLeaseLost}));

  const std::vector<ShareDelivery> retried = Receive();
  ASSERT_EQ(retried.size(), 1u) << "only the retried event is visible; the fourth is still held";
  EXPECT_EQ(retried[0].event, sent[1]);
  EXPECT_EQ(Delete({batch[3]}), std::vector<AckResult>{AckResult::kDeleted});
}

// --- Retry and dead-lettering ------------------------------------------------------------

TEST_P(ShareQueueTest, ARetryWithoutDelayIsReceivedAgainAtOnceAsTheNextDeliveryWithANewHandle) {
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> first = Receive();
  ASSERT_EQ(first.size(), 1u);

  EXPECT_EQ(Fail(first), std::vector<RetryResult>{RetryResult::kRetryScheduled});

  const std::vector<ShareDelivery> second = Receive();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].event, event);
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_EQ(second[0].first_received_ms, first[0].first_received_ms);
  EXPECT_NE(second[0].receipt_handle, first[0].receipt_handle);
}

TEST_P(ShareQueueStaleHandleTest, ARetryWithoutDelayIsReceivedAgainAtOnceAsTheNextDelivery) {
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> first = Receive();
  ASSERT_EQ(first.size(), 1u);

  EXPECT_EQ(Fail(first), std::vector<RetryResult>{RetryResult::kRetryScheduled});

  const std::vector<ShareDelivery> second = Receive();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].event, event);
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_EQ(second[0].first_received_ms, first[0].first_received_ms);
  EXPECT_NE(second[0].receipt_handle, first[0].receipt_handle);
  EXPECT_EQ(Delete(first), std::vector<AckResult>{AckResult::kLeaseLost})
      << "the first delivery's handle is stale";
}

TEST_P(ShareQueueTest, ARetryWithADelayIsNotReceivedAtOnce) {
  MustSendNew(kAlice, "itm_a");
  ASSERT_EQ(Fail(Receive(), "boom", 60'000), std::vector<RetryResult>{RetryResult::kRetryScheduled});

  EXPECT_TRUE(Receive().empty());
}

TEST_P(ShareQueueTest, TheFailureOfTheMaxReceivesthDeliveryDeadLettersTheEvent) {
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  for (int delivery = 1; delivery < kMaxReceives; ++delivery) {
    const std::vector<ShareDelivery> received = Receive();
    ASSERT_EQ(received.size(), 1u) << "delivery " << delivery;
    EXPECT_EQ(received[0].receive_count, delivery);
    EXPECT_EQ(Fail(received), std::vector<RetryResult>{RetryResult::kRetryScheduled})
        << "delivery " << delivery;
  }
  const std::vector<ShareDelivery> last = Receive();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].receive_count, kMaxReceives);

  EXPECT_EQ(Fail(last, "still broken"), std::vector<RetryResult>{RetryResult::kDeadLettered});

  EXPECT_TRUE(Receive().empty()) << "dead letters are not delivered";
  const std::vector<DeadLetter> letters = MustListDeadLetters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].event, event);
  EXPECT_EQ(letters[0].last_error, "still broken");
}

// --- Release -----------------------------------------------------------------------------

TEST_P(ShareQueueTest, ReleasedDeliveriesAreVisibleAtOnce) {
  const ShareEvent a = MustSendNew(kAlice, "itm_a");
  const ShareEvent b = MustSendNew(kAlice, "itm_b");
  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 2u);

  Release(received);

  const std::vector<ShareDelivery> again = Receive();
  ASSERT_EQ(again.size(), 2u) << "visible at once: no visibility timeout had to end";
  const std::vector<std::string> ids = EventIdsOf(again);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), (std::set<std::string>{a.event_id, b.event_id}));
  EXPECT_EQ(Delete(again), (std::vector<AckResult>{AckResult::kDeleted, AckResult::kDeleted}));
}

TEST_P(ShareQueueUncountedReleaseTest, ReleasedDeliveriesAreVisibleAtOnceAndDoNotCountAgainstMaxReceives) {
  MustSendNew(kAlice, "itm_a");
  MustSendNew(kAlice, "itm_b");
  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 2u);

  Release(received);

  const std::vector<ShareDelivery> again = Receive();
  ASSERT_EQ(again.size(), 2u) << "visible at once: no visibility timeout had to end";
  for (const ShareDelivery& delivery : again)
    EXPECT_EQ(delivery.receive_count, 1) << "a released delivery is not one";
  // So an event still gets max_receives real deliveries before dead-lettering.
  EXPECT_EQ(Delete({again[1]}), std::vector<AckResult>{AckResult::kDeleted});
  std::vector<ShareDelivery> one{again[0]};
  for (int delivery = 1; delivery < kMaxReceives; ++delivery) {
    EXPECT_EQ(Fail(one), std::vector<RetryResult>{RetryResult::kRetryScheduled}) << "delivery " << delivery;
    one = Receive(1);
    ASSERT_EQ(one.size(), 1u);
  }
  EXPECT_EQ(one[0].receive_count, kMaxReceives);
  EXPECT_EQ(Fail(one), std::vector<RetryResult>{RetryResult::kDeadLettered});
}

}  // namespace wdrbe::contract
