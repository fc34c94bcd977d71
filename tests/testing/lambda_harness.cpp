#include "testing/lambda_harness.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace wdrbe::testing {
namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// "invocation/ID/response" -> ID (and the last segment).
std::optional<std::pair<std::string, std::string>> InvocationPost(std::string_view target) {
  if (!target.starts_with(std::string(kPrefix) + "invocation/")) return std::nullopt;
  target.remove_prefix(kPrefix.size() + std::string_view("invocation/").size());
  const auto slash = target.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(target.substr(0, slash)), std::string(target.substr(slash + 1)));
}

}  // namespace

LambdaHarness::LambdaHarness(LambdaHarnessOptions options) {
  runtime_api_ = std::make_unique<LoopbackHttpServer>([this](const RecordedRequest& r) { return Serve(r); });
  std::vector<std::string> args = {"lambda", options.function};
  args.insert(args.end(), options.args.begin(), options.args.end());
  std::vector<std::pair<std::string, std::string>> env = options.env;
  env.emplace_back("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + std::to_string(runtime_api_->port()));
  pid_ = SpawnWdrbe(args, options.jwt_secret, env, logs_.path() / "stdout.log", logs_.path() / "stderr.log");
}

LambdaHarness::~LambdaHarness() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    WaitForChildExit(pid_, kStopDeadline);
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  runtime_api_.reset();
}

// Runs on the Runtime API's own thread. /next waits there for an event:
// the function polls it on one connection at a time, as in Lambda.
CannedResponse LambdaHarness::Serve(const RecordedRequest& request) {
  const std::string next = std::string(kPrefix) + "invocation/next";
  std::unique_lock lock(mutex_);
  if (request.method == "GET" && request.target == next) {
    changed_.wait(lock, [this] { return stopping_ || !events_.empty(); });
    if (stopping_) return CannedResponse{.drop = true};
    auto [id, event] = std::move(events_.front());
    events_.pop_front();
    return CannedResponse{
        200,
        {{"Lambda-Runtime-Aws-Request-Id", id},
         {"Lambda-Runtime-Deadline-Ms", "4102444800000"},
         {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:wdrbe-test"},
         {"Lambda-Runtime-Trace-Id", last_trace_id_},
         {"Content-Type", "application/json"}},
        std::move(event)};
  }
  if (request.method == "POST" && request.target == std::string(kPrefix) + "init/error") {
    init_error_ = RuntimeAnswer{RuntimeAnswer::Kind::kError, request.body,
                                request.Header("Lambda-Runtime-Function-Error-Type")};
    changed_.notify_all();
    return CannedResponse{202, {}, R"({"status":"OK"})"};
  }
  if (auto post = InvocationPost(request.target); request.method == "POST" && post) {
    if (post->second == "response") {
      answer_ = {post->first, RuntimeAnswer{RuntimeAnswer::Kind::kResponse, request.body, ""}};
    } else if (post->second == "error") {
      answer_ = {post->first, RuntimeAnswer{RuntimeAnswer::Kind::kError, request.body,
                                            request.Header("Lambda-Runtime-Function-Error-Type")}};
    } else {
      return CannedResponse{404};
    }
    changed_.notify_all();
    return CannedResponse{202, {}, R"({"status":"OK"})"};
  }
  return CannedResponse{404};
}

RuntimeAnswer LambdaHarness::Invoke(std::string event, std::chrono::seconds timeout) {
  const std::string id = "5a3c1f2e-0000-4000-8000-" + std::to_string(100000000000 + ++invocations_);
  std::unique_lock lock(mutex_);
  last_trace_id_ = "Root=1-5759e988-bd862e3fe1be46a99427" + std::to_string(10000 + invocations_) +
                   ";Parent=53995c3f42cd8ad8;Sampled=1";
  answer_.reset();
  events_.emplace_back(id, std::move(event));
  changed_.notify_all();
  if (!changed_.wait_for(lock, timeout, [&] { return answer_ && answer_->first == id; })) {
    lock.unlock();
    throw std::runtime_error("the function answered invocation " + id + " with nothing within " +
                             std::to_string(timeout.count()) + " s; output:\n" + Output());
  }
  return answer_->second;
}

std::optional<RuntimeAnswer> LambdaHarness::WaitForInitError(std::chrono::seconds timeout) {
  exit_status_ = WaitForChildExit(pid_, timeout);
  pid_ = -1;
  if (exit_status_.timed_out) {
    throw std::runtime_error("the function did not exit within " + std::to_string(timeout.count()) +
                             " s; output:\n" + Output());
  }
  std::lock_guard lock(mutex_);
  return init_error_;
}

ExitStatus LambdaHarness::Stop() {
  if (pid_ <= 0) return exit_status_;
  ::kill(pid_, SIGTERM);
  exit_status_ = WaitForChildExit(pid_, kStopDeadline);
  pid_ = -1;
  return exit_status_;
}

std::string LambdaHarness::Output() const {
  return ReadFile(logs_.path() / "stdout.log") + ReadFile(logs_.path() / "stderr.log");
}

}  // namespace wdrbe::testing
