// The store's half of a share (domain/share_rules.hpp): AdmitShare checks
// ownership and the request's Idempotency-Key before the event is sent;
// ApplyShares applies a received event to its item exactly once per event id.
#pragma once

#include <boost/json/parse.hpp>
#include <set>

#include "contract/contract_suites.hpp"

namespace wdrbe::contract {

// --- AdmitShare: ownership -------------------------------------------------------------

TEST_P(ItemStoreShareTest, TheOwnersShareIsAdmittedAsANewEventMadeNow) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  clock_.Set(kT0 + 50);
  const AdmitShareCommand command = AdmitCommand(kAlice, "itm_a");

  Result<ShareAdmission> admitted = RunTask(store().AdmitShare(command));

  ASSERT_TRUE(Succeeded(admitted));
  EXPECT_EQ(admitted->event_id, command.event_id);
  EXPECT_EQ(admitted->event_timestamp_ms, kT0 + 50);
  EXPECT_FALSE(admitted->replayed);
  EXPECT_TRUE(admitted->needs_send);
}

TEST_P(ItemStoreShareTest, OnlyTheOwnerMayShareAsOnlyTheOwnerMayPatch) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));

  EXPECT_TRUE(FailedWith(Admit(kBob, "itm_a"), ErrorCode::kNotFound)) << "private: as if it did not exist";
  EXPECT_TRUE(FailedWith(Admit(kAlice, "itm_missing"), ErrorCode::kNotFound));
  MarkShared("itm_a");
  EXPECT_TRUE(FailedWith(Admit(kBob, "itm_a"), ErrorCode::kForbidden))
      << "public: visible, but only the owner shares";
  EXPECT_TRUE(Succeeded(Admit(kAlice, "itm_a")));
}

TEST_P(ItemStoreShareTest, AShareOfADeletedItemIsNotFound) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_a"))));

  EXPECT_TRUE(FailedWith(Admit(kAlice, "itm_a"), ErrorCode::kNotFound));
}

TEST_P(ItemStoreShareTest, SharesWithoutAKeyAreEachANewEvent) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));

  Result<ShareAdmission> first = Admit(kAlice, "itm_a");
  Result<ShareAdmission> second = Admit(kAlice, "itm_a");

  ASSERT_TRUE(Succeeded(first));
  ASSERT_TRUE(Succeeded(second));
  EXPECT_NE(first->event_id, second->event_id);
  EXPECT_FALSE(second->replayed);
  EXPECT_TRUE(second->needs_send);
}

// --- AdmitShare: Idempotency-Key -----------------------------------------------------

TEST_P(ItemStoreShareTest, AKeyReplaysItsEventAndAsksForASendUntilTheKeyIsCompleted) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  Result<ShareAdmission> first = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(first));
  EXPECT_FALSE(first->replayed);
  EXPECT_TRUE(first->needs_send);
  clock_.Advance(1000);

  // The first send was never confirmed: a replay must send the event again.
  Result<ShareAdmission> before_completion = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(before_completion));
  EXPECT_EQ(before_completion->event_id, first->event_id);
  EXPECT_EQ(before_completion->event_timestamp_ms, first->event_timestamp_ms);
  EXPECT_TRUE(before_completion->replayed);
  EXPECT_TRUE(before_completion->needs_send);

  ASSERT_TRUE(Succeeded(RunTask(store().CompleteShareKey(kAlice, "k1"))));
  Result<ShareAdmission> after_completion = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(after_completion));
  EXPECT_EQ(after_completion->event_id, first->event_id);
  EXPECT_EQ(after_completion->event_timestamp_ms, first->event_timestamp_ms);
  EXPECT_TRUE(after_completion->replayed);
  EXPECT_FALSE(after_completion->needs_send);
}

