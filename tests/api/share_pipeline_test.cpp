// The share pipeline end to end, on the real binary: the share endpoint,
// the in-process worker, retries, dead letters and `wdrbe dlq`, fault
// injection, and a SIGKILL in the middle of creates and shares.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testing/aws_test_backend.hpp"
#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr auto kDrainDeadline = std::chrono::seconds(20);

// Watches the item for `period` and says whether sharedCount stayed `count`
// (a redelivered event would move it).
bool StaysAt(ApiClient& client, std::string_view item_id, std::int64_t count,
             milliseconds period = milliseconds(1500)) {
  const auto until = Clock::now() + period;
  while (Clock::now() < until) {
    if (client.SharedCount(item_id) != count) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return true;
}

// The eventIds of the user's ItemShared activities for one item.
std::vector<std::string> SharedEventIds(ApiClient& client, std::string_view item_id) {
  std::vector<std::string> ids;
  for (const Page& page : client.ActivityPages(100)) {
    for (const json::value& entry : page.response.Json().at("activities").as_array()) {
      const json::object& activity = entry.as_object();
      if (activity.at("activityType") != "ItemShared" || activity.at("itemId").as_string() != item_id)
        continue;
      ids.emplace_back(activity.at("metadata").as_object().at("eventId").as_string());
    }
  }
  return ids;
}

json::value RunDlq(const std::filesystem::path& data_dir, std::vector<std::string> args) {
  args.insert(args.begin(), "dlq");
  args.push_back("--data-dir");
  args.push_back(data_dir.string());
  ProcessOutcome outcome = RunToExit(args, std::nullopt);
  EXPECT_TRUE(outcome.status.ExitedWith(0)) << outcome.status << "\n" << outcome.output;
  return json::parse(outcome.output);
}

class SharePipelineTest : public SharedServerTest {};

TEST_F(SharePipelineTest, AShareIsAcceptedThenAppliedExactlyOnce) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id(owner.MustCreate(ItemBody()).at("itemId").as_string());

  Response shared = owner.ShareItem(item_id);
  ASSERT_EQ(shared.status, 202) << shared;
  EXPECT_EQ(shared.String("itemId"), item_id);
  EXPECT_EQ(shared.String("status"), "queued");
  const std::string event_id = shared.String("eventId");
  EXPECT_EQ(event_id.size(), 26u);

  ASSERT_EQ(owner.AwaitSharedCount(item_id, 1), 1);
  Response item = owner.GetItem(item_id);
  EXPECT_EQ(item.Json().at("isPublic"), true);
  EXPECT_EQ(SharedEventIds(owner, item_id), std::vector<std::string>{event_id});
  EXPECT_TRUE(StaysAt(owner, item_id, 1));
}

TEST_F(SharePipelineTest, FiveSharesCountFiveWithDistinctEvents) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id(owner.MustCreate(ItemBody()).at("itemId").as_string());
  std::set<std::string> accepted;
  for (int i = 0; i < 5; ++i) {
    Response shared = owner.ShareItem(item_id);
    ASSERT_EQ(shared.status, 202) << shared;
    accepted.insert(shared.String("eventId"));
  }
  EXPECT_EQ(accepted.size(), 5u);
  ASSERT_EQ(owner.AwaitSharedCount(item_id, 5), 5);
  const auto applied = SharedEventIds(owner, item_id);
  EXPECT_EQ(std::set<std::string>(applied.begin(), applied.end()), accepted);
  EXPECT_EQ(applied.size(), 5u);
}

TEST_F(SharePipelineTest, ARepeatedIdempotencyKeyEnqueuesOnce) {
  ApiClient owner(port(), UniqueUserId("owner"));
  const std::string item_id(owner.MustCreate(ItemBody()).at("itemId").as_string());
  Response first = owner.ShareItem(item_id, {{"Idempotency-Key", "share-once"}});
  Response again = owner.ShareItem(item_id, {{"Idempotency-Key", "share-once"}});
  ASSERT_EQ(first.status, 202) << first;
  ASSERT_EQ(again.status, 202) << again;
  EXPECT_EQ(first.String("eventId"), again.String("eventId"));

  // A different item under the same key is a reuse with another payload.
  const std::string other_id(owner.MustCreate(ItemBody("Other")).at("itemId").as_string());
  Response reused = owner.ShareItem(other_id, {{"Idempotency-Key", "share-once"}});
  EXPECT_EQ(reused.status, 422) << reused;
  EXPECT_EQ(reused.ErrorCode(), "idempotency_key_reused");

  Response bad_key = owner.ShareItem(item_id, {{"Idempotency-Key", std::string(129, 'k')}});
  EXPECT_EQ(bad_key.status, 400) << bad_key;
  EXPECT_EQ(bad_key.ErrorCode(), "validation_failed");

  ASSERT_EQ(owner.AwaitSharedCount(item_id, 1), 1);
  EXPECT_TRUE(StaysAt(owner, item_id, 1));
}

