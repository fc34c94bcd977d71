// The server as a process: configuration checked at start, SIGTERM, SIGKILL,
// and what survives a restart on the same data directory.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// A loopback TCP port held open (listening) for the object's lifetime.
class OccupiedPort {
 public:
  OccupiedPort() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot occupy a loopback port");
    }
    port_ = ntohs(address.sin_port);
  }
  ~OccupiedPort() { ::close(fd_); }
  OccupiedPort(const OccupiedPort&) = delete;
  OccupiedPort& operator=(const OccupiedPort&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

std::vector<std::string> ServeArgs(const TempDir& data_dir, const std::string& listen = "127.0.0.1:0") {
  return {"serve", "--listen", listen, "--data-dir", data_dir.path().string()};
}

TEST(ServerStartTest, WithoutAJwtSecretItExitsAndSaysHowToSetOne) {
  TempDir data_dir;
  const ProcessOutcome outcome = RunToExit(ServeArgs(data_dir), std::nullopt);

  EXPECT_FALSE(outcome.status.timed_out) << "it kept running; output:\n" << outcome.output;
  EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
  EXPECT_TRUE(Contains(outcome.output, "WDRBE_JWT_SECRET")) << outcome.output;
  EXPECT_TRUE(Contains(outcome.output, "--jwt-secret-file")) << outcome.output;
}

TEST(ServerStartTest, ASecretShorterThan32BytesIsRefused) {
  for (const std::string& secret : {std::string(31, 's'), std::string("short"), std::string()}) {
    SCOPED_TRACE("secret of " + std::to_string(secret.size()) + " bytes");
    TempDir data_dir;
    const ProcessOutcome outcome = RunToExit(ServeArgs(data_dir), secret);

    EXPECT_FALSE(outcome.status.timed_out) << "it kept running; output:\n" << outcome.output;
    EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
    EXPECT_TRUE(Contains(Lower(outcome.output), "secret")) << outcome.output;
    EXPECT_TRUE(Contains(outcome.output, "32")) << "the error should name the minimum" << outcome.output;
    EXPECT_FALSE(Contains(outcome.output, "listening on")) << outcome.output;
  }
}

TEST(ServerStartTest, ASecretOfExactly32BytesIsAccepted) {
  const std::string secret(32, 'k');
  ServerOptions options;
  options.jwt_secret = secret;
  const auto server = TestServer::Start(options);
  const std::string user = "u-32-byte-secret";

  HttpClient http(server->port());
  EXPECT_EQ(http.Get("/users/" + user + "/items", MakeToken(user, std::chrono::hours(1), secret)).status,
            200);
  EXPECT_EQ(http.Get("/users/" + user + "/items", MakeToken(user)).status, 401);
}

// A server pinned to one CPU (as a benchmark or a CPU set pins it) starts
// one network thread, not one per core of the machine; --threads still wins.
TEST(ServerStartTest, ThreadsDefaultToTheCpusTheProcessMayUse) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &saved)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  // The child inherits the mask of the thread that forks it: this one.
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  std::unique_ptr<TestServer> pinned;
  std::unique_ptr<TestServer> told;
  try {
    pinned = TestServer::Start({});
    ServerOptions options;
    options.extra_args = {"--threads", "3"};
    told = TestServer::Start(options);
  } catch (...) {
    sched_setaffinity(0, sizeof(saved), &saved);
    throw;
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);

  EXPECT_TRUE(Contains(pinned->Output(), R"("threads":1)")) << pinned->Output();
  EXPECT_TRUE(Contains(told->Output(), R"("threads":3)")) << told->Output();
}

TEST(ServerStartTest, TheSecretCanComeFromAFile) {
  TempDir secrets;
  const std::string secret = "a-secret-read-from-a-file-0123456789abcdef";
  const std::filesystem::path secret_file = secrets.path() / "jwt.secret";
  std::ofstream(secret_file) << secret;
  ServerOptions options;
  options.jwt_secret = std::nullopt;
  options.extra_args = {"--jwt-secret-file", secret_file.string()};
  const auto server = TestServer::Start(options);
  const std::string user = "u-secret-file";

  HttpClient http(server->port());
  EXPECT_EQ(http.Get("/users/" + user + "/items", MakeToken(user, std::chrono::hours(1), secret)).status,
            200);
  EXPECT_EQ(http.Get("/users/" + user + "/items", MakeToken(user)).status, 401);
}

