// Fixed bodies that live as long as the process (the API description, the
// documentation page and its script, the wardrobe page and its files),
// served with a strong validator so that a client revalidates with a 304
// instead of fetching them again. Each 200 copies its body into the
// response: the largest (the ~1 MB Redoc bundle) is fetched once per
// browser and then revalidated, so the copy is not worth a body type of
// its own.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/http/types.hpp"

namespace wdrbe::http {

struct StaticContent {
  // `body` must outlive the StaticContent (it is not copied). The ETag is
  // the body's SHA-256, so it changes exactly when the bytes do.
  static StaticContent Of(std::string_view body, std::string content_type,
                          std::string cache_control = "no-cache");

  std::string_view body;
  std::string content_type;
  std::string cache_control;
  std::string etag;  // quoted: "\"3f2a...\""
  // An HTML page: no other site may frame it (clickjacking). Sent as
  // headers, since a page's own <meta> policy cannot say it.
  bool forbid_framing = false;
};

// 200 with the body, or 304 (no body) when the request's If-None-Match
// names the content's tag or is "*". Both carry ETag and Cache-Control.
HttpResponse StaticResponse(const HttpRequest& request, const StaticContent& content);

// RFC 9110 section 13.1.2: whether an If-None-Match value ("*" or a list of
// entity tags, weak or strong) matches `etag` by weak comparison.
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace wdrbe::http
