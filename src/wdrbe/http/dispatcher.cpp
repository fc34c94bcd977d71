#include "wdrbe/http/dispatcher.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <chrono>
#include <exception>
#include <iostream>

#include "wdrbe/http/responses.hpp"

namespace wdrbe::http {
namespace {

// A non-empty `access_token` query parameter.
bool HasQueryToken(boost::urls::url_view url) {
  auto token = url.params().find("access_token");
  return token != url.params().end() && (*token).has_value && !(*token).value.empty();
}

Error MethodNotAllowedError() {
  return Error{ErrorCode::kMethodNotAllowed, "method not allowed on this route", {}};
}

HttpResponse TooManyRequests(std::int64_t wait_ms, std::string_view request_id) {
  HttpResponse response = ErrorResponse(
      Error{ErrorCode::kTooManyRequests, "too many requests; retry after the given seconds", {}}, request_id);
  response.set(beast_http::field::retry_after, std::to_string((wait_ms + 999) / 1000));
  return response;
}

// Loopback also as an IPv4-mapped IPv6 address (a listener on [::] sees
// IPv4 clients that way).
bool IsLoopback(const ClientAddress& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

}  // namespace

Task<HttpResponse> Dispatcher::Handle(const HttpRequest& request, std::string_view request_id,
                                      const ClientAddress& client, BodyStreamSlot body_stream) {
  const auto started = std::chrono::steady_clock::now();
  obs::TraceContext trace = obs::ContinueOrStartTrace(FindHeader(request, "traceparent"),
                                                      FindHeader(request, "X-Amzn-Trace-Id"), random_);
  if (sampler_ != nullptr) {
    const std::optional<bool> parent_sampled =
        trace.parent_id.empty() ? std::nullopt : std::optional<bool>((trace.flags & 1) != 0);
    const bool sampled = sampler_->ShouldSample(trace.trace_id, parent_sampled);
    trace.flags = static_cast<std::uint8_t>(sampled ? (trace.flags | 1) : (trace.flags & ~1));
  }
  Routed routed;
  HttpResponse response = co_await Route(request, request_id, client, trace, body_stream, routed);
  cors_.Apply(request, response);
  response.set("traceparent", trace.Traceparent());
  if (observer_ != nullptr) {
    const std::string_view target = request.target();
    RequestRecord record;
    record.method = request.method_string();
    record.path = target.substr(0, target.find('?'));
    record.route_index = routed.route_index;
    record.status = static_cast<int>(response.result_int());
    record.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    record.request_id = request_id;
    record.trace = &trace;
    record.user_id = routed.user_id;
    record.item_id = routed.item_id;
    observer_->OnRequest(record);
  }
  co_return response;
}

std::optional<HttpResponse> Dispatcher::Precheck(const HttpRequest& header, std::string_view request_id,
                                                 const ClientAddress& client) {
  auto url = boost::urls::parse_origin_form(header.target());
  if (!url) return ErrorResponse(Error::BadRequest("malformed request target"), request_id);
  Routed routed;
  auto admitted = Admit(header, *url, request_id, client, /*throttle=*/false, routed);
  // The server passes a refusal to OnTransportError, which adds CORS.
  auto* refused = std::get_if<HttpResponse>(&admitted);
  if (refused == nullptr) return std::nullopt;
  return std::move(*refused);
}

std::size_t Dispatcher::LargestBodyBytes() const {
  std::size_t largest = 0;
  for (const http::Route& route : router_.routes()) largest = std::max(largest, route.max_body_bytes);
  return largest;
}

std::size_t Dispatcher::MaxBodyBytes(const HttpRequest& header, const ClientAddress& client) {
  auto url = boost::urls::parse_origin_form(header.target());
  if (!url) return 0;
  Routed routed;
  auto admitted = Admit(header, *url, /*request_id=*/"", client, /*throttle=*/false, routed);
  const auto* ok = std::get_if<Admitted>(&admitted);
  return ok != nullptr ? ok->route->max_body_bytes : 0;
}

void Dispatcher::OnTransportError(const HttpRequest* header, HttpResponse& response,
                                  std::string_view request_id) {
  if (header != nullptr) cors_.Apply(*header, response);
  if (observer_ == nullptr) return;
  // Counted and logged like any request, as unmatched: the server never
  // got as far as routing it.
  RequestRecord record;
  if (header != nullptr) {
    const std::string_view target = header->target();
    record.method = header->method_string();
    record.path = target.substr(0, target.find('?'));
  }
  record.status = static_cast<int>(response.result_int());
  record.request_id = request_id;
  observer_->OnRequest(record);
}

std::variant<Dispatcher::Admitted, HttpResponse> Dispatcher::Admit(const HttpRequest& request,
                                                                   boost::urls::url_view url,
                                                                   std::string_view request_id,
                                                                   const ClientAddress& client, bool throttle,
                                                                   Routed& routed) {
  // A request that shows no valid token draws from its address's bucket.
  const auto throttled_anonymous = [&]() -> std::optional<HttpResponse> {
    if (!throttle || limiter_ == nullptr) return std::nullopt;
    if (std::int64_t wait = limiter_->AdmitAnonymous(client); wait > 0)
      return TooManyRequests(wait, request_id);
    return std::nullopt;
  };

  std::vector<std::string> segments;
  for (auto segment : url.segments()) segments.emplace_back(segment);
  auto match = router_.Find(request.method(), segments);
  if (std::holds_alternative<Router::NotFound>(match)) {
    if (auto refused = throttled_anonymous()) return std::move(*refused);
    return ErrorResponse(Error::NotFound("no such route"), request_id);
  }
  if (auto* not_allowed = std::get_if<Router::MethodNotAllowed>(&match)) {
    if (auto refused = throttled_anonymous()) return std::move(*refused);
    // Preflights need no token: browsers never send credentials with them.
    if (request.method() == Verb::options) return cors_.Preflight(request, not_allowed->allow);
    HttpResponse response = ErrorResponse(MethodNotAllowedError(), request_id);
    response.set(beast_http::field::allow, not_allowed->allow + ", OPTIONS");
    return response;
  }

  auto& found = std::get<Router::Found>(match);
  routed.route_index = static_cast<int>(found.route - router_.routes().data());
  Admitted admitted{found.route, std::move(found.params), {}};
  switch (found.route->access) {
    case Access::kPublic:
      return admitted;
    case Access::kAnonymous:
      if (auto refused = throttled_anonymous()) return std::move(*refused);
      return admitted;
    case Access::kLoopback:
      if (IsLoopback(client)) return admitted;
      return ErrorResponse(
          Error{ErrorCode::kForbidden,
                found.route->pattern + " is served only to loopback clients on this listener (operators: see "
                                       "--metrics-public and --metrics-listen)",
                {}},
          request_id);
    case Access::kAuthenticated:
    case Access::kAuthenticatedOrQueryToken:
      break;
  }
  auto principal = found.route->access == Access::kAuthenticatedOrQueryToken
                       ? AuthenticateWithQueryToken(request, url)
                       : authenticate_(request);
  if (!principal.ok()) {
    if (auto refused = throttled_anonymous()) return std::move(*refused);
    HttpResponse response = ErrorResponse(principal.error(), request_id);
    const bool token_sent = request.find(beast_http::field::authorization) != request.end() ||
                            (found.route->access == Access::kAuthenticatedOrQueryToken && HasQueryToken(url));
    if (principal.error().code != ErrorCode::kBadRequest && token_sent) {
      response.set(beast_http::field::www_authenticate, R"(Bearer error="invalid_token")");
    }
    return response;
  }
  if (throttle && limiter_ != nullptr) {
    if (std::int64_t wait = limiter_->AdmitUser(principal->user_id); wait > 0) {
      return TooManyRequests(wait, request_id);
    }
  }
  routed.user_id = principal->user_id;
  admitted.principal = std::move(*principal);
  return admitted;
}

Result<Principal> Dispatcher::AuthenticateWithQueryToken(const HttpRequest& request,
                                                         boost::urls::url_view url) {
  // `access_token` and `access_token=` are absent, like every empty query value.
  if (!HasQueryToken(url)) return authenticate_(request);
  auto token = url.params().find("access_token");
  if (request.find(beast_http::field::authorization) != request.end()) {
    return Error::BadRequest("send the token once: in the Authorization header or as access_token");
  }
  // The authenticator reads the header; the copy carries the token there.
  // The query itself is never logged (the access log has the path only).
  HttpRequest with_header(request.base());
  with_header.set(beast_http::field::authorization, "Bearer " + std::string((*token).value));
  return authenticate_(with_header);
}

Task<HttpResponse> Dispatcher::Route(const HttpRequest& request, std::string_view request_id,
                                     const ClientAddress& client, const obs::TraceContext& trace,
                                     BodyStreamSlot body_stream, Routed& routed) {
  auto url = boost::urls::parse_origin_form(request.target());
  if (!url) co_return ErrorResponse(Error::BadRequest("malformed request target"), request_id);
  auto decision = Admit(request, *url, request_id, client, /*throttle=*/true, routed);
  if (auto* refused = std::get_if<HttpResponse>(&decision)) co_return std::move(*refused);
  auto& admitted = std::get<Admitted>(decision);

  RequestContext context(request, request_id, *url, std::move(admitted.params));
  context.set_trace(&trace);
  context.set_body_stream(body_stream);
  routed.item_id = std::string(context.PathParam("itemId"));
  if (admitted.route->access == Access::kAuthenticated ||
      admitted.route->access == Access::kAuthenticatedOrQueryToken) {
    context.set_principal(std::move(admitted.principal));
  }

  // Handlers report failures as values; an exception here is a bug, and
  // it must not take the connection (or the process) down with it.
  const http::Route& route = *admitted.route;
  try {
    co_return co_await route.handler(context);
  } catch (const std::exception& e) {
    std::cerr << "wdrbe: unhandled exception in " << route.pattern << " (request " << request_id
              << "): " << e.what() << std::endl;
  } catch (...) {
    std::cerr << "wdrbe: unhandled non-standard exception in " << route.pattern << std::endl;
  }
  co_return ErrorResponse(Error::Internal("unhandled exception"), request_id);
}

}  // namespace wdrbe::http
