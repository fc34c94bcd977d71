// The AWS backend as operators run it, with real processes on the local
// engines: `wdrbe aws setup`, API processes (`serve --backend aws`) and a
// share worker process (`wdrbe worker`) on one table and queue, and the
// start-up errors that say what to fix.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "aws/aws_setup_command.hpp"
#include "testing/aws_local_engines.hpp"
#include "testing/http_client.hpp"
#include "testing/metric_samples.hpp"
#include "testing/test_images.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

class AwsBackendProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resources_ = MustSetUp(AwsLocalEngines::UniqueName("table"), AwsLocalEngines::UniqueName("shares"));
  }

  // `wdrbe serve --backend aws` (API only, unthrottled: these tests are not
  // about limits), or `wdrbe worker`, with `args` and `env` added.
  std::unique_ptr<TestServer> Start(std::string command, std::vector<std::string> args = {}, Env env = {}) {
    ServerOptions options;
    options.command = std::move(command);
    options.extra_args = BackendArgs(resources_);
    if (options.command == "serve") {
      options.extra_args.insert(options.extra_args.end(),
                                {"--worker-concurrency", "0", "--user-rate-limit", "0", "--rate-limit", "0"});
    }
    options.extra_args.insert(options.extra_args.end(), args.begin(), args.end());
    options.extra_env = EngineEnv();
    options.extra_env.insert(options.extra_env.end(), env.begin(), env.end());
    return TestServer::Start(std::move(options));
  }

  // `wdrbe dlq ARGS` on this test's queues: its JSON answer.
  boost::json::value Dlq(std::vector<std::string> args) {
    args.insert(args.begin(), "dlq");
    for (std::string& arg : BackendArgs(resources_)) args.push_back(std::move(arg));
    ProcessOutcome outcome = RunToExit(args, std::nullopt, EngineEnv());
    EXPECT_TRUE(outcome.status.ExitedWith(0)) << outcome.status << "\n" << outcome.output;
    return boost::json::parse(outcome.output);
  }

  SetUpResources resources_;
};

TEST_F(AwsBackendProcessTest, SetupPrintsWhatItMadeAndIsSafeToRunAgain) {
  EXPECT_NE(resources_.queue_url.find("shares"), std::string::npos);
  EXPECT_NE(resources_.dead_letter_queue_url, resources_.queue_url);
  const std::string queue_name = resources_.queue_url.substr(resources_.queue_url.rfind('/') + 1);
  const SetUpResources again = MustSetUp(resources_.table, queue_name);
  EXPECT_EQ(again.table, resources_.table);
  EXPECT_EQ(again.queue_url, resources_.queue_url);
  EXPECT_EQ(again.dead_letter_queue_url, resources_.dead_letter_queue_url);
}

TEST_F(AwsBackendProcessTest, ServeWithoutQueueUrlSaysWhatToPass) {
  ProcessOutcome outcome = RunToExit({"serve", "--listen", "127.0.0.1:0", "--backend", "aws"},
                                     std::string(kTestJwtSecret), EngineEnv());
  EXPECT_TRUE(outcome.status.ExitedWith(1)) << outcome.status;
  EXPECT_NE(outcome.output.find("--queue-url is required with --backend aws"), std::string::npos)
      << outcome.output;
}

TEST_F(AwsBackendProcessTest, ServeOnAMissingTableSaysRunAwsSetup) {
  SetUpResources missing = resources_;
  missing.table = AwsLocalEngines::UniqueName("never-made");
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0"};
  for (std::string& arg : BackendArgs(missing)) args.push_back(std::move(arg));
  ProcessOutcome outcome = RunToExit(args, std::string(kTestJwtSecret), EngineEnv());
  EXPECT_TRUE(outcome.status.ExitedWith(1)) << outcome.status;
  EXPECT_NE(outcome.output.find("wdrbe aws setup"), std::string::npos) << outcome.output;
}

