#include "wdrbe/http/server.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdio>
#include <utility>

#include "wdrbe/http/request_id.hpp"
#include "wdrbe/http/request_reading.hpp"
#include "wdrbe/http/response_head.hpp"
#include "wdrbe/http/responses.hpp"

namespace wdrbe::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// The connection cannot carry a response: the peer left (with or without a
// TLS close_notify), a timeout or shutdown ended the wait, or TLS failed.
bool IsPeerGone(const boost::system::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == beast::error::timeout || ec == asio::error::broken_pipe ||
         ec.category() == asio::ssl::error::get_stream_category() ||
         ec.category() == asio::error::get_ssl_category();
}

// Closing a socket with unread input resets the connection, and a reset can
// destroy the answer before the client reads it (a client still sending a
// body refused with 413, say). So: half-close, which ends the response for
// the client, then drop what arrives until the client closes or the
// transport's deadline (set by the caller) passes.
Task<void> DiscardUntilClosed(beast::tcp_stream& transport) {
  boost::system::error_code ignored;
  transport.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::array<char, 16 * 1024> discard;
  for (;;) {
    auto [ec, n] = co_await transport.async_read_some(asio::buffer(discard), kNoThrow);
    (void)n;
    if (ec) break;
  }
}

// What a transport needs before the first request and after the last: plain
// TCP needs nothing first and half-closes last, lingering (within `timeout`)
// when input is left unread; TLS shakes hands first (within `timeout`) and,
// once shaken, exchanges close_notify last (within `timeout`, including
// what it takes the client to close). StartTransport returns whether the
// connection can carry HTTP.
Task<bool> StartTransport(beast::tcp_stream&, std::chrono::seconds) { co_return true; }

Task<bool> StartTransport(TlsStream& stream, std::chrono::seconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  // A client that speaks plain HTTP, an old protocol or nothing at all
  // fails here; it is not worth a log line.
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
  co_return !ec;
}

Task<void> EndTransport(beast::tcp_stream& stream, bool, bool input_unread, std::chrono::seconds timeout) {
  if (input_unread) {
    stream.expires_after(timeout);
    co_await DiscardUntilClosed(stream);
  } else {
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
  stream.close();
}

// TLS shuts down whether or not input is unread: the close_notify exchange
// fails when it is, and then lingers the same way.
Task<void> EndTransport(TlsStream& stream, bool started, bool, std::chrono::seconds timeout) {
  beast::tcp_stream& transport = beast::get_lowest_layer(stream);
  if (started) {
    transport.expires_after(timeout);
    auto [ec] = co_await stream.async_shutdown(kNoThrow);
    // Most often the client is still sending or closed without a
    // close_notify; the deadline stays the same.
    if (ec && ec != beast::error::timeout) co_await DiscardUntilClosed(transport);
  }
  transport.close();
}

}  // namespace

// One accepted connection, as shutdown sees it. `idle` is true while it
// waits for a TLS handshake or for the first byte of a request.
struct HttpServer::Session {
  virtual ~Session() = default;
  ClientAddress client;  // the TCP peer; set before the session starts
  // The TCP stream under any TLS layer: where timeouts, cancel and close act.
  virtual beast::tcp_stream& transport() = 0;
  bool idle = true;  // read and written on the connection's executor only
  // Set while a body stream runs: what shutdown calls to end it soon.
  // Read and written on the connection's executor only.
  std::function<void()> interrupt_stream;
};

// `stream` is used only on the connection's executor (its strand, or the
// io_context when a single thread runs it).
template <typename Stream>
struct HttpServer::Connection final : HttpServer::Session {
  template <typename... Args>
  explicit Connection(Args&&... args) : stream(std::forward<Args>(args)...) {}
  beast::tcp_stream& transport() override { return beast::get_lowest_layer(stream); }
  Stream stream;
};

HttpServer::HttpServer(asio::io_context& io, const ServerOptions& options, RequestHandler& handler,
                       RequestIdSource new_request_id)
    : io_(io),
      options_(options),
      handler_(handler),
      new_request_id_(std::move(new_request_id)),
      acceptor_strand_(asio::make_strand(io)),
      acceptor_(acceptor_strand_) {}

HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(asio::io_context& io, const ServerOptions& options,
                                                     RequestHandler& handler,
                                                     RequestIdSource new_request_id) {
  std::unique_ptr<HttpServer> server(new HttpServer(io, options, handler, std::move(new_request_id)));
  if (options.tls.any()) {
    auto context = LoadTlsContext(options.tls);
    if (!context.ok()) return context.error();
    server->tls_context_.emplace(std::move(*context));
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (ec) return Error::BadRequest("invalid listen address '" + options.host + "': " + ec.message());
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (server->acceptor_.open(endpoint.protocol(), ec); ec)
    return Error::Unavailable("cannot open socket: " + ec.message());
  if (server->acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return Error::Unavailable("cannot set SO_REUSEADDR: " + ec.message());
  }
  if (server->acceptor_.bind(endpoint, ec); ec) {
    return Error::Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  if (server->acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Error::Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  server->endpoint_ = server->acceptor_.local_endpoint();
  return server;
}

void HttpServer::Start() { asio::co_spawn(acceptor_strand_, AcceptLoop(), asio::detached); }

Task<void> HttpServer::AcceptLoop() {
  for (;;) {
    const asio::any_io_executor connection_executor =
        options_.single_threaded ? asio::any_io_executor(io_.get_executor()) : asio::make_strand(io_);
    auto [ec, socket] = co_await acceptor_.async_accept(connection_executor, kNoThrow);
    if (draining_ || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors or a transient network error: back off briefly
      // instead of spinning, then keep serving.
      asio::steady_timer pause(acceptor_strand_, std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    if (open_connections_.load(std::memory_order_relaxed) >= options_.max_connections) {
      // Over the cap: closed at once (a reset, not a lingering close), so
      // that the connections already open keep their descriptors and memory.
      refused_connections_.fetch_add(1, std::memory_order_relaxed);
      socket.set_option(asio::socket_base::linger(true, 0), ec);
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) continue;  // the client left already
    const auto launch = [this, &peer](auto connection) {
      connection->client = peer.address();
      open_connections_.fetch_add(1, std::memory_order_relaxed);
      {
        std::lock_guard lock(sessions_mutex_);
        sessions_.insert(connection);
      }
      const auto executor = connection->stream.get_executor();
      asio::co_spawn(executor, RunSession(std::move(connection)), asio::detached);
    };
    if (tls_context_) {
      launch(std::make_shared<Connection<TlsStream>>(std::move(socket), *tls_context_));
    } else {
      launch(std::make_shared<Connection<beast::tcp_stream>>(std::move(socket)));
    }
  }
}

std::string HttpServer::RequestIdFor(const HttpRequest& request) {
  auto it = request.find("X-Request-Id");
  if (it != request.end() && IsValidClientRequestId(it->value())) return std::string(it->value());
  return new_request_id_();
}

template <typename Stream>
Task<void> HttpServer::RunSession(std::shared_ptr<Connection<Stream>> connection) {
  const bool started = co_await StartTransport(connection->stream, options_.header_timeout);
  bool input_unread = false;
  if (started) input_unread = co_await ServeRequests(*connection);
  co_await EndTransport(connection->stream, started, input_unread, options_.close_timeout);
  open_connections_.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(connection);
}

RequestLimits HttpServer::LimitsForRequest(const RequestParser& parser,
                                           const boost::system::error_code& header_ec,
                                           const RequestLimits& limits, const RequestLimits& header_limits,
                                           const ClientAddress& client) {
  if (header_limits.max_body_bytes == limits.max_body_bytes) return limits;
  // Beast reports a declared body over the limit only after the last
  // header field, so the header is whole then too.
  const bool header_parsed = !header_ec || header_ec == beast_http::error::body_limit;
  if (!header_parsed) return limits;
  const bool large = header_ec == beast_http::error::body_limit ||
                     (parser.content_length() && *parser.content_length() > limits.max_body_bytes) ||
                     parser.chunked();
  if (!large) return limits;
  RequestLimits widened = limits;
  widened.max_body_bytes = std::clamp(handler_.MaxBodyBytes(parser.get(), client), limits.max_body_bytes,
                                      header_limits.max_body_bytes);
  return widened;
}

template <typename Stream>
Task<bool> HttpServer::ServeRequests(Connection<Stream>& connection) {
  Stream& stream = connection.stream;
  beast::tcp_stream& transport = connection.transport();
  // Bounded: Beast keeps a chunk-size line (extensions included) or a
  // trailer whole in this buffer until it ends, so without a cap one
  // connection could make the server hold any amount of memory.
  const RequestLimits limits{options_.max_header_bytes, options_.max_body_bytes, options_.max_unparsed_bytes};
  // While the header is read, a declared body is held to the largest any
  // route allows; once the header is in, to what this request may send.
  RequestLimits header_limits = limits;
  header_limits.max_body_bytes = std::max(limits.max_body_bytes, handler_.LargestBodyBytes());
  beast::flat_buffer buffer(limits.max_unparsed_bytes);
  for (;;) {
    if (draining_) break;
    RequestParser parser;
    ApplyLimits(parser, header_limits);

    connection.idle = buffer.size() == 0;
    transport.expires_after(options_.header_timeout);
    auto [header_ec, header_bytes] = co_await beast_http::async_read_header(stream, buffer, parser, kNoThrow);
    connection.idle = false;
    (void)header_bytes;

    std::optional<Refusal> refusal;
    // The answer to a request refused before its body was read.
    std::optional<HttpResponse> refused_early;
    std::string request_id;
    bool expects_continue = false;
    const RequestLimits request_limits =
        LimitsForRequest(parser, header_ec, limits, header_limits, connection.client);
    parser.body_limit(request_limits.max_body_bytes);
    if (header_ec) {
      if (IsPeerGone(header_ec)) break;
      refusal = RefusalForReadError(header_ec, ReadPhase::kHeader, request_limits);
    } else {
      refusal = RefusalForHeader(parser, request_limits, expects_continue);
    }
    if (!refusal) {
      if (expects_continue && !parser.is_done()) {
        // The body is invited only once the header would be accepted.
        request_id = RequestIdFor(parser.get());
        refused_early = handler_.Precheck(parser.get(), request_id, connection.client);
        if (!refused_early) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          transport.expires_after(options_.write_timeout);
          auto [ec, n] = co_await asio::async_write(stream, asio::buffer(kContinue), kNoThrow);
          (void)n;
          if (ec) break;
        }
      }
      if (!refused_early) {
        transport.expires_after(options_.body_timeout);
        auto [body_ec, body_bytes] = co_await beast_http::async_read(stream, buffer, parser, kNoThrow);
        (void)body_bytes;
        if (body_ec) {
          if (body_ec != beast_http::error::body_limit && IsPeerGone(body_ec)) break;
          refusal = RefusalForReadError(body_ec, ReadPhase::kBody, request_limits);
        }
      }
    }

    HttpResponse response;
    std::optional<BodyStream> body_stream;
    bool keep_alive = false;
    bool head = false;
    if (refusal || refused_early) {
      // The rest of the stream cannot be trusted to frame the next request.
      // The header was parsed whole unless reading it failed; Beast reports
      // a declared body over the limit only after the last header field.
      const bool header_parsed = !header_ec || header_ec == beast_http::error::body_limit;
      const HttpRequest* header = header_parsed ? &parser.get() : nullptr;
      if (request_id.empty()) request_id = header != nullptr ? RequestIdFor(*header) : new_request_id_();
      if (refused_early) {
        response = std::move(*refused_early);
      } else {
        response = ErrorResponse(refusal->error, request_id);
        if (refusal->header_too_large) response.result(StatusCode::request_header_fields_too_large);
      }
      handler_.OnTransportError(header, response, request_id);
    } else {
      HttpRequest request = parser.release();
      request_id = RequestIdFor(request);
      keep_alive = request.keep_alive();
      head = request.method() == Verb::head;
      response = co_await handler_.Handle(request, request_id, connection.client, &body_stream);
      response.version(request.version());
    }
    if (body_stream && !head) {
      response.set("X-Request-Id", request_id);
      co_await StreamResponse(connection, response, std::move(*body_stream));
      break;
    }
    keep_alive = keep_alive && !draining_;
    response.set("X-Request-Id", request_id);
    response.keep_alive(keep_alive);
    if (const auto status = response.result();
        status == StatusCode::no_content || status == StatusCode::not_modified) {
      // Never a body, and no Content-Length either (RFC 9110 8.6, 15.4.5).
      response.body().clear();
      response.erase(beast_http::field::content_length);
    } else if (head) {
      // Every header GET would send, Content-Length included, and no body.
      response.content_length(response.body().size());
      response.body().clear();
    } else {
      response.prepare_payload();
    }

    transport.expires_after(options_.write_timeout);
    const std::string response_head = SerializeResponseHead(response);
    const std::array<asio::const_buffer, 2> message{asio::buffer(response_head),
                                                    asio::buffer(response.body())};
    auto [write_ec, written] = co_await asio::async_write(stream, message, kNoThrow);
    (void)written;
    // After a refusal the rest of the request was never read.
    if (refusal || refused_early) co_return !write_ec;
    if (write_ec || !keep_alive) break;
  }
  co_return false;
}

namespace {

// Writes each part of a streamed body: as one chunk on HTTP/1.1, as is
// on HTTP/1.0 (whose body then ends with the connection).
template <typename Stream>
class ConnectionBodyWriter final : public BodyWriter {
 public:
  ConnectionBodyWriter(Stream& stream, beast::tcp_stream& transport, bool chunked,
                       std::chrono::seconds timeout, const std::atomic<bool>& draining)
      : stream_(stream), transport_(transport), chunked_(chunked), timeout_(timeout), draining_(draining) {}

  Task<BodyWriteOutcome> Write(std::string_view bytes) override {
    if (bytes.empty()) co_return BodyWriteOutcome::kWritten;  // an empty chunk would end the body
    co_return co_await Send(bytes);
  }

  bool shutting_down() const override { return draining_.load(std::memory_order_relaxed); }

  // The end of the body: the last chunk (nothing on HTTP/1.0).
  Task<BodyWriteOutcome> Finish() {
    if (!chunked_) co_return BodyWriteOutcome::kWritten;
    static constexpr std::string_view kLastChunk = "0\r\n\r\n";
    co_return co_await SendRaw(asio::buffer(kLastChunk));
  }

 private:
  Task<BodyWriteOutcome> Send(std::string_view bytes) {
    if (!chunked_) co_return co_await SendRaw(asio::buffer(bytes));
    std::array<char, 20> size_line{};
    const int length = std::snprintf(size_line.data(), size_line.size(), "%zx\r\n", bytes.size());
    static constexpr std::string_view kCrlf = "\r\n";
    const std::array<asio::const_buffer, 3> chunk{
        asio::buffer(size_line.data(), static_cast<std::size_t>(length)), asio::buffer(bytes),
        asio::buffer(kCrlf)};
    co_return co_await SendRaw(chunk);
  }

  template <typename Buffers>
  Task<BodyWriteOutcome> SendRaw(const Buffers& buffers) {
    transport_.expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, buffers, kNoThrow);
    (void)n;
    if (!ec) co_return BodyWriteOutcome::kWritten;
    co_return ec == beast::error::timeout ? BodyWriteOutcome::kTooSlow : BodyWriteOutcome::kPeerGone;
  }

  Stream& stream_;
  beast::tcp_stream& transport_;
  const bool chunked_;
  const std::chrono::seconds timeout_;
  const std::atomic<bool>& draining_;
};

}  // namespace

template <typename Stream>
Task<void> HttpServer::StreamResponse(Connection<Stream>& connection, HttpResponse& response,
                                      BodyStream body) {
  // HTTP/1.0 has no chunks: the body runs until the connection closes.
  const bool chunked = response.version() >= 11;
  response.keep_alive(false);
  response.body().clear();
  response.erase(beast_http::field::content_length);
  if (chunked) response.set(beast_http::field::transfer_encoding, "chunked");
  connection.transport().expires_after(options_.write_timeout);
  const std::string head = SerializeResponseHead(response);
  auto [ec, n] = co_await asio::async_write(connection.stream, asio::buffer(head), kNoThrow);
  (void)n;
  if (ec) co_return;

  ConnectionBodyWriter<Stream> writer(connection.stream, connection.transport(), chunked,
                                      options_.stream_write_timeout, draining_);
  // Shutdown may have begun before the interrupt was in place: the body
  // sees shutting_down() then, and ends at once.
  connection.interrupt_stream = std::move(body.interrupt);
  if (!draining_) {
    Task<void> producing = body.produce(writer);
    co_await std::move(producing);
  }
  connection.interrupt_stream = nullptr;
  Task<BodyWriteOutcome> finishing = writer.Finish();
  co_await std::move(finishing);
}

void HttpServer::Shutdown(std::function<void()> on_drained) {
  if (draining_.exchange(true)) return;
  asio::post(acceptor_strand_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  {
    std::lock_guard lock(sessions_mutex_);
    for (const auto& session : sessions_) {
      asio::post(session->transport().get_executor(), [session] {
        if (session->idle) session->transport().cancel();
        if (session->interrupt_stream) session->interrupt_stream();
      });
    }
  }
  asio::co_spawn(acceptor_strand_, AwaitDrained(std::move(on_drained)), asio::detached);
}

Task<void> HttpServer::AwaitDrained(std::function<void()> on_drained) {
  // Polls rather than counting down: sessions end on their own strands, and
  // a short poll during shutdown costs nothing.
  const auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  asio::steady_timer timer(acceptor_strand_);
  for (;;) {
    {
      std::lock_guard lock(sessions_mutex_);
      if (sessions_.empty()) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        for (const auto& session : sessions_) {
          asio::post(session->transport().get_executor(), [session] { session->transport().close(); });
        }
        break;
      }
    }
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(kNoThrow);
  }
  on_drained();
}

}  // namespace wdrbe::http
