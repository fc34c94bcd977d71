// Cross-origin resource sharing, the gateway duty API Gateway did: answers
// preflight OPTIONS requests and adds CORS headers to every routed response.
// Immutable after construction; safe across threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/http/types.hpp"

namespace wdrbe::http {

// How long browsers may cache a preflight answer.
inline constexpr int kCorsMaxAgeSeconds = 600;

class CorsPolicy {
 public:
  // `origins`: "*" (any origin), or a comma-separated list of exact origins
  // such as "https://app.example.com,https://admin.example.com".
  explicit CorsPolicy(std::string_view origins);

  // Adds Access-Control-Allow-Origin (and Vary: Origin for a list) and the
  // exposed headers, when the request's origin is allowed.
  void Apply(const HttpRequest& request, HttpResponse& response) const;

  // The 204 answer to a preflight of a route allowing `methods`.
  HttpResponse Preflight(const HttpRequest& request, std::string_view methods) const;

 private:
  bool any_origin_ = true;
  std::vector<std::string> origins_;
};

}  // namespace wdrbe::http
