// Shares on the real binary beyond the basics of share_pipeline_test: keys
// reused across items or malformed, deleted items that stay deleted, and
// queued shares surviving a restart or a SIGTERM mid-burst, each applied once.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Longer than the worker's longest idle sleep (1 s), so an event that was
// still to be (re)applied would show within it.
constexpr auto kQuietPeriod = milliseconds(1500);

std::string CreateItemId(ApiClient& client, std::string_view name = "Navy Blazer") {
  return std::string(client.MustCreate(ItemBody(name)).at("itemId").as_string());
}

// Keeps polling the items for kQuietPeriod; true when every sharedCount
// stayed as given (a second application of any event would move one).
::testing::AssertionResult CountsStay(ApiClient& client, const std::map<std::string, std::int64_t>& counts) {
  const auto until = Clock::now() + kQuietPeriod;
  do {
    for (const auto& [id, expected] : counts) {
      const std::int64_t count = client.SharedCount(id);
      if (count != expected) {
        return ::testing::AssertionFailure()
               << "sharedCount of " << id << " moved from " << expected << " to " << count;
      }
    }
    std::this_thread::sleep_for(milliseconds(50));
  } while (Clock::now() < until);
  return ::testing::AssertionSuccess();
}

// The metadata of the user's ItemShared activities for one item, oldest first.
std::vector<json::object> SharedActivities(ApiClient& client, std::string_view item_id) {
  std::vector<json::object> shared;
  for (const Page& page : client.ActivityPages(100)) {
    for (const json::value& entry : page.response.Json().at("activities").as_array()) {
      const json::object& activity = entry.as_object();
      if (activity.at("activityType") == "ItemShared" && activity.at("itemId").as_string() == item_id) {
        shared.push_back(activity);
      }
    }
  }
  return {shared.rbegin(), shared.rend()};
}

std::multiset<std::string> SharedEventIds(ApiClient& client, std::string_view item_id) {
  std::multiset<std::string> ids;
  for (const json::object& activity : SharedActivities(client, item_id)) {
    ids.emplace(activity.at("metadata").as_object().at("eventId").as_string());
  }
  return ids;
}

class ShareKeysTest : public SharedServerTest {};

TEST_F(ShareKeysTest, AKeyUsedForAnotherItemIsRefusedAndSharesNothing) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = CreateItemId(owner);
  const std::string other_id = CreateItemId(owner, "Other");
  ASSERT_EQ(owner.ShareItem(item_id, {{"Idempotency-Key", "k-1"}}).status, 202);
  Response reused = owner.ShareItem(other_id, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(reused.status, 422) << reused;
  EXPECT_EQ(reused.ErrorCode(), "idempotency_key_reused");
  EXPECT_FALSE(reused.String("requestId").empty());

  // Keys are the user's own: another user may use the same one.
  ApiClient other_user(port(), UniqueUserId("other"));
  const std::string theirs = CreateItemId(other_user);
  EXPECT_EQ(other_user.ShareItem(theirs, {{"Idempotency-Key", "k-1"}}).status, 202);

  ASSERT_EQ(owner.AwaitSharedCount(item_id, 1), 1);
  EXPECT_TRUE(CountsStay(owner, {{item_id, 1}, {other_id, 0}}));
}

TEST_F(ShareKeysTest, AnInvalidKeyIsAValidationErrorAndSharesNothing) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id = CreateItemId(owner);
  for (const std::string& bad : {std::string(129, 'k'), std::string("caf\xC3\xA9")}) {
    Response refused = owner.ShareItem(item_id, {{"Idempotency-Key", bad}});
    EXPECT_EQ(refused.status, 400) << refused;
    EXPECT_EQ(refused.ErrorCode(), "validation_failed");
    EXPECT_EQ(refused.ErrorFields(), std::set<std::string>{"idempotencyKey"}) << refused;
  }
  EXPECT_EQ(owner.ShareItem(item_id, {{"Idempotency-Key", std::string(128, 'k')}}).status, 202)
      << "128 characters is the limit, not over it";
  ASSERT_EQ(owner.AwaitSharedCount(item_id, 1), 1);
  EXPECT_TRUE(CountsStay(owner, {{item_id, 1}}));
}