TEST_F(SharePipelineTest, OnlyTheOwnerMayShare) {
  ApiClient owner(port(), UniqueUserId("owner"));
  ApiClient stranger(port(), UniqueUserId("stranger"));
  const std::string item_id(owner.MustCreate(ItemBody()).at("itemId").as_string());

  // Private: a stranger cannot tell it from a missing item.
  EXPECT_EQ(stranger.ShareItem(item_id).status, 404);
  EXPECT_EQ(stranger.ShareItem("no-such-item").status, 404);
  EXPECT_EQ(owner.ShareItem("no-such-item").status, 404);

  // Public once shared: a stranger may see it, but not share it.
  ASSERT_EQ(owner.ShareItem(item_id).status, 202);
  ASSERT_EQ(owner.AwaitSharedCount(item_id, 1), 1);
  Response forbidden = stranger.ShareItem(item_id);
  EXPECT_EQ(forbidden.status, 403) << forbidden;
  EXPECT_EQ(forbidden.ErrorCode(), "forbidden");
  EXPECT_TRUE(StaysAt(owner, item_id, 1));
}

TEST_F(SharePipelineTest, ReadinessReportsTheWorker) {
  HttpClient http(port());
  Response ready = http.Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready;
  EXPECT_EQ(ready.String("worker"), "running");
  EXPECT_EQ(ready.String("queue"), "ok");
}

// An API-only process (--worker-concurrency 0) of a scaled-out deployment
// has no worker by design: its shares are applied by another process, so
// it must stay in rotation; "disabled" tells it apart from a dead worker.
TEST(ShareWorkerDisabledTest, AProcessWithoutAWorkerIsReadyAndSaysTheWorkerIsDisabled) {
  ServerOptions options;
  options.extra_args = {"--worker-concurrency", "0"};
  auto server = TestServer::Start(options);
  HttpClient http(server->port());
  Response ready = http.Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready;
  EXPECT_EQ(ready.String("status"), "ready") << ready;
  EXPECT_EQ(ready.String("worker"), "disabled") << ready;
  EXPECT_EQ(ready.String("store"), "ok") << ready;
  EXPECT_EQ(ready.String("queue"), "ok") << ready;
  EXPECT_TRUE(server->Stop().ExitedWith(0)) << server->Output();
}

// Servers on one data directory, one run after the other, with and
// without faults.
class ShareFaultsTest : public ::testing::Test {
 protected:
  std::unique_ptr<TestServer> StartServer(std::vector<std::pair<std::string, std::string>> env = {}) {
    ServerOptions options;
    options.data_dir = dir_.path();
    options.extra_args = {"--retry-base-delay-ms", "100", "--max-receives", "3"};
    options.extra_env = std::move(env);
    return TestServer::Start(options);
  }
  const std::filesystem::path& data_dir() const { return dir_.path(); }

 private:
  TempDir dir_;
};

json::array AwaitDeadLetters(const std::filesystem::path& data_dir, std::size_t count) {
  const auto deadline = Clock::now() + kDrainDeadline;
  json::value letters = RunDlq(data_dir, {"list"});
  while (letters.as_array().size() < count && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
    letters = RunDlq(data_dir, {"list"});
  }
  return letters.as_array();
}