TEST(ServerStartTest, APortInUseMakesItExitWithAddressAlreadyInUse) {
  const OccupiedPort occupied;
  TempDir data_dir;
  const ProcessOutcome outcome = RunToExit(
      ServeArgs(data_dir, "127.0.0.1:" + std::to_string(occupied.port())), std::string(kTestJwtSecret));

  EXPECT_FALSE(outcome.status.timed_out) << "it kept running; output:\n" << outcome.output;
  EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
  EXPECT_TRUE(Contains(Lower(outcome.output), "address already in use")) << outcome.output;
}

TEST(ServerStartTest, ABadFlagValueIsRefusedByNameBeforeAnythingIsCreated) {
  struct BadFlag {
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env;
    std::string message;
  };
  const std::vector<BadFlag> cases = {
      {{"--worker-concurrency", "-1"}, {}, "--worker-concurrency must be 0-64"},
      {{"--visibility-timeout", "0"}, {}, "--visibility-timeout must be 1-43200"},
      {{"--max-receives", "0"}, {}, "--max-receives must be 1-100"},
      {{"--retry-base-delay-ms", "-1"}, {}, "--retry-base-delay-ms must be 1-600000"},
      {{"--rate-limit", "-5"}, {}, "--rate-limit must be 0-"},
      {{"--durability", "fast"}, {}, "--durability must be 'full' or 'normal'"},
      {{"--metrics-listen", "9464"}, {}, "--metrics-listen must be HOST:PORT"},
      // From the environment the check and its message are the same.
      {{}, {{"WDRBE_USER_BURST", "0"}}, "--user-burst must be 1-"},
  };
  for (const BadFlag& bad : cases) {
    SCOPED_TRACE(bad.message);
    TempDir parent;
    const std::filesystem::path data_dir = parent.path() / "data";
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir.string()};
    args.insert(args.end(), bad.args.begin(), bad.args.end());
    const ProcessOutcome outcome = RunToExit(args, std::string(kTestJwtSecret), bad.env);

    EXPECT_FALSE(outcome.status.timed_out) << "it kept running; output:\n" << outcome.output;
    EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
    EXPECT_TRUE(Contains(outcome.output, "wdrbe serve: " + bad.message)) << outcome.output;
    EXPECT_FALSE(Contains(outcome.output, "listening on")) << outcome.output;
    EXPECT_FALSE(std::filesystem::exists(data_dir)) << "refused before the data directory was made";
  }
}

TEST(LifecycleTest, SigtermExitsWithStatus0EvenWithAnIdleConnectionOpen) {
  const auto server = TestServer::Start();
  HttpClient idle(server->port());
  ASSERT_EQ(idle.Get("/healthz").status, 200);

  const ExitStatus status = server->Stop();

  EXPECT_TRUE(status.ExitedWith(0)) << status << "; output:\n" << server->Output();
}

TEST(LifecycleTest, ItemsAndActivitiesSurviveARestart) {
  const auto server = TestServer::Start();
  const std::string user = "u-survivor";
  std::vector<json::object> created;
  json::object items_page;
  json::object activities_page;
  {
    ApiClient api(server->port(), user);
    json::object full = ItemBody("Navy Blazer", "outerwear");
    full["season"] = "fall";
    full["color"] = "navy";
    full["purchaseDate"] = "2025-10-01";
    full["imageUrl"] = "https://img.example.com/blazer.jpg";
    created.push_back(api.MustCreate(full));
    for (int i = 0; i < 4; ++i)
      created.push_back(api.MustCreate(ItemBody("item " + std::to_string(i), "misc")));
    ASSERT_EQ(api.PatchItem(Str(created[1], "itemId"), {{"name", "patched"}}).status, 200);
    ASSERT_EQ(api.DeleteItem(Str(created[2], "itemId")).status, 204);
    items_page = api.ListItems().Json();
    activities_page = api.ListActivities().Json();
  }

  ASSERT_TRUE(server->Stop().ExitedWith(0)) << server->Output();
  server->Restart();

  ApiClient api(server->port(), user);
  EXPECT_TRUE(JsonEquals(api.ListItems().Json(), items_page));
  EXPECT_TRUE(JsonEquals(api.ListActivities().Json(), activities_page));
  EXPECT_TRUE(JsonEquals(api.GetItem(Str(created[0], "itemId")).Json(), created[0]));
  EXPECT_EQ(api.GetItem(Str(created[2], "itemId")).status, 404);
  EXPECT_EQ(items_page.at("items").as_array().size(), 4u);
  EXPECT_EQ(activities_page.at("activities").as_array().size(), 5u);
}

