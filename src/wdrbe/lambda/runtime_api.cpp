#include "wdrbe/lambda/runtime_api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <utility>

namespace wdrbe::lambda {
namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime";
// /next is a long poll: Lambda answers when an event arrives, and freezes
// the process meanwhile. A deadline still bounds a Runtime API that stopped
// answering outside Lambda (an emulator, a test); Next() is then retried.
constexpr std::chrono::hours kNextTimeout{12};
// Posting an answer is local and quick.
constexpr std::chrono::seconds kPostTimeout{30};

std::string ErrorBody(const FunctionError& error) {
  return boost::json::serialize(boost::json::object{
      {"errorMessage", error.message}, {"errorType", error.type}, {"stackTrace", boost::json::array{}}});
}

// Lambda's request ids are UUIDs; the id goes into the answer's URL path,
// so anything else is refused rather than pasted there.
bool IsRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<aws::EndpointUrl> RuntimeApiEndpoint(std::string_view address) {
  if (address.empty()) {
    return Error::BadRequest(
        "AWS_LAMBDA_RUNTIME_API is not set: `wdrbe lambda` runs inside AWS Lambda (or an emulator of its "
        "Runtime API); use `wdrbe serve` or `wdrbe worker` elsewhere");
  }
  auto endpoint = aws::ParseEndpointUrl("http://" + std::string(address));
  if (!endpoint.ok()) {
    return Error::BadRequest("AWS_LAMBDA_RUNTIME_API must be host:port, got '" + std::string(address) + "'");
  }
  return endpoint;
}

}  // namespace

Status RuntimeApi::CheckAddress(std::string_view address) { return RuntimeApiEndpoint(address).status(); }

Result<std::unique_ptr<RuntimeApi>> RuntimeApi::Create(boost::asio::io_context& io,
                                                       std::string_view address) {
  auto endpoint = RuntimeApiEndpoint(address);
  if (!endpoint.ok()) return endpoint.error();
  // Plain http on the instance's own loopback: no TLS context to load.
  auto http = aws::HttpClient::Create(io, aws::HttpClientOptions{.max_idle_per_endpoint = 1, .https = false});
  if (!http.ok()) return http.error();
  return std::unique_ptr<RuntimeApi>(new RuntimeApi(std::move(*endpoint), std::move(*http)));
}

Task<Result<Invocation>> RuntimeApi::Next() {
  aws::HttpRequest request;
  request.method = "GET";
  request.target = std::string(kPrefix) + "/invocation/next";
  request.timeout = kNextTimeout;
  Task<Result<aws::HttpResponse>> sending = http_->Send(endpoint_, std::move(request));
  Result<aws::HttpResponse> answer = co_await std::move(sending);
  if (!answer.ok()) co_return Error::Unavailable("Runtime API: next invocation: " + answer.error().message);
  if (answer->status != 200) {
    co_return Error::Unavailable("Runtime API: next invocation answered HTTP " +
                                 std::to_string(answer->status));
  }
  Invocation invocation;
  invocation.request_id = answer->Header("Lambda-Runtime-Aws-Request-Id").value_or("");
  if (!IsRequestId(invocation.request_id)) {
    co_return Error::Unavailable(
        "Runtime API: next invocation without a valid Lambda-Runtime-Aws-Request-Id");
  }
  const std::string deadline = answer->Header("Lambda-Runtime-Deadline-Ms").value_or("0");
  invocation.deadline_ms = 0;
  std::from_chars(deadline.data(), deadline.data() + deadline.size(), invocation.deadline_ms);
  invocation.function_arn = answer->Header("Lambda-Runtime-Invoked-Function-Arn").value_or("");
  invocation.trace_id = answer->Header("Lambda-Runtime-Trace-Id").value_or("");
  invocation.event = std::move(answer->body);
  co_return invocation;
}

Task<Status> RuntimeApi::Post(std::string target, std::string body, aws::HeaderList headers) {
  aws::HttpRequest request;
  request.method = "POST";
  request.target = std::move(target);
  request.body = std::move(body);
  request.headers = std::move(headers);
  request.timeout = kPostTimeout;
  const std::string what = request.target;
  Task<Result<aws::HttpResponse>> sending = http_->Send(endpoint_, std::move(request));
  Result<aws::HttpResponse> answer = co_await std::move(sending);
  if (!answer.ok()) co_return Error::Unavailable("Runtime API: POST " + what + ": " + answer.error().message);
  if (answer->status == 413) {
    co_return Error{
        ErrorCode::kPayloadTooLarge, "Runtime API: the response is larger than Lambda accepts", {}};
  }
  if (answer->status != 202) {
    co_return Error::Unavailable("Runtime API: POST " + what + " answered HTTP " +
                                 std::to_string(answer->status) + ": " + answer->body.substr(0, 512));
  }
  co_return Status::Ok();
}

Task<Status> RuntimeApi::Respond(std::string request_id, std::string payload) {
  Task<Status> posting = Post(std::string(kPrefix) + "/invocation/" + request_id + "/response",
                              std::move(payload), {{"Content-Type", "application/json"}});
  co_return co_await std::move(posting);
}

Task<Status> RuntimeApi::ReportInvocationError(std::string request_id, FunctionError error) {
  Task<Status> posting =
      Post(std::string(kPrefix) + "/invocation/" + request_id + "/error", ErrorBody(error),
           {{"Content-Type", "application/json"}, {"Lambda-Runtime-Function-Error-Type", error.type}});
  co_return co_await std::move(posting);
}

Task<Status> RuntimeApi::ReportInitError(FunctionError error) {
  Task<Status> posting =
      Post(std::string(kPrefix) + "/init/error", ErrorBody(error),
           {{"Content-Type", "application/json"}, {"Lambda-Runtime-Function-Error-Type", error.type}});
  co_return co_await std::move(posting);
}

}  // namespace wdrbe::lambda
