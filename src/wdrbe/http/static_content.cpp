#include "wdrbe/http/static_content.hpp"

#include "wdrbe/base/crypto.hpp"

namespace wdrbe::http {

namespace {

constexpr std::string_view kOptionalWhitespace = " \t";

std::string_view Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kOptionalWhitespace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(kOptionalWhitespace);
  return text.substr(first, last - first + 1);
}

// Weak comparison ignores the W/ prefix on either side.
std::string_view OpaqueTag(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

StaticContent StaticContent::Of(std::string_view body, std::string content_type, std::string cache_control) {
  // 128 bits of the digest: collisions are irrelevant at this scale, and
  // the header stays short.
  std::string digest = ToHex(Sha256(body)).substr(0, 32);
  return StaticContent{body, std::move(content_type), std::move(cache_control), "\"" + digest + "\""};
}

bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag) {
  if (Trim(if_none_match) == "*") return true;
  const std::string_view wanted = OpaqueTag(etag);
  // Scanned tag by tag, not split on commas: a quoted tag may hold one.
  std::size_t at = 0;
  while ((at = if_none_match.find_first_not_of(" \t,", at)) != std::string_view::npos) {
    if (if_none_match.substr(at, 2) == "W/") at += 2;
    if (at >= if_none_match.size() || if_none_match[at] != '"') {
      // Not an entity tag: skip it, up to the next list separator.
      at = if_none_match.find(',', at);
      if (at == std::string_view::npos) break;
      continue;
    }
    const std::size_t close = if_none_match.find('"', at + 1);
    if (close == std::string_view::npos) break;  // unterminated: nothing more to read
    if (if_none_match.substr(at, close - at + 1) == wanted) return true;
    at = close + 1;
  }
  return false;
}

HttpResponse StaticResponse(const HttpRequest& request, const StaticContent& content) {
  // Several If-None-Match lines are one comma-separated list (RFC 9110 5.3).
  bool unchanged = false;
  const auto [first, last] = request.equal_range(beast_http::field::if_none_match);
  for (auto it = first; it != last && !unchanged; ++it)
    unchanged = IfNoneMatchMatches(it->value(), content.etag);
  HttpResponse response{unchanged ? StatusCode::not_modified : StatusCode::ok, 11};
  response.set(beast_http::field::etag, content.etag);
  response.set(beast_http::field::cache_control, content.cache_control);
  response.set("X-Content-Type-Options", "nosniff");
  if (content.forbid_framing) {
    response.set("Content-Security-Policy", "frame-ancestors 'none'");
    response.set("X-Frame-Options", "DENY");  // for browsers without CSP level 2
  }
  if (!unchanged) {
    response.set(beast_http::field::content_type, content.content_type);
    response.body().assign(content.body);
  }
  return response;
}

}  // namespace wdrbe::http