TEST_F(ShareFaultsTest, APoisonousEventIsRetriedWithGrowingDelaysThenDeadLetteredAndItsBatchMatesApplied) {
  std::string poison_id;
  std::vector<std::string> healthy_ids;
  const std::string user = "fault-user";
  {
    auto server = StartServer();
    ApiClient owner(server->port(), user);
    poison_id = std::string(owner.MustCreate(ItemBody("Poison")).at("itemId").as_string());
    for (int i = 0; i < 4; ++i)
      healthy_ids.emplace_back(owner.MustCreate(ItemBody("Fine")).at("itemId").as_string());
    ASSERT_TRUE(server->Stop().ExitedWith(0));
  }

  auto server = StartServer({{"WDRBE_FAULTS", "worker.process@" + poison_id + "=1"}});
  ApiClient owner(server->port(), user);
  const std::string trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  Response poisoned = owner.ShareItem(poison_id, {{"traceparent", trace}});
  ASSERT_EQ(poisoned.status, 202) << poisoned;
  for (const auto& id : healthy_ids) ASSERT_EQ(owner.ShareItem(id).status, 202);

  for (const auto& id : healthy_ids) EXPECT_EQ(owner.AwaitSharedCount(id, 1), 1) << id;
  json::array letters = AwaitDeadLetters(data_dir(), 1);
  ASSERT_EQ(letters.size(), 1u) << json::serialize(letters);
  const json::object& letter = letters[0].as_object();
  EXPECT_EQ(letter.at("eventId").as_string(), poisoned.String("eventId"));
  EXPECT_EQ(letter.at("itemId").as_string(), poison_id);
  EXPECT_EQ(letter.at("userId").as_string(), user);
  EXPECT_EQ(letter.at("attempts"), 3);
  EXPECT_NE(std::string(letter.at("lastError").as_string()).find("worker.process"), std::string::npos);
  EXPECT_EQ(owner.SharedCount(poison_id), 0);

  json::value shown = RunDlq(data_dir(), {"show", poisoned.String("eventId")});
  // The event carries the request's own span: the caller's trace, the
  // span the server returned in its traceparent header.
  EXPECT_EQ(shown.at("traceparent").as_string(), poisoned.Header("traceparent").value_or("none"));
  EXPECT_EQ(std::string(shown.at("traceparent").as_string()).substr(3, 32), trace.substr(3, 32));
  const json::array& history = shown.at("attemptHistory").as_array();
  if (OnAwsTestBackend()) {
    // SQS retries a delivery by changing its visibility, which cannot record
    // the failure on the message: a dead letter keeps its last failure only
    // (QueueCapabilities::full_failure_history, docs/aws-queue.md).
    ASSERT_EQ(history.size(), 1u) << json::serialize(shown);
    EXPECT_NE(json::serialize(history[0]).find("worker.process"), std::string::npos);
  } else {
    ASSERT_EQ(history.size(), 3u) << json::serialize(shown);
    // Attempt times, parsed from "...THH:MM:SS.mmmZ" (one day is enough here).
    auto millis = [](const json::value& at) {
      const std::string text(at.as_object().at("at").as_string());
      return std::stoll(text.substr(11, 2)) * 3'600'000 + std::stoll(text.substr(14, 2)) * 60'000 +
             std::stoll(text.substr(17, 2)) * 1000 + std::stoll(text.substr(20, 3));
    };
    const auto gap1 = millis(history[1]) - millis(history[0]);
    const auto gap2 = millis(history[2]) - millis(history[1]);
    EXPECT_GE(gap1, 50) << "the first retry waits at least half the base delay";
    EXPECT_GE(gap2, 100) << "the second retry waits at least the base delay";
  }
  ASSERT_TRUE(server->Stop().ExitedWith(0));

  // Without faults, a redrive applies it exactly once.
  server = StartServer();
  ApiClient again(server->port(), user);
  json::value redriven = RunDlq(data_dir(), {"redrive", "--all"});
  EXPECT_EQ(redriven.at("redriven"), 1);
  EXPECT_EQ(again.AwaitSharedCount(poison_id, 1), 1);
  EXPECT_TRUE(StaysAt(again, poison_id, 1));
  EXPECT_TRUE(RunDlq(data_dir(), {"list"}).as_array().empty());
  EXPECT_EQ(SharedEventIds(again, poison_id), std::vector<std::string>{poisoned.String("eventId")});
}

