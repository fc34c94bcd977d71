// Where an AWS service (or a local engine, or a credentials endpoint)
// listens: the parsed form of an endpoint URL such as
// https://dynamodb.eu-west-1.amazonaws.com or http://localhost:8000.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"

namespace wdrbe::aws {

struct EndpointUrl {
  bool tls = true;
  std::string host;       // a name or an IP address, without IPv6 brackets
  std::string port;       // "443" / "80" when the URL names none
  std::string base_path;  // "" or a path without a trailing slash ("/prefix")
  bool host_is_ip = false;

  // The Host header: the host (bracketed for IPv6), with ":port" unless
  // it is the scheme's default.
  std::string HostHeader() const;
  // "https://host:port": connections to equal keys are interchangeable.
  std::string PoolKey() const;
};

// Accepts http:// and https:// URLs with a host, an optional port and an
// optional path; no user info, query or fragment. Errors (kBadRequest) quote
// the URL and say what is wrong.
Result<EndpointUrl> ParseEndpointUrl(std::string_view text);

}  // namespace wdrbe::aws