TEST_F(AwsBackendProcessTest, ServeWithoutRegionSaysWhatToSet) {
  Env env = EngineEnv();
  std::erase_if(env, [](const auto& entry) { return entry.first == "AWS_REGION"; });
  // Empty is unset, as for the SDKs; no home, so no config file names one either.
  env.insert(env.end(), {{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", ""}, {"HOME", "/nonexistent"}});
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0"};
  for (std::string& arg : BackendArgs(resources_)) args.push_back(std::move(arg));
  ProcessOutcome outcome = RunToExit(args, std::string(kTestJwtSecret), env);
  EXPECT_TRUE(outcome.status.ExitedWith(1)) << outcome.status;
  EXPECT_NE(outcome.output.find("AWS_REGION"), std::string::npos) << outcome.output;
}

TEST_F(AwsBackendProcessTest, BackupExplainsDynamoDbBackupsAndCopiesNothing) {
  ProcessOutcome outcome =
      RunToExit({"backup", "--backend", "aws", "/nonexistent/backup"}, std::nullopt, EngineEnv());
  EXPECT_TRUE(outcome.status.ExitedWith(1)) << outcome.status;
  EXPECT_NE(outcome.output.find("point-in-time recovery"), std::string::npos) << outcome.output;
}

TEST_F(AwsBackendProcessTest, WorkerNeedsTheAwsBackend) {
  ProcessOutcome outcome = RunToExit({"worker", "--listen", "127.0.0.1:0"}, std::nullopt, EngineEnv());
  EXPECT_TRUE(outcome.status.ExitedWith(1)) << outcome.status;
  EXPECT_NE(outcome.output.find("needs --backend aws"), std::string::npos) << outcome.output;
}

TEST_F(AwsBackendProcessTest, SetupMakesTheImageBucketWhenNamedAndServeUsesIt) {
  const std::string bucket = AwsLocalEngines::UniqueName("wdrbe-photos");
  const std::string queue_name = resources_.queue_url.substr(resources_.queue_url.rfind('/') + 1);
  for (int run = 0; run < 2; ++run) {  // safe to run again
    ProcessOutcome outcome = RunToExit(
        {"aws", "setup", "--table", resources_.table, "--queue-name", queue_name, "--image-bucket", bucket},
        std::nullopt, EngineEnv());
    ASSERT_TRUE(outcome.status.ExitedWith(0)) << outcome.status << "\n" << outcome.output;
    const boost::json::object printed =
        boost::json::parse(outcome.output.substr(0, outcome.output.find('\n'))).as_object();
    EXPECT_EQ(printed.at("imageBucket").as_string(), bucket);
  }

  std::unique_ptr<TestServer> api = Start("serve", {"--image-bucket", bucket});
  HttpClient http(api->port());
  EXPECT_EQ(http.Get("/readyz").status, 200);
  const std::string metrics = http.Get("/metrics").body;
  EXPECT_NE(metrics.find("wdrbe_aws_s3_calls_total"), std::string::npos)
      << "the photo store is opened with --image-bucket; its calls are counted";
}

TEST_F(AwsBackendProcessTest, AnInvalidImageBucketIsRefusedAtStartAndBySetup) {
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--image-bucket", "Not_A_Bucket"};
  for (std::string& arg : BackendArgs(resources_)) args.push_back(std::move(arg));
  ProcessOutcome serve = RunToExit(args, std::string(kTestJwtSecret), EngineEnv());
  EXPECT_TRUE(serve.status.ExitedWith(1)) << serve.status;
  EXPECT_NE(serve.output.find("--image-bucket must be an S3 bucket name"), std::string::npos) << serve.output;

  ProcessOutcome setup = RunToExit({"aws", "setup", "--table", resources_.table, "--image-bucket", "-bad"},
                                   std::nullopt, EngineEnv());
  EXPECT_TRUE(setup.status.ExitedWith(1)) << setup.status;
  EXPECT_NE(setup.output.find("--image-bucket must be an S3 bucket name"), std::string::npos) << setup.output;
}

TEST_F(AwsBackendProcessTest, WithoutAnImageBucketThereIsNoPhotoStore) {
  std::unique_ptr<TestServer> api = Start("serve");
  const std::string metrics = HttpClient(api->port()).Get("/metrics").body;
  EXPECT_EQ(metrics.find("wdrbe_aws_s3_calls_total"), std::string::npos) << metrics;
  // The photo routes say what is missing, and the rest of the API works.
  ApiClient owner(api->port(), "no-photo-store");
  const std::string item_id(owner.MustCreate(ItemBody("Unpictured")).at("itemId").as_string());
  const Response put =
      owner.http().Send({"PUT",
                         "/items/" + item_id + "/image",
                         {{"Authorization", Bearer(owner.token())}, {"Content-Type", "image/png"}},
                         MakeTestImage(ImageFormat::kPng)});
  EXPECT_EQ(put.status, 501) << put;
  EXPECT_EQ(put.ErrorCode(), "not_implemented");
  EXPECT_NE(put.String("message").find("--image-bucket"), std::string::npos) << put;
  EXPECT_EQ(owner.http().Get("/items/" + item_id + "/image", owner.token()).status, 501);
  EXPECT_EQ(owner.GetItem(item_id).status, 200);
}

// Two API processes and one worker on one table and queue behave as one server.
TEST_F(AwsBackendProcessTest, TwoApiProcessesAndAWorkerBehaveAsOneServer) {
  std::unique_ptr<TestServer> api_a = Start("serve");
  std::unique_ptr<TestServer> api_b = Start("serve");
  std::unique_ptr<TestServer> worker = Start("worker");
  ApiClient alice_a(api_a->port(), "alice-scale");
  ApiClient alice_b(api_b->port(), "alice-scale");

  HttpClient worker_http(worker->port());
  EXPECT_EQ(worker_http.Get("/healthz").status, 200);
  EXPECT_EQ(worker_http.Get("/readyz").status, 200);
  EXPECT_EQ(worker_http.Get("/users/alice-scale/items", alice_a.token()).status, 404)
      << "the worker alone serves no API route";

  // Concurrent creates with one key, sent to both processes: one item.
  std::vector<std::future<Response>> creates;
  for (int i = 0; i < 8; ++i) {
    const std::uint16_t port = i % 2 == 0 ? api_a->port() : api_b->port();
    creates.push_back(std::async(std::launch::async, [port] {
      ApiClient client(port, "alice-scale");
      return client.CreateItem(ItemBody("Raced blazer"), {{"Idempotency-Key", "one-key"}});
    }));
  }
  std::set<std::string> raced_ids;
  int created = 0;
  for (auto& create : creates) {
    Response response = create.get();
    ASSERT_TRUE(response.status == 201 || response.status == 200) << response.status << " " << response.body;
    created += response.status == 201 ? 1 : 0;
    raced_ids.insert(response.String("itemId"));
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(raced_ids.size(), 1u);

  // A list walked with cursors alternating between the processes: every item once.
  std::set<std::string> made = raced_ids;
  for (int i = 0; i < 24; ++i) {
    ApiClient& client = i % 2 == 0 ? alice_a : alice_b;
    made.insert(
        client.MustCreate(ItemBody("Tee " + std::to_string(i), "tops")).at("itemId").as_string().c_str());
  }
  std::vector<std::string> walked;
  std::optional<std::string> cursor;
  for (int page = 0; page < 20; ++page) {
    ApiClient& client = page % 2 == 0 ? alice_a : alice_b;
    Query query{{"limit", "5"}};
    if (cursor) query.emplace_back("cursor", *cursor);
    Response listed = client.ListItems(query);
    ASSERT_EQ(listed.status, 200) << listed.body;
    for (const auto& item : listed.Json().at("items").as_array()) {
      walked.emplace_back(item.at("itemId").as_string());
    }
    const auto& next = listed.Json().at("nextCursor");
    if (!next.is_string()) break;
    cursor = std::string(next.as_string());
  }
  EXPECT_EQ(walked.size(), made.size());
  EXPECT_EQ(std::set<std::string>(walked.begin(), walked.end()), made);

  // Shares accepted by both processes, applied exactly once each by the worker.
  const std::string shared = *raced_ids.begin();
  for (int i = 0; i < 6; ++i) {
    ApiClient& client = i % 2 == 0 ? alice_a : alice_b;
    ASSERT_EQ(client.ShareItem(shared).status, 202);
  }
  EXPECT_EQ(alice_a.AwaitSharedCount(shared, 6), 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(alice_b.SharedCount(shared), 6) << "a share was applied twice";
}

// Each item's ItemShared activities: item id -> the event ids, in a
// multiset, so that an event applied twice shows.
std::map<std::string, std::multiset<std::string>> SharedEventsByItem(ApiClient& client) {
  std::map<std::string, std::multiset<std::string>> events;
  for (const Page& page : client.ActivityPages(100)) {
    for (const auto& entry : page.response.Json().at("activities").as_array()) {
      const auto& activity = entry.as_object();
      if (activity.at("activityType") != "ItemShared") continue;
      events[std::string(activity.at("itemId").as_string())].insert(
          std::string(activity.at("metadata").as_object().at("eventId").as_string()));
    }
  }
  return events;
}

// The worker process SIGKILLed while it works through shares that both API
// processes accepted, then started again: the deliveries it held come back
// when their visibility timeout ends, and the events it had applied but not
// yet deleted change nothing the second time. Every accepted share is
// applied exactly once.
TEST_F(AwsBackendProcessTest, AWorkerKilledMidBatchAndRestartedAppliesEveryShareExactlyOnce) {
  std::unique_ptr<TestServer> api_a = Start("serve");
  std::unique_ptr<TestServer> api_b = Start("serve");
  ApiClient owner_a(api_a->port(), "kill-worker");
  ApiClient owner_b(api_b->port(), "kill-worker");
  std::vector<std::string> item_ids;
  for (int i = 0; i < 8; ++i) {
    ApiClient& client = i % 2 == 0 ? owner_a : owner_b;
    item_ids.emplace_back(
        client.MustCreate(ItemBody("Shared " + std::to_string(i))).at("itemId").as_string());
  }
  // 25 shares per item, from four clients at once, half to each process.
  constexpr int kSharesPerItem = 25;
  std::vector<std::future<std::vector<std::pair<std::string, std::string>>>> senders;
  for (int sender = 0; sender < 4; ++sender) {
    const std::uint16_t port = sender % 2 == 0 ? api_a->port() : api_b->port();
    senders.push_back(std::async(std::launch::async, [port, sender, &item_ids] {
      ApiClient client(port, "kill-worker");
      std::vector<std::pair<std::string, std::string>> accepted;  // (item, event)
      for (std::size_t i = sender; i < item_ids.size() * kSharesPerItem; i += 4) {
        const std::string& item_id = item_ids[i % item_ids.size()];
        Response shared = client.ShareItem(item_id);
        if (shared.status != 202) throw std::runtime_error("share answered " + std::to_string(shared.status));
        accepted.emplace_back(item_id, shared.String("eventId"));
      }
      return accepted;
    }));
  }
  std::map<std::string, std::set<std::string>> accepted;
  std::size_t total = 0;
  for (auto& sender : senders) {
    for (auto& [item_id, event_id] : sender.get()) {
      accepted[item_id].insert(event_id);
      ++total;
    }
  }
  ASSERT_EQ(total, item_ids.size() * kSharesPerItem);

  // A visibility timeout well inside the waits below: SQS cannot tell that
  // a lease's holder died, so the killed worker's deliveries return only
  // when it ends.
  const std::vector<std::string> worker_args = {"--visibility-timeout", "3"};
  std::unique_ptr<TestServer> worker = Start("worker", worker_args);
  HttpClient worker_http(worker->port());
  double applied_before_kill = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (applied_before_kill < 1 && std::chrono::steady_clock::now() < give_up) {
    applied_before_kill =
        MetricSample(worker_http.Get("/metrics").body, "wdrbe_share_events_processed_total");
    if (applied_before_kill < 1) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  worker->Kill();
  ASSERT_GE(applied_before_kill, 1) << "the worker applied nothing in 30 s";
  ASSERT_LT(applied_before_kill, static_cast<double>(total)) << "the worker was done before it was killed";

  worker->Restart();
  for (const std::string& item_id : item_ids) {
    const auto expected = static_cast<std::int64_t>(accepted[item_id].size());
    EXPECT_EQ(owner_a.AwaitSharedCount(item_id, expected, std::chrono::seconds(60)), expected) << item_id;
  }
  // Past one more visibility timeout: nothing the killed worker held comes
  // back to be counted again.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  const auto events = SharedEventsByItem(owner_b);
  for (const std::string& item_id : item_ids) {
    EXPECT_EQ(owner_b.SharedCount(item_id), static_cast<std::int64_t>(accepted[item_id].size())) << item_id;
    const auto found = events.find(item_id);
    ASSERT_NE(found, events.end()) << item_id;
    EXPECT_EQ(std::set<std::string>(found->second.begin(), found->second.end()), accepted[item_id])
        << item_id;
    EXPECT_EQ(found->second.size(), accepted[item_id].size())
        << "an event of " << item_id << " applied twice";
  }
}

// Across processes: an event that fails every time is received three times
// by the worker, then sits in the dead-letter queue while its batch mate is
// applied; `wdrbe dlq redrive`, run as its own process, sends it back, and a
// worker without the fault applies it once.
TEST_F(AwsBackendProcessTest, APoisonEventIsDeadLetteredAfterThreeReceivesAndARedriveAppliesItOnce) {
  std::unique_ptr<TestServer> api = Start("serve");
  ApiClient owner(api->port(), "poison-owner");
  const std::string poison_id(owner.MustCreate(ItemBody("Poison")).at("itemId").as_string());
  const std::string healthy_id(owner.MustCreate(ItemBody("Fine")).at("itemId").as_string());
  std::unique_ptr<TestServer> faulty_worker = Start("worker", {"--retry-base-delay-ms", "100"},
                                                    {{"WDRBE_FAULTS", "worker.process@" + poison_id + "=1"}});

  Response poisoned = owner.ShareItem(poison_id);
  ASSERT_EQ(poisoned.status, 202) << poisoned;
  ASSERT_EQ(owner.ShareItem(healthy_id).status, 202);
  EXPECT_EQ(owner.AwaitSharedCount(healthy_id, 1), 1);

  boost::json::value letters = Dlq({"list"});
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (letters.as_array().empty() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    letters = Dlq({"list"});
  }
  ASSERT_EQ(letters.as_array().size(), 1u) << boost::json::serialize(letters);
  const auto& letter = letters.as_array()[0].as_object();
  EXPECT_EQ(letter.at("eventId").as_string(), poisoned.String("eventId"));
  EXPECT_EQ(letter.at("attempts"), 3);
  const std::string metrics = HttpClient(faulty_worker->port()).Get("/metrics").body;
  EXPECT_EQ(MetricSample(metrics, "wdrbe_worker_failed_records_total"), 3) << metrics;
  EXPECT_EQ(MetricSample(metrics, "wdrbe_worker_dead_lettered_total"), 1) << metrics;
  EXPECT_EQ(owner.SharedCount(poison_id), 0);
  ASSERT_TRUE(faulty_worker->Stop().ExitedWith(0));

  std::unique_ptr<TestServer> worker = Start("worker");
  EXPECT_EQ(Dlq({"redrive", "--all"}).at("redriven"), 1);
  EXPECT_EQ(owner.AwaitSharedCount(poison_id, 1), 1);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(owner.SharedCount(poison_id), 1) << "the redriven event was applied twice";
  EXPECT_TRUE(Dlq({"list"}).as_array().empty());
  const auto events = SharedEventsByItem(owner);
  ASSERT_TRUE(events.contains(poison_id));
  EXPECT_EQ(events.at(poison_id), std::multiset<std::string>{poisoned.String("eventId")});
}

}  // namespace
}  // namespace wdrbe::testing
