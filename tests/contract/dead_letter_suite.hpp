// The DeadLetterQueue contract (queue/dead_letter_queue.hpp): the events the
// share queue gave up on, with their attempt history, and the operator's
// redrive of one or all of them back to the queue with a fresh receive
// count. Since the store applies an event once per event id, redriving an
// event that was in fact applied changes nothing.
#pragma once

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <set>
#include <utility>

#include "contract/contract_suites.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/ulid.hpp"

namespace wdrbe::contract {

// The attempts of a dead letter's history_json, as (at, error) pairs.
inline std::vector<std::pair<std::int64_t, std::string>> HistoryOf(const DeadLetter& letter) {
  std::vector<std::pair<std::int64_t, std::string>> attempts;
  const boost::json::value history = boost::json::parse(letter.history_json);
  for (const boost::json::value& attempt : history.as_array()) {
    attempts.emplace_back(attempt.at("at").to_number<std::int64_t>(),
                          std::string(attempt.at("error").as_string()));
  }
  return attempts;
}

inline std::vector<std::string> ErrorsOf(const DeadLetter& letter) {
  std::vector<std::string> errors;
  for (const auto& [at, error] : HistoryOf(letter)) errors.push_back(error);
  return errors;
}

TEST_P(DeadLetterQueueTest, AFreshBackendHasNoDeadLetters) {
  EXPECT_TRUE(MustListDeadLetters().empty());
  EXPECT_FALSE(MustGetDeadLetter("evt_unknown").has_value());
}

TEST_P(DeadLetterQueueTest, ListShowsEveryDeadLetterOldestFirstWithItsLastError) {
  const ShareEvent first = MustDeadLetterNew(kAlice, "itm_a");
  const ShareEvent second = MustDeadLetterNew(kBob, "itm_b");

  const std::vector<DeadLetter> letters = MustListDeadLetters();

  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters[0].event, first) << "the event is kept whole (request id, trace context)";
  EXPECT_EQ(letters[1].event, second);
  for (const DeadLetter& letter : letters) {
    SCOPED_TRACE(letter.event.event_id);
    EXPECT_EQ(letter.attempts, kMaxReceives);
    EXPECT_EQ(letter.last_error, "failure 3");
    const std::vector<std::string> errors = ErrorsOf(letter);
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors.back(), "failure 3") << "the history ends with the failure that dead-lettered it";
  }
}

TEST_P(DeadLetterHistoryTest, ListShowsEveryDeadLetterOldestFirstWithItsAttempts) {
  const ShareEvent first = MustDeadLetterNew(kAlice, "itm_a");
  const ShareEvent second = MustDeadLetterNew(kBob, "itm_b");

  const std::vector<DeadLetter> letters = MustListDeadLetters();

  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters[0].event, first) << "the event is kept whole (request id, trace context)";
  EXPECT_EQ(letters[1].event, second);
  for (const DeadLetter& letter : letters) {
    SCOPED_TRACE(letter.event.event_id);
    EXPECT_EQ(letter.attempts, kMaxReceives);
    EXPECT_EQ(letter.last_error, "failure 3");
    EXPECT_EQ(ErrorsOf(letter), (std::vector<std::string>{"failure 1", "failure 2", "failure 3"}));
  }
}

TEST_P(DeadLetterQueueTest, GetFindsOneDeadLetterAndNeverAQueuedEvent) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_a");
  const ShareEvent queued = MustSendNew(kAlice, "itm_a");

  const std::optional<DeadLetter> letter = MustGetDeadLetter(dead.event_id);
  ASSERT_TRUE(letter.has_value());
  EXPECT_EQ(letter->event, dead);
  EXPECT_EQ(letter->attempts, kMaxReceives);
  EXPECT_FALSE(MustGetDeadLetter("evt_unknown").has_value());
  EXPECT_FALSE(MustGetDeadLetter(queued.event_id).has_value())
      << "an event still queued is not a dead letter";
}

TEST_P(DeadLetterQueueTest, ARedrivenEventIsReceivedAtOnceWithAFreshCountAndTheOthersStay) {
  const ShareEvent redriven = MustDeadLetterNew(kAlice, "itm_a");
  const ShareEvent stays = MustDeadLetterNew(kAlice, "itm_b");

  ASSERT_TRUE(Succeeded(RunTask(dead_letters().Redrive(redriven.event_id))));

  const std::vector<DeadLetter> remaining = MustListDeadLetters();
  ASSERT_EQ(remaining.size(), 1u);
  EXPECT_EQ(remaining[0].event, stays);
  const std::vector<ShareDelivery> received = Receive();  // no time has passed: visible at once
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].event, redriven);
  EXPECT_EQ(received[0].receive_count, 1) << "a fresh receive count";
}

