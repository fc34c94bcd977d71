#include "wdrbe/http/router.hpp"

namespace wdrbe::http {
namespace {

bool IsParam(std::string_view part) { return part.size() > 2 && part.front() == '{' && part.back() == '}'; }

std::vector<std::string> SplitPattern(std::string_view pattern) {
  std::vector<std::string> parts;
  if (pattern == "/") return parts;  // the root has no segments, as a request for "/" has none
  std::size_t start = 1;             // patterns begin with '/'
  while (start <= pattern.size()) {
    std::size_t end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    parts.emplace_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool Matches(const std::vector<std::string>& parts, const std::vector<std::string>& segments,
             PathParams* params) {
  if (parts.size() != segments.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (IsParam(parts[i])) {
      if (segments[i].empty()) return false;
      if (params != nullptr) params->emplace_back(parts[i].substr(1, parts[i].size() - 2), segments[i]);
    } else if (parts[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(Verb method, std::string pattern, Access access, Handler handler,
                 std::size_t max_body_bytes) {
  compiled_.push_back(CompiledRoute{SplitPattern(pattern)});
  routes_.push_back(Route{method, std::move(pattern), access, std::move(handler), max_body_bytes});
}

Router::Match Router::Find(Verb method, const std::vector<std::string>& segments) const {
  std::string allow;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!Matches(compiled_[i].parts, segments, nullptr)) continue;
    const Verb route_method = routes_[i].method;
    if (route_method == method || (method == Verb::head && route_method == Verb::get)) {
      Found found{&routes_[i], {}};
      (void)Matches(compiled_[i].parts, segments, &found.params);
      return found;
    }
    if (!allow.empty()) allow += ", ";
    allow += std::string(beast_http::to_string(route_method));
    if (route_method == Verb::get) allow += ", HEAD";
  }
  if (!allow.empty()) return MethodNotAllowed{std::move(allow)};
  return NotFound{};
}

}  // namespace wdrbe::http
