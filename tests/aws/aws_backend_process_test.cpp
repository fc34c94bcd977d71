// The AWS backend as operators run it, with real processes on the local
// engines: `wdrbe aws setup`, API processes (`serve --backend aws`) and a
// share worker process (`wdrbe worker`) on one table and queue, and the
// start-up errors that say what to fix.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "testing/aws_local_engines.hpp"
#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

Env EngineEnv() {
  Env env;
  for (const auto& [name, value] : AwsLocalEngines::Get().Variables()) env.emplace_back(name, value);
  return env;
}

struct SetUpResources {
  std::string table;
  std::string queue_url;
  std::string dead_letter_queue_url;
};

// `wdrbe aws setup` for a table and queue of this test's own.
SetUpResources MustSetUp(const std::string& table, const std::string& queue_name) {
  ProcessOutcome outcome =
      RunToExit({"aws", "setup", "--table", table, "--queue-name", queue_name}, std::nullopt, EngineEnv());
  if (!outcome.status.ExitedWith(0)) throw std::runtime_error("aws setup failed: " + outcome.output);
  const auto first_line = outcome.output.substr(0, outcome.output.find('\n'));
  const boost::json::object printed = boost::json::parse(first_line).as_object();
  return {std::string(printed.at("table").as_string()), std::string(printed.at("queueUrl").as_string()),
          std::string(printed.at("deadLetterQueueUrl").as_string())};
}

std::vector<std::string> BackendArgs(const SetUpResources& resources) {
  return {"--backend",
          "aws",
          "--table",
          resources.table,
          "--queue-url",
          resources.queue_url,
          "--dead-letter-queue-url",
          resources.dead_letter_queue_url};
}

class AwsBackendProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resources_ = MustSetUp(AwsLocalEngines::UniqueName("table"), AwsLocalEngines::UniqueName("shares"));
  }

  // `wdrbe serve --backend aws` (API only unless `with_worker`), or `wdrbe worker`.
  std::unique_ptr<TestServer> Start(std::string command, bool with_worker = false) {
    ServerOptions options;
    options.command = std::move(command);
    options.extra_args = BackendArgs(resources_);
    if (options.command == "serve" && !with_worker) {
      options.extra_args.insert(options.extra_args.end(), {"--worker-concurrency", "0"});
    }
    options.extra_env = EngineEnv();
    return TestServer::Start(std::move(options));
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

}  // namespace
}  // namespace wdrbe::testing
