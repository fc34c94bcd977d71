// The ports together, as the share endpoint and the share worker use them:
// the store admits a share and the event is sent; the worker receives it,
// ShareEventHandler applies it through the store, and the delivery is
// deleted. The guard that matters most: an event delivered again after it
// was applied (a lost acknowledgement, an operator's redrive) changes nothing.
#pragma once

#include <boost/json/parse.hpp>

#include "contract/contract_suites.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/domain/ulid.hpp"

namespace wdrbe::contract {

TEST_P(SharePipelineTest, AnEventDeliveredAgainAfterItWasAppliedChangesNothing) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  ShareEventHandler handler(store(), nullptr, clock_, ids);  // the generic path: the caller deletes
  Result<ShareAdmission> admitted = Admit(kAlice, "itm_a");
  ASSERT_TRUE(Succeeded(admitted));
  const ShareEvent event = EventOf(*admitted, kAlice, "itm_a");
  MustSend(event);

  const std::vector<ShareDelivery> first = Receive();
  ASSERT_EQ(first.size(), 1u);
  const std::vector<HandledShare> applied = RunTask(handler.Handle(first));
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].application, ShareApplication::kApplied);
  EXPECT_EQ(applied[0].acknowledged, std::nullopt) << "deleting is the worker's";
  EXPECT_EQ(Delete(first), std::vector<AckResult>{AckResult::kDeleted});

  // The same event once more, as an operator's redrive would send it.
  MustSend(event);
  const std::vector<ShareDelivery> second = Receive();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].event, event);
  const std::vector<HandledShare> again = RunTask(handler.Handle(second));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].application, ShareApplication::kAlreadyApplied)
      << "done: acknowledge it, change nothing";
  EXPECT_EQ(again[0].error, std::nullopt);
  EXPECT_EQ(Delete(second), std::vector<AckResult>{AckResult::kDeleted});

  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
  const std::vector<Activity> shared = SharedActivities(kAlice);
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(boost::json::parse(shared[0].metadata_json).at("eventId").as_string(), event.event_id);
  EXPECT_TRUE(Receive().empty());
}

TEST_P(SharePipelineTest, AnEventWhoseItemWasDeletedIsDoneAndNotDeliveredAgain) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  ShareEventHandler handler(store(), nullptr, clock_, ids);  // the generic path: the caller deletes
  Result<ShareAdmission> admitted = Admit(kAlice, "itm_a");
  ASSERT_TRUE(Succeeded(admitted));
  MustSend(EventOf(*admitted, kAlice, "itm_a"));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_a"))));

  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 1u);
  const std::vector<HandledShare> handled = RunTask(handler.Handle(received));

  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].application, ShareApplication::kItemNotFound) << "done: nothing to retry";
  EXPECT_EQ(Delete(received), std::vector<AckResult>{AckResult::kDeleted});
  EXPECT_TRUE(Receive().empty());
  EXPECT_TRUE(MustListDeadLetters().empty());
  EXPECT_TRUE(SharedActivities(kAlice).empty());
}

TEST_P(SharePipelineTest, AKeyedShareRequestedTwiceThroughTheServiceReachesItsItemOnce) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  int sent = 0;
  ShareService service(store(), queue(), nullptr, clock_, ids, [&sent] { ++sent; });
  ShareEventHandler handler(store(), nullptr, clock_, ids);  // the generic path: the caller deletes

  Result<AcceptedShare> first =
      RunTask(service.Share(ShareRequest{kAlice, "itm_a", "k1", "req_1", kTraceContext}));
  Result<AcceptedShare> again =
      RunTask(service.Share(ShareRequest{kAlice, "itm_a", "k1", "req_2", kTraceContext}));

  ASSERT_TRUE(Succeeded(first));
  ASSERT_TRUE(Succeeded(again));
  EXPECT_EQ(again->event_id, first->event_id);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(sent, 1);
  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 1u) << "one event on the queue";
  EXPECT_EQ(received[0].event.event_id, first->event_id);
  EXPECT_EQ(received[0].event.request_id, "req_1");
  EXPECT_EQ(received[0].event.trace_context, kTraceContext);
  const std::vector<HandledShare> handled = RunTask(handler.Handle(received));
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].application, ShareApplication::kApplied);
  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
}

}  // namespace wdrbe::contract