TEST_F(ShareFaultsTest, WhenEveryProcessingFailsEachEventEndsInTheDeadLetterQueue) {
  auto server = StartServer({{"WDRBE_FAULTS", "worker.process=1.0"}});
  ApiClient owner(server->port(), "always-failing");
  const std::string item_id(owner.MustCreate(ItemBody()).at("itemId").as_string());
  ASSERT_EQ(owner.ShareItem(item_id).status, 202);
  ASSERT_EQ(owner.ShareItem(item_id).status, 202);
  json::array letters = AwaitDeadLetters(data_dir(), 2);
  ASSERT_EQ(letters.size(), 2u);
  for (const auto& letter : letters) EXPECT_EQ(letter.at("attempts"), 3);
  EXPECT_EQ(owner.SharedCount(item_id), 0);
  ProcessOutcome missing =
      RunToExit({"dlq", "show", "nope", "--data-dir", data_dir().string()}, std::nullopt);
  EXPECT_TRUE(missing.status.ExitedWith(3)) << missing.output;
}

TEST_F(ShareFaultsTest, WhileWritesFailReadsKeepWorkingAndNothingIsHalfWritten) {
  std::string item_id;
  {
    auto server = StartServer();
    ApiClient owner(server->port(), "write-faults");
    item_id = std::string(owner.MustCreate(ItemBody("Before")).at("itemId").as_string());
    ASSERT_TRUE(server->Stop().ExitedWith(0));
  }
  {
    auto server = StartServer({{"WDRBE_FAULTS", "store.write=1.0"}});
    ApiClient owner(server->port(), "write-faults");
    for (int i = 0; i < 3; ++i) {
      Response create = owner.CreateItem(ItemBody("During"));
      EXPECT_EQ(create.status, 503) << create;
      EXPECT_EQ(create.ErrorCode(), "unavailable");
      EXPECT_EQ(create.body.find("injected"), std::string::npos) << "no internal details in a 5xx body";
    }
    Response patch = owner.PatchItem(item_id, json::object{{"brand", "Acme"}});
    EXPECT_EQ(patch.status, 503) << patch;
    EXPECT_EQ(owner.ShareItem(item_id).status, 503);
    EXPECT_EQ(owner.GetItem(item_id).status, 200);
    EXPECT_EQ(owner.ListItems().status, 200);
    EXPECT_EQ(owner.http().Get("/healthz").status, 200);
    ASSERT_TRUE(server->Stop().ExitedWith(0));
  }
  auto server = StartServer();
  ApiClient owner(server->port(), "write-faults");
  EXPECT_EQ(owner.WalkItemIds({}, 100), std::vector<std::string>{item_id});
  Response item = owner.GetItem(item_id);
  EXPECT_FALSE(item.Has("brand"));
  EXPECT_EQ(item.Json().at("sharedCount"), 0);
}

// A store that does not answer reads takes the server out of rotation
// (readiness 503) without killing it (liveness 200); reads answer 503 with
// Retry-After and no internal detail. Once reads work again, so does
// readiness.
TEST_F(ShareFaultsTest, WhileReadsFailReadinessSaysTheStoreIsDownAndLivenessStaysUp) {
  std::string item_id;
  {
    auto server = StartServer({{"WDRBE_FAULTS", "store.read=1.0"}});
    ApiClient owner(server->port(), "read-faults");
    Response ready = owner.http().Get("/readyz");
    EXPECT_EQ(ready.status, 503) << ready;
    EXPECT_EQ(ready.String("status"), "unavailable");
    EXPECT_EQ(ready.String("store"), "down");
    EXPECT_EQ(ready.String("worker"), "running") << "the worker is alive; the store is what is down";
    EXPECT_EQ(owner.http().Get("/healthz").status, 200);

    Response list = owner.ListItems();
    EXPECT_EQ(list.status, 503) << list;
    EXPECT_EQ(list.ErrorCode(), "unavailable");
    EXPECT_EQ(list.Header("Retry-After"), "1");
    EXPECT_EQ(list.body.find("injected"), std::string::npos) << "no internal details in a 5xx body";
    // Writes do not depend on the reader pool.
    item_id = std::string(owner.MustCreate(ItemBody("Written while reads fail")).at("itemId").as_string());
    ASSERT_TRUE(server->Stop().ExitedWith(0));
  }
  auto server = StartServer();
  ApiClient owner(server->port(), "read-faults");
  EXPECT_EQ(owner.http().Get("/readyz").status, 200);
  EXPECT_EQ(owner.WalkItemIds({}, 100), std::vector<std::string>{item_id});
}