TEST_P(DeadLetterQueueTest, ARedrivenEventThatKeepsFailingGetsEveryDeliveryAgainAndKeepsItsLastErrors) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_a");
  ASSERT_NO_FATAL_FAILURE(RedriveAndFailEveryDelivery(dead, "still failing"));

  const std::optional<DeadLetter> letter = MustGetDeadLetter(dead.event_id);
  ASSERT_TRUE(letter.has_value());
  EXPECT_EQ(letter->attempts, kMaxReceives);
  EXPECT_EQ(letter->last_error, "still failing");
  const std::vector<std::string> errors = ErrorsOf(*letter);
  const auto before_redrive = std::find(errors.begin(), errors.end(), "failure 3");
  ASSERT_NE(before_redrive, errors.end()) << "the failure that dead-lettered it before the redrive is kept";
  EXPECT_EQ(errors.back(), "still failing");
  EXPECT_LT(before_redrive - errors.begin(), static_cast<std::ptrdiff_t>(errors.size()) - 1);
}

TEST_P(DeadLetterHistoryTest, ARedrivenEventThatKeepsFailingGetsEveryDeliveryAgainAndKeepsItsHistory) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_a");
  ASSERT_NO_FATAL_FAILURE(RedriveAndFailEveryDelivery(dead, "still failing"));

  const std::optional<DeadLetter> letter = MustGetDeadLetter(dead.event_id);
  ASSERT_TRUE(letter.has_value());
  EXPECT_EQ(letter->attempts, kMaxReceives);
  EXPECT_EQ(letter->last_error, "still failing");
  EXPECT_EQ(ErrorsOf(*letter), (std::vector<std::string>{"failure 1", "failure 2", "failure 3",
                                                         "still failing", "still failing", "still failing"}))
      << "the history from before the redrive is kept";
}

TEST_P(DeadLetterQueueTest, RedrivingAnUnknownAQueuedOrAnAlreadyRedrivenEventIsNotFound) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_a");
  const ShareEvent queued = MustSendNew(kAlice, "itm_b");

  EXPECT_TRUE(FailedWith(RunTask(dead_letters().Redrive("evt_unknown")), ErrorCode::kNotFound));
  EXPECT_TRUE(FailedWith(RunTask(dead_letters().Redrive(queued.event_id)), ErrorCode::kNotFound));
  EXPECT_EQ(MustListDeadLetters().size(), 1u) << "nothing moved";
  ASSERT_TRUE(Succeeded(RunTask(dead_letters().Redrive(dead.event_id))));
  EXPECT_TRUE(FailedWith(RunTask(dead_letters().Redrive(dead.event_id)), ErrorCode::kNotFound));

  const std::vector<ShareDelivery> received = Receive();
  std::vector<std::string> ids = EventIdsOf(received);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{dead.event_id, queued.event_id})) << "each queued once";
}

TEST_P(DeadLetterQueueTest, RedriveAllMovesEveryDeadLetterBackAndSaysHowMany) {
  std::set<std::string> dead;
  for (const char* item : {"itm_a", "itm_b", "itm_c"}) {
    MustCreate(NewItem(kAlice, item, EveryField(), kT0));
    dead.insert(MustDeadLetterNew(kAlice, item).event_id);
  }

  Result<std::int64_t> moved = RunTask(dead_letters().RedriveAll());

  ASSERT_TRUE(Succeeded(moved));
  EXPECT_EQ(*moved, 3);
  EXPECT_TRUE(MustListDeadLetters().empty());
  const std::vector<ShareDelivery> received = Receive();
  const std::vector<std::string> ids = EventIdsOf(received);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), dead);
  for (const ShareDelivery& delivery : received) {
    EXPECT_EQ(delivery.receive_count, 1);
    EXPECT_EQ(MustApply(delivery.event), ShareApplication::kApplied) << "never applied before its redrive";
  }
  for (const char* item : {"itm_a", "itm_b", "itm_c"}) EXPECT_EQ(MustGet(item).shared_count, 1) << item;
  Result<std::int64_t> none = RunTask(dead_letters().RedriveAll());
  ASSERT_TRUE(Succeeded(none));
  EXPECT_EQ(*none, 0);
}

