#include "wdrbe/http/dispatcher.hpp"

#include <boost/url/parse.hpp>
#include <chrono>
#include <exception>
#include <iostream>

#include "wdrbe/http/responses.hpp"

namespace wdrbe::http {
namespace {

Error MethodNotAllowedError() {
  return Error{ErrorCode::kMethodNotAllowed, "method not allowed on this route", {}};
}

HttpResponse TooManyRequests(std::int64_t wait_ms, std::string_view request_id) {
  HttpResponse response = ErrorResponse(
      Error{ErrorCode::kTooManyRequests, "too many requests; retry after the given seconds", {}}, request_id);
  response.set(beast_http::field::retry_after, std::to_string((wait_ms + 999) / 1000));
  return response;
}

}  // namespace

Task<HttpResponse> Dispatcher::Handle(const HttpRequest& request, std::string_view request_id) {
  const auto started = std::chrono::steady_clock::now();
  const obs::TraceContext trace = obs::ContinueOrStartTrace(FindHeader(request, "traceparent"),
                                                            FindHeader(request, "X-Amzn-Trace-Id"), random_);
  Routed routed;
  HttpResponse response = co_await Route(request, request_id, trace, routed);
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

Task<HttpResponse> Dispatcher::Route(const HttpRequest& request, std::string_view request_id,
                                     const obs::TraceContext& trace, Routed& routed) {
  auto url = boost::urls::parse_origin_form(request.target());
  if (!url) co_return ErrorResponse(Error::BadRequest("malformed request target"), request_id);

  std::vector<std::string> segments;
  for (auto segment : url->segments()) segments.emplace_back(segment);

  auto match = router_.Find(request.method(), segments);
  const auto* found_route = std::get_if<Router::Found>(&match);
  const bool exempt = found_route != nullptr && found_route->route->access == Access::kPublic;
  if (limiter_ != nullptr && !exempt) {
    if (std::int64_t wait = limiter_->AdmitRequest(); wait > 0) co_return TooManyRequests(wait, request_id);
  }
  if (std::holds_alternative<Router::NotFound>(match)) {
    co_return ErrorResponse(Error::NotFound("no such route"), request_id);
  }
  if (auto* not_allowed = std::get_if<Router::MethodNotAllowed>(&match)) {
    // Preflights need no token: browsers never send credentials with them.
    if (request.method() == Verb::options) co_return cors_.Preflight(request, not_allowed->allow);
    HttpResponse response = ErrorResponse(MethodNotAllowedError(), request_id);
    response.set(beast_http::field::allow, not_allowed->allow + ", OPTIONS");
    co_return response;
  }

  auto& found = std::get<Router::Found>(match);
  routed.route_index = static_cast<int>(found.route - router_.routes().data());
  RequestContext context(request, request_id, *url, std::move(found.params));
  context.set_trace(&trace);
  routed.item_id = std::string(context.PathParam("itemId"));
  if (found.route->access == Access::kAuthenticated) {
    auto principal = authenticate_(request);
    if (!principal.ok()) {
      HttpResponse response = ErrorResponse(principal.error(), request_id);
      if (request.find(beast_http::field::authorization) != request.end()) {
        response.set(beast_http::field::www_authenticate, R"(Bearer error="invalid_token")");
      }
      co_return response;
    }
    if (limiter_ != nullptr) {
      if (std::int64_t wait = limiter_->AdmitUser(principal->user_id); wait > 0) {
        co_return TooManyRequests(wait, request_id);
      }
    }
    routed.user_id = principal->user_id;
    context.set_principal(std::move(*principal));
  }

  // Handlers report failures as values; an exception here is a bug, and
  // it must not take the connection (or the process) down with it.
  try {
    co_return co_await found.route->handler(context);
  } catch (const std::exception& e) {
    std::cerr << "wdrbe: unhandled exception in " << found.route->pattern << " (request " << request_id
              << "): " << e.what() << std::endl;
  } catch (...) {
    std::cerr << "wdrbe: unhandled non-standard exception in " << found.route->pattern << std::endl;
  }
  co_return ErrorResponse(Error::Internal("unhandled exception"), request_id);
}

}  // namespace wdrbe::http
