// LambdaHarness: the real binary as a Lambda function. A Runtime API of the
// test's own listens on loopback (the documented 2018-06-01 endpoints:
// invocation/next, invocation/{id}/response, invocation/{id}/error,
// init/error), and `wdrbe lambda api|worker ARGS...` runs as a child with
// AWS_LAMBDA_RUNTIME_API pointing at it. Invoke() hands the function one
// event and waits for what it posts back.
//
// Not thread-safe: one thread owns a harness. The destructor kills the child.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "testing/loopback_http_server.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {

// What the function posted for one invocation (or for its start).
struct RuntimeAnswer {
  enum class Kind { kResponse, kError };
  Kind kind = Kind::kResponse;
  std::string body;
  std::string error_type;  // Lambda-Runtime-Function-Error-Type, for errors
};

struct LambdaHarnessOptions {
  std::string function = "api";  // api | worker
  std::vector<std::string> args = {};
  std::optional<std::string> jwt_secret = std::string(kTestJwtSecret);
  std::vector<std::pair<std::string, std::string>> env = {};
};

class LambdaHarness {
 public:
  explicit LambdaHarness(LambdaHarnessOptions options);
  ~LambdaHarness();
  LambdaHarness(const LambdaHarness&) = delete;
  LambdaHarness& operator=(const LambdaHarness&) = delete;

  // The next invocation: `event` with a fresh request id and an X-Ray trace
  // header. Throws std::runtime_error when nothing is posted back within
  // `timeout` (with the child's output).
  RuntimeAnswer Invoke(std::string event, std::chrono::seconds timeout = std::chrono::seconds(30));

  // The init error the function posted, once it has exited; nullopt when
  // it exited without posting one. Throws when it is still running after
  // `timeout`.
  std::optional<RuntimeAnswer> WaitForInitError(std::chrono::seconds timeout = std::chrono::seconds(30));

  // The trace header given to the last invocation.
  const std::string& last_trace_id() const { return last_trace_id_; }
  // How the child ended (after WaitForInitError or Stop).
  const ExitStatus& exit_status() const { return exit_status_; }
  // SIGTERM, then waits for the exit.
  ExitStatus Stop();
  std::string Output() const;

 private:
  CannedResponse Serve(const RecordedRequest& request);

  TempDir logs_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::string, std::string>> events_;       // (request id, event); guarded by mutex_
  std::optional<std::pair<std::string, RuntimeAnswer>> answer_;  // (request id, answer); guarded by mutex_
  std::optional<RuntimeAnswer> init_error_;                      // guarded by mutex_
  bool stopping_ = false;                                        // guarded by mutex_
  std::unique_ptr<LoopbackHttpServer> runtime_api_;
  pid_t pid_ = -1;
  int invocations_ = 0;
  std::string last_trace_id_;
  ExitStatus exit_status_;
};

}  // namespace wdrbe::testing
