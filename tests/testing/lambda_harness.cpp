#include "testing/lambda_harness.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "wdrbe/base/base64.hpp"

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

namespace json = boost::json;

std::string ApiGatewayEvent(const ApiEventSpec& spec) {
  json::object headers;
  json::object multi_headers;
  for (const auto& [name, value] : spec.headers) {
    headers[name] = value;  // the last value, as API Gateway's single-value map has it
    if (!multi_headers.contains(name)) multi_headers[name] = json::array{};
    multi_headers[name].as_array().push_back(json::string(value));
  }
  json::value query = nullptr;
  json::value multi_query = nullptr;
  if (!spec.query.empty()) {
    json::object single;
    json::object multi;
    for (const auto& [name, value] : spec.query) {
      single[name] = value;
      if (!multi.contains(name)) multi[name] = json::array{};
      multi[name].as_array().push_back(json::string(value));
    }
    query = std::move(single);
    multi_query = std::move(multi);
  }
  json::value body = nullptr;
  if (spec.body) body = json::string(spec.base64 ? Base64Encode(*spec.body) : *spec.body);
  json::object event{
      {"resource", "/{proxy+}"},
      {"path", spec.path},
      {"httpMethod", spec.method},
      {"headers", headers.empty() ? json::value(nullptr) : json::value(headers)},
      {"multiValueHeaders", multi_headers.empty() ? json::value(nullptr) : json::value(multi_headers)},
      {"queryStringParameters", query},
      {"multiValueQueryStringParameters", multi_query},
      {"pathParameters", json::object{{"proxy", spec.path.substr(1)}}},
      {"stageVariables", nullptr},
      {"requestContext", json::object{{"resourcePath", "/{proxy+}"},
                                      {"httpMethod", spec.method},
                                      {"path", "/prod" + spec.path},
                                      {"stage", "prod"},
                                      {"requestId", kGatewayRequestId},
                                      {"identity", json::object{{"sourceIp", "203.0.113.7"},
                                                                {"userAgent", "lambda-harness"}}}}},
      {"body", body},
      {"isBase64Encoded", spec.base64},
  };
  return json::serialize(event);
}

std::string ProxyAnswer::Header(std::string_view name) const {
  const json::value* value = headers.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

json::value ProxyAnswer::Json() const { return json::parse(body); }

ProxyAnswer ReadProxyAnswer(const RuntimeAnswer& answer) {
  ProxyAnswer out;
  if (answer.kind != RuntimeAnswer::Kind::kResponse) {
    ADD_FAILURE() << "the invocation failed: " << answer.error_type << " " << answer.body;
    return out;
  }
  const json::object proxy = json::parse(answer.body).as_object();
  // Exactly the members of a proxy response, nothing else.
  EXPECT_EQ(proxy.size(), 5u) << answer.body;
  out.status = static_cast<int>(proxy.at("statusCode").as_int64());
  out.headers = proxy.at("headers").as_object();
  out.multi_value_headers = proxy.at("multiValueHeaders").as_object();
  out.body = std::string(proxy.at("body").as_string());
  out.base64 = proxy.at("isBase64Encoded").as_bool();
  return out;
}

json::object SqsRecord(const SqsRecordSpec& spec) {
  json::object attributes;
  if (!spec.traceparent.empty()) {
    attributes["traceparent"] = json::object{{"stringValue", spec.traceparent},
                                             {"stringListValues", json::array{}},
                                             {"binaryListValues", json::array{}},
                                             {"dataType", "String"}};
  }
  return json::object{
      {"messageId", spec.message_id},
      {"receiptHandle", spec.receipt_handle},
      {"body", spec.body},
      {"attributes", json::object{{"ApproximateReceiveCount", std::to_string(spec.receive_count)},
                                  {"SentTimestamp", "1764583200000"},
                                  {"SenderId", "AIDAEXAMPLE"},
                                  {"ApproximateFirstReceiveTimestamp", "1764583200100"}}},
      {"messageAttributes", std::move(attributes)},
      {"md5OfBody", "0123456789abcdef0123456789abcdef"},
      {"eventSource", "aws:sqs"},
      {"eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:wdrbe-share-events"},
      {"awsRegion", "us-east-1"}};
}

std::string SqsEvent(const std::vector<json::object>& records) {
  json::array all;
  for (const json::object& record : records) all.push_back(record);
  return json::serialize(json::object{{"Records", std::move(all)}});
}

LambdaHarness::LambdaHarness(LambdaHarnessOptions options) : max_response_bytes_(options.max_response_bytes) {
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
    if (post->second == "response" && request.body.size() > max_response_bytes_) {
      // Lambda's answer: the invocation stays open for an error report.
      return CannedResponse{
          413,
          {{"Content-Type", "application/json"}},
          R"({"errorMessage":"Exceeded maximum allowed payload size","errorType":"RequestEntityTooLarge"})"};
    }
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
  last_request_id_ = id;
  last_trace_id_ = "Root=1-5759e988-bd862e3fe1be46a9942" + std::to_string(10000 + invocations_) +
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
