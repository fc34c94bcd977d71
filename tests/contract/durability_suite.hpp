// What a backend that survives a reopen keeps: every write acknowledged
// before the ports were closed is there when they are opened again over the
// same data, with the same meaning (keys still replay, applied events stay
// applied, queued events and dead letters wait).
#pragma once

#include "contract/contract_suites.hpp"

namespace wdrbe::contract {

TEST_P(DurabilityTest, ItemsActivitiesAndCreateKeysSurviveClosingAndReopening) {
  MustCreate(NewItemWithKey(kAlice, "itm_1", EveryField(), kT0, "key-1", "fp-1"));
  MustCreate(NewItem(kAlice, "itm_2", Fields("Tee", "tops", "summer"), kT0 + 1));
  MustCreate(NewItem(kBob, "itm_3", Fields("Cap", "accessories"), kT0 + 2));
  ASSERT_TRUE(Succeeded(RunTask(store().UpdateItem(kAlice, "itm_1", Patch().Color(SetTo("red")), kT0 + 3))));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_2"))));
  const std::vector<Item> items = AllItems(kAlice);
  const std::vector<Activity> activities = AllActivities(kAlice);
  const Item bobs = MustGet("itm_3");

  Reopen();

  EXPECT_EQ(AllItems(kAlice), items);
  EXPECT_EQ(AllActivities(kAlice), activities);
  EXPECT_EQ(MustGet("itm_3"), bobs);
  EXPECT_TRUE(FailedWith(RunTask(store().GetItem("itm_2")), ErrorCode::kNotFound));
  Result<CreateItemResult> replay =
      RunTask(store().CreateItem(NewItemWithKey(kAlice, "itm_9", EveryField(), kT0 + 4, "key-1", "fp-1")));
  ASSERT_TRUE(Succeeded(replay));
  EXPECT_EQ(replay->outcome, CreateOutcome::kReplayed);
  EXPECT_EQ(replay->item.fields.color, "red");
}

TEST_P(DurabilityTest, ShareKeysAndAppliedEventsSurviveClosingAndReopening) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  Result<ShareAdmission> completed = Admit(kAlice, "itm_a", "k-sent");
  Result<ShareAdmission> unconfirmed = Admit(kAlice, "itm_a", "k-unsent");
  ASSERT_TRUE(Succeeded(completed));
  ASSERT_TRUE(Succeeded(unconfirmed));
  ASSERT_TRUE(Succeeded(RunTask(store().CompleteShareKey(kAlice, "k-sent"))));
  const ShareEvent applied = NewEvent(kAlice, "itm_a");
  ASSERT_EQ(MustApply(applied), ShareApplication::kApplied);
  const Item shared = MustGet("itm_a");

  Reopen();

  Result<ShareAdmission> completed_replay = Admit(kAlice, "itm_a", "k-sent");
  Result<ShareAdmission> unconfirmed_replay = Admit(kAlice, "itm_a", "k-unsent");
  ASSERT_TRUE(Succeeded(completed_replay));
  EXPECT_EQ(completed_replay->event_id, completed->event_id);
  EXPECT_FALSE(completed_replay->needs_send);
  ASSERT_TRUE(Succeeded(unconfirmed_replay));
  EXPECT_EQ(unconfirmed_replay->event_id, unconfirmed->event_id);
  EXPECT_TRUE(unconfirmed_replay->needs_send);
  EXPECT_EQ(MustApply(applied), ShareApplication::kAlreadyApplied);
  EXPECT_EQ(MustGet("itm_a"), shared);
}

TEST_P(DurabilityTest, QueuedEventsAndDeadLettersSurviveClosingAndReopening) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_a");
  const ShareEvent queued = MustSendNew(kAlice, "itm_b");
  const std::vector<DeadLetter> letters = MustListDeadLetters();

  Reopen();

  const std::vector<ShareDelivery> received = Receive();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].event, queued);
  EXPECT_EQ(received[0].receive_count, 1);
  const std::vector<DeadLetter> reopened = MustListDeadLetters();
  ASSERT_EQ(reopened.size(), 1u);
  EXPECT_EQ(reopened[0].event, dead);
  EXPECT_EQ(reopened[0].attempts, letters[0].attempts);
  EXPECT_EQ(reopened[0].last_error, letters[0].last_error);
  EXPECT_EQ(reopened[0].history_json, letters[0].history_json);
}

}  // namespace wdrbe::contract
