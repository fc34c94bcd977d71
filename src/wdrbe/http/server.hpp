// The HTTP/1.1 server on Boost.Beast: one coroutine per connection, each on
// its own strand of a shared io_context run by N threads (or on the
// io_context itself when one thread runs it). Transport rules
// live here: every part of a request bounded before it is buffered, framing
// rules (request_framing.hpp) checked before any of the body is read,
// `Expect: 100-continue`, HEAD, a cap on open connections, timeouts for slow
// or idle clients, keep-alive (pipelined requests are answered in order),
// X-Request-Id on every response, bodies written over time (Server-Sent
// Events), graceful shutdown.
// A listener speaks plain HTTP, or HTTPS (TLS 1.2+) when given a certificate
// and key; the request loop is the same code for both.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "wdrbe/base/result.hpp"
#include "wdrbe/http/request_handler.hpp"
#include "wdrbe/http/request_reading.hpp"
#include "wdrbe/http/tls_context.hpp"

namespace wdrbe::http {

// Transport limits; each is documented in docs/api.md.
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
// What a connection may hold of bytes not yet parsed: a chunk-size line
// with its extensions, a trailer, or pipelined requests beyond this is
// refused (400) rather than buffered.
inline constexpr std::size_t kMaxUnparsedBytes = 16 * 1024;
inline constexpr std::size_t kDefaultMaxConnections = 10000;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t max_body_bytes = kMaxBodyBytes;
  std::size_t max_header_bytes = kMaxHeaderBytes;
  std::size_t max_unparsed_bytes = kMaxUnparsedBytes;
  // Connections open at once; one over it is closed as soon as it is
  // accepted, and the ones open keep being served.
  std::size_t max_connections = kDefaultMaxConnections;
  // A connection waiting longer than this for a request's header (idle
  // keep-alive included) is closed; so is one that takes longer to send a
  // body or to read a response.
  std::chrono::seconds header_timeout{30};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds write_timeout{30};
  // A response body written over time (body_stream.hpp) ends when a part
  // of it cannot be sent within this: the client stopped reading, and the
  // server holds no more for it than one part.
  std::chrono::seconds stream_write_timeout{10};
  // How long shutdown waits for in-flight requests before closing anyway.
  std::chrono::seconds drain_timeout{10};
  // HTTPS when any file is set (Bind fails unless both are). The TLS
  // handshake must end within header_timeout.
  TlsFiles tls;
  // How long closing a connection may wait for the client: for its TLS
  // close_notify, or, when the server answered before reading a whole
  // request (413, 431, 400), for the client to stop sending (the rest is
  // read and dropped, so that the answer is not lost to a reset).
  std::chrono::seconds close_timeout{2};
  // The io_context is run by exactly one thread: a connection needs no
  // strand (its locks and reference counts cost a tenth of a trivial
  // request), since nothing it does can run in parallel anyway.
  bool single_threaded = false;
};

class HttpServer {
 public:
  using RequestIdSource = std::function<std::string()>;

  // Loads the TLS files (if any), binds and listens: errors such as a
  // missing certificate or "address already in use" are reported here,
  // before anything starts.
  static Result<std::unique_ptr<HttpServer>> Bind(boost::asio::io_context& io, const ServerOptions& options,
                                                  RequestHandler& handler, RequestIdSource new_request_id);
  ~HttpServer();

  boost::asio::ip::tcp::endpoint local_endpoint() const { return endpoint_; }
  // True when the listener speaks HTTPS.
  bool serves_tls() const { return tls_context_.has_value(); }
  // For /metrics: connections open now, the cap, and how many were closed
  // at once for being over it. Thread-safe.
  std::size_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
  std::size_t max_connections() const { return options_.max_connections; }
  std::uint64_t refused_connections() const { return refused_connections_.load(std::memory_order_relaxed); }

  // Starts accepting connections on the io_context.
  void Start();

  // Stops accepting, closes idle connections, lets in-flight requests finish
  // (their responses say Connection: close), and calls `on_drained` once
  // every connection is gone or drain_timeout has passed. Thread-safe.
  void Shutdown(std::function<void()> on_drained);

 private:
  // A connection as shutdown sees it; Connection<Stream> adds the stream
  // (plain TCP or TLS over TCP).
  struct Session;
  template <typename Stream>
  struct Connection;
  HttpServer(boost::asio::io_context& io, const ServerOptions& options, RequestHandler& handler,
             RequestIdSource new_request_id);
  Task<void> AcceptLoop();
  template <typename Stream>
  Task<void> RunSession(std::shared_ptr<Connection<Stream>> connection);
  // Returns whether the connection ended with input unread.
  template <typename Stream>
  Task<bool> ServeRequests(Connection<Stream>& connection);
  // The limits of the request whose header `parser` read: the server's,
  // or a route's larger body limit (RequestHandler::MaxBodyBytes).
  RequestLimits LimitsForRequest(const RequestParser& parser, const boost::system::error_code& header_ec,
                                 const RequestLimits& limits, const RequestLimits& header_limits,
                                 const ClientAddress& client);
  // Sends `response`'s head, then the body `body` writes, then its end.
  template <typename Stream>
  Task<void> StreamResponse(Connection<Stream>& connection, HttpResponse& response, BodyStream body);
  Task<void> AwaitDrained(std::function<void()> on_drained);
  std::string RequestIdFor(const HttpRequest& request);

  boost::asio::io_context& io_;
  ServerOptions options_;
  RequestHandler& handler_;
  RequestIdSource new_request_id_;
  std::optional<boost::asio::ssl::context> tls_context_;  // set by Bind; read-only afterwards
  boost::asio::strand<boost::asio::io_context::executor_type> acceptor_strand_;
  boost::asio::ip::tcp::acceptor acceptor_;  // used on acceptor_strand_ only
  boost::asio::ip::tcp::endpoint endpoint_;
  std::atomic<bool> draining_{false};
  std::atomic<std::size_t> open_connections_{0};
  std::atomic<std::uint64_t> refused_connections_{0};
  std::mutex sessions_mutex_;
  std::unordered_set<std::shared_ptr<Session>> sessions_;  // guarded by sessions_mutex_
};

}  // namespace wdrbe::http
