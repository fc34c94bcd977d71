#include "wdrbe/lambda/api_function.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>
#include <optional>
#include <string_view>

#include "wdrbe/http/request_framing.hpp"
#include "wdrbe/http/request_id.hpp"
#include "wdrbe/http/request_reading.hpp"
#include "wdrbe/http/responses.hpp"
#include "wdrbe/lambda/api_gateway_event.hpp"
#include "wdrbe/observability/trace_context.hpp"

namespace wdrbe::lambda {
namespace {

namespace beast_http = http::beast_http;

// API Gateway framed the body already; these would describe a body the
// function never sees.
bool IsFramingField(std::string_view name) {
  return boost::beast::iequals(name, "Content-Length") || boost::beast::iequals(name, "Transfer-Encoding") ||
         boost::beast::iequals(name, "Expect");
}

// RFC 9110 field names are tokens; values must not hold CR, LF or NUL.
bool IsFieldName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsFieldValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == value.npos;
}

struct BuiltRequest {
  http::HttpRequest request;
  std::size_t header_bytes = 0;  // as the request line and fields would be sent
  bool malformed = false;
};

BuiltRequest BuildRequest(const ProxyEvent& event) {
  BuiltRequest built;
  http::HttpRequest& request = built.request;
  request.version(11);
  const beast_http::verb verb = beast_http::string_to_verb(event.method);
  if (verb == beast_http::verb::unknown) {
    request.method_string(event.method);
  } else {
    request.method(verb);
  }
  request.target(RequestTarget(event));
  // "GET /path HTTP/1.1\r\n" ... "\r\n"
  built.header_bytes = event.method.size() + 1 + request.target().size() + 11 + 2;
  for (const auto& [name, value] : event.headers) {
    if (!IsFieldName(name) || !IsFieldValue(value)) {
      built.malformed = true;
      continue;
    }
    built.header_bytes += name.size() + 2 + value.size() + 2;
    if (IsFramingField(name)) continue;
    request.insert(name, value);
  }
  request.body() = event.body;
  request.prepare_payload();
  return built;
}

// A sampled X-Ray trace of the invocation (Lambda-Runtime-Trace-Id, with
// active tracing) becomes the request's, in place of any traceparent the
// client sent: the function's spans then sit under API Gateway's and
// Lambda's segments, and the share's path shows in X-Ray as one trace. An
// unsampled one leaves the request's own trace headers in charge.
void ContinueInvocationTrace(http::HttpRequest& request, const std::string& invocation_trace) {
  const auto amzn = obs::ParseAmznTraceId(invocation_trace);
  if (!amzn || amzn->sampled != true) return;
  request.erase("traceparent");
  request.set("X-Amzn-Trace-Id", invocation_trace);
}

// The answer to a request refused before the handler: the server's own
// refusals, with the headers the handler adds to them.
http::HttpResponse Refuse(http::RequestHandler& handler, const http::Refusal& refusal,
                          const http::HttpRequest& request, const std::string& request_id) {
  http::HttpResponse response = http::ErrorResponse(refusal.error, request_id);
  if (refusal.header_too_large) response.result(http::StatusCode::request_header_fields_too_large);
  handler.OnTransportError(&request, response, request_id);
  return response;
}

// `route_body_bytes`: a route's larger limit for this request (the photo
// upload's), as the server grants it (RequestHandler::MaxBodyBytes).
std::optional<http::Refusal> CheckLimits(const BuiltRequest& built, const ApiFunctionLimits& limits,
                                         std::size_t route_body_bytes) {
  if (built.malformed) return http::Refusal{Error::BadRequest("malformed HTTP request")};
  if (built.header_bytes > limits.max_header_bytes) return http::HeaderTooLarge(limits.max_header_bytes);
  const std::size_t max_body_bytes = std::max(limits.max_body_bytes, route_body_bytes);
  if (built.request.body().size() > max_body_bytes) return http::BodyTooLarge(max_body_bytes);
  http::FramingVerdict framing = http::CheckFraming(built.request);
  if (framing.error) return http::Refusal{std::move(*framing.error)};
  return std::nullopt;
}

}  // namespace

Task<Result<std::string>> ApiFunction::Invoke(const Invocation& invocation) {
  Result<ProxyEvent> event = ParseProxyEvent(invocation.event);
  if (!event.ok()) co_return event.error();
  BuiltRequest built = BuildRequest(*event);
  ContinueInvocationTrace(built.request, invocation.trace_id);
  const http::HttpRequest& request = built.request;

  std::string request_id;
  if (auto sent = http::FindHeader(request, "X-Request-Id"); sent && http::IsValidClientRequestId(*sent)) {
    request_id = std::string(*sent);
  } else if (http::IsValidClientRequestId(event->request_id)) {
    request_id = event->request_id;
  } else {
    request_id = new_request_id_();
  }
  boost::system::error_code ec;
  http::ClientAddress client = boost::asio::ip::make_address(event->source_ip, ec);
  if (ec) client = boost::asio::ip::address_v4::any();

  http::HttpResponse response;
  // API Gateway has taken the whole body in already; the limit still
  // bounds what the handler is given.
  const std::size_t route_body_bytes =
      built.request.body().size() > limits_.max_body_bytes ? handler_.MaxBodyBytes(request, client) : 0;
  if (std::optional<http::Refusal> refusal = CheckLimits(built, limits_, route_body_bytes)) {
    response = Refuse(handler_, *refusal, request, request_id);
  } else {
    Task<http::HttpResponse> handling = handler_.Handle(request, request_id, client, /*body_stream=*/nullptr);
    response = co_await std::move(handling);
  }
  response.set("X-Request-Id", request_id);
  // API Gateway frames the answer itself.
  response.erase(beast_http::field::content_length);
  response.erase(beast_http::field::connection);
  if (request.method() == beast_http::verb::head) response.body().clear();
  co_return ProxyResponse(response);
}

}  // namespace wdrbe::lambda
