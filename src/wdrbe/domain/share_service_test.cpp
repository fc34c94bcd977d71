// ShareService on the in-memory ports: what it sends, when it wakes the
// worker (on_sent), and that no acknowledged share is lost to a failed send.
#include "wdrbe/domain/share_service.hpp"

#include <gtest/gtest.h>

#include "testing/fake_clock.hpp"
#include "testing/in_memory_item_store.hpp"
#include "testing/in_memory_share_queue.hpp"
#include "testing/run_task.hpp"
#include "testing/seeded_random.hpp"

namespace wdrbe {
namespace {

using testing::RunTask;

constexpr char kAlice[] = "usr_alice";
constexpr char kBob[] = "usr_bob";
constexpr char kTrace[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

class ShareServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateItemCommand command;
    command.user_id = kAlice;
    command.item_id = "itm_a";
    command.fields.name = "Navy Blazer";
    command.fields.category = "outerwear";
    command.now_ms = clock_.NowMillis();
    command.created_activity = Activity{"act_1",       kAlice,         kActivityItemCreated,    "itm_a",
                                        "Navy Blazer", command.now_ms, R"({"action":"create"})"};
    ASSERT_TRUE(RunTask(store_.CreateItem(std::move(command))).ok());
  }

  Result<AcceptedShare> Share(const std::string& user_id, std::optional<std::string> key,
                              const std::string& request_id = "req_1") {
    return RunTask(service_.Share(ShareRequest{user_id, "itm_a", std::move(key), request_id, kTrace}));
  }

  // Every event on the queue, in the order sent.
  std::vector<ShareEvent> Queued() {
    auto received = RunTask(queue_.Receive(10, 30'000));
    EXPECT_TRUE(received.ok());
    std::vector<ShareEvent> events;
    if (received.ok()) {
      for (const ShareDelivery& delivery : *received) events.push_back(delivery.event);
    }
    return events;
  }

  testing::FakeClock clock_;
  testing::SeededRandom random_{7};
  UlidGenerator ids_{clock_, random_};
  testing::InMemoryItemStore store_;
  testing::InMemoryShareQueue queue_{clock_, 3};
  int sent_ = 0;
  ShareService service_{store_, queue_, nullptr, clock_, ids_, [this] { ++sent_; }};  // the generic path
};

TEST_F(ShareServiceTest, ANewShareSendsItsEventWholeAndWakesTheWorkerOnce) {
  const std::int64_t now = clock_.NowMillis();

  Result<AcceptedShare> accepted = Share(kAlice, std::nullopt, "req_9");

  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_FALSE(accepted->replayed);
  EXPECT_EQ(sent_, 1);
  EXPECT_EQ(Queued(),
            (std::vector<ShareEvent>{ShareEvent{accepted->event_id, kAlice, "itm_a", now, "req_9", kTrace}}));
}

TEST_F(ShareServiceTest, AKeyedShareRepeatedIsAReplayThatSendsNothingAndWakesNobody) {
  Result<AcceptedShare> first = Share(kAlice, "k1", "req_1");
  Result<AcceptedShare> again = Share(kAlice, "k1", "req_2");

  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->event_id, first->event_id);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(sent_, 1);
  const std::vector<ShareEvent> queued = Queued();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].request_id, "req_1");
}

TEST_F(ShareServiceTest, SharesWithoutAKeyAreEachANewEventSentAndAnnounced) {
  Result<AcceptedShare> first = Share(kAlice, std::nullopt);
  Result<AcceptedShare> second = Share(kAlice, std::nullopt);

  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->event_id, second->event_id);
  EXPECT_FALSE(second->replayed);
  EXPECT_EQ(sent_, 2);
  EXPECT_EQ(Queued().size(), 2u);
}

TEST_F(ShareServiceTest, AReplayOfAKeyWhoseSendFailedSendsTheSameEventAgain) {
  const std::int64_t first_try = clock_.NowMillis();
  queue_.FailNextSends(1);
  Result<AcceptedShare> failed = Share(kAlice, "k1", "req_1");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(sent_, 0);
  clock_.Advance(2000);

  Result<AcceptedShare> replay = Share(kAlice, "k1", "req_2");

  ASSERT_TRUE(replay.ok()) << replay.error().message;
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(sent_, 1) << "the event is on the queue now";
  const std::vector<ShareEvent> queued = Queued();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].event_id, replay->event_id);
  EXPECT_EQ(queued[0].timestamp_ms, first_try) << "the event the key admitted, not a new one";

  // Once sent, the key is complete: a further replay sends nothing.
  Result<AcceptedShare> later = Share(kAlice, "k1", "req_3");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->event_id, replay->event_id);
  EXPECT_EQ(sent_, 1);
}

TEST_F(ShareServiceTest, ARefusedShareSendsNothingAndWakesNobody) {
  Result<AcceptedShare> not_owner = Share(kBob, std::nullopt);
  Result<AcceptedShare> bad_id = RunTask(service_.Share(ShareRequest{kAlice, "itm a/..", "k1", "req_1", ""}));

  ASSERT_FALSE(not_owner.ok());
  EXPECT_EQ(not_owner.error().code, ErrorCode::kNotFound);
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(sent_, 0);
  EXPECT_TRUE(Queued().empty());
}

}  // namespace
}  // namespace wdrbe
