// TestServer: the real wdrbe binary (WDRBE_BINARY) as a child process on a
// loopback port chosen by the kernel, with a data directory of its own.
//
// Start() runs `wdrbe serve --listen 127.0.0.1:0 --data-dir DIR [args...]`
// (or `wdrbe worker ...`)
// with WDRBE_JWT_SECRET set to kTestJwtSecret (unless told otherwise) and
// every other WDRBE_* and OTEL_* variable of the test's own environment removed, so a
// developer's shell cannot change what the tests see. The child's stdout and
// stderr go to files (never a pipe that could fill up and block it); Start()
// returns once stdout holds "listening on http://HOST:PORT" (or https:// when
// extra_args give it --tls-cert and --tls-key).
//
// Not thread-safe: one thread owns a TestServer. The destructor SIGKILLs a
// child that is still running.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testing/temp_dir.hpp"

namespace wdrbe::testing {

// The HS256 secret every test server is started with (>= 32 bytes).
inline constexpr std::string_view kTestJwtSecret = "wdrbe-api-tests-hs256-secret-0123456789";

// How long a child may take to start listening, to exit after SIGTERM, or to
// finish when run to completion. Generous: they bound failures, not speed.
inline constexpr std::chrono::seconds kStartDeadline{20};
inline constexpr std::chrono::seconds kStopDeadline{20};

struct ServerOptions {
  // Passed as --data-dir; when empty, the server gets a TempDir of its own.
  std::filesystem::path data_dir;
  std::string listen = "127.0.0.1:0";
  // WDRBE_JWT_SECRET of the child; nullopt leaves it unset.
  std::optional<std::string> jwt_secret = std::string(kTestJwtSecret);
  std::vector<std::string> extra_args;
  std::vector<std::pair<std::string, std::string>> extra_env;
  // The subcommand: "serve", or "worker" (the share worker alone).
  std::string command = "serve";
};

// How a child process ended.
struct ExitStatus {
  std::optional<int> exit_code;  // set when it exited
  std::optional<int> signal;     // set when a signal ended it
  bool timed_out = false;        // it did not end before the deadline (and was killed)

  bool ExitedWith(int code) const { return exit_code == code; }
  std::string Describe() const;
};

std::ostream& operator<<(std::ostream& out, const ExitStatus& status);

// What a child run to completion (RunToExit) did.
struct ProcessOutcome {
  ExitStatus status;
  std::string output;  // stdout then stderr
};

class TestServer {
 public:
  // Starts the binary and waits until it listens. Throws std::runtime_error
  // (with the child's output) when it exits or stays silent until the deadline.
  static std::unique_ptr<TestServer> Start(ServerOptions options = {});

  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  // "http" or "https", as the server announced.
  const std::string& scheme() const { return scheme_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  bool running() const { return pid_ > 0; }
  // The child's process id (-1 when none runs): for tests that act on the
  // process itself (its resource limits, say).
  pid_t pid() const { return pid_; }

  // Reaps the child if it has exited on its own; false then (or if stopped).
  bool CheckAlive();

  // How the last child ended (empty while it runs).
  const ExitStatus& last_exit() const { return last_exit_; }

  // Everything the current child wrote so far: stdout, then stderr.
  std::string Output() const;

  // SIGTERM, then waits up to kStopDeadline (SIGKILL after it) and returns
  // how the child ended.
  ExitStatus Stop();

  // SIGKILL and reap: a crash as far as the data directory is concerned.
  ExitStatus Kill();

  // Stops the child if it still runs (SIGTERM), then starts a new one with the
  // same options and data directory. The port usually changes.
  void Restart();

 private:
  explicit TestServer(ServerOptions options);
  void Launch();
  ExitStatus WaitForExit(std::chrono::steady_clock::duration deadline);

  ServerOptions options_;
  std::unique_ptr<TempDir> owned_data_dir_;
  TempDir log_dir_;
  std::filesystem::path data_dir_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
  int generation_ = 0;
  pid_t pid_ = -1;
  ExitStatus last_exit_;
  std::string scheme_;
  std::string host_;
  std::uint16_t port_ = 0;
};

// Runs `wdrbe ARGS...` (no implicit arguments) with the given WDRBE_JWT_SECRET
// and extra environment until it exits; kills it after `deadline`. For
// start-up failures: a misconfigured server must exit, not listen.
ProcessOutcome RunToExit(const std::vector<std::string>& args, const std::optional<std::string>& jwt_secret,
                         const std::vector<std::pair<std::string, std::string>>& extra_env = {},
                         std::chrono::steady_clock::duration deadline = kStartDeadline);

// Starts `wdrbe ARGS...` with the environment RunToExit gives (and, on the
// AWS test backend, its table and queues for a --data-dir), stdout and
// stderr into the given files, and returns at once: for commands that do
// not listen (`wdrbe lambda`). The caller reaps it with WaitForChildExit.
pid_t SpawnWdrbe(const std::vector<std::string>& args, const std::optional<std::string>& jwt_secret,
                 const std::vector<std::pair<std::string, std::string>>& extra_env,
                 const std::filesystem::path& stdout_path, const std::filesystem::path& stderr_path);

// Waits up to `deadline` for `pid` to exit, then SIGKILLs it.
ExitStatus WaitForChildExit(pid_t pid, std::chrono::steady_clock::duration deadline);

// A fixture base for suites whose tests share one server: tests must not
// interfere, so each uses its own user ids (UniqueUserId). A server that does
// not start fails every test of the suite with its output; one that dies
// during a test fails that test and is restarted for the next.
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  static TestServer& server() { return *server_; }
  static std::uint16_t port() { return server_->port(); }

  // A user id no other test uses: "u-" + the test's name + a counter,
  // restricted to [A-Za-z0-9_-] and at most 64 characters.
  static std::string UniqueUserId(std::string_view label = "");

 private:
  static std::unique_ptr<TestServer> server_;
  static std::string start_error_;
};

}  // namespace wdrbe::testing
