#include "wdrbe/http/request_context.hpp"

namespace wdrbe::http {

std::string_view RequestContext::PathParam(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::string> RequestContext::Query(std::string_view name) const {
  for (auto param : url_.params()) {
    // The contract: an empty value (`?season=&limit=`, as the first
    // implementation's own client template sends) is no parameter at all.
    if (param.key == name && !param.value.empty()) return std::string(param.value);
  }
  return std::nullopt;
}

std::optional<std::string_view> RequestContext::Header(std::string_view name) const {
  return FindHeader(request_, name);
}

}  // namespace wdrbe::http
