// A client of the AWS Lambda Runtime API (version 2018-06-01), the HTTP
// interface a custom runtime polls at AWS_LAMBDA_RUNTIME_API ("host:port"):
//
//   GET  /2018-06-01/runtime/invocation/next         the next event (blocks until there is one)
//   POST /2018-06-01/runtime/invocation/{id}/response its answer
//   POST /2018-06-01/runtime/invocation/{id}/error    its failure
//   POST /2018-06-01/runtime/init/error               a failure before the first invocation
//
// Errors are posted as {"errorMessage", "errorType", "stackTrace": []}
// with the Lambda-Runtime-Function-Error-Type header. One connection is
// kept alive across invocations (the HTTP client's pool). Awaited on the
// io_context the client was made for, one call at a time.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/aws/http_client.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/lambda/invocation.hpp"

namespace wdrbe::lambda {

// What the Runtime API takes of one response (6 MB for a synchronous
// invocation) and of an event; larger answers are refused by Lambda.
inline constexpr std::size_t kMaxPayloadBytes = 6 * 1024 * 1024;

// The failure of an invocation or of the start, as Lambda records it.
struct FunctionError {
  std::string type;     // errorType, e.g. "Runtime.InvalidEvent"
  std::string message;  // errorMessage
};

class RuntimeApi {
 public:
  // `address` is AWS_LAMBDA_RUNTIME_API: "host:port" (an IPv6 host in
  // brackets). Errors (kBadRequest) when it is empty or malformed.
  static Result<std::unique_ptr<RuntimeApi>> Create(boost::asio::io_context& io, std::string_view address);
  // What Create checks of `address`, without making a client.
  static Status CheckAddress(std::string_view address);

  // Waits for the next invocation, however long that takes (Lambda keeps the
  // request open until an event arrives). kUnavailable when the Runtime API
  // cannot be reached or answers anything but 200 with a request id: the
  // runtime should then exit.
  Task<Result<Invocation>> Next();
  // Arguments by value: the calls are coroutines that start when awaited.
  // Errors: kUnavailable, or kPayloadTooLarge when Lambda refuses the size.
  Task<Status> Respond(std::string request_id, std::string payload);
  Task<Status> ReportInvocationError(std::string request_id, FunctionError error);
  Task<Status> ReportInitError(FunctionError error);

 private:
  RuntimeApi(aws::EndpointUrl endpoint, std::unique_ptr<aws::HttpClient> http)
      : endpoint_(std::move(endpoint)), http_(std::move(http)) {}
  Task<Status> Post(std::string target, std::string body, aws::HeaderList headers);

  aws::EndpointUrl endpoint_;
  std::unique_ptr<aws::HttpClient> http_;
};

}  // namespace wdrbe::lambda
