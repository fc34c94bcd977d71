#include "wdrbe/aws/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <cerrno>

namespace wdrbe::aws {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Deadline = std::chrono::steady_clock::time_point;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool HasHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (EqualsIgnoringCase(header.first, name)) return true;
  }
  return false;
}

Error Failed(const EndpointUrl& endpoint, std::string_view what, const boost::system::error_code& ec = {}) {
  std::string message = "HTTP request to " + endpoint.PoolKey() + " failed: " + std::string(what);
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    message += ": timed out";
  } else if (ec) {
    message += ": " + ec.message();
  }
  return Error::Unavailable(message);
}

std::chrono::milliseconds Remaining(Deadline deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

// Takes the request's body rather than copying it: a batch of spans or a
// DynamoDB batch write is hundreds of kilobytes.
bhttp::request<bhttp::string_body> BuildMessage(const EndpointUrl& endpoint, HttpRequest&& request) {
  bhttp::request<bhttp::string_body> message;
  const bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) {
    message.method_string(request.method);
  } else {
    message.method(verb);
  }
  message.target(endpoint.base_path + request.target);
  message.version(11);
  for (const auto& [name, value] : request.headers) message.insert(name, value);
  if (!HasHeader(request.headers, "host")) message.set(bhttp::field::host, endpoint.HostHeader());
  if (!HasHeader(request.headers, "user-agent")) message.set(bhttp::field::user_agent, "wdrbe");
  message.body() = std::move(request.body);
  if (!HasHeader(request.headers, "content-length")) message.prepare_payload();
  message.keep_alive(true);
  return message;
}

// What one request/response exchange on a connection gave.
struct ExchangeOutcome {
  Result<HttpResponse> response = Error::Internal("no exchange");
  bool answer_started = false;  // some byte of the answer arrived
  bool keep_alive = false;      // the connection may carry another request
};

template <typename Stream>
Task<ExchangeOutcome> Exchange(Stream& stream, beast::flat_buffer& buffer, const EndpointUrl& endpoint,
                               const bhttp::request<bhttp::string_body>& message, std::size_t max_bytes) {
  ExchangeOutcome out;
  auto [write_ec, written] = co_await bhttp::async_write(stream, message, kNoThrow);
  (void)written;
  if (write_ec) {
    out.response = Failed(endpoint, "cannot send the request", write_ec);
    co_return out;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(kMaxResponseHeaderBytes));
  parser.body_limit(max_bytes);
  auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
  out.answer_started = parser.got_some() || read > 0 || buffer.size() > 0;
  if (read_ec == bhttp::error::body_limit) {
    out.response = Error{
        ErrorCode::kPayloadTooLarge,
        "HTTP answer from " + endpoint.PoolKey() + " is larger than " + std::to_string(max_bytes) + " bytes",
        {}};
    co_return out;
  }
  if (read_ec == bhttp::error::header_limit) {
    out.response = Error{ErrorCode::kPayloadTooLarge,
                         "HTTP answer from " + endpoint.PoolKey() + " has a header block over " +
                             std::to_string(kMaxResponseHeaderBytes) + " bytes",
                         {}};
    co_return out;
  }
  if (read_ec) {
    out.response = Failed(endpoint, out.answer_started ? "the answer broke off" : "no answer", read_ec);
    co_return out;
  }
  const auto& message_in = parser.get();
  HttpResponse response;
  response.status = static_cast<int>(message_in.result_int());
  for (const auto& field : message_in) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = message_in.body();
  out.keep_alive = message_in.keep_alive();
  out.response = std::move(response);
  co_return out;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringCase(key, name)) return value;
  }
  return std::nullopt;
}

// One open connection, plain or TLS, with the bytes read past its last
// answer (none, for a well-behaved peer).
class Connection {
 public:
  beast::tcp_stream& Transport() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // The peer has not closed it and has sent nothing unasked. A peek that
  // does not block: 0 bytes means the peer's FIN arrived; any byte (a TLS
  // close_notify, a stray answer) means the stream is out of step.
  bool LooksReusable() {
    auto& socket = Transport().socket();
    if (!socket.is_open() || buffer.size() > 0) return false;
    char byte = 0;
    const ssize_t peeked = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
};

struct HttpClient::TlsContext {
  asio::ssl::context context{asio::ssl::context::tls_client};
};

Result<std::unique_ptr<HttpClient>> HttpClient::Create(asio::io_context& io, HttpClientOptions options) {
  if (!options.https) return std::unique_ptr<HttpClient>(new HttpClient(io, options, nullptr));
  auto tls = std::make_unique<TlsContext>();
  boost::system::error_code ec;
  if (options.ca_file) {
    tls->context.load_verify_file(*options.ca_file, ec);
    if (ec) return Error::BadRequest("cannot load CA file " + *options.ca_file + ": " + ec.message());
  } else {
    tls->context.set_default_verify_paths(ec);
    if (ec) return Error::BadRequest("cannot load the system's trusted certificates: " + ec.message());
  }
  tls->context.set_verify_mode(asio::ssl::verify_peer);
  if (SSL_CTX_set_min_proto_version(tls->context.native_handle(), TLS1_2_VERSION) != 1) {
    return Error::Internal("cannot set the minimum TLS version");
  }
  return std::unique_ptr<HttpClient>(new HttpClient(io, options, std::move(tls)));
}

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options, std::unique_ptr<TlsContext> tls)
    : io_(io), options_(std::move(options)), tls_(std::move(tls)) {}