TEST_P(ItemStoreShareTest, AKeyStillReplaysItsEventOnceAppliedOrAfterTheItemIsGone) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  Result<ShareAdmission> first = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(first));
  ASSERT_TRUE(Succeeded(RunTask(store().CompleteShareKey(kAlice, "k1"))));
  ASSERT_EQ(MustApply(EventOf(*first, kAlice, "itm_a")), ShareApplication::kApplied);

  Result<ShareAdmission> once_applied = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_a"))));
  Result<ShareAdmission> item_gone = Admit(kAlice, "itm_a", "k1");

  for (const Result<ShareAdmission>* replay : {&once_applied, &item_gone}) {
    ASSERT_TRUE(Succeeded(*replay));
    EXPECT_EQ((*replay)->event_id, first->event_id);
    EXPECT_TRUE((*replay)->replayed);
    EXPECT_FALSE((*replay)->needs_send);
  }
}

TEST_P(ItemStoreShareTest, ConcurrentSharesWithOneKeyAdmitExactlyOneEvent) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  std::vector<Task<Result<ShareAdmission>>> admissions;
  for (int i = 0; i < 20; ++i) admissions.push_back(store().AdmitShare(AdmitCommand(kAlice, "itm_a", "k1")));

  const std::vector<Result<ShareAdmission>> results = RunAll(std::move(admissions));

  int new_events = 0;
  std::set<std::string> event_ids;
  for (const Result<ShareAdmission>& result : results) {
    ASSERT_TRUE(Succeeded(result));
    new_events += result->replayed ? 0 : 1;
    event_ids.insert(result->event_id);
  }
  EXPECT_EQ(new_events, 1);
  EXPECT_EQ(event_ids.size(), 1u) << "every request answers with the one event";
}

TEST_P(ItemStoreShareTest, AKeyUsedForAnotherItemIsReusedAndKeepsItsFirstItem) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_b", EveryField(), kT0));
  Result<ShareAdmission> first = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(first));

  EXPECT_TRUE(FailedWith(Admit(kAlice, "itm_b", "k1"), ErrorCode::kIdempotencyKeyReused));

  Result<ShareAdmission> replay = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->event_id, first->event_id);
}

TEST_P(ItemStoreShareTest, IdempotencyKeysBelongToTheirUser) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustCreate(NewItem(kBob, "itm_b", EveryField(), kT0));

  Result<ShareAdmission> alices = Admit(kAlice, "itm_a", "same-key");
  Result<ShareAdmission> bobs = Admit(kBob, "itm_b", "same-key");

  ASSERT_TRUE(Succeeded(alices));
  ASSERT_TRUE(Succeeded(bobs));
  EXPECT_NE(alices->event_id, bobs->event_id);
  EXPECT_FALSE(bobs->replayed);
}

TEST_P(ItemStoreShareTest, ARefusedShareDoesNotRememberItsKey) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  ASSERT_TRUE(FailedWith(Admit(kAlice, "itm_missing", "k1"), ErrorCode::kNotFound));

  Result<ShareAdmission> shared = Admit(kAlice, "itm_a", "k1");

  ASSERT_TRUE(Succeeded(shared)) << "the refused share must not have claimed the key";
  EXPECT_FALSE(shared->replayed);
}

TEST_P(ItemStoreShareTest, AKeyIsForgottenAfterTheIdempotencyWindow) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  Result<ShareAdmission> first = Admit(kAlice, "itm_a", "k1");
  ASSERT_TRUE(Succeeded(first));

  clock_.Advance(kIdempotencyWindowMs - 1);
  Result<ShareAdmission> within = Admit(kAlice, "itm_a", "k1");
  clock_.Advance(1);
  Result<ShareAdmission> after = Admit(kAlice, "itm_a", "k1");

  ASSERT_TRUE(Succeeded(within));
  EXPECT_EQ(within->event_id, first->event_id);
  ASSERT_TRUE(Succeeded(after));
  EXPECT_NE(after->event_id, first->event_id) << "a key older than the window is a new share";
  EXPECT_FALSE(after->replayed);
}

