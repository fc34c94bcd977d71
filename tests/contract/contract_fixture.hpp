// The fixture of every contract suite: it opens the parameter's backend over
// a fresh directory, on a FakeClock and seeded randomness, and gives the
// tests their steps. A step named Must... throws (failing the test) when it
// does not succeed, because the test is about what comes after it.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "contract/backend_under_test.hpp"
#include "contract/contract_assertions.hpp"
#include "contract/item_builders.hpp"
#include "testing/fake_clock.hpp"
#include "testing/run_task.hpp"
#include "testing/seeded_random.hpp"
#include "testing/temp_dir.hpp"

namespace wdrbe::contract {

using testing::RunAll;
using testing::RunTask;

inline constexpr char kAlice[] = "usr_alice";
inline constexpr char kBob[] = "usr_bob";
inline constexpr std::int64_t kT0 = 1'764'064'800'000;  // 2025-11-25T10:00:00Z
inline constexpr int kMaxReceives = 3;                  // the queue's policy in every suite
inline constexpr std::int64_t kVisibilityMs = 30'000;
inline constexpr char kTraceContext[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

class ContractTest : public ::testing::TestWithParam<BackendUnderTest> {
 protected:
  void SetUp() override { opened_ = GetParam().open(dir_, clock_, random_, kMaxReceives); }

  ItemStore& store() { return *opened_.store; }
  ShareQueue& queue() { return *opened_.queue; }
  DeadLetterQueue& dead_letters() { return *opened_.dead_letters; }
  // nullptr unless the backend declares them.
  AtomicShareSender* sender() { return opened_.sender; }
  AtomicShareSettler* settler() { return opened_.settler; }

  // Closes the ports and opens new ones over the same data.
  void Reopen() {
    opened_ = {};
    opened_ = GetParam().open(dir_, clock_, random_, kMaxReceives);
  }

  // prefix_000001, prefix_000002, ...: ids that sort in the order they were made.
  std::string NextId(std::string_view prefix) { return Numbered(std::string(prefix) + "_00", ++ids_made_); }

  // Seeded random bits, as the share worker draws them for jitter.
  std::uint32_t RandomBits() {
    std::array<std::uint8_t, 4> bytes{};
    random_.Fill(bytes);
    return std::uint32_t{bytes[0]} | std::uint32_t{bytes[1]} << 8 | std::uint32_t{bytes[2]} << 16 |
           std::uint32_t{bytes[3]} << 24;
  }

  // --- The item store ---------------------------------------------------------

  // A create command with a fresh ItemCreated activity, as ItemService makes it.
  CreateItemCommand NewItem(std::string user_id, std::string item_id, ItemFields fields,
                            std::int64_t now_ms) {
    CreateItemCommand command;
    command.user_id = std::move(user_id);
    command.item_id = std::move(item_id);
    command.fields = std::move(fields);
    command.now_ms = now_ms;
    command.created_activity = ItemCreatedActivity(
        Item{command.item_id, command.user_id, command.fields, 0, false, now_ms, now_ms}, NextId("act"));
    return command;
  }

  CreateItemCommand NewItemWithKey(std::string user_id, std::string item_id, ItemFields fields,
                                   std::int64_t now_ms, std::string key, std::string fingerprint) {
    CreateItemCommand command = NewItem(std::move(user_id), std::move(item_id), std::move(fields), now_ms);
    command.idempotency_key = std::move(key);
    command.payload_fingerprint = std::move(fingerprint);
    return command;
  }

  Item MustCreate(CreateItemCommand command, CreateOutcome expected = CreateOutcome::kCreated) {
    const std::string item_id = command.item_id;
    Result<CreateItemResult> result = RunTask(store().CreateItem(std::move(command)));
    if (!result.ok()) throw std::runtime_error("creating " + item_id + ": " + Describe(result.status()));
    if (result->outcome != expected) {
      throw std::runtime_error("creating " + item_id + ": " + ::testing::PrintToString(result->outcome));
    }
    return result->item;
  }

  Item MustGet(const std::string& item_id) {
    Result<Item> item = RunTask(store().GetItem(item_id));
    if (!item.ok()) throw std::runtime_error("getting " + item_id + ": " + Describe(item.status()));
    return *item;
  }

  ItemPage MustList(ListItemsQuery query) {
    Result<ItemPage> page = RunTask(store().ListItems(std::move(query)));
    if (!page.ok()) throw std::runtime_error("listing items: " + Describe(page.status()));
    return std::move(*page);
  }

  // Every item of `user_id` matching the filters, in one page.
  std::vector<Item> AllItems(const std::string& user_id, std::optional<std::string> season = std::nullopt,
                             std::optional<std::string> category = std::nullopt) {
    ItemPage page =
        MustList(ListItemsQuery{user_id, std::move(season), std::move(category), std::nullopt, 100});
    if (page.has_more) throw std::runtime_error("more than 100 items");
    return std::move(page.items);
  }

  ActivityPage MustListActivities(ListActivitiesQuery query) {
    Result<ActivityPage> page = RunTask(store().ListActivities(std::move(query)));
    if (!page.ok()) throw std::runtime_error("listing activities: " + Describe(page.status()));
    return std::move(*page);
  }

  std::vector<Activity> AllActivities(const std::string& user_id) {
    ActivityPage page = MustListActivities(ListActivitiesQuery{user_id, std::nullopt, 100});
    if (page.has_more) throw std::runtime_error("more than 100 activities");
    return std::move(page.activities);
  }

  // The user's ItemShared activities, newest first.
  std::vector<Activity> SharedActivities(const std::string& user_id) {
    std::vector<Activity> shared;
    for (Activity& activity : AllActivities(user_id)) {
      if (activity.activity_type == kActivityItemShared) shared.push_back(std::move(activity));
    }
    return shared;
  }

  // Every page of `query` (its `after` is replaced), checking on the way
  // that each page before the last is full and only the last lacks has_more.
  std::vector<Item> WalkItems(ListItemsQuery query) {
    std::vector<Item> all;
    query.after.reset();
    for (int pages = 0; pages < 1000; ++pages) {
      ItemPage page = MustList(query);
      all.insert(all.end(), page.items.begin(), page.items.end());
      if (!page.has_more) return all;
      EXPECT_EQ(page.items.size(), static_cast<std::size_t>(query.limit))
          << "a page before the last is short";
      if (page.items.empty()) break;
      query.after = CursorPosition{page.items.back().created_at_ms, page.items.back().item_id};
    }
    ADD_FAILURE() << "has_more never became false";
    return all;
  }

  std::vector<Activity> WalkActivities(ListActivitiesQuery query) {
    std::vector<Activity> all;
    query.after.reset();
    for (int pages = 0; pages < 1000; ++pages) {
      ActivityPage page = MustListActivities(query);
      all.insert(all.end(), page.activities.begin(), page.activities.end());
      if (!page.has_more) return all;
      EXPECT_EQ(page.activities.size(), static_cast<std::size_t>(query.limit))
          << "a page before the last is short";
      if (page.activities.empty()) break;
      query.after = CursorPosition{page.activities.back().timestamp_ms, page.activities.back().activity_id};
    }
    ADD_FAILURE() << "has_more never became false";
    return all;
  }

  // --- Shares ----------------------------------------------------------------

  // A share of `item_id` by `user_id` with a fresh event id, made now.
  ShareEvent NewEvent(const std::string& user_id, const std::string& item_id) {
    return ShareEvent{NextId("evt"), user_id, item_id, clock_.NowMillis(), NextId("req"), kTraceContext};
  }

  // The event ShareService sends for an admission of `user_id`'s share of `item_id`.
  ShareEvent EventOf(const ShareAdmission& admission, const std::string& user_id,
                     const std::string& item_id) {
    return ShareEvent{admission.event_id,           user_id,       item_id,
                      admission.event_timestamp_ms, NextId("req"), kTraceContext};
  }

  ApplyShareCommand ApplyCommand(ShareEvent event) {
    return ApplyShareCommand{std::move(event), NextId("act"), clock_.NowMillis()};
  }

  std::vector<Result<ShareApplication>> Apply(std::vector<ApplyShareCommand> commands) {
    return RunTask(store().ApplyShares(std::move(commands)));
  }

  ShareApplication MustApply(ApplyShareCommand command) {
    const std::string event_id = command.event.event_id;
    std::vector<ApplyShareCommand> batch;
    batch.push_back(std::move(command));
    std::vector<Result<ShareApplication>> applied = Apply(std::move(batch));
    if (applied.size() != 1) throw std::runtime_error("ApplyShares answered for another number of events");
    if (!applied[0].ok())
      throw std::runtime_error("applying " + event_id + ": " + Describe(applied[0].status()));
    return *applied[0];
  }
  ShareApplication MustApply(const ShareEvent& event) { return MustApply(ApplyCommand(event)); }

  // What the share worker does to an item: one applied share event (the
  // item becomes public and its sharedCount grows by one).
  void MarkShared(const std::string& item_id) {
    const Item item = MustGet(item_id);
    if (MustApply(NewEvent(item.user_id, item_id)) != ShareApplication::kApplied) {
      throw std::runtime_error("sharing " + item_id + " was not applied");
    }
  }

  AdmitShareCommand AdmitCommand(std::string user_id, std::string item_id,
                                 std::optional<std::string> key = std::nullopt) {
    return AdmitShareCommand{std::move(user_id), std::move(item_id), std::move(key), NextId("evt"),
                             clock_.NowMillis()};
  }

  Result<ShareAdmission> Admit(std::string user_id, std::string item_id,
                               std::optional<std::string> key = std::nullopt) {
    return RunTask(store().AdmitShare(AdmitCommand(std::move(user_id), std::move(item_id), std::move(key))));
  }

  // --- The share queue and its dead letters -----------------------------------

  void MustSend(const ShareEvent& event, std::int64_t delay_ms = 0) {
    if (Status sent = RunTask(queue().Send(event, delay_ms)); !sent.ok()) {
      throw std::runtime_error("sending " + event.event_id + ": " + Describe(sent));
    }
  }

  // Sends a fresh share event and returns it.
  ShareEvent MustSendNew(const std::string& user_id, const std::string& item_id) {
    ShareEvent event = NewEvent(user_id, item_id);
    MustSend(event);
    return event;
  }

  std::vector<ShareDelivery> Receive(int max = 10, std::int64_t visibility_ms = kVisibilityMs) {
    Result<std::vector<ShareDelivery>> received = RunTask(queue().Receive(max, visibility_ms));
    if (!received.ok()) throw std::runtime_error("receiving: " + Describe(received.status()));
    return std::move(*received);
  }

  std::vector<AckResult> Delete(const std::vector<ShareDelivery>& deliveries) {
    Result<std::vector<AckResult>> deleted = RunTask(queue().Delete(HandlesOf(deliveries)));
    if (!deleted.ok()) throw std::runtime_error("deleting: " + Describe(deleted.status()));
    return std::move(*deleted);
  }

  // Reports every delivery failed with `error`, to be retried after `delay_ms`.
  std::vector<RetryResult> Fail(const std::vector<ShareDelivery>& deliveries,
                                const std::string& error = "boom", std::int64_t delay_ms = 0) {
    std::vector<FailedDelivery> failures;
    for (const ShareDelivery& delivery : deliveries)
      failures.push_back({delivery.receipt_handle, error, delay_ms});
    Result<std::vector<RetryResult>> retried = RunTask(queue().Retry(std::move(failures)));
    if (!retried.ok()) throw std::runtime_error("retrying: " + Describe(retried.status()));
    return std::move(*retried);
  }

  // Redrives the dead letter `dead`, then fails each of its max_receives
  // new deliveries with `error`, checking that each is the next one and
  // that the last is dead-lettered again.
  void RedriveAndFailEveryDelivery(const ShareEvent& dead, const std::string& error) {
    ASSERT_TRUE(Succeeded(RunTask(dead_letters().Redrive(dead.event_id))));
    for (int delivery = 1; delivery <= kMaxReceives; ++delivery) {
      const std::vector<ShareDelivery> received = Receive();
      ASSERT_EQ(received.size(), 1u) << "delivery " << delivery;
      EXPECT_EQ(received[0].receive_count, delivery);
      const RetryResult expected =
          delivery < kMaxReceives ? RetryResult::kRetryScheduled : RetryResult::kDeadLettered;
      EXPECT_EQ(Fail(received, error), std::vector<RetryResult>{expected}) << "delivery " << delivery;
    }
  }

  void Release(const std::vector<ShareDelivery>& deliveries) {
    if (Status released = RunTask(queue().Release(HandlesOf(deliveries))); !released.ok()) {
      throw std::runtime_error("releasing: " + Describe(released));
    }
  }

  // Sends a fresh event and fails each of its deliveries ("failure 1",
  // "failure 2", ...) until the queue dead-letters it. No other event may
  // be visible meanwhile.
  ShareEvent MustDeadLetterNew(const std::string& user_id, const std::string& item_id) {
    const ShareEvent event = MustSendNew(user_id, item_id);
    for (int attempt = 1; attempt <= kMaxReceives; ++attempt) {
      std::vector<ShareDelivery> received = Receive(1);
      if (received.size() != 1 || received[0].event.event_id != event.event_id) {
        throw std::runtime_error("delivery " + std::to_string(attempt) + " of " + event.event_id +
                                 " missing");
      }
      const RetryResult expected =
          attempt < kMaxReceives ? RetryResult::kRetryScheduled : RetryResult::kDeadLettered;
      if (Fail(received, "failure " + std::to_string(attempt)) != std::vector<RetryResult>{expected}) {
        throw std::runtime_error("failing delivery " + std::to_string(attempt) + " of " + event.event_id);
      }
    }
    return event;
  }

  std::vector<DeadLetter> MustListDeadLetters() {
    Result<std::vector<DeadLetter>> letters = RunTask(dead_letters().List());
    if (!letters.ok()) throw std::runtime_error("listing dead letters: " + Describe(letters.status()));
    return std::move(*letters);
  }

  std::optional<DeadLetter> MustGetDeadLetter(const std::string& event_id) {
    Result<std::optional<DeadLetter>> letter = RunTask(dead_letters().Get(event_id));
    if (!letter.ok())
      throw std::runtime_error("getting dead letter " + event_id + ": " + Describe(letter.status()));
    return std::move(*letter);
  }

  std::int64_t MustQueueDepth() { return MustCount(RunTask(queue().Depth()), "queue depth"); }
  std::int64_t MustDeadLetterDepth() {
    return MustCount(RunTask(dead_letters().Depth()), "dead-letter depth");
  }

  static std::vector<std::string> HandlesOf(const std::vector<ShareDelivery>& deliveries) {
    std::vector<std::string> handles;
    for (const ShareDelivery& delivery : deliveries) handles.push_back(delivery.receipt_handle);
    return handles;
  }

  static std::vector<std::string> EventIdsOf(const std::vector<ShareDelivery>& deliveries) {
    std::vector<std::string> ids;
    for (const ShareDelivery& delivery : deliveries) ids.push_back(delivery.event.event_id);
    return ids;
  }

  testing::FakeClock clock_{kT0};
  testing::SeededRandom random_{20261125};

  static std::string Describe(const Status& status) {
    return std::string(CodeName(status.error().code)) + " " + status.error().message;
  }

 private:
  static std::int64_t MustCount(const Result<std::int64_t>& count, const char* what) {
    if (!count.ok()) throw std::runtime_error(std::string(what) + ": " + Describe(count.status()));
    return *count;
  }

  testing::TempDir dir_;  // outlives the ports
  OpenedBackend opened_;
  int ids_made_ = 0;
};

}  // namespace wdrbe::contract
