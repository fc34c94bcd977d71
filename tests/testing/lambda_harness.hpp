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

#include <boost/json/object.hpp>
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
  // A response body over this many bytes is refused with 413, as Lambda
  // refuses one over its 6 MB payload limit.
  std::size_t max_response_bytes = 6 * 1024 * 1024;
};

// An API Gateway REST proxy event (payload 1.0) as API Gateway sends it for
// a `{proxy+}` resource on stage prod, from a client at 203.0.113.7, with
// API Gateway request id kGatewayRequestId.
inline constexpr char kGatewayRequestId[] = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

struct ApiEventSpec {
  std::string method = "GET";
  std::string path = "/healthz";
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::vector<std::pair<std::string, std::string>> query = {};
  std::optional<std::string> body = std::nullopt;
  bool base64 = false;  // send the body in base64, with isBase64Encoded
};

std::string ApiGatewayEvent(const ApiEventSpec& spec);

// A proxy response the API function answered, parsed. Fails the test
// (ADD_FAILURE) unless it is a response with exactly the five members.
struct ProxyAnswer {
  int status = 0;
  boost::json::object headers;
  boost::json::object multi_value_headers;
  std::string body;
  bool base64 = false;

  // headers[name], "" when absent.
  std::string Header(std::string_view name) const;
  boost::json::value Json() const;
};

ProxyAnswer ReadProxyAnswer(const RuntimeAnswer& answer);

// One SQS record as Lambda's event source mapping delivers it, and the
// event of a batch of them.
struct SqsRecordSpec {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int receive_count = 1;
  std::string traceparent = "";  // the message attribute, when not empty
};

boost::json::object SqsRecord(const SqsRecordSpec& spec);
std::string SqsEvent(const std::vector<boost::json::object>& records);

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

  // The request id and the trace header given to the last invocation.
  const std::string& last_request_id() const { return last_request_id_; }
  const std::string& last_trace_id() const { return last_trace_id_; }
  // How the child ended (after WaitForInitError or Stop).
  const ExitStatus& exit_status() const { return exit_status_; }
  // SIGTERM, then waits for the exit.
  ExitStatus Stop();
  std::string Output() const;

 private:
  CannedResponse Serve(const RecordedRequest& request);

  TempDir logs_;
  const std::size_t max_response_bytes_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::string, std::string>> events_;       // (request id, event); guarded by mutex_
  std::optional<std::pair<std::string, RuntimeAnswer>> answer_;  // (request id, answer); guarded by mutex_
  std::optional<RuntimeAnswer> init_error_;                      // guarded by mutex_
  bool stopping_ = false;                                        // guarded by mutex_
  std::unique_ptr<LoopbackHttpServer> runtime_api_;
  pid_t pid_ = -1;
  int invocations_ = 0;
  std::string last_request_id_;
  std::string last_trace_id_;
  ExitStatus exit_status_;
};

}  // namespace wdrbe::testing
