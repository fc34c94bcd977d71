// The address of a JWKS document (--jwks-url), checked once at start.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"

namespace wdrbe {

struct JwksUrl {
  bool tls = true;
  std::string host;    // a name or an IP address, without IPv6 brackets
  std::string port;    // "443" / "80" when the URL names none
  std::string target;  // path and query, "/" when empty
  bool host_is_ip = false;
  bool loopback = false;  // 127.0.0.0/8, ::1 or "localhost"
};

// Accepts `https://HOST[:PORT]/PATH[?QUERY]`, and `http://` only to a
// loopback host (for tests and local development: keys fetched in clear
// text could be replaced by anyone on the path). No user info; a fragment is
// ignored. Errors (kBadRequest) name the flag and say what is wrong.
Result<JwksUrl> ParseJwksUrl(std::string_view text);

}  // namespace wdrbe