// A replay whose key was never completed sends its event again, even after
// the first copy was dead-lettered: the event is then queued and a dead
// letter at once. Redriving that dead letter leaves the event queued once.
TEST_P(DeadLetterQueueTest, ADeadLetterWhoseEventWasSentAgainIsRedriven) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_a");
  MustSend(dead);

  EXPECT_TRUE(Succeeded(RunTask(dead_letters().Redrive(dead.event_id)))) << "it is a dead letter";

  EXPECT_TRUE(MustListDeadLetters().empty());
  const std::vector<std::string> ids = EventIdsOf(Receive());
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), std::set<std::string>{dead.event_id});
}

TEST_P(DeadLetterDeduplicationTest, ADeadLetterWhoseEventWasSentAgainIsRedrivenAndQueuedOnce) {
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_a");
  MustSend(dead);

  EXPECT_TRUE(Succeeded(RunTask(dead_letters().Redrive(dead.event_id)))) << "it is a dead letter";

  EXPECT_TRUE(MustListDeadLetters().empty());
  EXPECT_EQ(EventIdsOf(Receive()), std::vector<std::string>{dead.event_id});
}

TEST_P(DeadLetterQueueTest, RedriveAllCountsADeadLetterWhoseEventWasSentAgainOnce) {
  const ShareEvent sent_again = MustDeadLetterNew(kAlice, "itm_a");
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_b");
  MustSend(sent_again);

  Result<std::int64_t> moved = RunTask(dead_letters().RedriveAll());

  ASSERT_TRUE(Succeeded(moved));
  EXPECT_EQ(*moved, 2) << "every dead letter was redriven";
  EXPECT_TRUE(MustListDeadLetters().empty());
  const std::vector<std::string> ids = EventIdsOf(Receive());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{sent_again.event_id, dead.event_id}));
}

TEST_P(DeadLetterDeduplicationTest, RedriveAllCountsADeadLetterWhoseEventWasSentAgain) {
  const ShareEvent sent_again = MustDeadLetterNew(kAlice, "itm_a");
  const ShareEvent dead = MustDeadLetterNew(kAlice, "itm_b");
  MustSend(sent_again);

  Result<std::int64_t> moved = RunTask(dead_letters().RedriveAll());

  ASSERT_TRUE(Succeeded(moved));
  EXPECT_EQ(*moved, 2) << "every dead letter was redriven";
  EXPECT_TRUE(MustListDeadLetters().empty());
  std::vector<std::string> ids = EventIdsOf(Receive());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{sent_again.event_id, dead.event_id})) << "each queued once";
}

TEST_P(DeadLetterQueueTest, ARedriveOfAnEventThatWasAppliedChangesNothingWhenHandledAgain) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  ShareEventHandler handler(store(), nullptr, clock_, ids);
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  // Applied on its first delivery, but no delivery of it was ever acknowledged.
  for (int delivery = 1; delivery <= kMaxReceives; ++delivery) {
    const std::vector<ShareDelivery> received = Receive();
    ASSERT_EQ(received.size(), 1u);
    ASSERT_EQ(RunTask(handler.Handle(received)).size(), 1u);
    ASSERT_EQ(Fail(received, "acknowledgement lost").size(), 1u);
  }
  ASSERT_EQ(MustListDeadLetters().size(), 1u);

  ASSERT_TRUE(Succeeded(RunTask(dead_letters().Redrive(event.event_id))));
  const std::vector<ShareDelivery> redriven = Receive();
  ASSERT_EQ(redriven.size(), 1u);
  const std::vector<HandledShare> handled = RunTask(handler.Handle(redriven));

  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].application, ShareApplication::kAlreadyApplied);
  EXPECT_EQ(Delete(redriven), std::vector<AckResult>{AckResult::kDeleted});
  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
  EXPECT_EQ(SharedActivities(kAlice).size(), 1u);
}

// --- With the injected clock: exactly once however late an event comes back ------------

// Longer than any backend keeps the marker of an applied event for its own
// sake (the embedded one: 7 days), so only the rule "never while the event
// may still be delivered" can keep these redeliveries harmless.
inline constexpr std::int64_t kLongAfterAnyMarkerRetentionMs = 30LL * 24 * 60 * 60 * 1000;

