// AtomicShareSender (queue/atomic_share_sender.hpp), where a backend has
// one: a share is admitted and its event queued in one commit. It must
// decide exactly as AdmitShare does, queue the event only when the
// admission needs a send, and leave the key completed.
#pragma once

#include "contract/contract_suites.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/domain/ulid.hpp"

namespace wdrbe::contract {

// What ShareService hands the sender: the request's fields, without the
// event id and timestamp that the admission decides.
inline ShareEvent UnadmittedEvent(const AdmitShareCommand& command) {
  return ShareEvent{"", command.user_id, command.item_id, 0, "req_1", kTraceContext};
}

TEST_P(AtomicShareSenderTest, ANewShareIsAdmittedAndItsEventQueuedWithTheAdmissionsIdAndTime) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  clock_.Set(kT0 + 50);
  const AdmitShareCommand command = AdmitCommand(kAlice, "itm_a", "k1");

  Result<ShareAdmission> admitted = RunTask(sender()->AdmitAndSend(command, UnadmittedEvent(command)));

  ASSERT_TRUE(Succeeded(admitted));
  EXPECT_EQ(admitted->event_id, command.event_id);
  EXPECT_FALSE(admitted->replayed);
  EXPECT_TRUE(admitted->needs_send);
  const std::vector<ShareDelivery> received = Receive();  // visible now
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].event,
            (ShareEvent{command.event_id, kAlice, "itm_a", kT0 + 50, "req_1", kTraceContext}));
}

TEST_P(AtomicShareSenderTest, AKeyedReplayQueuesNothingMoreBecauseTheKeyIsCompleted) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  const AdmitShareCommand first = AdmitCommand(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(RunTask(sender()->AdmitAndSend(first, UnadmittedEvent(first)))));
  clock_.Advance(1000);
  const AdmitShareCommand again = AdmitCommand(kAlice, "itm_a", "k1");

  Result<ShareAdmission> replay = RunTask(sender()->AdmitAndSend(again, UnadmittedEvent(again)));
  Result<ShareAdmission> generic_replay = Admit(kAlice, "itm_a", "k1");

  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->event_id, first.event_id);
  EXPECT_TRUE(replay->replayed);
  EXPECT_FALSE(replay->needs_send);
  ASSERT_TRUE(Succeeded(generic_replay));
  EXPECT_FALSE(generic_replay->needs_send) << "the store's own record says the event was sent";
  EXPECT_EQ(EventIdsOf(Receive()), std::vector<std::string>{first.event_id}) << "queued once";
}

TEST_P(AtomicShareSenderTest, ARefusedShareQueuesNothingAndRemembersNoKey) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_b", EveryField(), kT0));
  const AdmitShareCommand bobs = AdmitCommand(kBob, "itm_a", "k1");
  const AdmitShareCommand missing = AdmitCommand(kAlice, "itm_missing", "k1");
  const AdmitShareCommand first = AdmitCommand(kAlice, "itm_a", "k2");
  const AdmitShareCommand reused = AdmitCommand(kAlice, "itm_b", "k2");

  EXPECT_TRUE(FailedWith(RunTask(sender()->AdmitAndSend(bobs, UnadmittedEvent(bobs))), ErrorCode::kNotFound));
  EXPECT_TRUE(
      FailedWith(RunTask(sender()->AdmitAndSend(missing, UnadmittedEvent(missing))), ErrorCode::kNotFound));
  ASSERT_TRUE(Succeeded(RunTask(sender()->AdmitAndSend(first, UnadmittedEvent(first)))));
  EXPECT_TRUE(FailedWith(RunTask(sender()->AdmitAndSend(reused, UnadmittedEvent(reused))),
                         ErrorCode::kIdempotencyKeyReused));

  EXPECT_EQ(EventIdsOf(Receive()), std::vector<std::string>{first.event_id});
  Result<ShareAdmission> k1 = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(k1));
  EXPECT_FALSE(k1->replayed) << "the refused shares did not claim k1";
}

TEST_P(AtomicShareSenderTest, ShareServiceOnTheFastPathWakesTheWorkerOncePerNewShare) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  int sent = 0;
  ShareService service(store(), queue(), sender(), clock_, ids, [&sent] { ++sent; });

  Result<AcceptedShare> first = RunTask(service.Share(ShareRequest{kAlice, "itm_a", "k1", "req_1", ""}));
  Result<AcceptedShare> replay = RunTask(service.Share(ShareRequest{kAlice, "itm_a", "k1", "req_2", ""}));
  Result<AcceptedShare> unkeyed =
      RunTask(service.Share(ShareRequest{kAlice, "itm_a", std::nullopt, "req_3", ""}));

  ASSERT_TRUE(Succeeded(first));
  ASSERT_TRUE(Succeeded(replay));
  ASSERT_TRUE(Succeeded(unkeyed));
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(sent, 2) << "the keyed share and the unkeyed one; never the replay";
  EXPECT_EQ(Receive().size(), 2u);
}

}  // namespace wdrbe::contract