TEST_F(ShareKeysTest, ASharedItemThatIsDeletedIsNotRevived) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string keep_id = CreateItemId(owner, "Keep");
  const std::string gone_id = CreateItemId(owner, "Gone");
  ASSERT_EQ(owner.ShareItem(gone_id).status, 202);
  ASSERT_EQ(owner.DeleteItem(gone_id).status, 204);
  ASSERT_EQ(owner.ShareItem(keep_id).status, 202);
  ASSERT_EQ(owner.AwaitSharedCount(keep_id, 1), 1);
  EXPECT_TRUE(CountsStay(owner, {{keep_id, 1}, {gone_id, -1}})) << "the deleted item stays deleted";
  EXPECT_EQ(owner.ShareItem(gone_id).status, 404);
}

// The 202 means "durably queued": with no worker in the process nothing is
// applied, and a later server (with a worker) applies every event once.
TEST(ShareDurabilityTest, QueuedSharesSurviveARestartAndAreAppliedOnceByTheNextWorker) {
  TempDir dir;
  ServerOptions options;
  options.data_dir = dir.path();
  options.extra_args = {"--worker-concurrency", "0"};
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "durable-owner");
  const std::string item_id = CreateItemId(owner);
  std::multiset<std::string> accepted;
  for (int i = 0; i < 3; ++i) {
    Response shared = owner.ShareItem(item_id, {{"Idempotency-Key", "share-" + std::to_string(i)}});
    ASSERT_EQ(shared.status, 202) << shared;
    accepted.insert(shared.String("eventId"));
  }
  Response ready = owner.http().Get("/readyz");
  EXPECT_EQ(ready.String("worker"), "disabled") << ready;
  EXPECT_TRUE(CountsStay(owner, {{item_id, 0}})) << "no worker, no effect";
  ASSERT_TRUE(server->Stop().ExitedWith(0)) << server->Output();

  ServerOptions with_worker;
  with_worker.data_dir = dir.path();
  server = TestServer::Start(with_worker);
  ApiClient again(server->port(), "durable-owner");
  ASSERT_EQ(again.AwaitSharedCount(item_id, 3), 3);
  EXPECT_TRUE(CountsStay(again, {{item_id, 3}}));
  EXPECT_EQ(SharedEventIds(again, item_id), accepted);
  // The keys were remembered across the restart too.
  Response replay = again.ShareItem(item_id, {{"Idempotency-Key", "share-0"}});
  ASSERT_EQ(replay.status, 202) << replay;
  EXPECT_EQ(accepted.count(replay.String("eventId")), 1u);
  EXPECT_TRUE(CountsStay(again, {{item_id, 3}}));
}

// SIGTERM right after a burst of shares: the server exits 0, and no share
// is lost or applied twice, whether it settled before the stop or after the
// restart.
TEST(ShareDurabilityTest, ASigtermDuringABurstLosesNoShareAndAppliesNoneTwice) {
  TempDir dir;
  ServerOptions options;
  options.data_dir = dir.path();
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "burst-owner");
  std::vector<std::string> items;
  for (int i = 0; i < 3; ++i) items.push_back(CreateItemId(owner));
  std::map<std::string, std::multiset<std::string>> accepted;
  for (int i = 0; i < 30; ++i) {
    const std::string& id = items[static_cast<std::size_t>(i) % items.size()];
    Response shared = owner.ShareItem(id);
    ASSERT_EQ(shared.status, 202) << shared;
    accepted[id].insert(shared.String("eventId"));
  }
  const ExitStatus stopped = server->Stop();
  ASSERT_TRUE(stopped.ExitedWith(0)) << stopped << "\n" << server->Output();

  server = TestServer::Start(options);
  ApiClient again(server->port(), "burst-owner");
  std::map<std::string, std::int64_t> expected;
  for (const auto& id : items) {
    expected[id] = static_cast<std::int64_t>(accepted[id].size());
    EXPECT_EQ(again.AwaitSharedCount(id, expected[id]), expected[id]) << id;
  }
  EXPECT_TRUE(CountsStay(again, expected));
  for (const auto& id : items) EXPECT_EQ(SharedEventIds(again, id), accepted[id]) << id;
}

}  // namespace
}  // namespace wdrbe::testing
