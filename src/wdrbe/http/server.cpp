#include "wdrbe/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "wdrbe/http/responses.hpp"

namespace wdrbe::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxClientRequestIdLength = 128;

bool IsValidClientRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxClientRequestIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsPeerGone(const boost::system::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == beast::error::timeout || ec == asio::error::broken_pipe;
}

}  // namespace

// One accepted connection. `stream` is used only on its own strand;
// `idle` is true while it waits for the first byte of a request.
struct HttpServer::Session {
  explicit Session(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool idle = true;  // read and written on the stream's strand only
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
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kNoThrow);
    if (draining_ || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors or a transient network error: back off briefly
      // instead of spinning, then keep serving.
      asio::steady_timer pause(acceptor_strand_, std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_shared<Session>(std::move(socket));
    {
      std::lock_guard lock(sessions_mutex_);
      sessions_.insert(session);
    }
    asio::co_spawn(session->stream.get_executor(), RunSession(session), asio::detached);
  }
}

std::string HttpServer::RequestIdFor(const HttpRequest& request) {
  auto it = request.find("X-Request-Id");
  if (it != request.end() && IsValidClientRequestId(it->value())) return std::string(it->value());
  return new_request_id_();
}

Task<void> HttpServer::RunSession(std::shared_ptr<Session> session) {
  beast::tcp_stream& stream = session->stream;
  beast::flat_buffer buffer;
  for (;;) {
    if (draining_) break;
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);

    session->idle = buffer.size() == 0;
    stream.expires_after(options_.header_timeout);
    auto [header_ec, header_bytes] = co_await beast_http::async_read_header(stream, buffer, parser, kNoThrow);
    session->idle = false;
    (void)header_bytes;

    std::optional<Error> transport_error;
    if (header_ec) {
      if (IsPeerGone(header_ec)) break;
      if (header_ec == beast_http::error::header_limit) {
        transport_error = Error::BadRequest("request header block is larger than 8 KiB");
      } else if (header_ec == beast_http::error::body_limit) {
        // Beast checks a declared Content-Length against the limit while
        // reading the header, before any of the body is read.
        transport_error = Error{ErrorCode::kPayloadTooLarge, "request body is larger than 64 KiB", {}};
      } else {
        transport_error = Error::BadRequest("malformed HTTP request");
      }
    } else if (parser.content_length() && *parser.content_length() > options_.max_body_bytes) {
      transport_error = Error{ErrorCode::kPayloadTooLarge, "request body is larger than 64 KiB", {}};
    } else {
      if (beast_http::field expect = beast_http::field::expect;
          parser.get().count(expect) > 0 && beast::iequals(parser.get()[expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        stream.expires_after(options_.write_timeout);
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(kContinue), kNoThrow);
        (void)n;
        if (ec) break;
      }
      stream.expires_after(options_.body_timeout);
      auto [body_ec, body_bytes] = co_await beast_http::async_read(stream, buffer, parser, kNoThrow);
      (void)body_bytes;
      if (body_ec == beast_http::error::body_limit) {
        transport_error = Error{ErrorCode::kPayloadTooLarge, "request body is larger than 64 KiB", {}};
      } else if (body_ec) {
        if (IsPeerGone(body_ec)) break;
        transport_error = Error::BadRequest("malformed HTTP request body");
      }
    }

    HttpResponse response;
    bool keep_alive = false;
    std::string request_id;
    if (transport_error) {
      // The rest of the stream cannot be trusted to frame the next request.
      request_id = header_ec ? new_request_id_() : RequestIdFor(parser.get());
      response = ErrorResponse(*transport_error, request_id);
      if (header_ec == beast_http::error::header_limit) {
        response.result(StatusCode::request_header_fields_too_large);
      }
    } else {
      HttpRequest request = parser.release();
      request_id = RequestIdFor(request);
      keep_alive = request.keep_alive();
      response = co_await handler_.Handle(request, request_id);
      response.version(request.version());
    }
    keep_alive = keep_alive && !draining_;
    response.set("X-Request-Id", request_id);
    response.keep_alive(keep_alive);
    response.prepare_payload();

    stream.expires_after(options_.write_timeout);
    auto [write_ec, written] = co_await beast_http::async_write(stream, response, kNoThrow);
    (void)written;
    if (write_ec || !keep_alive) break;
  }

  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(session);
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
      asio::post(session->stream.get_executor(), [session] {
        if (session->idle) session->stream.cancel();
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
          asio::post(session->stream.get_executor(), [session] { session->stream.close(); });
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
