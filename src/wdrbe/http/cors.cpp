#include "wdrbe/http/cors.hpp"

namespace wdrbe::http {
namespace {

constexpr char kAllowedHeaders[] =
    "Authorization, Content-Type, X-Request-Id, Idempotency-Key, traceparent, X-Amzn-Trace-Id";
constexpr char kExposedHeaders[] = "X-Request-Id, Location, Retry-After, WWW-Authenticate, traceparent";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

CorsPolicy::CorsPolicy(std::string_view origins) {
  any_origin_ = Trim(origins) == "*";
  if (any_origin_) return;
  while (!origins.empty()) {
    const auto comma = origins.find(',');
    const std::string_view origin = Trim(origins.substr(0, comma));
    if (!origin.empty()) origins_.emplace_back(origin);
    if (comma == std::string_view::npos) break;
    origins.remove_prefix(comma + 1);
  }
}

void CorsPolicy::Apply(const HttpRequest& request, HttpResponse& response) const {
  if (any_origin_) {
    response.set(beast_http::field::access_control_allow_origin, "*");
  } else {
    // The answer depends on the Origin header, so caches must key on it.
    response.set(beast_http::field::vary, "Origin");
    auto origin = request.find(beast_http::field::origin);
    if (origin == request.end()) return;
    bool allowed = false;
    for (const auto& candidate : origins_) allowed = allowed || candidate == origin->value();
    if (!allowed) return;
    response.set(beast_http::field::access_control_allow_origin, origin->value());
  }
  response.set(beast_http::field::access_control_expose_headers, kExposedHeaders);
}

HttpResponse CorsPolicy::Preflight(const HttpRequest& request, std::string_view methods) const {
  HttpResponse response{StatusCode::no_content, 11};
  Apply(request, response);
  std::string allow(methods);
  allow += ", OPTIONS";
  response.set(beast_http::field::access_control_allow_methods, allow);
  response.set(beast_http::field::access_control_allow_headers, kAllowedHeaders);
  response.set(beast_http::field::access_control_max_age, std::to_string(kCorsMaxAgeSeconds));
  response.set(beast_http::field::allow, allow);
  return response;
}

}  // namespace wdrbe::http
