// Route table: method + path pattern ("/users/{userId}/items") -> handler.
// Matching is by decoded path segments; `{name}` matches one non-empty
// segment. HEAD finds the GET route of a path (the server sends the
// headers without the body). Built once at start, then read-only (safe
// across threads).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wdrbe/base/task.hpp"
#include "wdrbe/http/request_context.hpp"

namespace wdrbe::http {

using Handler = std::function<Task<HttpResponse>(RequestContext&)>;

// Who may call a route: anyone, unthrottled (health checks: a probe must
// never be refused); anyone, drawing from the client address's anonymous
// bucket like any request without a token (the description and pages: a
// burst of them must not crowd out the API); only clients on a loopback
// address (others get 403); holders of a valid token; or holders of a
// valid token sent in the Authorization header or, for clients that cannot
// send headers (browsers' EventSource), as the `access_token` query
// parameter.
enum class Access { kPublic, kAnonymous, kLoopback, kAuthenticated, kAuthenticatedOrQueryToken };

struct Route {
  Verb method;
  std::string pattern;
  Access access;
  Handler handler;
  // A body limit above the server's, for the callers the route admits
  // (photo uploads); 0: the server's limit.
  std::size_t max_body_bytes = 0;
};

class Router {
 public:
  void Add(Verb method, std::string pattern, Access access, Handler handler, std::size_t max_body_bytes = 0);

  struct Found {
    const Route* route;
    PathParams params;
  };
  struct MethodNotAllowed {
    std::string allow;  // e.g. "GET, HEAD, POST"
  };
  struct NotFound {};
  using Match = std::variant<Found, MethodNotAllowed, NotFound>;

  Match Find(Verb method, const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct CompiledRoute {
    std::vector<std::string> parts;  // literal, or "{name}"
  };
  std::vector<Route> routes_;
  std::vector<CompiledRoute> compiled_;
};

}  // namespace wdrbe::http