// The crash test: SIGKILL during concurrent creates and shares. Every
// acknowledged item survives; once the worker drains, each item counts
// every acknowledged share, plus at most the shares whose answer was lost,
// and no event is applied twice.
TEST(ShareCrashTest, AcknowledgedWorkSurvivesSigkillAndNoEventIsAppliedTwice) {
  TempDir dir;
  ServerOptions options;
  options.data_dir = dir.path();
  // Where a queue cannot tell that a lease's holder died (SQS), the killed
  // worker's deliveries return when their visibility timeout ends: keep it
  // well inside the wait below. (The embedded queue returns them at start.)
  options.extra_args = {"--visibility-timeout", "3"};
  auto server = TestServer::Start(options);

  struct ItemRecord {
    std::string owner;
    std::set<std::string> accepted_events;  // 202s
    int unanswered = 0;                     // sent, no answer (the crash)
  };
  std::mutex mutex;
  std::map<std::string, ItemRecord> items;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      const std::string user = "crash-user-" + std::to_string(c);
      try {
        ApiClient client(server->port(), user);
        while (!stop) {
          Response created = client.CreateItem(ItemBody("Crash"));
          if (created.status != 201) continue;
          const std::string id(created.Json().at("itemId").as_string());
          {
            std::lock_guard lock(mutex);
            items[id].owner = user;
          }
          for (int s = 0; s < 2 && !stop; ++s) {
            {
              std::lock_guard lock(mutex);
              ++items[id].unanswered;
            }
            Response shared = client.ShareItem(id);
            std::lock_guard lock(mutex);
            if (shared.status == 202) {
              --items[id].unanswered;
              items[id].accepted_events.insert(shared.String("eventId"));
            } else if (shared.status != 0) {
              --items[id].unanswered;
            }
          }
        }
      } catch (const std::exception&) {
        // The server died under this client: the request in flight is the
        // one counted as unanswered.
      }
    });
  }
  // Load for at least 1.5 s, and until more than ten items exist (a slower
  // backend needs longer to get going), but not for ever.
  const auto load_at_least = std::chrono::steady_clock::now() + milliseconds(1500);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(50));
    const std::lock_guard lock(mutex);
    if (std::chrono::steady_clock::now() >= load_at_least && items.size() > 10) break;
  }
  server->Kill();
  stop = true;
  for (auto& client : clients) client.join();
  ASSERT_GT(items.size(), 10u) << "the load did not get going";

  server->Restart();
  std::map<std::string, std::unique_ptr<ApiClient>> clients_by_user;
  for (auto& [id, record] : items) {
    auto& client = clients_by_user[record.owner];
    if (!client) client = std::make_unique<ApiClient>(server->port(), record.owner);
    ASSERT_EQ(client->GetItem(id).status, 200) << "acknowledged item " << id << " was lost";
    const auto expected = static_cast<std::int64_t>(record.accepted_events.size());
    const std::int64_t count = client->AwaitSharedCount(id, expected);
    EXPECT_GE(count, expected) << "an acknowledged share of " << id << " was lost";
    EXPECT_LE(count, expected + record.unanswered) << "a share of " << id << " was counted twice";
  }
  // Let the worker finish anything else, then check activities per user.
  for (auto& [user, client] : clients_by_user) {
    std::map<std::string, std::set<std::string>> events_by_item;
    std::size_t activities = 0;
    for (const Page& page : client->ActivityPages(100)) {
      for (const json::value& entry : page.response.Json().at("activities").as_array()) {
        const json::object& activity = entry.as_object();
        if (activity.at("activityType") != "ItemShared") continue;
        ++activities;
        events_by_item[std::string(activity.at("itemId").as_string())].insert(
            std::string(activity.at("metadata").as_object().at("eventId").as_string()));
      }
    }
    std::size_t distinct = 0;
    for (const auto& [id, events] : events_by_item) {
      distinct += events.size();
      for (const auto& accepted : items[id].accepted_events) {
        EXPECT_TRUE(events.count(accepted) == 1) << "accepted event " << accepted << " was never applied";
      }
      EXPECT_EQ(static_cast<std::int64_t>(events.size()), client->SharedCount(id))
          << "sharedCount and ItemShared activities disagree for " << id;
    }
    EXPECT_EQ(activities, distinct) << "an event was applied twice for " << user;
  }
}

}  // namespace
}  // namespace wdrbe::testing
