#include "wdrbe/auth/jwks_fetch.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <stdexcept>
#include <vector>

#include "wdrbe/auth/jwk.hpp"

namespace wdrbe {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// A JWKS response's header block; real ones are well under 1 KiB.
constexpr std::uint32_t kMaxResponseHeaderBytes = 16 * 1024;

Error Failed(const JwksUrl& url, std::string_view what, const boost::system::error_code& ec = {}) {
  std::string message = "JWKS fetch from " + url.host + ":" + url.port + " failed: " + std::string(what);
  if (ec) message += ": " + ec.message();
  return Error::Unavailable(message);
}

// Resolves the host; for plain http only loopback addresses are kept, so a
// "localhost" that resolves elsewhere never carries keys in clear text.
Task<Result<std::vector<tcp::endpoint>>> Resolve(const JwksUrl& url) {
  tcp::resolver resolver(co_await asio::this_coro::executor);
  auto [ec, results] = co_await resolver.async_resolve(url.host, url.port, kNoThrow);
  if (ec) co_return Failed(url, "cannot resolve the host", ec);
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : results) {
    if (!url.tls && !entry.endpoint().address().is_loopback()) continue;
    endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) co_return Failed(url, "the host has no usable address");
  co_return endpoints;
}

template <typename Stream>
Task<Result<std::string>> Exchange(const JwksUrl& url, Stream& stream) {
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, url.target, 11};
  const bool default_port = url.port == (url.tls ? "443" : "80");
  const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  request.set(bhttp::field::host, default_port ? host : host + ":" + url.port);
  request.set(bhttp::field::accept, "application/json");
  request.set(bhttp::field::user_agent, "wdrbe");
  request.set(bhttp::field::connection, "close");
  auto [write_ec, written] = co_await bhttp::async_write(stream, request, kNoThrow);
  (void)written;
  if (write_ec) co_return Failed(url, "cannot send the request", write_ec);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(kMaxJwksBytes);
  auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
  (void)read;
  if (read_ec == bhttp::error::body_limit) {
    co_return Failed(url, "the document is larger than " + std::to_string(kMaxJwksBytes) + " bytes");
  }
  if (read_ec) co_return Failed(url, "cannot read the response", read_ec);
  const auto& response = parser.get();
  if (response.result() != bhttp::status::ok) {
    co_return Failed(url, "answered " + std::to_string(response.result_int()) + " (200 required)");
  }
  co_return std::string(response.body());
}

}  // namespace

std::shared_ptr<asio::ssl::context> MakeJwksTlsContext() {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  context->set_default_verify_paths();
  context->set_verify_mode(asio::ssl::verify_peer);
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    throw std::runtime_error("cannot set the minimum TLS version");
  }
  return context;
}

Task<Result<std::string>> FetchJwks(const JwksUrl& url, asio::ssl::context& tls,
                                    std::chrono::milliseconds timeout) {
  Result<std::vector<tcp::endpoint>> endpoints = co_await Resolve(url);
  if (!endpoints.ok()) co_return endpoints.error();
  beast::tcp_stream transport(co_await asio::this_coro::executor);
  // One deadline for everything after resolving: every operation below
  // fails with a timeout once it passes.
  transport.expires_after(timeout);
  auto [connect_ec, connected] = co_await transport.async_connect(*endpoints, kNoThrow);
  (void)connected;
  if (connect_ec) co_return Failed(url, "cannot connect", connect_ec);
  if (!url.tls) {
    Task<Result<std::string>> exchange = Exchange(url, transport);
    Result<std::string> body = co_await std::move(exchange);
    boost::system::error_code ignored;
    transport.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return body;
  }

  beast::ssl_stream<beast::tcp_stream> stream(std::move(transport), tls);
  // SNI for names only: RFC 6066 forbids IP literals in server_name.
  // SSL_set_tlsext_host_name is a macro over SSL_ctrl with a C cast.
  if (!url.host_is_ip && SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                                  TLSEXT_NAMETYPE_host_name, const_cast<char*>(url.host.c_str())) != 1) {
    co_return Failed(url, "cannot set the TLS server name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (handshake_ec) co_return Failed(url, "TLS handshake (certificate verification) failed", handshake_ec);
  Task<Result<std::string>> exchange = Exchange(url, stream);
  Result<std::string> body = co_await std::move(exchange);
  // The document is complete (Content-Length or chunked end); a provider
  // that closes without close_notify does not matter any more.
  boost::system::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return body;
}

}  // namespace wdrbe