TEST_P(ItemStoreShareTest, ACreateKeyAndAShareKeyOfOneNameNeverCollide) {
  MustCreate(NewItemWithKey(kAlice, "itm_a", EveryField(), kT0, "k1", "fp-1"));

  Result<ShareAdmission> shared = Admit(kAlice, "itm_a", "k1");
  Result<CreateItemResult> create_replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_x", EveryField(), kT0 + 1, "k1", "fp-1")));

  ASSERT_TRUE(Succeeded(shared));
  EXPECT_FALSE(shared->replayed);
  ASSERT_TRUE(Succeeded(create_replay));
  EXPECT_EQ(create_replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(create_replay->item.item_id, "itm_a");
}

TEST_P(ItemStoreShareTest, CompletingAKeyTouchesOnlyThatUsersRecordAndAMissingOneIsNoError) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustCreate(NewItem(kBob, "itm_b", EveryField(), kT0));
  ASSERT_TRUE(Succeeded(Admit(kAlice, "itm_a", "k1")));
  ASSERT_TRUE(Succeeded(Admit(kBob, "itm_b", "k1")));

  EXPECT_TRUE(Succeeded(RunTask(store().CompleteShareKey(kAlice, "k1"))));
  EXPECT_TRUE(Succeeded(RunTask(store().CompleteShareKey(kAlice, "never-used"))));

  Result<ShareAdmission> alices = Admit(kAlice, "itm_a", "k1");
  Result<ShareAdmission> bobs = Admit(kBob, "itm_b", "k1");
  ASSERT_TRUE(Succeeded(alices));
  EXPECT_FALSE(alices->needs_send);
  ASSERT_TRUE(Succeeded(bobs));
  EXPECT_TRUE(bobs->needs_send) << "Bob's send was never confirmed";
}

// --- ApplyShares -------------------------------------------------------------------------

TEST_P(ItemStoreShareTest, AnAppliedShareMakesTheItemPublicCountsItAndRecordsAnActivity) {
  const Item before = MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  const ShareEvent event = NewEvent(kAlice, "itm_a");
  clock_.Set(kT0 + 5);
  const ApplyShareCommand command = ApplyCommand(event);

  EXPECT_EQ(MustApply(command), ShareApplication::kApplied);

  const Item after = MustGet("itm_a");
  EXPECT_EQ(after.shared_count, 1);
  EXPECT_TRUE(after.is_public);
  EXPECT_EQ(after.updated_at_ms, kT0 + 5);
  EXPECT_EQ(after.fields, before.fields) << "a share changes nothing else";
  EXPECT_EQ(after.created_at_ms, before.created_at_ms);
  const std::vector<Activity> shared = SharedActivities(kAlice);
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0].activity_id, command.activity_id);
  EXPECT_EQ(shared[0].user_id, kAlice);
  EXPECT_EQ(shared[0].item_id, "itm_a");
  EXPECT_EQ(shared[0].item_name, before.fields.name);
  EXPECT_EQ(shared[0].timestamp_ms, kT0 + 5);
  EXPECT_EQ(boost::json::parse(shared[0].metadata_json),
            boost::json::parse(R"({"action":"share","eventId":")" + event.event_id + "\"}"));
}

TEST_P(ItemStoreShareTest, ASecondApplicationOfOneEventIdChangesNothing) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  const ShareEvent event = NewEvent(kAlice, "itm_a");
  ASSERT_EQ(MustApply(event), ShareApplication::kApplied);
  const Item applied = MustGet("itm_a");
  clock_.Advance(5000);

  EXPECT_EQ(MustApply(event), ShareApplication::kAlreadyApplied);

  EXPECT_EQ(MustGet("itm_a"), applied);
  EXPECT_EQ(SharedActivities(kAlice).size(), 1u);
}

TEST_P(ItemStoreShareTest, EventsWithDistinctIdsAreEachApplied) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));

  EXPECT_EQ(MustApply(NewEvent(kAlice, "itm_a")), ShareApplication::kApplied);
  EXPECT_EQ(MustApply(NewEvent(kAlice, "itm_a")), ShareApplication::kApplied);

  EXPECT_EQ(MustGet("itm_a").shared_count, 2);
  EXPECT_EQ(SharedActivities(kAlice).size(), 2u);
}