HttpClient::~HttpClient() = default;

std::unique_ptr<Connection> HttpClient::TakeIdle(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& connections = it->second;
  while (!connections.empty()) {
    std::unique_ptr<Connection> connection = std::move(connections.back());
    connections.pop_back();
    if (connection->LooksReusable()) return connection;
    // Closed by the peer (or out of step): dropped here.
  }
  return nullptr;
}

void HttpClient::ReturnIdle(const std::string& key, std::unique_ptr<Connection> connection) {
  connection->Transport().expires_never();
  std::lock_guard lock(mutex_);
  auto& connections = idle_[key];
  if (connections.size() < options_.max_idle_per_endpoint) connections.push_back(std::move(connection));
}

std::size_t HttpClient::IdleConnections(const EndpointUrl& endpoint) const {
  std::lock_guard lock(mutex_);
  auto it = idle_.find(endpoint.PoolKey());
  return it == idle_.end() ? 0 : it->second.size();
}

namespace {

Task<Result<tcp::resolver::results_type>> Resolve(const EndpointUrl& endpoint, Deadline deadline) {
  using namespace asio::experimental::awaitable_operators;
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  asio::steady_timer timer(executor, deadline);
  Task<std::tuple<boost::system::error_code, tcp::resolver::results_type>> resolving =
      resolver.async_resolve(endpoint.host, endpoint.port, kNoThrow);
  Task<std::tuple<boost::system::error_code>> waiting = timer.async_wait(kNoThrow);
  auto first = co_await (std::move(resolving) || std::move(waiting));
  if (first.index() == 1) co_return Failed(endpoint, "cannot resolve the host", beast::error::timeout);
  auto [ec, results] = std::get<0>(std::move(first));
  if (ec) co_return Failed(endpoint, "cannot resolve the host", ec);
  co_return results;
}

}  // namespace

Task<Result<HttpResponse>> HttpClient::Send(const EndpointUrl& endpoint, HttpRequest request) {
  if (endpoint.tls && !tls_) {
    co_return Error::BadRequest("https://" + endpoint.HostHeader() + ": this client speaks plain http only");
  }
  const auto timeout = request.timeout.count() > 0 ? request.timeout : options_.default_timeout;
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  const bhttp::request<bhttp::string_body> message = BuildMessage(endpoint, std::move(request));
  const std::string key = endpoint.PoolKey();

  std::unique_ptr<Connection> connection = TakeIdle(key);
  bool reused = connection != nullptr;
  while (true) {
    if (!connection) {
      Task<Result<tcp::resolver::results_type>> resolving = Resolve(endpoint, deadline);
      Result<tcp::resolver::results_type> endpoints = co_await std::move(resolving);
      if (!endpoints.ok()) co_return endpoints.error();
      auto fresh = std::make_unique<Connection>();
      fresh->plain = std::make_unique<beast::tcp_stream>(io_);
      fresh->plain->expires_after(Remaining(deadline));
      auto [connect_ec, connected] = co_await fresh->plain->async_connect(*endpoints, kNoThrow);
      (void)connected;
      if (connect_ec) co_return Failed(endpoint, "cannot connect", connect_ec);
      if (endpoint.tls) {
        fresh->tls =
            std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*fresh->plain), tls_->context);
        fresh->plain.reset();
        SSL* ssl = fresh->tls->native_handle();
        if (endpoint.host_is_ip) {
          if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), endpoint.host.c_str()) != 1) {
            co_return Failed(endpoint, "cannot set the IP address to verify");
          }
        } else {
          // SNI for names only (RFC 6066). SSL_set_tlsext_host_name is a
          // macro over SSL_ctrl with a C cast.
          if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                       const_cast<char*>(endpoint.host.c_str())) != 1 ||
              SSL_set1_host(ssl, endpoint.host.c_str()) != 1) {
            co_return Failed(endpoint, "cannot set the TLS server name");
          }
        }
        auto [handshake_ec] = co_await fresh->tls->async_handshake(asio::ssl::stream_base::client, kNoThrow);
        if (handshake_ec)
          co_return Failed(endpoint, "TLS handshake (certificate verification) failed", handshake_ec);
      }
      connection = std::move(fresh);
    }

    connection->Transport().expires_after(Remaining(deadline));
    ExchangeOutcome outcome;
    if (connection->tls) {
      Task<ExchangeOutcome> exchange =
          Exchange(*connection->tls, connection->buffer, endpoint, message, options_.max_response_bytes);
      outcome = co_await std::move(exchange);
    } else {
      Task<ExchangeOutcome> exchange =
          Exchange(*connection->plain, connection->buffer, endpoint, message, options_.max_response_bytes);
      outcome = co_await std::move(exchange);
    }
    if (outcome.response.ok()) {
      if (outcome.keep_alive) ReturnIdle(key, std::move(connection));
      co_return std::move(outcome.response);
    }
    // A kept-alive connection the peer closed meanwhile: the request never
    // reached it, so sending it again on a fresh connection is safe.
    if (reused && !outcome.answer_started && Remaining(deadline).count() > 0) {
      connection.reset();
      reused = false;
      continue;
    }
    co_return outcome.response.error();
  }
}

}  // namespace wdrbe::aws
