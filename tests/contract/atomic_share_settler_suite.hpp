// AtomicShareSettler (queue/atomic_share_settler.hpp), where a backend has
// one: ShareEventHandler applies each delivery's event and deletes the
// delivery in one commit. It must keep every promise of the generic path
// (ApplyShares, then Delete): once per event id, a stale delivery deletes
// nothing, batch members are independent.
#pragma once

#include <map>

#include "contract/contract_suites.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/ulid.hpp"

namespace wdrbe::contract {

TEST_P(AtomicShareSettlerTest, AnEventDeliveredAgainAfterItWasAppliedChangesNothing) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  ShareEventHandler handler(store(), settler(), clock_, ids);
  const ShareEvent event = MustSendNew(kAlice, "itm_a");

  const std::vector<HandledShare> applied = RunTask(handler.Handle(Receive()));
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].application, ShareApplication::kApplied);
  EXPECT_EQ(applied[0].acknowledged, AckResult::kDeleted) << "deleted in the same commit";
  EXPECT_TRUE(Receive().empty());

  MustSend(event);  // as an operator's redrive would
  const std::vector<HandledShare> again = RunTask(handler.Handle(Receive()));

  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].application, ShareApplication::kAlreadyApplied);
  EXPECT_EQ(again[0].acknowledged, AckResult::kDeleted);
  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
  EXPECT_EQ(SharedActivities(kAlice).size(), 1u);
  EXPECT_TRUE(Receive().empty());
}

TEST_P(AtomicShareSettlerTest, AStaleDeliveryIsAppliedOnceButDeletesNothing) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  ShareEventHandler handler(store(), settler(), clock_, ids);
  MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> held = Receive();
  ASSERT_EQ(held.size(), 1u);
  ShareDelivery stale = held[0];
  stale.receipt_handle = "a-receipt-handle-nobody-holds";

  const std::vector<HandledShare> late = RunTask(handler.Handle({stale}));

  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].application, ShareApplication::kApplied) << "the effect counts whatever the handle";
  EXPECT_EQ(late[0].acknowledged, AckResult::kLeaseLost);
  EXPECT_TRUE(Receive().empty()) << "the event is still its holder's";
  const std::vector<HandledShare> current = RunTask(handler.Handle(held));
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].application, ShareApplication::kAlreadyApplied);
  EXPECT_EQ(current[0].acknowledged, AckResult::kDeleted);
  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
}

TEST_P(AtomicShareSettlerTest, BatchMembersAreSettledIndependentlyAndInOrder) {
  for (const char* id : {"itm_1", "itm_2", "itm_3"}) MustCreate(NewItem(kAlice, id, EveryField(), kT0));
  const ShareEvent applied_before = MustSendNew(kAlice, "itm_2");
  ASSERT_EQ(MustApply(applied_before), ShareApplication::kApplied);
  MustSendNew(kAlice, "itm_1");
  MustSendNew(kAlice, "itm_3");
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_3"))));
  UlidGenerator ids(clock_, random_);
  ShareEventHandler handler(store(), settler(), clock_, ids);
  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 3u);

  const std::vector<HandledShare> handled = RunTask(handler.Handle(received));

  ASSERT_EQ(handled.size(), 3u);
  const std::map<std::string, ShareApplication> expected{{"itm_1", ShareApplication::kApplied},
                                                         {"itm_2", ShareApplication::kAlreadyApplied},
                                                         {"itm_3", ShareApplication::kItemNotFound}};
  for (std::size_t i = 0; i < handled.size(); ++i) {
    SCOPED_TRACE(received[i].event.item_id);
    EXPECT_EQ(handled[i].application, expected.at(received[i].event.item_id))
        << "results in the deliveries' order";
    EXPECT_EQ(handled[i].acknowledged, AckResult::kDeleted);
  }
  EXPECT_EQ(MustGet("itm_1").shared_count, 1);
  EXPECT_EQ(MustGet("itm_2").shared_count, 1);
  EXPECT_TRUE(Receive().empty());
}

}  // namespace wdrbe::contract