TEST(LifecycleTest, EveryAcknowledgedCreateSurvivesSigkill) {
  constexpr int kWriters = 4;
  constexpr std::size_t kAcknowledgedBeforeKill = 60;
  const auto server = TestServer::Start();
  const std::string user = "u-crash";

  std::mutex mutex;
  std::vector<json::object> acknowledged;  // guarded by mutex
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      ApiClient api(server->port(), user);
      for (int i = 0; !stop; ++i) {
        try {
          const Response response =
              api.CreateItem(ItemBody("w" + std::to_string(w) + "-" + std::to_string(i), "crash"));
          if (response.status != 201) continue;
          std::lock_guard lock(mutex);
          acknowledged.push_back(response.Json());
        } catch (const std::exception&) {
          return;  // the server is gone
        }
      }
    });
  }
  const auto until = std::chrono::steady_clock::now() + kNetworkDeadline;
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard lock(mutex);
      if (acknowledged.size() >= kAcknowledgedBeforeKill) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const ExitStatus killed = server->Kill();
  stop = true;
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(killed.signal, SIGKILL) << killed;
  ASSERT_GE(acknowledged.size(), kAcknowledgedBeforeKill) << "the writers were too slow; output:\n"
                                                          << server->Output();

  server->Restart();

  ApiClient api(server->port(), user);
  for (const json::object& item : acknowledged) {
    const Response response = api.GetItem(Str(item, "itemId"));
    EXPECT_EQ(response.status, 200) << "acknowledged " << item << " but lost it" << response;
  }
  const std::vector<std::string> listed = api.WalkItemIds({}, 100);
  EXPECT_GE(listed.size(), acknowledged.size());
}

TEST(LifecycleTest, CursorsSurviveARestart) {
  const auto server = TestServer::Start();
  const std::string user = "u-cursor-restart";
  std::vector<std::string> expected;
  std::string items_cursor;
  std::string activities_cursor;
  {
    ApiClient api(server->port(), user);
    for (int i = 0; i < 6; ++i) api.MustCreate(ItemBody("item " + std::to_string(i), "misc"));
    expected = api.WalkItemIds({}, 100);
    items_cursor = api.ListItems({{"limit", "3"}}).String("nextCursor");
    activities_cursor = api.ListActivities({{"limit", "3"}}).String("nextCursor");
  }
  ASSERT_FALSE(items_cursor.empty());
  ASSERT_FALSE(activities_cursor.empty());

  server->Restart();

  ApiClient api(server->port(), user);
  const Response items = api.ListItems({{"limit", "3"}, {"cursor", items_cursor}});
  ASSERT_EQ(items.status, 200) << items;
  std::vector<std::string> second_page;
  for (const json::value& item : items.Json().at("items").as_array())
    second_page.push_back(Str(item.as_object(), "itemId"));
  EXPECT_EQ(second_page, std::vector<std::string>(expected.begin() + 3, expected.end()));
  const Response activities = api.ListActivities({{"limit", "3"}, {"cursor", activities_cursor}});
  EXPECT_EQ(activities.status, 200) << activities;
  EXPECT_EQ(activities.Json().at("activities").as_array().size(), 3u) << activities;
}

TEST(LifecycleTest, IdempotencyKeysSurviveARestart) {
  const auto server = TestServer::Start();
  const std::string user = "u-key-restart";
  json::object body = ItemBody();
  body["idempotencyKey"] = "survives";
  const json::object created = ApiClient(server->port(), user).MustCreate(body);

  server->Restart();

  ApiClient api(server->port(), user);
  const Response repeat = api.CreateItem(body);
  EXPECT_EQ(repeat.status, 200) << repeat;
  EXPECT_TRUE(JsonEquals(repeat.Json(), created));
  EXPECT_EQ(api.WalkItemIds({}, 100).size(), 1u);
}

}  // namespace
}  // namespace wdrbe::testing