TEST_P(LateRedeliveryTest, AnAppliedEventRedrivenLongAfterwardsIsStillAppliedOnce) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_b", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  ShareEventHandler handler(store(), nullptr, clock_, ids);
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  // Applied on its first delivery, but no delivery of it was acknowledged.
  for (int delivery = 1; delivery <= kMaxReceives; ++delivery) {
    const std::vector<ShareDelivery> received = Receive();
    ASSERT_EQ(received.size(), 1u);
    ASSERT_EQ(RunTask(handler.Handle(received)).size(), 1u);
    ASSERT_EQ(Fail(received, "acknowledgement lost").size(), 1u);
  }
  ASSERT_EQ(MustListDeadLetters().size(), 1u);

  clock_.Advance(kLongAfterAnyMarkerRetentionMs);
  for (int round = 0; round < 4; ++round) {
    MustSend(NewEvent(kAlice, "itm_b"));
    const std::vector<ShareDelivery> others = Receive();
    ASSERT_EQ(others.size(), 1u);
    ASSERT_EQ(RunTask(handler.Handle(others)).size(), 1u);
    ASSERT_EQ(Delete(others), std::vector<AckResult>{AckResult::kDeleted});
  }

  ASSERT_TRUE(Succeeded(RunTask(dead_letters().Redrive(event.event_id))));
  const std::vector<ShareDelivery> redriven = Receive();
  ASSERT_EQ(redriven.size(), 1u);
  const std::vector<HandledShare> handled = RunTask(handler.Handle(redriven));
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].application, ShareApplication::kAlreadyApplied);
  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
  EXPECT_EQ(MustGet("itm_b").shared_count, 4);
}

TEST_P(LateRedeliveryTest, AnAppliedEventRetriedLongAfterwardsIsStillAppliedOnce) {
  MustCreate(NewItem(kAlice, "itm_a", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_b", EveryField(), kT0));
  UlidGenerator ids(clock_, random_);
  ShareEventHandler handler(store(), nullptr, clock_, ids);
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  const std::vector<ShareDelivery> first = Receive();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(RunTask(handler.Handle(first)).size(), 1u);
  // Its acknowledgement is lost, and its retry comes a month later.
  ASSERT_EQ(Fail(first, "acknowledgement lost", kLongAfterAnyMarkerRetentionMs),
            std::vector<RetryResult>{RetryResult::kRetryScheduled});

  clock_.Advance(kLongAfterAnyMarkerRetentionMs - 1);
  for (int round = 0; round < 4; ++round) {
    MustSend(NewEvent(kAlice, "itm_b"));
    const std::vector<ShareDelivery> others = Receive();
    ASSERT_EQ(others.size(), 1u);
    ASSERT_EQ(RunTask(handler.Handle(others)).size(), 1u);
    ASSERT_EQ(Delete(others), std::vector<AckResult>{AckResult::kDeleted});
  }
  clock_.Advance(1);

  const std::vector<ShareDelivery> again = Receive();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].event.event_id, event.event_id);
  const std::vector<HandledShare> handled = RunTask(handler.Handle(again));
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].application, ShareApplication::kAlreadyApplied);
  EXPECT_EQ(MustGet("itm_a").shared_count, 1);
}

// --- With the injected clock: when each thing happened ----------------------------------

TEST_P(DeadLetterTimingTest, ADeadLetterRecordsWhenItWasFirstReceivedEachFailureAndItsDeadLettering) {
  const ShareEvent event = MustSendNew(kAlice, "itm_a");
  std::int64_t first_received = 0;
  std::vector<std::pair<std::int64_t, std::string>> failures;
  for (int delivery = 1; delivery <= kMaxReceives; ++delivery) {
    clock_.Advance(1000);
    if (delivery == 1) first_received = clock_.NowMillis();
    const std::vector<ShareDelivery> received = Receive();
    ASSERT_EQ(received.size(), 1u);
    clock_.Advance(7);  // processing takes a little while
    failures.emplace_back(clock_.NowMillis(), "failure " + std::to_string(delivery));
    ASSERT_EQ(Fail(received, failures.back().second).size(), 1u);
  }

  const std::optional<DeadLetter> letter = MustGetDeadLetter(event.event_id);

  ASSERT_TRUE(letter.has_value());
  EXPECT_EQ(letter->first_seen_ms, first_received);
  EXPECT_EQ(letter->last_tried_ms, failures.back().first);
  EXPECT_EQ(letter->dead_lettered_ms, failures.back().first);
  EXPECT_EQ(HistoryOf(*letter), failures);
}

}  // namespace wdrbe::contract
