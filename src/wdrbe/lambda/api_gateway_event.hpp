// API Gateway REST API proxy events (payload format 1.0) and the proxy
// responses Lambda returns for them. Pure functions; thread-safe.
//
// In an event: `httpMethod`; `path` as REST APIs pass it, still
// percent-encoded; query parameters decoded (`multiValueQueryStringParameters`,
// else `queryStringParameters`); headers as sent (`multiValueHeaders`, else
// `headers`); `body`, in base64 when `isBase64Encoded`; and from
// `requestContext` the client's address (`identity.sourceIp`) and API
// Gateway's request id (`requestId`). Every other member is ignored.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/http/types.hpp"

namespace wdrbe::lambda {

using NameValues = std::vector<std::pair<std::string, std::string>>;

struct ProxyEvent {
  std::string method;      // "GET"
  std::string path;        // "/users/u1/items"
  NameValues query;        // decoded names and values, every value of each
  NameValues headers;      // every value of each, names as sent
  std::string body;        // decoded from base64 when the event says so
  std::string source_ip;   // "" when absent
  std::string request_id;  // API Gateway's, "" when absent
};

// kBadRequest, saying what is wrong, for anything but a JSON object with a
// string `httpMethod` and a `path` starting with "/" (and members of the
// documented types where present).
Result<ProxyEvent> ParseProxyEvent(std::string_view event);

// The HTTP request target of `event`: its path with every character that
// cannot stand in an encoded path percent-encoded (so a path that arrives
// encoded passes unchanged and one that arrives decoded cannot smuggle a
// query), then the query, re-encoded.
std::string RequestTarget(const ProxyEvent& event);

// {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}:
// each header in `headers` with its value, and those sent more than once in
// `multiValueHeaders` with all of theirs; the body as text when it is
// UTF-8, else in base64.
std::string ProxyResponse(const http::HttpResponse& response);

}  // namespace wdrbe::lambda