TEST_P(ItemStoreShareTest, AnEventOfADeletedItemIsItemNotFoundAndNeverAppliedLater) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  const ShareEvent event = NewEvent(kAlice, "itm_a");
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_a"))));

  EXPECT_EQ(MustApply(event), ShareApplication::kItemNotFound);

  // An item made later under the same id is not the item that was shared.
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0 + 10));
  EXPECT_EQ(MustApply(event), ShareApplication::kAlreadyApplied);
  EXPECT_EQ(MustGet("itm_a").shared_count, 0);
  EXPECT_TRUE(SharedActivities(kAlice).empty());
}

TEST_P(ItemStoreShareTest, AnEventOfAnItemWhoseIdAnotherUserTookIsItemNotFound) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  const ShareEvent event = NewEvent(kAlice, "itm_a");
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_a"))));
  const Item bobs = MustCreate(NewItem(kBob, "itm_a", Fields("Bob's private thing", "secret"), kT0 + 10));

  EXPECT_EQ(MustApply(event), ShareApplication::kItemNotFound);

  EXPECT_EQ(MustGet("itm_a"), bobs) << "Bob's item stays private and unshared";
  EXPECT_TRUE(SharedActivities(kAlice).empty());
  EXPECT_TRUE(SharedActivities(kBob).empty());
}

TEST_P(ItemStoreShareTest, BatchMembersAreIndependentAndAnsweredInOrder) {
  for (const char* id : {"itm_1", "itm_2", "itm_3", "itm_4"})
    MustCreate(NewItem(kAlice, id, EveryField(), kT0));
  const ShareEvent applied_before = NewEvent(kAlice, "itm_2");
  ASSERT_EQ(MustApply(applied_before), ShareApplication::kApplied);
  const ShareEvent first = NewEvent(kAlice, "itm_1");
  const ShareEvent item_gone = NewEvent(kAlice, "itm_3");
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_3"))));

  const std::vector<Result<ShareApplication>> results =
      Apply({ApplyCommand(first), ApplyCommand(applied_before), ApplyCommand(item_gone),
             ApplyCommand(NewEvent(kAlice, "itm_4")), ApplyCommand(first)});

  ASSERT_EQ(results.size(), 5u);
  const std::vector<ShareApplication> expected{ShareApplication::kApplied, ShareApplication::kAlreadyApplied,
                                               ShareApplication::kItemNotFound, ShareApplication::kApplied,
                                               ShareApplication::kAlreadyApplied};
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(Succeeded(results[i])) << "command " << i;
    EXPECT_EQ(*results[i], expected[i]) << "command " << i;
  }
  EXPECT_EQ(MustGet("itm_1").shared_count, 1) << "one event id twice in a batch applies once";
  EXPECT_EQ(MustGet("itm_2").shared_count, 1);
  EXPECT_EQ(MustGet("itm_4").shared_count, 1);
  EXPECT_EQ(SharedActivities(kAlice).size(), 3u);
}

TEST_P(ItemStoreShareTest, ConcurrentApplicationsOfOneEventApplyItOnce) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  const ShareEvent event = NewEvent(kAlice, "itm_a");
  std::vector<Task<std::vector<Result<ShareApplication>>>> applications;
  for (int i = 0; i < 3; ++i) {
    std::vector<ApplyShareCommand> batch{ApplyCommand(event)};
    applications.push_back(store().ApplyShares(std::move(batch)));
  }

  int applied = 0;
  for (const auto& results : RunAll(std::move(applications))) {
    ASSERT_EQ(results.size(), 1u);
    ASSERT_TRUE(Succeeded(results[0]));
    applied += *results[0] == ShareApplication::kApplied ? 1 : 0;
  }

  EXPECT_EQ(applied, 1);
  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
  EXPECT_EQ(SharedActivities(kAlice).size(), 1u);
}

}  // namespace wdrbe::contract
