// A share wakes the idle worker, on the real binary. The worker does not
// busy-poll: an idle loop sleeps 20 ms, then twice as long each time it
// finds nothing, up to a second (kMaxIdleDelay). What keeps a share from
// waiting out that second is the share service's hook, which wakes the
// worker once the event is committed. Without it nothing fails, shares are
// just late, so only timing can tell: each share is sent to a worker that
// has been idle long enough to sleep a full second, and must be applied
// far sooner than its idle poll would find it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The longest sleep of an idle loop (kMaxIdleDelay in share_worker.hpp).
constexpr auto kIdlePoll = milliseconds(1000);

// After 20 + 40 + ... + 640 ms = 1.26 s with nothing to do (plus its empty
// receives) every sleep of an idle loop is a full second. Twice that, so a
// slow (sanitized) build gets there too.
constexpr auto kUntilFullyIdle = milliseconds(2500);

// How soon a share must be applied, counted from sending it. A woken worker
// needs two commits after the share's own (the lease, then the settlement):
// 10-15 ms in a release build and 15-75 ms under ThreadSanitizer, measured
// on a busy two-core machine. The bound leaves room above that.
constexpr auto kWokenWithin = milliseconds(250);

// A share the worker is not woken for waits for the end of the sleep under
// way. Where the share falls in that sleep is set by the wait before it,
// since an applied share restarts the idle schedule; so each round waits
// half an idle poll longer or shorter than the one before, and a window of
// kWokenWithin (less than half) cannot hold the end of the idle poll for
// two rounds in a row: without the wake-up, one of them fails.
constexpr int kRounds = 3;
constexpr auto kRoundShift = kIdlePoll / 2;
static_assert(kWokenWithin < kRoundShift);

// How often the item is read while waiting: a small part of the bound.
constexpr auto kPollEvery = milliseconds(5);

// A share that is never applied fails the test rather than hang it.
constexpr auto kGiveUpAfter = milliseconds(5000);

std::int64_t Millis(Clock::duration duration) {
  return std::chrono::duration_cast<milliseconds>(duration).count();
}

TEST(ShareWakeupTest, AShareToAnIdleWorkerIsAppliedWithoutWaitingForItsIdlePoll) {
  // One loop, so that the loop that sleeps is the one that must be woken.
  ServerOptions options;
  options.extra_args = {"--worker-concurrency", "1"};
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "wakeup-owner");
  std::vector<std::string> item_ids;
  for (int round = 0; round < kRounds; ++round)
    item_ids.emplace_back(owner.MustCreate(ItemBody()).at("itemId").as_string());

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round + 1));
    // Each applied share resets the idle delay to 20 ms; let it grow again
    // (every other round half an idle poll longer: see kRoundShift).
    std::this_thread::sleep_for(kUntilFullyIdle + (round % 2) * kRoundShift);

    const std::string& item_id = item_ids[static_cast<std::size_t>(round)];
    const auto sent = Clock::now();
    Response shared = owner.ShareItem(item_id);
    ASSERT_EQ(shared.status, 202) << shared;
    std::int64_t count = owner.SharedCount(item_id);
    while (count < 1 && Clock::now() - sent < kGiveUpAfter) {
      std::this_thread::sleep_for(kPollEvery);
      count = owner.SharedCount(item_id);
    }
    const auto applied_after = Clock::now() - sent;
    ASSERT_EQ(count, 1) << "the share was not applied within " << Millis(kGiveUpAfter) << " ms";
    RecordProperty("round" + std::to_string(round + 1) + "AppliedAfterMs",
                   std::to_string(Millis(applied_after)));
    EXPECT_LT(applied_after, kWokenWithin) << "the share was applied " << Millis(applied_after)
                                           << " ms after it was sent: the worker found it on "
                                           << "its idle poll instead of being woken by it";
  }
  EXPECT_TRUE(server->Stop().ExitedWith(0)) << server->Output();
}

}  // namespace
}  // namespace wdrbe::testing
