// A small HTTP/1.1 client for AWS endpoints, awaited on the io_context it
// was made for.
//
// - Keep-alive: each endpoint (scheme, host, port) has a pool of at most
//   max_idle_per_endpoint idle connections; more are closed. A connection
//   is reused only if the peer has not closed it (checked without blocking
//   before reuse) and the last answer allowed keep-alive.
// - A request sent on a reused connection that fails before any byte of
//   the answer arrived (the peer closed it meanwhile) is sent once more on
//   a fresh connection. Nothing else is retried here (see retry_policy.hpp).
// - https verifies the certificate chain (OpenSSL's default verify paths,
//   or exactly `ca_file`), that it names the host (SSL_set1_host, or the IP
//   address), and sends SNI for names; TLS 1.2 or newer. http is plain, for
//   local engines and credential endpoints.
// - Every request has one deadline (its timeout, else default_timeout)
//   covering resolve, connect, handshake, send and the whole answer.
// - Answers larger than max_response_bytes (or with a header block over
//   kMaxResponseHeaderBytes) fail.
//
// Errors: kUnavailable for every transport failure (resolve, connect, TLS,
// timeout, connection lost, malformed answer), kPayloadTooLarge for an
// oversized answer. Any HTTP status is a successful exchange.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/aws/sigv4.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::aws {

inline constexpr std::size_t kDefaultMaxIdlePerEndpoint = 16;
inline constexpr std::chrono::milliseconds kDefaultHttpTimeout{10'000};
// DynamoDB's largest answers (BatchGetItem, 16 MB of items) fit with room.
inline constexpr std::size_t kDefaultMaxResponseBytes = 24 * 1024 * 1024;
inline constexpr std::size_t kMaxResponseHeaderBytes = 64 * 1024;

struct HttpClientOptions {
  std::size_t max_idle_per_endpoint = kDefaultMaxIdlePerEndpoint;
  std::chrono::milliseconds default_timeout = kDefaultHttpTimeout;
  std::size_t max_response_bytes = kDefaultMaxResponseBytes;
  // A PEM file of trusted CA certificates, used instead of the system's.
  std::optional<std::string> ca_file = std::nullopt;
  // false: plain http only (no TLS context, whose trusted certificates take
  // tens of milliseconds of CPU to load); an https endpoint then fails with
  // kBadRequest. For local endpoints such as the Lambda Runtime API.
  bool https = true;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query, as sent
  HeaderList headers;        // Host, Content-Length and User-Agent are added when absent
  std::string body;
  std::chrono::milliseconds timeout{0};  // 0: the client's default_timeout
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;
  std::string body;

  // The first header of that name (case-insensitive).
  std::optional<std::string> Header(std::string_view name) const;
};

class Connection;

// Send may be awaited concurrently by coroutines on `io`, which must be run
// by one thread: a connection's deadline timer and its I/O must never
// complete at once on two threads (Beast's streams are not thread-safe).
// The pools are guarded by a mutex never held across an await. Each
// connection is used by one request at a time. Destroy the client before
// `io`.
class HttpClient {
 public:
  // Errors (kBadRequest): a ca_file OpenSSL cannot load.
  static Result<std::unique_ptr<HttpClient>> Create(boost::asio::io_context& io,
                                                    HttpClientOptions options = {});
  ~HttpClient();

  Task<Result<HttpResponse>> Send(const EndpointUrl& endpoint, HttpRequest request);

  // Idle connections kept for `endpoint` (for tests and metrics).
  std::size_t IdleConnections(const EndpointUrl& endpoint) const;

 private:
  struct TlsContext;
  HttpClient(boost::asio::io_context& io, HttpClientOptions options, std::unique_ptr<TlsContext> tls);

  std::unique_ptr<Connection> TakeIdle(const std::string& key);
  void ReturnIdle(const std::string& key, std::unique_ptr<Connection> connection);

  boost::asio::io_context& io_;
  const HttpClientOptions options_;
  const std::unique_ptr<TlsContext> tls_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;  // guarded by mutex_
};

}  // namespace wdrbe::aws
