// Fetches a JWKS document over HTTP(S): one GET per call, Boost.Beast over
// Asio, awaited on the caller's executor.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "wdrbe/auth/jwks_url.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe {

// The whole exchange (resolve, connect, handshake, request, response) must
// finish within this; a provider that takes longer counts as down.
inline constexpr std::chrono::seconds kJwksFetchTimeout{5};

// A client context for fetching keys: the system's trusted certificates
// (OpenSSL's default verify paths), peer verification on, TLS 1.2 or newer.
// Throws on OpenSSL failure (start-up only).
std::shared_ptr<boost::asio::ssl::context> MakeJwksTlsContext();

// GETs `url` and returns the body. https verifies the certificate chain and
// that it names the URL's host, and sends SNI; http (loopback only, see
// ParseJwksUrl) connects only to loopback addresses the name resolves to.
// The answer must be 200 with a body of at most kMaxJwksBytes; redirects are
// not followed. Errors (kUnavailable) say what failed. `tls` must outlive
// the call.
Task<Result<std::string>> FetchJwks(const JwksUrl& url, boost::asio::ssl::context& tls,
                                    std::chrono::milliseconds timeout = kJwksFetchTimeout);

}  // namespace wdrbe
